"""The `ContentsManager` pre-save hook enforcing `SecretMounts.save_policy`.

Registered with `register_pre_save_hook` at extension load, so jupyter_server runs an admin's own
`ContentsManager.pre_save_hook` first and this one after it (on the model that hook left).
`contents_guard` sends the saves the hook does not see here too (each chunk of an upload,
renames, checkpoint restores). It checks notebooks (every text of the notebook-text contract,
`spec/README.md`) and text files, in whatever format they arrive (`save_content`), for credential
patterns and for the exact values of mounted secrets:

- `off`: nothing is checked;
- `warn`: the save goes through; the findings are kept for `GET /secret-mounts/findings?path=`;
- `block`: the save is refused with HTTP 403 naming the places (never the value); the file on
  disk is left as it was, since pre-save hooks run before anything is written. A save of a
  document open in a real-time collaboration room is not refused (the collaboration server,
  not a page, saves it, and a refused save loses every later edit once the room closes): it is
  written with markers in place of the findings (`markers.py`) while the shared document keeps
  them, until someone fixes them. Only a check that saw everything can be marked: an
  incomplete one is refused as any other (the room still holds the edits).

Every report goes to `notify` (the save-check event every open page listens to), so whoever
or whatever saved, every collaborator hears of findings.

With `redact_outputs` (whatever the policy), mounted values in outputs are first replaced by a
marker (`redact`), so the saved file holds what the masked output showed.

The check has a time budget (`SecretMounts.save_check_seconds`): exact values are always looked
for in full (one linear pass), credential patterns until the budget runs out. A check that could
not complete (out of time, a secret folder unreadable mid-rotation, a scanner bug) is never
passed off as clean: under `block` the save is refused saying so; under `warn` it is saved and
reported as incompletely checked. `offloop.check_saves_off_loop` runs the check in a worker
thread before jupyter_server's save calls the hook, so that a large save does not stall every
other request.
"""

from __future__ import annotations

import base64
import binascii
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from tornado.web import HTTPError

from ..logsafe import loggable
from ..scanner import ScanTimeout
from ..scanner.notebook import NotebookText, Part
from ..scanner.utf16 import Utf16Offsets
from .findings import (
    MAX_STORED_FINDINGS,
    Finding,
    FindingsStore,
    Redaction,
    SaveReport,
    folder_name,
    normalize_path,
    now,
)
from .live_index import ValuesUnavailable
from .markers import Place, place, place_of, redact, redact_part, what_was_found
from .redact import redact_notebook
from .save_content import TEXT_FILE, ModelContent, read_model
from .uploads import Streams, TextStream
from .value_index import ValueIndex

#: Places named in a refusal before "and N more".
MAX_PLACES_NAMED = 8

#: Characters of an attachment's name shown in a message.
MAX_NAME = 40

#: The ways into a file, as messages name them.
Action = Literal["save", "upload", "rename", "restore"]
_ACTION = {"save": "Save", "upload": "Upload", "rename": "Rename", "restore": "Checkpoint restore"}
_DONE = {"save": "Saved", "upload": "Uploaded", "rename": "Renamed", "restore": "Restored"}


class SaveRefused(HTTPError):
    """A save the policy refused (the message names places, never a value; already logged)."""


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
        redact_outputs: Callable[[], bool] = lambda: False,
        collaborative: Callable[[str], bool] = lambda path: False,
        notify: Callable[[SaveReport, SaveReport | None], None] = lambda report, previous: None,
    ) -> None:
        self._policy = policy
        self._values = values
        self._patterns = patterns
        self._store = store
        self._log = log
        self._budget = budget
        self._redact_outputs = redact_outputs
        self._collaborative = collaborative
        self._notify = notify
        #: Reports worked out off the event loop, by the id of the model they are for.
        self._prechecked: dict[int, tuple[Any, SaveReport | None]] = {}
        self._prechecked_lock = threading.Lock()
        self._uploads = Streams()
        #: Set by `contents_guard` once it checks every chunk of an upload itself.
        self.checks_chunks = False
        self.__name__ = "secret_mounts_pre_save_hook"  # jupyter_server logs hooks by name

    def __call__(self, model: Any, path: str = "", **_: Any) -> None:
        if self.checks_chunks and is_chunk(model):
            return  # checked piece by piece by check_chunk
        with self._prechecked_lock:
            held = self._prechecked.pop(id(model), None)
        report = held[1] if held is not None and held[0] is model else self.check(model, path)
        if report is not None:
            self.enforce(report)

    def precheck(self, model: Any, path: str) -> None:
        """Check now (in a worker thread) what the hook will enforce for this very model."""
        if self.checks_chunks and is_chunk(model):
            return
        report = self.check(model, path)
        with self._prechecked_lock:
            self._prechecked[id(model)] = (model, report)

    def forget(self, model: Any) -> None:
        """Drop a precheck the hook did not use (the save failed before the hooks ran)."""
        with self._prechecked_lock:
            self._prechecked.pop(id(model), None)

    def check(
        self, model: Any, path: str = "", action: Action = "save", *, redact: bool = True
    ) -> SaveReport | None:
        """The report for writing `model` at `path`; None when nothing is checked.

        With `redact` (and the `redact_outputs` setting), mounted values in a notebook's outputs
        are replaced in `model` itself first (the report lists them).
        """
        policy = self._policy()
        redacting = redact and self._redact_outputs()
        if policy == "off" and not redacting:
            return None
        content = read_model(model, path)
        if content is None:
            return None
        path = normalize_path(path)
        budget = self._budget()
        redacted: list[Redaction] = []
        try:
            values = self._values()
            if redacting:
                redacted = _redact(content, values)
            if policy == "off" and not redacted:
                return None
            result = (
                ScanResult()  # only redacted: nothing else is looked for
                if policy == "off"
                else self.scan(
                    content.texts(), time.monotonic() + budget, values=values, binary=content.binary
                )
            )
        except Exception as error:  # noqa: BLE001 - reported, and refused under block
            return self._incomplete(path, policy, action, self._reason(error, path))
        blocked = policy == "block" and (bool(result.findings) or not result.complete)
        # Only what the check saw in full can be marked (an incomplete check is still refused).
        marked = (
            blocked
            and action == "save"
            and result.complete
            and self._collaborative(path)
            and self._save_without(model, path, result.findings, budget)
        )
        blocked = blocked and not marked
        return SaveReport(
            path,
            policy,
            blocked,
            describe(result, blocked, budget, action, redacted, marked=marked),
            tuple(result.findings),
            now(),
            result.total,
            result.complete,
            tuple(redacted),
            marked,
        )

    def check_and_enforce(
        self, model: Any, path: str, action: Action, *, redact: bool = True
    ) -> SaveReport | None:
        """`check`, then `enforce` (for the ways into a file that do not go through the hook)."""
        report = self.check(model, path, action, redact=redact)
        if report is not None:
            self.enforce(report)
        return report

    def enforce(self, report: SaveReport) -> None:
        """Keep the report for the frontend, log it, tell the pages, refuse a blocked save."""
        previous = self._store.record(report)
        self._log_report(report, previous)
        self._notify(report, previous)
        if report.blocked:
            # `%` dropped: tornado %-formats HTTP error messages.
            message = report.message.replace("%", "")
            raise SaveRefused(403, message, reason="Refused by the secret-mounts policy")

    def _save_without(self, model: Any, path: str, findings: list[Finding], budget: float) -> bool:
        """Put markers in `model` where `findings` are; False if some value would still be saved.

        The model is checked again: what a marker in place did not clear (a value split across
        the lines of an output, findings beyond the stored ones) is replaced as a whole part.
        A failure of that check is False too (the save is then refused): jupyter_server would
        log an exception out of a pre-save hook and write the model as it is.
        """
        try:
            texts = {place(**_where(text)): text.text for text in _texts(model, path)}
            redact(model, texts, findings)
            for _ in range(3):
                left = self.scan(_texts(model, path), time.monotonic() + budget)
                if not left.complete:
                    return False
                if left.total == 0:
                    return True
                parts: dict[Place, set[str]] = {}
                for finding in left.findings:
                    parts.setdefault(place_of(finding), set()).add(what_was_found(finding))
                for where, found in parts.items():
                    if not redact_part(model, where, ", ".join(sorted(found))):
                        return False
        except Exception as error:  # noqa: BLE001 - refused, never written unchecked
            self._reason(error, path)  # logs a scanner failure (its type only)
        return False

    def _log_report(self, report: SaveReport, previous: SaveReport | None) -> None:
        """One line per outcome of a file (places and key names, like the message, never a
        value); the same outcome again (a collaborative autosave each second) at debug level."""
        if not (report.findings or report.blocked or not report.complete):
            return
        if previous is not None and previous.message == report.message:
            level = logging.DEBUG
        else:
            level = logging.WARNING if report.blocked or report.marked else logging.INFO
        self._log.log(
            level, "secret-mounts: %s: %s", loggable(report.path), loggable(report.message, 2000)
        )

    def check_chunk(self, model: dict[str, Any], path: str) -> None:
        """Check one chunk of an upload before it is appended (`uploads.TextStream`)."""
        policy = self._policy()
        data = _chunk_bytes(model)
        if policy == "off" or data is None:
            return  # jupyter_server answers a malformed chunk with a 400 itself
        path = normalize_path(path)
        chunk = model.get("chunk")
        stream = (self._uploads.get(path) if chunk != 1 else None) or self._uploads.start(path)
        final = chunk == -1
        with stream.lock:
            added = self._feed(stream, path, data, final)
        if final or (policy == "block" and (added or stream.incomplete)):
            self._uploads.end(path)
            self._finish(path, policy, "upload", stream)

    def check_pieces(self, pieces: Iterable[bytes], path: str, action: Action) -> None:
        """Check a file read in pieces (bounded memory) as if it were saved at `path`."""
        policy = self._policy()
        if policy == "off":
            return
        path = normalize_path(path)
        stream = TextStream(path)
        try:
            for piece in pieces:
                self._feed(stream, path, piece, False)
        except OSError as error:
            stream.incomplete = f"the file could not be read ({error.strerror or 'error'})"
        self._feed(stream, path, b"", True)
        self._finish(path, policy, action, stream)

    def cannot_check(self, path: str, action: Action, reason: str) -> None:
        """A way into a file the guard cannot read: refused under `block`, reported under `warn`."""
        report = self._incomplete(normalize_path(path), self._policy(), action, reason)
        if report is not None:
            self.enforce(report)

    def scan(
        self,
        texts: Iterable[NotebookText],
        deadline: float | None = None,
        *,
        values: ValueIndex | None = None,
        binary: bool = False,
    ) -> ScanResult:
        """Exact-value findings of every text, then pattern findings until `deadline`.

        In `binary` content (not UTF-8) only exact values are looked for.
        """
        index = self._values() if values is None else values
        parts = list(texts)
        exact = [_exact_findings(index, part) for part in parts]
        result = ScanResult()
        for part, found in zip(parts, exact, strict=True):
            if result.complete and not binary:
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

    def _feed(self, stream: TextStream, path: str, data: bytes, final: bool) -> list[Finding]:
        """One more piece of `stream` checked; a failure makes the stream incomplete."""
        if stream.incomplete is not None:
            return []
        budget = self._budget()
        try:
            values = self._values()

            def check(text: str, binary: bool) -> list[Finding]:
                found = self.scan(
                    [NotebookText(TEXT_FILE, "source", text)],
                    time.monotonic() + budget,
                    values=values,
                    binary=binary,
                )
                if not found.complete:
                    raise ScanTimeout
                return found.findings

            return stream.feed(data, final, check, values.longest_form)
        except Exception as error:  # noqa: BLE001 - reported, and refused under block
            stream.incomplete = self._reason(error, path, budget)
            return []

    def _finish(self, path: str, policy: str, action: Action, stream: TextStream) -> None:
        """Enforce the outcome of a streamed check."""
        if stream.incomplete is not None:
            report = self._incomplete(path, policy, action, stream.incomplete)
        else:
            result = ScanResult(list(stream.findings), stream.total)
            blocked = policy == "block" and bool(result.findings)
            message = describe(result, blocked, self._budget(), action)
            findings = tuple(result.findings)
            report = SaveReport(path, policy, blocked, message, findings, now(), result.total)
        if report is not None:
            self.enforce(report)

    def _incomplete(self, path: str, policy: str, action: Action, reason: str) -> SaveReport | None:
        """The report of a check that could not complete: blocked under `block`."""
        if policy == "off":
            self._log.warning("secret-mounts: %s: outputs not redacted: %s", loggable(path), reason)
            return None
        blocked = policy == "block"
        message = (
            f"{_ACTION[action]} refused: the secret-mounts check could not complete "
            f"({reason}). Nothing was written."
            if blocked
            else f"{_DONE[action]} without the secret-mounts check, "
            f"which could not complete ({reason})."
        )
        return SaveReport(path, policy, blocked, message, (), now(), complete=False)

    def _reason(self, error: Exception, path: str, budget: float | None = None) -> str:
        """Why a check could not complete, in words that hold no value."""
        if isinstance(error, ValuesUnavailable):
            return str(error)
        if isinstance(error, ScanTimeout):
            return f"it could not finish within {budget or self._budget():g} s"
        # Only the type: a scanner's message could quote the text it choked on.
        self._log.error(
            "secret-mounts: the check of %s failed (%s)", loggable(path), type(error).__name__
        )
        return "the check failed; see the server log"


def is_chunk(model: Any) -> bool:
    """A piece of a chunked upload (`chunk`: 1, 2, ..., -1 for the last)."""
    return isinstance(model, dict) and model.get("chunk") is not None


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


def _texts(model: Any, path: str) -> list[NotebookText]:
    """The texts of `model` as it is now (after markers were put in)."""
    content = read_model(model, path)
    return [] if content is None else content.texts()


def _redact(content: ModelContent, values: ValueIndex) -> list[Redaction]:
    """Mounted values in the notebook's outputs replaced by markers, in the model itself."""
    if content.notebook is None:
        return []
    redacted = redact_notebook(content.notebook, values.find)
    if redacted:
        content.store()
    return redacted


def _chunk_bytes(model: dict[str, Any]) -> bytes | None:
    content = model.get("content")
    if not isinstance(content, str):
        return None
    if model.get("format") != "base64":
        return content.encode("utf-8", errors="surrogatepass")
    try:
        return base64.b64decode(content.encode("ascii"), validate=False)
    except (binascii.Error, ValueError):
        return None


def describe(
    result: ScanResult,
    blocked: bool,
    budget: float = 0.0,
    action: Action = "save",
    redacted: Sequence[Redaction] = (),
    *,
    marked: bool = False,
) -> str:
    """One human sentence naming each place and what was found there, never a value.

    `marked`: saved with markers in place of the findings (a collaborative save under `block`).
    """
    findings = result.findings
    note = _redaction_note(redacted)
    lead = f"{_ACTION[action]} blocked by the secret-mounts policy"
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
            return f"{_DONE[action]}; {note}" if note else "No credentials found."
        if blocked:
            return (
                f"{lead}: {incomplete}"
                "Split the file, or ask the administrator to raise "
                "c.SecretMounts.save_check_seconds."
            )
        return f"{_DONE[action]}. {incomplete}{_sentence(note)}".strip()
    by_place: dict[_Place, list[str]] = {}
    for finding in findings:
        place = _Place(finding.cell, finding.part, finding.output, finding.name)
        what = (
            f"matches mounted secret {folder_name(finding.mount)}/{finding.key}"
            if finding.mount
            else str(finding.rule)
        )
        labels = by_place.setdefault(place, [])
        if what not in labels:
            labels.append(what)
    count = (
        f" ({result.total} findings, the first {len(findings)} listed)"
        if result.total > len(findings)
        else ""
    )
    if marked:
        message = (
            f"Saved with markers instead of the credential-like values in {_places(by_place)}"
            f"{count}: the file holds no value, the notebook you edit still does. Replace them "
            "with a secret reference (read the mounted file instead)."
        )
        return f"{message} {_sentence(note)}" if note else message
    message = (
        f"{lead if blocked else f'{_DONE[action]}, but found'}: credential-like values in "
        f"{_places(by_place)}{count}. {incomplete}"
        "Replace them with a secret reference (read the mounted file instead)."
    )
    return f"{message} {_sentence(note)}" if note and not blocked else message


def _redaction_note(redacted: Sequence[Redaction]) -> str:
    if not redacted:
        return ""
    by_place: dict[_Place, list[str]] = {}
    for item in redacted:
        labels = by_place.setdefault(_Place(item.cell, "output", item.output, None), [])
        label = f"{folder_name(item.mount)}/{item.key}"
        if label not in labels:
            labels.append(label)
    return f"mounted values printed in outputs were replaced by a marker: {_places(by_place)}."


def _shown_name(name: str) -> str:
    """An attachment name fit for one line of a message: short, printable, without `%`."""
    printable = "".join(c if c.isprintable() else "?" for c in name).replace("%", "")
    return printable if len(printable) <= MAX_NAME else printable[: MAX_NAME - 1] + "…"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _places(by_place: dict[_Place, list[str]]) -> str:
    named = [f"{place.describe()} ({', '.join(labels)})" for place, labels in by_place.items()]
    if len(named) > MAX_PLACES_NAMED:
        named = [*named[:MAX_PLACES_NAMED], f"and {len(named) - MAX_PLACES_NAMED} more"]
    return ", ".join(named)
