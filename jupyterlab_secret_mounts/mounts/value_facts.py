"""What the panel may learn about a value without seeing it: text or binary, JSON, fingerprint,
and whether it is strong enough for exact-match leak checks."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import secrets
from dataclasses import dataclass

from ..scanner.heuristics import is_repetitive

# Fresh per server process: fingerprints show that a value changed, but a plain hash of a
# short password could be brute-forced offline, and a keyed one cannot without this key.
_FINGERPRINT_KEY = secrets.token_bytes(32)
FINGERPRINT_HEX_DIGITS = 16

#: Character classes and their sizes, for the brute-force estimate of `MatchStrength.bits`.
_CLASSES = (
    (re.compile(r"[0-9]"), 10),
    (re.compile(r"[a-z]"), 26),
    (re.compile(r"[A-Z]"), 26),
    (re.compile(r"[\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]"), 33),  # printable ASCII symbols
    (re.compile(r"[^\x00-\x7f]"), 128),  # a rough allowance for any non-ASCII character
)


@dataclass(frozen=True)
class MatchStrength:
    """How hard a value is to guess, as exact-match checks would search for it.

    `length` counts characters of the stripped text (bytes when binary). `bits` is log2 of a
    brute force over the character classes the value uses (10 digits, 26 lower, 26 upper, 33
    symbols): a six-digit PIN is 20 bits, eight random letters and digits 48. A repeated unit
    (`abcabcabc`, `aaaaaaaa`) counts as 0 bits.
    """

    length: int
    bits: float


@dataclass(frozen=True)
class MatchFloor:
    """The weakest value that may be indexed: weaker ones would make the check an oracle.

    Any string the check or the pre-save hook is shown is compared with every indexed value, so
    a value an attacker can enumerate (all million six-digit PINs fit in one request) could be
    recovered from where it matched. Such values are never indexed, and the panel says so.
    """

    min_length: int
    min_bits: float

    def admits(self, strength: MatchStrength) -> bool:
        return strength.length >= self.min_length and strength.bits >= self.min_bits


@dataclass(frozen=True)
class ValueFacts:
    binary: bool
    json: bool
    fingerprint: str
    strength: MatchStrength


def fingerprint(data: bytes) -> str:
    """Keyed, truncated HMAC-SHA256 of a value."""
    digest = hmac.new(_FINGERPRINT_KEY, data, hashlib.sha256).hexdigest()
    return digest[:FINGERPRINT_HEX_DIGITS]


def match_strength(data: bytes) -> MatchStrength:
    """`MatchStrength` of a value as read from its file (text is stripped, as it is indexed)."""
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        # Binary values are searched for in base64 only; a byte is up to 8 bits.
        latin = data.decode("latin-1")
        bits = 0.0 if is_repetitive(latin) else 8.0 * len(data)
        return MatchStrength(len(data), bits)
    if not text or is_repetitive(text):
        return MatchStrength(len(text), 0.0)
    alphabet = sum(size for pattern, size in _CLASSES if pattern.search(text))
    return MatchStrength(len(text), len(text) * math.log2(alphabet))


def facts(data: bytes) -> ValueFacts:
    """Describe a value; `json` means a JSON object or array (a bare `12345` is a password)."""
    strength = match_strength(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ValueFacts(binary=True, json=False, fingerprint=fingerprint(data), strength=strength)
    try:
        structured = isinstance(json.loads(text), (dict, list))
    except ValueError:
        structured = False
    return ValueFacts(
        binary=False, json=structured, fingerprint=fingerprint(data), strength=strength
    )
