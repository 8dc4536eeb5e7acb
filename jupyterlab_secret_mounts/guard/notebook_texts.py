"""The texts of a notebook that can hold a credential: cell sources and text outputs.

Mirrors the frontend's `src/notebook/outputtext.ts` (same MIME types, same names for streams
and errors, ANSI colours stripped from tracebacks) so both sides point at the same places.
Images, widgets and attachments are skipped; so is any part whose shape is not what nbformat
describes, so a malformed notebook never makes the caller crash.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

STDOUT = "application/vnd.jupyter.stdout"
STDERR = "application/vnd.jupyter.stderr"

#: Rich output MIME types worth scanning: the ones holding text a person or program wrote.
TEXT_MIME_TYPES = (
    "text/plain",
    "text/html",
    "text/markdown",
    "text/latex",
    "application/json",
    "application/javascript",
)

# Terminal colour codes: IPython tracebacks are full of them, and they can split a value.
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass(frozen=True)
class NotebookText:
    """One scanned text: a cell's source (``output`` is None) or one text of one output."""

    cell: int  # 0-based position of the cell in the notebook
    output: int | None  # 0-based position of the output in the cell, None for the source
    text: str
    mime: str | None = None  # how the output is rendered (None for the source)

    def describe(self) -> str:
        """Human place name, 1-based as people count cells: ``cell 3`` or ``cell 3 output``."""
        place = f"cell {self.cell + 1}"
        return place if self.output is None else f"{place} output"


def strip_ansi(text: str) -> str:
    return _ANSI_ESCAPE.sub("", text)


def notebook_texts(content: Any) -> Iterator[NotebookText]:
    """Yield every text of a notebook's JSON content (dict with ``cells``)."""
    cells = content.get("cells") if isinstance(content, dict) else None
    if not isinstance(cells, list):
        return
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            continue
        source = _joined(cell.get("source"))
        if source:
            yield NotebookText(index, None, source)
        outputs = cell.get("outputs")
        if not isinstance(outputs, list):
            continue
        for out_index, output in enumerate(outputs):
            for mime, text in output_texts(output):
                if text:
                    yield NotebookText(index, out_index, text, mime)


def output_texts(output: Any) -> list[tuple[str, str]]:
    """(MIME type, text) of one output: stream text, error traceback, textual rich data."""
    if not isinstance(output, dict):
        return []
    kind = output.get("output_type")
    if kind == "stream":
        mime = STDERR if output.get("name") == "stderr" else STDOUT
        return [(mime, _joined(output.get("text")))]
    if kind == "error":
        text = _joined(output.get("traceback"), sep="\n")
        if not text:
            text = f"{output.get('ename', '')}: {output.get('evalue', '')}"
        return [(STDERR, strip_ansi(text))]
    if kind in ("execute_result", "display_data", "update_display_data"):
        data = output.get("data")
        if not isinstance(data, dict):
            return []
        found: list[tuple[str, str]] = []
        for mime in TEXT_MIME_TYPES:
            value = data.get(mime)
            if mime == "application/json" and value is not None and not isinstance(value, str):
                # As JSON.stringify writes it (compact), so offsets agree with the frontend.
                text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
            else:
                text = _joined(value)
            if text:
                found.append((mime, text))
        return found
    return []


def _joined(value: Any, sep: str = "") -> str:
    """nbformat multiline strings are a str or a list of str (lines keep their newlines)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return sep.join(value)
    return ""
