"""The text around a match that a rule's `nearby` and `notNearby` patterns search, as `nearby.ts`.

Whether a value is a key often shows only in what surrounds it (the service a request goes to, the
kind of config object it sits in).
"""

from __future__ import annotations

#: How far each way from a match its context reaches (UTF-16 code units).
NEARBY_REACH = 256


def text_nearby(units: str, start: int, end: int) -> str:
    """`units` from `NEARBY_REACH` before `start` to `NEARBY_REACH` after `end`."""
    return units[max(0, start - NEARBY_REACH) : end + NEARBY_REACH]
