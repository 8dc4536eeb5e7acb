"""The forms in which a mounted secret value can show up in a notebook.

A value leaks verbatim (pasted into a cell, printed by code), base64-encoded (``kubectl get secret
-o yaml``, a Basic auth header, a docker ``auth`` field) or URL-encoded (a password inside a
connection URL). Each form is a literal string the value index searches for.
"""

from __future__ import annotations

import base64
from typing import Literal
from urllib.parse import quote, quote_plus

Encoding = Literal["raw", "base64", "url"]

# What JavaScript's encodeURIComponent leaves alone on top of Python's always-safe characters.
_JS_URI_SAFE = "!~*'()"


def value_forms(value: bytes) -> dict[str, Encoding]:
    """Literal forms of ``value`` mapped to the encoding the frontend is told about.

    Text values: the value with surrounding whitespace stripped (files written with ``echo`` end in
    a newline nobody pastes), its URL-encoded forms, and base64 of both the exact bytes and the
    stripped bytes. Binary values (not UTF-8): base64 only, since raw bytes cannot appear in
    notebook JSON text as such.
    """
    forms: dict[str, Encoding] = {}
    payloads = [value]
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        stripped = text.strip()
        if stripped:
            forms[stripped] = "raw"
            for encoded in (
                quote(stripped, safe=""),
                quote(stripped, safe=_JS_URI_SAFE),
                quote_plus(stripped, safe=""),
            ):
                forms.setdefault(encoded, "url")
            payloads.append(stripped.encode("utf-8"))
    for payload in payloads:
        for encoded in _base64_forms(payload):
            forms.setdefault(encoded, "base64")
    forms.pop("", None)
    return forms


def _base64_forms(payload: bytes) -> list[str]:
    """Standard and URL-safe base64 of ``payload``, padded, unpadded, and embedded.

    "Embedded" covers the value inside a longer base64 blob (``user:password`` in a Basic auth
    header): depending on how many bytes precede it (0, 1 or 2 modulo 3), the value's bits land
    at one of three alignments. For each, keep only the characters fully determined by the value.
    """
    if not payload:
        return []
    found: list[str] = []
    for alphabet in (base64.b64encode, base64.urlsafe_b64encode):
        padded = alphabet(payload).decode("ascii")
        found += [padded, padded.rstrip("=")]
        for shift in (0, 1, 2):
            core = _aligned_core(alphabet(b"\0" * shift + payload).decode("ascii"), shift, payload)
            if core:
                found.append(core)
    return found


def _aligned_core(encoded: str, shift: int, payload: bytes) -> str:
    """The characters of ``encoded`` (``shift`` unknown bytes + payload) set by payload alone."""
    unpadded = encoded.rstrip("=")
    total_bits = 8 * (shift + len(payload))
    first = -(-8 * shift // 6)  # first character whose 6 bits start after the unknown bytes
    last = total_bits // 6  # characters before this index hold no bits of what follows
    return unpadded[first:last]
