"""Python strings as JavaScript sees them: UTF-16 code units instead of code points.

The browser addresses text by UTF-16 code units, Python by code points: every character outside
the Basic Multilingual Plane (emoji, many CJK extensions) is one Python index but two JavaScript
indices. Ranges sent to the frontend must be in JavaScript units or highlights drift, and the
scanner port matches on code units so that its offsets, lengths and entropy agree with the browser.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ASTRAL_OR_SURROGATE = re.compile("[\U00010000-\U0010ffff\ud800-\udfff]")


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


def utf16_units(text: str) -> str:
    """`text` with each astral character split into its two surrogates (JavaScript's view)."""
    if text.isascii() or not _ASTRAL_OR_SURROGATE.search(text):
        return text
    # UTF-16-LE code units widened to UTF-32-LE code points, one to one (slicing runs in C).
    narrow = text.encode("utf-16-le", "surrogatepass")
    wide = bytearray(2 * len(narrow))
    wide[0::4] = narrow[0::2]
    wide[1::4] = narrow[1::2]
    return wide.decode("utf-32-le", "surrogatepass")
