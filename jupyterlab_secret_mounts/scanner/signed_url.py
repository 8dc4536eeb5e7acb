"""Expiry of a signed URL (S3/GCS V4 and V2, CloudFront, Azure SAS), as `src/scanner/signedurl.ts`.

The secret of such a URL is its signature; once expired it grants nothing.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

_SIGNED_AT = re.compile(
    r"X-(?:Amz|Goog)-Date=([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})Z",
    re.IGNORECASE,
)
_LIFETIME = re.compile(r"X-(?:Amz|Goog)-Expires=([0-9]{1,9})(?![0-9])", re.IGNORECASE)
#: V2 (`AWSAccessKeyId`/`GoogleAccessId`): `Expires` is the end itself, in seconds since the epoch.
_EXPIRES_AT = re.compile(r"(?<![A-Za-z0-9_-])Expires=([0-9]{1,12})(?![0-9])")
#: Azure SAS: `se` is the end as an ISO 8601 date or time (UTC), its colons perhaps escaped.
_SAS_END = re.compile(
    r"(?<![A-Za-z0-9_-])se=([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:T([0-9]{2})(?::|%3A)([0-9]{2})(?:(?::|%3A)([0-9]{2}))?)?(?![0-9])",
    re.IGNORECASE,
)
#: Characters that end a URL in text: whitespace, quotes, angle brackets.
_URL_END = frozenset(" \t\r\n\"'<>`")
#: How far the URL around a match is followed each way.
_URL_REACH = 4096


def url_around(text: str, start: int, end: int) -> str:
    """The URL (or other unbroken run of text) that holds `text[start:end]`.

    A signed URL's expiry may come before the part a rule matches (Azure puts `se=` before `sv=`).
    """
    low = max(0, start - _URL_REACH)
    while start > low and text[start - 1] not in _URL_END:
        start -= 1
    high = min(len(text), end + _URL_REACH)
    while end < high and text[end] not in _URL_END:
        end += 1
    return text[start:end]


def _utc(parts: tuple[str | None, ...]) -> float | None:
    """Seconds since the epoch of a date and time that exist, else None."""
    try:
        return datetime(*(int(part or 0) for part in parts), tzinfo=timezone.utc).timestamp()
    except ValueError:
        return None


def signed_url_expired(query: str, now: float) -> bool:
    """Whether the query expired before `now` (seconds since the epoch).

    V4: its Date plus Expires (seconds); V2 and CloudFront: Expires (seconds since the epoch);
    Azure: `se` (a UTC date or time). A query without them, or with a date that does not exist,
    is not known to have expired.
    """
    signed = _SIGNED_AT.search(query)
    lifetime = _LIFETIME.search(query)
    if signed is not None and lifetime is not None:
        start = _utc(signed.groups())
        return start is not None and start + int(lifetime.group(1)) < now
    end = _EXPIRES_AT.search(query)
    if end is not None:
        return int(end.group(1)) < now
    sas_end = _SAS_END.search(query)
    if sas_end is None:
        return False
    at = _utc(sas_end.groups())
    return at is not None and at < now
