"""Markers instead of every finding in a model about to be saved (not only printed values).

Used when a save must go through without its credentials (a collaborative save under `block`:
refusing it would lose every later edit, see docs/security-model.md). `redact.py` replaces the
mounted values printed in outputs on every save; this replaces whatever the check found, in any
part. Each finding's characters become a marker naming what was there (a rule id or a mounted
key, never the value), in the form `redact.py` writes:

- in a cell source or a text file, exactly the finding's characters;
- elsewhere (an output, metadata, an attachment), every occurrence of those characters in any
  string of that part (its scanned text may be derived: joined lines, JSON, a traceback without
  colour codes).

`redact` changes the model in place; the caller checks the result again and replaces whatever
still holds a finding as a whole (`redact_part`), so that no value is written in any case.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .findings import Finding, folder_name

#: Where a text of a file is: cell, part, output, MIME type, attachment name (all None: a file).
Place = tuple[int | None, str | None, int | None, str | None, str | None]

#: What the saved file holds instead of a credential (`what`: a rule id or a mounted key).
MARKER = "[secret-mounts: redacted {what}]"
#: The text of an output replaced as a whole.
OUTPUT_MARKER = "[secret-mounts: output removed, it held {what}]\n"
#: The source of a cell replaced as a whole (only if a marker in place did not suffice).
SOURCE_MARKER = "# [secret-mounts: cell source removed, it held {what}]\n"


def place(
    cell: int | None = None,
    part: str | None = None,
    output: int | None = None,
    mime: str | None = None,
    name: str | None = None,
) -> Place:
    return (cell, part, output, mime, name)


def place_of(finding: Finding) -> Place:
    return (finding.cell, finding.part, finding.output, finding.mime, finding.name)


def what_was_found(finding: Finding) -> str:
    """The rule id or the mounted key (folder base name and key), as messages name them."""
    if finding.mount:
        return f"{folder_name(finding.mount)}/{finding.key}"
    return str(finding.rule)


def marker(finding: Finding) -> str:
    return MARKER.format(what=what_was_found(finding))


def redact(model: dict[str, Any], texts: dict[Place, str], findings: Iterable[Finding]) -> None:
    """Put markers in `model` (a contents model) where `findings` are.

    `texts` maps each place to the text that was scanned there, which the findings' UTF-16
    offsets refer to.
    """
    by_place: dict[Place, list[Finding]] = {}
    for finding in findings:
        by_place.setdefault(place_of(finding), []).append(finding)
    for where, found in by_place.items():
        text = texts.get(where)
        if text is None:
            continue
        cell, part = where[0], where[1]
        if part is None:  # a text file
            if isinstance(model.get("content"), str):
                model["content"] = _replace_ranges(text, found)
            continue
        if part == "source" and cell is not None:
            target = _cell(model.get("content"), cell)
            if target is not None and _is_multiline(target.get("source")):
                target["source"] = _replace_ranges(text, found)
                continue
        swaps = {_slice(text, f): marker(f) for f in found}
        for holder, key in _containers(model.get("content"), where):
            holder[key] = _replace_everywhere(holder[key], swaps)


def redact_part(model: dict[str, Any], where: Place, what: str) -> bool:
    """Replace a whole part by a marker (or empty it); False when there is no such part."""
    cell, part = where[0], where[1]
    if part is None:
        if not isinstance(model.get("content"), str):
            return False  # a notebook read as one text: nothing smaller to replace
        model["content"] = MARKER.format(what=what) + "\n"
        return True
    holders = _containers(model.get("content"), where)
    for holder, key in holders:
        if part == "source":
            holder[key] = SOURCE_MARKER.format(what=what)
        elif key == "outputs":  # outputs of the wrong shape
            holder[key] = []
        elif part == "output" and cell is not None:
            holder[key] = {
                "output_type": "stream",
                "name": "stdout",
                "text": OUTPUT_MARKER.format(what=what),
            }
        else:  # metadata, attachments: emptied (nbformat wants a dict there)
            holder[key] = {}
    return bool(holders)


def _containers(content: Any, where: Place) -> list[tuple[Any, Any]]:  # noqa: PLR0911 (one per part)
    """(holder, key) of each JSON value the text at `where` was read from."""
    cell_index, part, output, _mime, name = where
    if not isinstance(content, dict):
        return []
    if cell_index is None:  # the notebook's own metadata
        return [(content, "metadata")] if part == "metadata" and "metadata" in content else []
    cell = _cell(content, cell_index)
    if cell is None:
        return []
    if part == "source":
        return [(cell, "source")] if "source" in cell else []
    if part == "attachment":
        attachments = cell.get("attachments")
        if name is not None and isinstance(attachments, dict) and name in attachments:
            return [(attachments, name)]
        return [(cell, "attachments")] if "attachments" in cell else []
    outputs = cell.get("outputs")
    if output is None:
        key = "metadata" if part == "metadata" else "outputs"
        return [(cell, key)] if key in cell else []
    if not isinstance(outputs, list) or not 0 <= output < len(outputs):
        return []
    if part == "metadata":
        item = outputs[output]
        return [(item, "metadata")] if isinstance(item, dict) and "metadata" in item else []
    # Consecutive streams of one name are scanned as one text, at the first of them.
    found = [(outputs, output)]
    first = outputs[output]
    if isinstance(first, dict) and first.get("output_type") == "stream":
        following = output + 1
        while following < len(outputs) and _same_stream(outputs[following], first):
            found.append((outputs, following))
            following += 1
    return found


def _same_stream(output: Any, first: dict[str, Any]) -> bool:
    return (
        isinstance(output, dict)
        and output.get("output_type") == "stream"
        and output.get("name") == first.get("name")
    )


def _cell(content: Any, index: int) -> dict[str, Any] | None:
    cells = content.get("cells") if isinstance(content, dict) else None
    if isinstance(cells, list) and 0 <= index < len(cells) and isinstance(cells[index], dict):
        return cells[index]
    return None


def _is_multiline(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(line, str) for line in value)
    )


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
