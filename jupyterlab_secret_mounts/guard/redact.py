"""Output redaction: mounted values in a notebook's outputs replaced by a marker.

The frontend masks a printed mounted value on screen; with `SecretMounts.redact_outputs` the
pre-save hook writes the same thing to disk, so the saved file holds what the user saw. Every
form the value index knows (raw, base64, URL-encoded) is replaced, in every string of every
output (stream text, tracebacks, rich data, output metadata) except the payloads of binary MIME
types (images, PDF: not text by the notebook-text contract's `is_text_mime`), which are base64
of bytes and not text anyone printed.

The marker names the folder and key the value came from, never the value:
`[secret-mounts: redacted db-creds/password]`. Folder and key names are not secret under this
extension's security model (the panel lists them, save messages name them), and naming them
tells the reader which secret was printed and where to read it from instead.

`redact_notebook` and `redact_text` are the reusable parts (the pre-save hook uses them; so can
anything else that writes a notebook, such as a collaborative-editing save).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..scanner.notebook import is_text_mime
from .findings import Redaction, folder_name
from .value_index import ValueMatch

#: Finds the mounted values in a text (`ValueIndex.find`).
FindValues = Callable[[str], Sequence[ValueMatch]]


def marker(mount: str, key: str) -> str:
    """What a redacted value becomes in the saved file."""
    return f"[secret-mounts: redacted {folder_name(mount)}/{key}]"


def redact_text(text: str, find: FindValues) -> tuple[str, list[ValueMatch]]:
    """`text` with every mounted value (any form) replaced by its marker, and what was found."""
    found = find(text)
    if not found:
        return text, []
    parts: list[str] = []
    position = 0
    for match in found:  # in text order, not overlapping
        parts += [text[position : match.start], marker(match.mount, match.key)]
        position = match.end
    parts.append(text[position:])
    return "".join(parts), list(found)


def redact_notebook(notebook: Any, find: FindValues) -> list[Redaction]:
    """Redact the outputs of a notebook's JSON content in place; returns what was replaced.

    Sources are left alone: a value typed into a cell is the save policy's business (`warn`
    or `block`), since rewriting code behind the author's back would change what it does.
    """
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return []
    done: list[Redaction] = []
    for cell_index, cell in enumerate(cells):
        outputs = cell.get("outputs") if isinstance(cell, dict) else None
        if not isinstance(outputs, list):
            continue
        for output_index, output in enumerate(outputs):
            if not isinstance(output, dict):
                continue
            for name, value in output.items():
                if name == "output_type":
                    continue
                output[name], matches = _redact_value(
                    value, find, top=name == "data", multiline=name != "traceback"
                )
                done += [Redaction(cell_index, output_index, m.mount, m.key) for m in matches]
    return done


def _redact_value(
    value: Any, find: FindValues, *, top: bool = False, multiline: bool = True
) -> tuple[Any, list[ValueMatch]]:
    """Strings anywhere inside `value` (lists, dicts, nbformat's multiline strings) redacted.

    `top` marks a MIME bundle (`data`), whose binary payloads are skipped; a list of strings
    is one multiline string unless `multiline` is false (a traceback is a list of lines).
    """
    if isinstance(value, str):
        return redact_text(value, find)
    if multiline and isinstance(value, list) and all(isinstance(part, str) for part in value):
        # nbformat's multiline string (lines that keep their "\n"): a value may span lines.
        joined, found = redact_text("".join(value), find)
        return (joined.splitlines(keepends=True) if found else value), found
    found: list[ValueMatch] = []
    if isinstance(value, list):
        for position, item in enumerate(value):
            value[position], matches = _redact_value(item, find)
            found += matches
    elif isinstance(value, dict):
        for key, item in value.items():
            if top and not is_text_mime(key):
                continue  # a payload (image, PDF): base64 of bytes, not text anyone printed
            value[key], matches = _redact_value(item, find)
            found += matches
    return value, found
