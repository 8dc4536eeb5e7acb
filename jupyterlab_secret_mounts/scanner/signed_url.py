"""Expiry of a signed URL (AWS SigV4/V2, Google Cloud Storage V4/V2), as `src/scanner/signedurl.ts`.

The secret of such a URL is its signature; once expired it grants nothing.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

_SIGNED_AT = re.compile(r"X-(?:Amz|Goog)-Date=([0-9]{8}T[0-9]{6})Z", re.IGNORECASE | re.ASCII)
_LIFETIME = re.compile(r"X-(?:Amz|Goog)-Expires=([0-9]{1,9})(?![0-9])", re.IGNORECASE)
#: V2 (`AWSAccessKeyId`/`GoogleAccessId`): `Expires` is the end itself, in seconds since the epoch.
_EXPIRES_AT = re.compile(r"(?<![A-Za-z0-9_-])Expires=([0-9]{1,12})(?![0-9])")


def signed_url_expired(query: str, now: float) -> bool:
    """Whether the query expired before `now` (seconds since the epoch).

    V4: its Date plus Expires (seconds); V2: its Expires (seconds since the epoch). A query without
    them, or with a date that does not exist, is not known to have expired.
    """
    signed = _SIGNED_AT.search(query)
    lifetime = _LIFETIME.search(query)
    if signed is None or lifetime is None:
        end = _EXPIRES_AT.search(query)
        return end is not None and int(end.group(1)) < now
    try:
        start = datetime.strptime(signed.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return False
    return start.timestamp() + int(lifetime.group(1)) < now
