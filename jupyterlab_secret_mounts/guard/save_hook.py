"""The `ContentsManager` pre-save hook enforcing `SecretMounts.save_policy`.

Registered with `register_pre_save_hook` at extension load, so jupyter_server runs an admin's own
`ContentsManager.pre_save_hook` first and this one after it (on the model that hook left).
It checks notebooks (every text of the notebook-text contract, `spec/README.md`) and text files
for credential patterns and for the exact values of mounted secrets:

- `off`: nothing is checked;
- `warn`: the save goes through; the findings are kept for `GET /secret-mounts/findings?path=`;
- `block`: the save is refused with HTTP 403 naming the places (never the value); the file on
  disk is left as it was, since pre-save hooks run before anything is written.

A scanner failure never loses the user's work: it is logged (without details that could hold a
value) and the save goes through, as jupyter_server does for failing hooks.

The check has a time budget (`SecretMounts.save_check_seconds`): exact values are always looked
for in full (one linear pass), credential patterns until the budget runs out. A check that
could not finish refuses the save under `block` and says it was incomplete under `warn`.
`offloop.check_saves_off_loop` runs the check in a worker thread before jupyter_server's save
calls the hook, so that a large save does not stall every other request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from tornado.web import HTTPError

from ..logsafe import loggable
from ..scanner import ScanTimeout
from ..scanner.json_text import json_text
from ..scanner.notebook import NotebookParseError, NotebookText, Part, notebook_texts
from ..scanner.utf16 import Utf16Offsets
from .findings import MAX_STORED_FINDINGS, Finding, FindingsStore, SaveReport, normalize_path, now
from .value_index import ValueIndex

#: The `cell` of a text file's only text (reported as no cell at all).
TEXT_FILE = -1

#: Places named in a refusal before "and N more".
MAX_PLACES_NAMED = 8

#: Characters of an attachment's name shown in a message.
MAX_NAME = 40


class PatternHit(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def rule(self) -> str: ...


class PatternScanner(Protocol):
    """The credential-pattern engine (scanner/engine.py): offsets in UTF-16 code units already;
    raises `ScanTimeout` once `deadline` (a `time.monotonic()` value) passed."""

    def scan(self, text: str, deadline: float | None = None) -> Sequence[PatternHit]: ...


@dataclass
class ScanResult:
    """The findings of one check, at most `MAX_STORED_FINDINGS` of them kept."""

    findings: list[Finding] = field(default_factory=list)
    total: int = 0
    complete: bool = True

    def add(self, found: Iterable[Finding]) -> None:
        for finding in found:
            self.total += 1
            if len(self.findings) < MAX_STORED_FINDINGS:
                self.findings.append(finding)


@dataclass(frozen=True)
class _Place:
    cell: int | None
    part: Part | None
    output: int | None
    name: str | None

    def describe(self) -> str:
        if self.part is None:
            return "the file"
        name = None if self.name is None else _shown_name(self.name)
        return NotebookText(self.cell, self.part, "", self.output, name=name).describe()


class SaveGuard:
    """Callable pre-save hook; `policy` and `budget` are read at every save so reloads apply."""

    def __init__(
        self,
        policy: Callable[[], str],
        values: Callable[[], ValueIndex],
        patterns: PatternScanner,
        store: FindingsStore,
        log: logging.Logger,
        *,
        budget: Callable[[], float] = lambda: 10.0,
    ) -> None:
        self._policy = policy
        self._values = values
        self._patterns = patterns
        self._store = store
        self._log = log
        self._budget = budget
        #: Reports worked out off the event loop, by the id of the model they are for.
        self._prechecked: dict[int, tuple[Any, SaveReport | None]] = {}
        self._prechecked_lock = threading.Lock()
        self.__name__ = "secret_mounts_pre_save_hook"  # jupyter_server logs hooks by name

    def __call__(self, model: Any, path: str = "", **_: Any) -> None:
        with self._prechecked_lock:
            held = self._prechecked.pop(id(model), None)
        report = held[1] if held is not None and held[0] is model else self.check(model, path)
        if report is not None:
            self.enforce(report)

    def precheck(self, model: Any, path: str) -> None:
        """Check now (in a worker thread) what the hook will enforce for this very model."""
        report = self.check(model, path)
        with self._prechecked_lock:
            self._prechecked[id(model)] = (model, report)

    def forget(self, model: Any) -> None:
        """Drop a precheck the hook did not use (the save failed before the hooks ran)."""
        with self._prechecked_lock:
            self._prechecked.pop(id(model), None)

    def check(self, model: Any, path: str = "") -> SaveReport | None:
        """The report for saving `model` at `path`; None when nothing is checked."""
        policy = self._policy()
        if policy == "off" or not isinstance(model, dict):
            return None
        texts = _texts_of(model)
        if texts is None:
            return None
        path = normalize_path(path)
        budget = self._budget()
        try:
            result = self.scan(texts, time.monotonic() + budget)
        except Exception:  # noqa: BLE001 - never lose a save to a scanner bug
            self._log.error(
                "secret-mounts: the pre-save check failed on %s; saved unchecked", loggable(path)
            )
            return None
        blocked = policy == "block" and (bool(result.findings) or not result.complete)
        message = describe(result, blocked, budget)
        return SaveReport(
            path,
            policy,
            blocked,
            message,
            tuple(result.findings),
            now(),
            result.total,
            result.complete,
        )

    def enforce(self, report: SaveReport) -> None:
        """Keep the report for the frontend, log it, and refuse the save when it is blocked."""
        self._store.record(report)
        if report.findings or report.blocked or not report.complete:  # names only, no value
            (self._log.warning if report.blocked else self._log.info)(
                "secret-mounts: %s: %s", loggable(report.path), loggable(report.message, 2000)
            )
        if report.blocked:
            raise HTTPError(403, report.message, reason="Save blocked by the secret-mounts policy")

    def scan(self, texts: Iterable[NotebookText], deadline: float | None = None) -> ScanResult:
        """Exact-value findings of every text, then pattern findings until `deadline`."""
        values = self._values()
        parts = list(texts)
        exact = [_exact_findings(values, part) for part in parts]
        result = ScanResult()
        for part, found in zip(parts, exact):
            if result.complete:
                try:
                    hits = self._patterns.scan(part.text, deadline)
                except ScanTimeout:
                    result.complete = False
                    hits = []
                # An exact mounted value says more than a pattern over the same characters.
                result.add(
                    Finding(hit.start, hit.end, **_where(part), rule=hit.rule)
                    for hit in hits
                    if not any(hit.start < f.end and f.start < hit.end for f in found)
                )
            result.add(found)
        return result


def _exact_findings(values: ValueIndex, part: NotebookText) -> list[Finding]:
    utf16 = Utf16Offsets(part.text)
    return [
        Finding(
            utf16(match.start),
            utf16(match.end),
            **_where(part),
            mount=match.mount,
            key=match.key,
            encoding=match.encoding,
        )
        for match in values.find(part.text)
    ]


def _where(part: NotebookText) -> dict[str, Any]:
    """The place fields of a finding in this text (none for a whole file)."""
    if part.cell == TEXT_FILE:
        return {}
    return {
        "cell": part.cell,
        "part": part.part,
        "output": part.output,
        "mime": part.mime,
        "name": part.name,
    }


def _whole_file(text: str) -> list[NotebookText]:
    return [NotebookText(TEXT_FILE, "source", text)] if text else []


def _texts_of(model: dict[str, Any]) -> list[NotebookText] | None:
    """The texts to check, or None for what is not checked (binary uploads, no content)."""
    content = model.get("content")
    if model.get("type") == "notebook" and content is not None:
        try:
            return notebook_texts(content)
        except NotebookParseError:
            # Not a notebook this check can read (nbformat 3, no cells): all of it, as one text.
            return _whole_file(json_text(content))
    if model.get("type") == "file" and model.get("format") == "text" and isinstance(content, str):
        # Text files (.py, .env, .yaml...) spread credentials through git just as well.
        return _whole_file(content)
    return None


def describe(result: ScanResult, blocked: bool, budget: float = 0.0) -> str:
    """One human sentence naming each place and what was found there, never a value."""
    findings = result.findings
    incomplete = (
        ""
        if result.complete
        else (
            f"The check could not finish within {budget:g} s (the file is large or full of "
            "credential-like text), so it is incomplete. "
        )
    )
    if not findings:
        if result.complete:
            return "No credentials found."
        if blocked:
            return (
                f"Save blocked by the secret-mounts policy: {incomplete}"
                "Split the file, or ask the administrator to raise "
                "c.SecretMounts.save_check_seconds."
            )
        return f"Saved. {incomplete}".strip()
    by_place: dict[_Place, list[str]] = {}
    for finding in findings:
        place = _Place(finding.cell, finding.part, finding.output, finding.name)
        what = (
            f"matches mounted secret {_short_mount(finding.mount)}/{finding.key}"
            if finding.mount
            else str(finding.rule)
        )
        labels = by_place.setdefault(place, [])
        if what not in labels:
            labels.append(what)
    named = [f"{place.describe()} ({', '.join(labels)})" for place, labels in by_place.items()]
    if len(named) > MAX_PLACES_NAMED:
        named = [*named[:MAX_PLACES_NAMED], f"and {len(named) - MAX_PLACES_NAMED} more"]
    lead = "Save blocked by the secret-mounts policy" if blocked else "Saved, but found"
    count = (
        f" ({result.total} findings, the first {len(findings)} listed)"
        if result.total > len(findings)
        else ""
    )
    return (
        f"{lead}: credential-like values in {', '.join(named)}{count}. {incomplete}"
        "Replace them with a secret reference (read the mounted file instead)."
    )


def _shown_name(name: str) -> str:
    """An attachment name fit for one line of a message: short, printable, without `%`."""
    printable = "".join(c if c.isprintable() else "?" for c in name).replace("%", "")
    return printable if len(printable) <= MAX_NAME else printable[: MAX_NAME - 1] + "…"


def _short_mount(mount: str | None) -> str:
    """The folder's base name; `%` dropped since tornado %-formats HTTP error messages."""
    name = (mount or "").rstrip("/").rsplit("/", 1)[-1] or (mount or "")
    return name.replace("%", "")
