"""`POST /secret-mounts/check`: which ranges of the submitted texts are mounted secret values.

Request `ILeakCheckRequest` `{texts: [{id, text}]}`, response `ILeakCheckResponse`
`{matches: [{id, start, end, mount, key, encoding}]}` with UTF-16 offsets (JavaScript string
indices). The answer names the folder and key, never the value.
"""

from __future__ import annotations

import json
from typing import Any

from ..scanner.utf16 import Utf16Offsets
from .value_index import ValueIndex

#: Largest request body accepted (the frontend sends at most 4 MiB of JSON per request).
MAX_BODY_BYTES = 8 * 1024 * 1024
#: Most texts in one request (a 500-cell notebook with outputs sends about 1,500).
MAX_TEXTS = 10_000

USAGE = 'Send a JSON body {"texts": [{"id": "<any string>", "text": "<text to check>"}]}.'


class BadCheckRequest(ValueError):
    """The body is not an `ILeakCheckRequest`; the message says how to fix it."""


class CheckTooLarge(ValueError):
    """The body exceeds the limits; the message says the limit."""


def characters(texts: list[tuple[str, str]]) -> int:
    """What a request costs against the sender's budget (`rate.CheckBudget`)."""
    return sum(len(text) for _, text in texts)


def parse_request(body: bytes) -> list[tuple[str, str]]:
    """`(id, text)` pairs of a request body, validated."""
    if len(body) > MAX_BODY_BYTES:
        raise CheckTooLarge(
            f"Leak-check request too large: {len(body)} bytes, the limit is {MAX_BODY_BYTES}. "
            "Send the texts in several smaller requests."
        )
    try:
        data = json.loads(body or b"null")
    except (ValueError, RecursionError):
        raise BadCheckRequest(f"The body is not valid JSON. {USAGE}") from None
    texts = data.get("texts") if isinstance(data, dict) else None
    if not isinstance(texts, list):
        raise BadCheckRequest(USAGE)
    if len(texts) > MAX_TEXTS:
        raise CheckTooLarge(
            f"Leak-check request has {len(texts)} texts, the limit is {MAX_TEXTS}. "
            "Send them in several smaller requests."
        )
    pairs: list[tuple[str, str]] = []
    for position, item in enumerate(texts):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("id"), str)
            or not isinstance(item.get("text"), str)
        ):
            raise BadCheckRequest(f"texts[{position}] needs a string id and a string text. {USAGE}")
        pairs.append((item["id"], item["text"]))
    return pairs


def check_texts(index: ValueIndex, texts: list[tuple[str, str]]) -> dict[str, Any]:
    """`ILeakCheckResponse` for the given texts."""
    matches: list[dict[str, Any]] = []
    for text_id, text in texts:
        found = index.find(text)
        if not found:
            continue
        utf16 = Utf16Offsets(text)
        matches.extend(
            {
                "id": text_id,
                "start": utf16(match.start),
                "end": utf16(match.end),
                "mount": match.mount,
                "key": match.key,
                "encoding": match.encoding,
            }
            for match in found
        )
    return {"matches": matches}
