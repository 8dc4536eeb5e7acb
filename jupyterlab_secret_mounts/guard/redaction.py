"""Markers instead of credentials in a model about to be saved: the one place markers are written.

Used when a save must go through without its credentials (a collaborative save under `block`:
refusing it would lose every later edit, see docs/security-model.md). Each finding's characters
become a marker naming what was there (a rule id or a mounted key, never the value):

- in a cell source or a text file, exactly the finding's characters;
- in an output, every occurrence of those characters in any string of that output (the
  scanned text of an output may be derived: joined lines, a JSON dump, a traceback without
  colour codes).

`redact` changes the model in place; the caller checks the result again and replaces whatever
still holds a finding as a whole (`redact_part`), so that no value is written in any case.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .findings import Finding

#: What the saved file holds instead of a credential (`what`: a rule id or a mounted key).
MARKER = "<removed by secret-mounts: {what}>"
#: The text of an output replaced as a whole.
OUTPUT_MARKER = "<output removed by secret-mounts: it held {what}>\n"
#: The source of a cell replaced as a whole (only if a marker in place did not suffice).
SOURCE_MARKER = "# <cell source removed by secret-mounts: it held {what}>\n"


def what_was_found(finding: Finding) -> str:
    """The rule id or the mounted key (folder base name and key), as messages name them."""
    if finding.mount:
        folder = finding.mount.rstrip("/").rsplit("/", 1)[-1]
        return f"{folder}/{finding.key}"
    return str(finding.rule)


def marker(finding: Finding) -> str:
    return MARKER.format(what=what_was_found(finding))


def redact(
    model: dict[str, Any],
    texts: dict[tuple[int | None, int | None, str | None], str],
    findings: Iterable[Finding],
) -> None:
    """Put markers in `model` (a contents model) where `findings` are.

    `texts` maps each finding's place `(cell, output, mime)` to the text that was scanned there,
    which the findings' UTF-16 offsets refer to.
    """
    by_place: dict[tuple[int | None, int | None, str | None], list[Finding]] = {}
    for finding in findings:
        by_place.setdefault((finding.cell, finding.output, finding.mime), []).append(finding)
    content = model.get("content")
    for (cell, output, mime), found in by_place.items():
        text = texts.get((cell, output, mime))
        if text is None:
            continue
        if cell is None:
            if isinstance(content, str):
                model["content"] = _replace_ranges(content, found)
            continue
        target = _cell(content, cell)
        if target is None:
            continue
        if output is None:
            target["source"] = _replace_ranges(text, found)
            continue
        outputs = target.get("outputs")
        if isinstance(outputs, list) and 0 <= output < len(outputs):
            swaps = {_slice(text, f): marker(f) for f in found}
            outputs[output] = _replace_everywhere(outputs[output], swaps)


def redact_part(model: dict[str, Any], cell: int | None, output: int | None, what: str) -> None:
    """Replace a whole text file, cell source or output by a marker."""
    content = model.get("content")
    if cell is None:
        model["content"] = MARKER.format(what=what) + "\n"
        return
    target = _cell(content, cell)
    if target is None:
        return
    if output is None:
        target["source"] = SOURCE_MARKER.format(what=what)
        return
    outputs = target.get("outputs")
    if isinstance(outputs, list) and 0 <= output < len(outputs):
        outputs[output] = {
            "output_type": "stream",
            "name": "stdout",
            "text": OUTPUT_MARKER.format(what=what),
        }


def _cell(content: Any, index: int) -> dict[str, Any] | None:
    cells = content.get("cells") if isinstance(content, dict) else None
    if isinstance(cells, list) and 0 <= index < len(cells) and isinstance(cells[index], dict):
        return cells[index]
    return None


def _replace_ranges(text: str, findings: list[Finding]) -> str:
    """`text` with each finding's range (merged where they overlap) replaced by its marker."""
    spans = sorted((_index(text, f.start), _index(text, f.end), marker(f)) for f in findings)
    merged: list[tuple[int, int, str]] = []
    for start, end, label in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, label))
    for start, end, label in reversed(merged):
        text = text[:start] + label + text[end:]
    return text


def _replace_everywhere(value: Any, swaps: dict[str, str]) -> Any:
    """A copy of a JSON value with every occurrence of each key of `swaps` replaced."""
    if isinstance(value, str):
        for secret, label in swaps.items():
            if secret:
                value = value.replace(secret, label)
        return value
    if isinstance(value, list):
        return [_replace_everywhere(item, swaps) for item in value]
    if isinstance(value, dict):
        return {key: _replace_everywhere(item, swaps) for key, item in value.items()}
    return value


def _slice(text: str, finding: Finding) -> str:
    return text[_index(text, finding.start) : _index(text, finding.end)]


def _index(text: str, units: int) -> int:
    """Code point index of a UTF-16 offset in `text` (findings count as JavaScript does)."""
    if text.isascii():
        return units
    head = text.encode("utf-16-le", "surrogatepass")[: 2 * units]
    return len(head.decode("utf-16-le", "surrogatepass"))
