"""Convert Python ``str`` indices (code points) to JavaScript string indices (UTF-16 code units).

The browser addresses text by UTF-16 code units, Python by code points: every character outside
the Basic Multilingual Plane (emoji, many CJK extensions) is one Python index but two JavaScript
indices. Ranges sent to the frontend must be in JavaScript units or highlights drift.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Offsets:
    """Maps code point indices of one text to UTF-16 offsets in O(log k) (k astral characters)."""

    def __init__(self, text: str) -> None:
        # Code point index of every astral character; empty for the common all-BMP text.
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]

    def __call__(self, index: int) -> int:
        """UTF-16 offset of the code point index ``index`` (each astral char before it adds one)."""
        if not self._astral:
            return index
        return index + bisect_left(self._astral, index)
