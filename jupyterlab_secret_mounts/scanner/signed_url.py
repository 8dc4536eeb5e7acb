"""Expiry of a signed URL (AWS SigV4, Google Cloud Storage V4), as `src/scanner/signedurl.ts`.

The secret of such a URL is its signature; once expired it grants nothing.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

_SIGNED_AT = re.compile(r"X-(?:Amz|Goog)-Date=([0-9]{8}T[0-9]{6})Z", re.IGNORECASE | re.ASCII)
_LIFETIME = re.compile(r"X-(?:Amz|Goog)-Expires=([0-9]{1,9})(?![0-9])", re.IGNORECASE)


def signed_url_expired(query: str, now: float) -> bool:
    """Whether the query's Date plus Expires (seconds) is before `now` (seconds since the epoch).

    A query without both, or with a date that does not exist, is not known to have expired.
    """
    signed = _SIGNED_AT.search(query)
    lifetime = _LIFETIME.search(query)
    if signed is None or lifetime is None:
        return False
    try:
        start = datetime.strptime(signed.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return False
    return start.timestamp() + int(lifetime.group(1)) < now
