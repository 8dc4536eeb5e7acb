"""The `ContentsManager` pre-save hook enforcing `SecretMounts.save_policy`.

Registered with `register_pre_save_hook` at extension load, so jupyter_server runs an admin's own
`ContentsManager.pre_save_hook` first and this one after it (on the model that hook left).
`contents_guard` sends the saves the hook does not see here too (each chunk of an upload,
renames, checkpoint restores). It checks notebooks (every cell source and text output) and text
files, in whatever format they arrive (`save_content`), for credential patterns and for the
exact values of mounted secrets:

- `off`: nothing is checked;
- `warn`: the save goes through; the findings are kept for `GET /secret-mounts/findings?path=`;
- `block`: the save is refused with HTTP 403 naming the places (never the value); the file on
  disk is left as it was, since pre-save hooks run before anything is written.

With `redact_outputs` (whatever the policy), mounted values in outputs are first replaced by a
marker (`redact`), so the saved file holds what the masked output showed.

A check that cannot complete (a secret folder unreadable mid-rotation, a scanner bug) is never
passed off as clean: under `block` the save is refused with HTTP 503 saying so; under `warn` it
is saved and reported as unchecked.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from tornado.web import HTTPError

from ..scanner.utf16 import Utf16Offsets
from .findings import (
    Finding,
    FindingsStore,
    Redaction,
    SaveReport,
    folder_name,
    normalize_path,
    now,
)
from .live_index import ValuesUnavailable
from .notebook_texts import NotebookText
from .redact import redact_notebook
from .save_content import TEXT_FILE, ModelContent, read_model
from .uploads import Streams, TextStream
from .value_index import ValueIndex

#: Places named in a refusal before "and N more".
MAX_PLACES_NAMED = 8

#: The ways into a file, as messages name them.
Action = Literal["save", "upload", "rename", "restore"]
_ACTION = {"save": "Save", "upload": "Upload", "rename": "Rename", "restore": "Checkpoint restore"}
_DONE = {"save": "Saved", "upload": "Uploaded", "rename": "Renamed", "restore": "Restored"}


class PatternHit(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def rule(self) -> str: ...


class PatternScanner(Protocol):
    """The credential-pattern engine (scanner/engine.py): offsets in UTF-16 code units already."""

    def scan(self, text: str) -> Sequence[PatternHit]: ...


@dataclass(frozen=True)
class _Place:
    cell: int | None
    output: int | None

    def describe(self) -> str:
        if self.cell is None:
            return "the file"
        return NotebookText(self.cell, self.output, "").describe()


class SaveGuard:
    """Callable pre-save hook; `policy` is read at every save so config reloads apply."""

    def __init__(
        self,
        policy: Callable[[], str],
        values: Callable[[], ValueIndex],
        patterns: PatternScanner,
        store: FindingsStore,
        log: logging.Logger,
        *,
        redact_outputs: Callable[[], bool] = lambda: False,
    ) -> None:
        self._policy = policy
        self._values = values
        self._patterns = patterns
        self._store = store
        self._log = log
        self._redact_outputs = redact_outputs
        self._uploads = Streams()
        #: Set by `contents_guard` once it checks every chunk of an upload itself.
        self.checks_chunks = False
        self.__name__ = "secret_mounts_pre_save_hook"  # jupyter_server logs hooks by name

    def __call__(self, model: Any, path: str = "", **_: Any) -> None:
        if self.checks_chunks and isinstance(model, dict) and model.get("chunk") is not None:
            return  # checked piece by piece by check_chunk
        self.check_model(model, path)

    def check_model(
        self, model: Any, path: str, action: Action = "save", *, redact: bool = True
    ) -> bool:
        """Check what `model` writes at `path`; raises `HTTPError` when it is refused.

        With `redact` (and the `redact_outputs` setting), mounted values in a notebook's outputs
        are replaced in `model` first; returns whether `model` was changed.
        """
        policy = self._policy()
        redacting = redact and self._redact_outputs()
        if policy == "off" and not redacting:
            return False
        content = read_model(model, path)
        if content is None:
            return False
        path = normalize_path(path)
        redacted: list[Redaction] = []
        try:
            values = self._values()
            if redacting:
                redacted = _redact(content, values)
            findings = [] if policy == "off" else self.scan(content.texts(), values, content.binary)
        except Exception as error:  # noqa: BLE001 - reported, and refused under block
            self._incomplete(path, policy, action, error)
            return bool(redacted)
        if policy != "off":
            self._decide(path, policy, action, findings, redacted)
        return bool(redacted)

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
            try:
                values = self._values()
                added = stream.feed(data, final, self._text_check(values), values.longest_form)
            except Exception as error:  # noqa: BLE001 - reported, and refused under block
                stream.incomplete = _reason(error, self._log, path)
                added = []
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
            values = self._values()
            check = self._text_check(values)
            for piece in pieces:
                stream.feed(piece, False, check, values.longest_form)
            stream.feed(b"", True, check, values.longest_form)
        except Exception as error:  # noqa: BLE001 - reported, and refused under block
            stream.incomplete = _reason(error, self._log, path)
        self._finish(path, policy, action, stream)

    def cannot_check(self, path: str, action: Action, reason: str) -> None:
        """A way into a file the guard cannot read: refused under `block`, reported under `warn`."""
        policy = self._policy()
        if policy != "off":
            self._incomplete(normalize_path(path), policy, action, reason)

    def _finish(self, path: str, policy: str, action: Action, stream: TextStream) -> None:
        if stream.incomplete is not None:
            self._incomplete(path, policy, action, stream.incomplete)
        else:
            self._decide(path, policy, action, stream.findings, [])

    def _text_check(self, values: ValueIndex) -> Callable[[str, bool], list[Finding]]:
        def check(text: str, binary: bool) -> list[Finding]:
            return self.scan([NotebookText(TEXT_FILE, None, text)], values, binary)

        return check

    def scan(
        self, texts: Iterable[NotebookText], values: ValueIndex | None = None, binary: bool = False
    ) -> list[Finding]:
        """Pattern and exact-value findings of every text, offsets in UTF-16 code units.

        In `binary` content (not UTF-8) only exact values are looked for.
        """
        index = self._values() if values is None else values
        findings: list[Finding] = []
        for part in texts:
            utf16 = Utf16Offsets(part.text)
            where = (None if part.cell == TEXT_FILE else part.cell, part.output, part.mime)
            exact = [
                Finding(
                    utf16(match.start),
                    utf16(match.end),
                    *where,
                    mount=match.mount,
                    key=match.key,
                    encoding=match.encoding,
                )
                for match in index.find(part.text)
            ]
            # An exact mounted value says more than a pattern over the same characters.
            if not binary:
                findings += [
                    Finding(hit.start, hit.end, *where, rule=hit.rule)
                    for hit in self._patterns.scan(part.text)
                    if not any(hit.start < f.end and f.start < hit.end for f in exact)
                ]
            findings += exact
        return findings

    def _decide(
        self,
        path: str,
        policy: str,
        action: Action,
        findings: Sequence[Finding],
        redacted: Sequence[Redaction],
    ) -> None:
        """Record the report of a complete check; raise 403 when `block` refuses it."""
        blocked = policy == "block" and bool(findings)
        message = _printable(describe(list(findings), blocked, action, redacted))
        report = SaveReport(
            path, policy, blocked, message, tuple(findings), now(), redacted=tuple(redacted)
        )
        self._store.record(report)
        if findings:  # places and key names only, like the message
            (self._log.warning if blocked else self._log.info)(
                "secret-mounts: %s: %s", path, message
            )
        if blocked:
            raise HTTPError(
                403, message, reason=f"{_ACTION[action]} blocked by the secret-mounts policy"
            )

    def _incomplete(self, path: str, policy: str, action: Action, error: Exception | str) -> None:
        """A check that could not complete: refused (503) under `block`, reported under `warn`."""
        reason = error if isinstance(error, str) else _reason(error, self._log, path)
        if policy == "off":
            self._log.warning("secret-mounts: %s: outputs not redacted: %s", path, reason)
            return
        blocked = policy == "block"
        message = _printable(
            f"{_ACTION[action]} refused: the secret-mounts check could not complete "
            f"({reason}). Nothing was written."
            if blocked
            else f"{_DONE[action]} without the secret-mounts check, "
            f"which could not complete ({reason})."
        )
        self._store.record(SaveReport(path, policy, blocked, message, (), now(), complete=False))
        self._log.warning("secret-mounts: %s: %s", path, message)
        if blocked:
            raise HTTPError(503, message, reason="Secret-mounts check unavailable")


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


def _reason(error: Exception, log: logging.Logger, path: str) -> str:
    """Why a check could not complete, in words that hold no value."""
    if isinstance(error, ValuesUnavailable):
        return str(error)
    # Only the type: a scanner's message could quote the text it choked on.
    log.error("secret-mounts: the check of %s failed (%s)", path, type(error).__name__)
    return "the check failed; see the server log"


def describe(
    findings: list[Finding],
    blocked: bool,
    action: Action = "save",
    redacted: Sequence[Redaction] = (),
) -> str:
    """One human sentence naming each place and what was found there, never a value."""
    note = _redaction_note(redacted)
    if not findings:
        return f"{_DONE[action]}; {note}" if note else "No credentials found."
    by_place: dict[_Place, list[str]] = {}
    for finding in findings:
        place = _Place(finding.cell, finding.output)
        what = (
            f"matches mounted secret {folder_name(finding.mount or '')}/{finding.key}"
            if finding.mount
            else str(finding.rule)
        )
        labels = by_place.setdefault(place, [])
        if what not in labels:
            labels.append(what)
    lead = (
        f"{_ACTION[action]} blocked by the secret-mounts policy"
        if blocked
        else f"{_DONE[action]}, but found"
    )
    message = (
        f"{lead}: credential-like values in {_places(by_place)}. "
        "Replace them with a secret reference (read the mounted file instead)."
    )
    return f"{message} {note[0].upper()}{note[1:]}" if note and not blocked else message


def _redaction_note(redacted: Sequence[Redaction]) -> str:
    if not redacted:
        return ""
    by_place: dict[_Place, list[str]] = {}
    for item in redacted:
        labels = by_place.setdefault(_Place(item.cell, item.output), [])
        label = f"{folder_name(item.mount)}/{item.key}"
        if label not in labels:
            labels.append(label)
    return f"mounted values printed in outputs were replaced by a marker: {_places(by_place)}."


def _places(by_place: dict[_Place, list[str]]) -> str:
    named = [f"{place.describe()} ({', '.join(labels)})" for place, labels in by_place.items()]
    if len(named) > MAX_PLACES_NAMED:
        named = [*named[:MAX_PLACES_NAMED], f"and {len(named) - MAX_PLACES_NAMED} more"]
    return ", ".join(named)


def _printable(message: str) -> str:
    """`%` dropped: tornado %-formats HTTP error messages."""
    return message.replace("%", "")
