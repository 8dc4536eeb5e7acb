"""The notebook-text contract: which texts of a notebook are scanned, and where each comes from.

The port of `src/scanner/notebook.ts` (the CLI's and the live guard's extractor): both produce the
texts the fixtures in `spec/notebooks/` expect, and `spec/README.md` says why each part is scanned
or not. A part of the wrong shape is scanned as its JSON text, so a malformed notebook is checked,
never skipped; only a document that is not an nbformat 4 notebook at all raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from .json_text import js_items, json_text

Part = Literal["source", "output", "metadata", "attachment"]


class NotebookParseError(ValueError):
    """The input is not an nbformat 4 notebook (same messages as the TypeScript extractor)."""


@dataclass(frozen=True)
class NotebookText:
    """One text of a notebook that is scanned on its own, and where it comes from."""

    cell: int | None  # 0-based cell index; None for the notebook's own metadata
    part: Part
    text: str
    output: int | None = None  # 0-based output index (its text, or its metadata)
    mime: str | None = None  # MIME type of output or attachment data; `stream`, `error`
    name: str | None = None  # attachment name

    def describe(self) -> str:
        """Human place name, 1-based as people count cells: ``cell 3 output``."""
        where = {
            "source": "",
            "output": " output",
            "metadata": " metadata" if self.output is None else " output metadata",
            "attachment": " attachments" if self.name is None else f" attachment {self.name}",
        }[self.part]
        return f"notebook{where}" if self.cell is None else f"cell {self.cell + 1}{where}"


#: Terminal control sequences (colours, cursor moves), as ECMA-48 writes them.
_TERMINAL_CODES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")

_NBCONVERT = 'convert it with "jupyter nbconvert --to notebook"'


def without_terminal_codes(text: str) -> str:
    """Terminal text as JupyterLab shows it: a value split by colour codes is one value."""
    return _TERMINAL_CODES.sub("", text)


def _is_json_mime(mime: str) -> bool:
    return mime == "application/json" or mime.endswith("+json")


def is_text_mime(mime: str) -> bool:
    """`text/*`, JSON, XML (SVG too) and JavaScript; other data is a payload never scanned."""
    return (
        mime.startswith("text/")
        or _is_json_mime(mime)
        or mime == "application/xml"
        or mime.endswith("+xml")
        or mime == "application/javascript"
    )


def _is_multiline(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(line, str) for line in value)
    )


def _text_of(value: Any, separator: str = "") -> str:
    """A multiline string's text, nothing for null, else the JSON text: any part of the wrong
    shape is scanned this way (checked, never skipped)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if _is_multiline(value):
        return separator.join(value)
    return json_text(value)


def _data_text(mime: str, value: Any) -> str:
    if value is None:
        return ""
    if _is_json_mime(mime):
        return value if isinstance(value, str) else json_text(value)
    if mime == "text/plain":  # rendered as terminal text, colours and all
        return without_terminal_codes(_text_of(value))
    if is_text_mime(mime):
        return _text_of(value)
    # A payload is skipped; anything else under a binary type is not one.
    return "" if _is_multiline(value) else json_text(value)


def _bundle_texts(bundle: dict[str, Any]) -> list[tuple[str, str]]:
    return [(mime, _data_text(mime, value)) for mime, value in js_items(bundle)]


def _metadata_text(metadata: Any) -> str:
    if not isinstance(metadata, dict):
        return _text_of(metadata)
    return json_text(metadata) if metadata else ""


def _error_text(output: dict[str, Any]) -> str:
    traceback = without_terminal_codes(_text_of(output.get("traceback"), "\n"))
    ename = without_terminal_codes(_text_of(output.get("ename")))
    evalue = without_terminal_codes(_text_of(output.get("evalue")))
    if (not ename and not evalue) or (traceback and evalue in traceback):
        return traceback
    return f"{ename}: {evalue}" + (f"\n{traceback}" if traceback else "")


def _one_output_texts(output: Any) -> list[tuple[str | None, str]]:
    if not isinstance(output, dict):
        return [(None, _text_of(output))]
    kind = output.get("output_type")
    if kind == "error":
        return [("error", _error_text(output))]
    if kind in ("execute_result", "display_data", "update_display_data"):
        data = output.get("data")
        if isinstance(data, dict):
            return list(_bundle_texts(data))
        return [(None, _text_of(data))]
    return [(None, json_text(output))]  # not an output nbformat 4 knows: all of it


def _is_stream_named(output: Any, name: str) -> bool:
    return (
        isinstance(output, dict)
        and output.get("output_type") == "stream"
        and output.get("name") == name
    )


def _output_texts(cell: int, outputs: list[Any]) -> Iterator[NotebookText]:
    """The texts of a cell's outputs: each output's texts, then its metadata. Consecutive
    streams of one name are one text (as JupyterLab shows and saves them), at the first."""
    index = 0
    while index < len(outputs):
        output = outputs[index]
        end = index + 1
        if isinstance(output, dict) and output.get("output_type") == "stream":
            text = _text_of(output.get("text"))
            name = output.get("name")
            if isinstance(name, str):
                while end < len(outputs) and _is_stream_named(outputs[end], name):
                    text += _text_of(outputs[end].get("text"))
                    end += 1
            yield NotebookText(cell, "output", without_terminal_codes(text), index, "stream")
        else:
            for mime, text in _one_output_texts(output):
                yield NotebookText(cell, "output", text, index, mime)
        for i in range(index, end):
            item = outputs[i]
            metadata = _metadata_text(item.get("metadata")) if isinstance(item, dict) else ""
            yield NotebookText(cell, "metadata", metadata, i)
        index = end


def _attachment_texts(cell: int, attachments: Any) -> Iterator[NotebookText]:
    if not isinstance(attachments, dict):
        yield NotebookText(cell, "attachment", _text_of(attachments))
        return
    for name, bundle in js_items(attachments):
        yield NotebookText(cell, "attachment", name, name=name)
        if isinstance(bundle, dict):
            for mime, text in _bundle_texts(bundle):
                yield NotebookText(cell, "attachment", text, mime=mime, name=name)
        else:
            yield NotebookText(cell, "attachment", _text_of(bundle), name=name)


def _cell_texts(index: int, cell: dict[str, Any]) -> Iterator[NotebookText]:
    yield NotebookText(index, "source", _text_of(cell.get("source")))
    yield from _attachment_texts(index, cell.get("attachments"))
    outputs = cell.get("outputs")
    if isinstance(outputs, list):
        yield from _output_texts(index, outputs)
    else:
        yield NotebookText(index, "output", _text_of(outputs))
    yield NotebookText(index, "metadata", _metadata_text(cell.get("metadata")))


def notebook_texts(content: Any) -> list[NotebookText]:
    """Every text of a notebook's JSON content, in order (empty texts left out).

    Raises `NotebookParseError` when the content is not an nbformat 4 notebook.
    """
    if not isinstance(content, dict):
        raise NotebookParseError("a notebook must be a JSON object")
    version = content.get("nbformat")
    if isinstance(version, (int, float)) and not isinstance(version, bool) and version < 4:
        raise NotebookParseError(f"nbformat {json_text(version)} is not supported ({_NBCONVERT})")
    cells = content.get("cells")
    if not isinstance(cells, list):
        raise NotebookParseError('a notebook must have a "cells" list')
    texts: list[NotebookText] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            raise NotebookParseError(f"cells[{index}] must be an object")
        texts.extend(_cell_texts(index, cell))
    texts.append(NotebookText(None, "metadata", _metadata_text(content.get("metadata"))))
    return [text for text in texts if text.text]


def parse_notebook(text: str) -> Any:
    """A notebook file's JSON, read as `JSON.parse` reads it (no NaN or Infinity)."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as error:
        raise NotebookParseError(f"not valid JSON: {error}") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
