"""The `ContentsManager` pre-save hook enforcing `SecretMounts.save_policy`.

Registered with `register_pre_save_hook` at extension load, so jupyter_server runs an admin's own
`ContentsManager.pre_save_hook` first and this one after it (on the model that hook left).
It checks notebooks (every cell source and text output) and text files for credential patterns
and for the exact values of mounted secrets:

- `off`: nothing is checked;
- `warn`: the save goes through; the findings are kept for `GET /secret-mounts/findings?path=`;
- `block`: the save is refused with HTTP 403 naming the places (never the value); the file on
  disk is left as it was, since pre-save hooks run before anything is written. A save of a
  document open in a real-time collaboration room is not refused (nobody would be told, and
  every later edit would be lost when the room closes): it is written with markers in place of
  the findings (`redaction.py`) while the shared document keeps them, until someone fixes them.

Every report goes to `notify` (the save-check event every open page listens to).

A scanner failure never loses the user's work: it is logged (without details that could hold a
value) and the save goes through, as jupyter_server does for failing hooks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tornado.web import HTTPError

from ..scanner.utf16 import Utf16Offsets
from .findings import Finding, FindingsStore, SaveReport, normalize_path, now
from .notebook_texts import NotebookText, notebook_texts
from .redaction import redact, redact_part, what_was_found
from .value_index import ValueIndex

#: The `cell` of a text file's only text (reported as no cell at all).
TEXT_FILE = -1

#: Places named in a refusal before "and N more".
MAX_PLACES_NAMED = 8


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
        collaborative: Callable[[str], bool] = lambda path: False,
        notify: Callable[[SaveReport, SaveReport | None], None] = lambda report, previous: None,
    ) -> None:
        self._policy = policy
        self._values = values
        self._patterns = patterns
        self._store = store
        self._log = log
        self._collaborative = collaborative
        self._notify = notify
        self.__name__ = "secret_mounts_pre_save_hook"  # jupyter_server logs hooks by name

    def __call__(self, model: Any, path: str = "", **_: Any) -> None:
        policy = self._policy()
        if policy == "off" or not isinstance(model, dict):
            return
        texts = _texts_of(model)
        if texts is None:
            return
        path = normalize_path(path)
        try:
            findings = self.scan(texts)
        except Exception:  # noqa: BLE001 - never lose a save to a scanner bug
            self._log.error("secret-mounts: the pre-save check failed on %s; saved unchecked", path)
            return
        blocked = policy == "block" and bool(findings)
        redacted = blocked and self._collaborative(path) and self._save_without(model, findings)
        blocked = blocked and not redacted
        report = SaveReport(
            path,
            policy,
            blocked,
            describe(findings, blocked, redacted),
            tuple(findings),
            now(),
            redacted,
        )
        previous = self._store.record(report)
        self._log_report(report, previous)
        self._notify(report, previous)
        if blocked:
            raise HTTPError(403, report.message, reason="Save blocked by the secret-mounts policy")

    def _save_without(self, model: dict[str, Any], findings: list[Finding]) -> bool:
        """Put markers in `model` where `findings` are; False if some value would still be saved.

        What a marker in place does not clear (a value split across the lines of an output, a
        pattern that still matches around the marker) is replaced as a whole part.
        """
        texts = _texts_of(model) or []
        redact(model, {_place_of(part): part.text for part in texts}, findings)
        for _ in range(2):
            left = self.scan(_texts_of(model) or [])
            if not left:
                return True
            parts: dict[tuple[int | None, int | None], set[str]] = {}
            for finding in left:
                parts.setdefault((finding.cell, finding.output), set()).add(what_was_found(finding))
            for (cell, output), found in parts.items():
                redact_part(model, cell, output, ", ".join(sorted(found)))
        return False

    def _log_report(self, report: SaveReport, previous: SaveReport | None) -> None:
        """One line per outcome of a file (places and key names, like the message, never a
        value); the same outcome again (a collaborative autosave each second) at debug level."""
        if not report.findings:
            return
        if previous is not None and previous.message == report.message:
            level = logging.DEBUG
        else:
            level = logging.WARNING if report.blocked or report.redacted else logging.INFO
        self._log.log(level, "secret-mounts: %s: %s", report.path, report.message)

    def scan(self, texts: Iterable[NotebookText]) -> list[Finding]:
        """Pattern and exact-value findings of every text, offsets in UTF-16 code units."""
        values = self._values()
        findings: list[Finding] = []
        for part in texts:
            utf16 = Utf16Offsets(part.text)
            where = _place_of(part)
            exact = [
                Finding(
                    utf16(match.start),
                    utf16(match.end),
                    *where,
                    mount=match.mount,
                    key=match.key,
                    encoding=match.encoding,
                )
                for match in values.find(part.text)
            ]
            # An exact mounted value says more than a pattern over the same characters.
            findings += [
                Finding(hit.start, hit.end, *where, rule=hit.rule)
                for hit in self._patterns.scan(part.text)
                if not any(hit.start < f.end and f.start < hit.end for f in exact)
            ]
            findings += exact
        return findings


def _place_of(part: NotebookText) -> tuple[int | None, int | None, str | None]:
    """Where a finding in `part` is: (cell or None for a text file, output, MIME type)."""
    return (None if part.cell == TEXT_FILE else part.cell, part.output, part.mime)


def _texts_of(model: dict[str, Any]) -> list[NotebookText] | None:
    """The texts to check, or None for what is not checked (binary uploads, no content)."""
    content = model.get("content")
    if model.get("type") == "notebook" and isinstance(content, dict):
        return list(notebook_texts(content))
    if model.get("type") == "file" and model.get("format") == "text" and isinstance(content, str):
        # Text files (.py, .env, .yaml...) spread credentials through git just as well.
        return [NotebookText(TEXT_FILE, None, content)] if content else []
    return None


def describe(findings: list[Finding], blocked: bool, redacted: bool = False) -> str:
    """One human sentence naming each place and what was found there, never a value."""
    if not findings:
        return "No credentials found."
    by_place: dict[_Place, list[str]] = {}
    for finding in findings:
        place = _Place(finding.cell, finding.output)
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
    places = ", ".join(named)
    if redacted:
        return (
            f"Saved with markers instead of the credential-like values in {places}: the file "
            "holds no value, the notebook you edit still does. Replace them with a secret "
            "reference (read the mounted file instead)."
        )
    lead = "Save blocked by the secret-mounts policy" if blocked else "Saved, but found"
    return (
        f"{lead}: credential-like values in {places}. "
        "Replace them with a secret reference (read the mounted file instead)."
    )


def _short_mount(mount: str | None) -> str:
    """The folder's base name; `%` dropped since tornado %-formats HTTP error messages."""
    name = (mount or "").rstrip("/").rsplit("/", 1)[-1] or (mount or "")
    return name.replace("%", "")
