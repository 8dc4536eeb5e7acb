"""What a contents model writes, as text the guard can check, whatever its format.

JupyterLab saves notebooks as `type: notebook` JSON and text files as `format: text`, but its
file browser uploads every file as `format: base64`, and a `.ipynb` may arrive as a text or
base64 file. All of them are decoded here: a notebook (by type, or a `.ipynb` file whose text
is notebook JSON) gives its cell and output texts, any other UTF-8 file its text. Bytes that
are not UTF-8 are binary: only exact mounted values are looked for in them (read leniently),
never credential patterns, which would fire on random bytes.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..scanner.json_text import json_text
from ..scanner.notebook import NotebookParseError, NotebookText, notebook_texts

#: The `cell` of a text file's only text (reported as no cell at all).
TEXT_FILE = -1


@dataclass
class ModelContent:
    """The checkable content of one model: a notebook's JSON or a file's text."""

    text: str = ""
    #: The notebook JSON when the model holds one (its outputs can be redacted in place).
    notebook: Any = None
    #: Not UTF-8 (`text` is read leniently): look for exact values only.
    binary: bool = False
    #: Puts an edited `notebook` back into the model (re-encodes file models).
    store: Callable[[], None] = field(default=lambda: None)

    def texts(self) -> list[NotebookText]:
        """What to check, as it is now (after any redaction)."""
        text = self.text
        if self.notebook is not None:
            try:
                return notebook_texts(self.notebook)
            except NotebookParseError:
                # Not a notebook this check can read (nbformat 3, no cells): all of it, as one text.
                text = json_text(self.notebook)
        return [NotebookText(TEXT_FILE, "source", text)] if text else []


def read_model(model: Any, path: str) -> ModelContent | None:
    """The content of a save, or None when there is nothing to check (a folder, no content)."""
    if not isinstance(model, dict):
        return None
    content = model.get("content")
    if model.get("type") == "notebook" and content is not None:
        return ModelContent(notebook=content)
    if model.get("type") != "file" or not isinstance(content, str):
        return None
    decoded = _file_text(content, model.get("format"))
    if decoded is None or decoded.binary or not path.endswith(".ipynb"):
        return decoded
    notebook = _notebook_json(decoded.text)
    if notebook is None:
        return decoded

    def store() -> None:
        written = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"  # nbformat's layout
        if model.get("format") == "base64":
            model["content"] = base64.b64encode(written.encode("utf-8")).decode("ascii")
        else:
            model["content"] = written

    return ModelContent(notebook=notebook, store=store)


def _file_text(content: str, file_format: object) -> ModelContent | None:
    if file_format != "base64":
        return ModelContent(content)
    try:
        data = base64.b64decode(content.encode("ascii"), validate=False)
    except (binascii.Error, ValueError):
        return None  # jupyter_server refuses it with a 400 itself
    try:
        return ModelContent(data.decode("utf-8"))
    except UnicodeDecodeError:
        return ModelContent(data.decode("utf-8", errors="replace"), binary=True)


def _notebook_json(text: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) and isinstance(parsed.get("cells"), list) else None
