"""What the panel may learn about a value without seeing it: text or binary, JSON, fingerprint."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

# Fresh per server process: fingerprints show that a value changed, but a plain hash of a
# short password could be brute-forced offline, and a keyed one cannot without this key.
_FINGERPRINT_KEY = secrets.token_bytes(32)
FINGERPRINT_HEX_DIGITS = 16


@dataclass(frozen=True)
class ValueFacts:
    binary: bool
    json: bool
    fingerprint: str


def fingerprint(data: bytes) -> str:
    """Keyed, truncated HMAC-SHA256 of a value."""
    digest = hmac.new(_FINGERPRINT_KEY, data, hashlib.sha256).hexdigest()
    return digest[:FINGERPRINT_HEX_DIGITS]


def facts(data: bytes) -> ValueFacts:
    """Describe a value; `json` means a JSON object or array (a bare `12345` is a password)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ValueFacts(binary=True, json=False, fingerprint=fingerprint(data))
    try:
        structured = isinstance(json.loads(text), (dict, list))
    except ValueError:
        structured = False
    return ValueFacts(binary=False, json=structured, fingerprint=fingerprint(data))
