"""Value heuristics of the credential scanner, ported from `src/scanner/heuristics.ts`.

Strings here are in UTF-16 code units (see `utf16.utf16_units`), as in JavaScript, and each
heuristic looks at the first `HEURISTIC_SPAN` units only, so results agree with the TypeScript
engine to the bit (the entropy sums in the same order).
"""

from __future__ import annotations

import math
import re
from collections import Counter

#: Characters of a value the heuristics look at: placeholders are short, a key body is judged
#: by its start.
HEURISTIC_SPAN = 128

_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}\Z")
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_CAPITALIZED = re.compile(r"[A-Z][a-z]{3,}|(?<![A-Za-z])[a-z]{4,}(?=[A-Z])")
_VOWEL = re.compile(r"[aeiouAEIOU]")
_FIVE_CONSONANTS = re.compile(r"[^aeiouAEIOU]{5}")
_NON_LETTER = re.compile(r"[^A-Za-z]")
_CAMEL_IDENTIFIER = re.compile(r"[_$]{0,2}((?:[A-Za-z][a-z]+)(?:[A-Z][a-z]+)*)")
_CAMEL_WORD = re.compile(r"[A-Za-z][a-z]+")
_THREE_CONSONANTS = re.compile(r"[^aeio]{3}")
_THREE_VOWELS = re.compile(r"[aeio]{3}")


def entropy_floor(rule_floor: float, value: str) -> float:
    """The entropy `value` must reach under a rule's floor.

    A value of n characters has at most log2(n) bits per character, so a short value is held to
    half a bit below that instead.
    """
    length = len(value[:HEURISTIC_SPAN])
    return min(rule_floor, math.log2(length) - 0.5) if length else -math.inf


def shannon_entropy(value: str) -> float:
    """Shannon entropy in bits per character: log2(n) - sum(count * log2(count)) / n."""
    head = value[:HEURISTIC_SPAN]
    if not head:
        return 0.0
    counts = Counter(head)  # first-occurrence order, like the TypeScript loops
    weighted = 0.0
    for char, count in counts.items():
        if char < "\x80":
            weighted += count * math.log2(count)
    for char, count in counts.items():
        if char >= "\x80":
            weighted += count * math.log2(count)
    return math.log2(len(head)) - weighted / len(head)


def _rank(c: int) -> int:
    """Position in its run alphabet: digits 0-9, letters (either case) 10-35, else -1."""
    if 48 <= c <= 57:
        return c - 48
    if 97 <= c <= 122:
        return c - 87
    if 65 <= c <= 90:
        return c - 55
    return -1


def _follows(a: int, b: int, direction: int) -> bool:
    if a < 0 or b < 0 or (a < 10) != (b < 10):
        return False
    if b - a == direction:
        return True
    return a < 10 and ((a == 9 and b == 0) if direction == 1 else (a == 0 and b == 9))


def is_sequential(value: str) -> bool:
    """Made of alphabet or digit runs ("12345678", "aBcDeF"): hand-typed placeholders."""
    units = longest = covered = run = direction = 0
    previous = -1
    for char in value[:HEURISTIC_SPAN]:
        r = _rank(ord(char))
        if r >= 0 and r == previous:
            continue  # "aAbB" reads as "ab"
        units += 1
        if run == 1 and _follows(previous, r, 1):
            run, direction = 2, 1
        elif run == 1 and _follows(previous, r, -1):
            run, direction = 2, -1
        elif run >= 2 and _follows(previous, r, direction):
            run += 1
        else:  # the run ends; this character starts the next one
            covered += run if run >= 4 else 0
            longest = max(longest, run)
            run, direction = 1, 0
        previous = r
    covered += run if run >= 4 else 0
    longest = max(longest, run)
    share = covered / units if units else 0
    return longest >= 8 or (longest >= 5 and share >= 0.25) or (longest >= 4 and share >= 0.5)


def is_repetitive(value: str) -> bool:
    """One short unit repeated ("abcd1234abcd1234..."): 90% of positions equal one unit back."""
    head = value[:HEURISTIC_SPAN]
    length = len(head)
    if length < 8:
        return False
    for unit in range(1, min(16, length // 3) + 1):
        budget = math.floor(0.1 * (length - unit))
        differing = sum(1 for a, b in zip(head, head[unit:], strict=False) if a != b)
        if differing <= budget:
            return True
    return False


def is_word_like(value: str) -> bool:
    """Camel- or Pascal-case words ("AgencyIdentificationCode", "componentDidMount") cover 60%.

    A word is Capitalized, or 4+ lower-case letters starting the value (or after a non-letter)
    that run into an upper-case letter. It could be pronounced: it has a vowel and no five
    consonants in a row. A camel-case identifier of shorter words reads as words too.
    """
    head = value[:HEURISTIC_SPAN]
    covered = sum(len(word) for word in _CAPITALIZED.findall(head) if _is_pronounceable(word))
    return covered >= 0.6 * len(head) or is_camel_identifier(value)


def is_camel_identifier(value: str) -> bool:
    """One camel- or Pascal-case identifier of 3+ short words ("setMinLevelToZero").

    Letters only after at most two `_` or `$`; each word an upper-case letter (the first word's
    may be lower case) and 1+ lower-case letters, pronounceable. Random letters almost never split
    so: they have two capitals in a row or a word without a vowel.
    """
    if len(value) > HEURISTIC_SPAN:
        return False
    match = _CAMEL_IDENTIFIER.fullmatch(value)
    if match is None:
        return False
    words = _CAMEL_WORD.findall(match.group(1))
    return len(words) >= 3 and all(_is_pronounceable(word) for word in words)


_HEXSPEAK = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"}
_HEX_PART = re.compile(r"[0-9A-Fa-f]{4,}")
_HEX_SEPARATOR = re.compile(r"[:._-]")


def is_hex_words(value: str) -> bool:
    """Hexspeak: English-looking words spelled in hex digits ("cafeb4b3:d3adb33f"), made up.

    Hex, 8+ digits in parts of 4+ separated by `:`, `.`, `_` or `-`; each part, its digits read
    as letters (0 o, 1 i, 3 e, 4 a, 5 s, 7 t; 2, 6, 8, 9 as none), is a third vowels (a, e, i,
    o) with neither three consonants nor three vowels in a row.
    """
    if len(value) > HEURISTIC_SPAN:
        return False
    parts = _HEX_SEPARATOR.split(value)
    if not all(_HEX_PART.fullmatch(part) for part in parts) or sum(map(len, parts)) < 8:
        return False
    for part in parts:
        letters = "".join(_HEXSPEAK.get(c, c) for c in part.lower())
        vowels = sum(c in "aeio" for c in letters)
        if any(c.isdigit() for c in letters) or 3 * vowels < len(letters):
            return False
        if _THREE_CONSONANTS.search(letters) or _THREE_VOWELS.search(letters):
            return False
    return True


def has_non_letter(value: str) -> bool:
    """A character other than an ASCII letter (a digit, a symbol) in the value's head."""
    return _NON_LETTER.search(value[:HEURISTIC_SPAN]) is not None


def _is_pronounceable(word: str) -> bool:
    return _VOWEL.search(word) is not None and _FIVE_CONSONANTS.search(word) is None


def decode_base64_text(value: str) -> str | None:
    """The printable ASCII a base64 (standard or URL-safe) value decodes to, else None."""
    if len(value) > HEURISTIC_SPAN or not _BASE64.match(value):
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
