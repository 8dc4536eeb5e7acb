"""Value heuristics of the credential scanner, ported from `src/scanner/heuristics.ts`.

Strings here are in UTF-16 code units (see `patterns.utf16_units`), as in JavaScript, so the
entropy and lengths agree with the TypeScript engine to the bit.
"""

from __future__ import annotations

import math
import re
from collections import Counter

_CAPITALIZED_WORD = re.compile(r"[A-Z][a-z]{3,}")
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{12,}={0,2}\Z")
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def shannon_entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    length = len(value)
    if not length:
        return 0.0
    return -sum(n / length * math.log2(n / length) for n in Counter(value).values())


def _rank(c: int) -> int:
    """Position in its run alphabet: digits 0-9, lowercase letters 10-35, else -1."""
    if 48 <= c <= 57:
        return c - 48
    if 97 <= c <= 122:
        return c - 87
    return -1


def _follows(a: int, b: int, direction: int) -> bool:
    if a < 0 or b < 0 or (a < 10) != (b < 10):
        return False
    if b - a == direction:
        return True
    return a < 10 and ((a == 9 and b == 0) if direction == 1 else (a == 0 and b == 9))


def is_sequential(value: str) -> bool:
    """Made of alphabet or digit runs ("12345678", "aBcDeF"): hand-typed placeholders."""
    # JavaScript's for-of walks code points: join surrogate pairs back for the count.
    points = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    ranks: list[int] = []
    previous = -2
    for ch in points.lower():
        r = _rank(ord(ch))
        if r == previous and r >= 0:
            continue  # "aAbB" reads as "ab"
        ranks.append(r)
        previous = r
    longest = covered = i = 0
    while i < len(ranks):
        run = 1
        if i + 1 < len(ranks):
            for direction in (1, -1):
                j = i
                while j + 1 < len(ranks) and _follows(ranks[j], ranks[j + 1], direction):
                    j += 1
                run = max(run, j - i + 1)
        if run >= 4:
            covered += run
        longest = max(longest, run)
        i += run
    share = covered / len(ranks) if ranks else 0
    return longest >= 8 or (longest >= 5 and share >= 0.25) or (longest >= 4 and share >= 0.5)


def is_repetitive(value: str) -> bool:
    """One short unit repeated ("abcd1234abcd1234...")."""
    length = len(value)
    if length < 8:
        return False
    for unit in range(1, min(16, length // 3) + 1):
        same = sum(1 for i in range(length - unit) if value[i] == value[i + unit])
        if same >= 0.9 * (length - unit):
            return True
    return False


def is_word_like(value: str) -> bool:
    """Reads as Capitalized words ("AgencyIdentificationCode"), as identifiers and prose do."""
    covered = sum(len(word) for word in _CAPITALIZED_WORD.findall(value))
    return covered >= 0.6 * len(value)


def decode_base64_text(value: str) -> str | None:
    """The printable ASCII a base64 (standard or URL-safe) value decodes to, else None."""
    if not _BASE64.match(value):
        return None
    body = value.rstrip("=")
    if len(body) % 4 == 1:
        return None
    bits = bit_count = 0
    out: list[str] = []
    for ch in body:
        v = _ALPHABET.find(ch)
        if v < 0:
            v = 62 if ch in "+-" else 63
        bits = ((bits << 6) | v) & 0xFFFFFF
        bit_count += 6
        if bit_count >= 8:
            bit_count -= 8
            byte = (bits >> bit_count) & 0xFF
            if not (0x20 <= byte < 0x7F or byte in (9, 10, 13)):
                return None
            out.append(chr(byte))
    return "".join(out) if len(out) >= 4 else None
