"""JSON text as JavaScript writes it: `JSON.stringify(value, null, 1)`, character for character.

The notebook-text contract scans structured values (metadata, JSON output data) as this text, and
the frontend and the CLI make it with `JSON.stringify`; the server must make the same text so that
both find the same things at the same offsets. `json.dumps` differs in three ways, handled here:
numbers (`1.0` is `1`, `1e-07` is `1e-7`, integers past 2**53 lose precision as JavaScript reads
them), property order (JavaScript puts integer-like keys first, ascending) and lone surrogates
(escaped by JavaScript).
"""

from __future__ import annotations

import math
import re
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) quotes with
from typing import Any

_MAX_SAFE_INTEGER = 2**53
_MAX_ARRAY_INDEX = 2**32 - 2
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")
_LONE_SURROGATE = re.compile(
    r"[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]"
)


def json_text(value: Any) -> str:
    """The JSON text of a value parsed from JSON (dict, list, str, int, float, bool, None)."""
    chunks: list[str] = []
    _write(value, "\n", chunks)
    return "".join(chunks)


def js_items(mapping: dict[str, Any]) -> list[tuple[str, Any]]:
    """A JSON object's members in JavaScript's order: array-index keys first, ascending."""
    indices = [key for key in mapping if _is_array_index(key)]
    if not indices:
        return list(mapping.items())
    indices.sort(key=int)
    first = set(indices)
    return [(key, mapping[key]) for key in indices] + [
        (key, item) for key, item in mapping.items() if key not in first
    ]


def _is_array_index(key: str) -> bool:
    return (
        key[:1].isdigit()
        and _ARRAY_INDEX.fullmatch(key) is not None
        and int(key) <= _MAX_ARRAY_INDEX
    )


def _write(value: Any, newline: str, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(_string(value))
    elif value is None:
        out.append("null")
    elif isinstance(value, bool):
        out.append("true" if value else "false")
    elif isinstance(value, int):
        out.append(_integer(value))
    elif isinstance(value, float):
        out.append(_number(value))
    elif isinstance(value, dict):
        _write_members(js_items(value), "{", "}", newline, out)
    elif isinstance(value, (list, tuple)):
        _write_members([(None, item) for item in value], "[", "]", newline, out)
    else:  # not a JSON value: its text, as a string
        out.append(_string(str(value)))


def _write_members(
    members: list[tuple[str | None, Any]], open_: str, close: str, newline: str, out: list[str]
) -> None:
    if not members:
        out.append(open_ + close)
        return
    inner = newline + " "
    out.append(open_)
    for i, (key, item) in enumerate(members):
        out.append(("," if i else "") + inner)
        if key is not None:
            out.append(_string(key) + ": ")
        _write(item, inner, out)
    out.append(newline + close)


def _string(text: str) -> str:
    quoted: str = encode_basestring(text)
    if _LONE_SURROGATE.search(quoted):
        quoted = _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)
    return quoted


def _integer(number: int) -> str:
    if -_MAX_SAFE_INTEGER <= number <= _MAX_SAFE_INTEGER:
        return str(number)
    try:
        return _number(float(number))  # the nearest double, as JSON.parse reads it
    except OverflowError:
        return "null"  # Infinity


def _number(number: float) -> str:
    """ECMAScript's Number::toString: the shortest digits (as repr), laid out JavaScript's way."""
    if not math.isfinite(number):
        return "null"
    if number == 0:
        return "0"
    text = repr(number)
    if "e" not in text:  # 1e-4 <= |number| < 1e16: the same digits, without Python's ".0"
        return text[:-2] if text.endswith(".0") else text
    sign = "-" if number < 0 else ""
    mantissa, _, exponent = repr(abs(number)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    # The value is 0.<digits> * 10**point.
    point = len(whole) - (len(whole + fraction) - len(digits)) + int(exponent or 0)
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= point <= 21:
        text = digits + "0" * (point - k)
    elif 0 < point <= 21:
        text = f"{digits[:point]}.{digits[point:]}"
    elif -6 < point <= 0:
        text = "0." + "0" * -point + digits
    else:
        e = point - 1
        head = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
        text = f"{head}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + text
