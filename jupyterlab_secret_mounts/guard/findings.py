"""What the pre-save check found, kept per file so the frontend can show it after a save.

A pre-save hook cannot add anything to the save's HTTP response, so with the `warn` policy the
frontend asks `GET /secret-mounts/findings?path=` once a save completed. Findings carry places,
rule ids and mounted key names: never a value.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import Any

#: Paths remembered; older entries are dropped first (a bounded memory footprint).
MAX_PATHS = 512
#: Findings kept per save; the report says how many there were in all.
MAX_STORED_FINDINGS = 1000


@dataclass(frozen=True)
class Finding:
    """One credential in a saved file. Offsets are UTF-16 code units within that text."""

    start: int
    end: int
    cell: int | None = None  # 0-based cell index; None for a text file or notebook metadata
    part: str | None = None  # where in the notebook (`NotebookText.part`); None for a file
    output: int | None = None  # 0-based output index in the cell (its text or its metadata)
    mime: str | None = None  # the output's or attachment's MIME type the offsets refer to
    name: str | None = None  # the attachment's name
    rule: str | None = None  # pattern rule id (pattern findings)
    mount: str | None = None  # folder of the matched mounted secret (exact-value findings)
    key: str | None = None
    encoding: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {name: value for name, value in asdict(self).items() if value is not None}


@dataclass(frozen=True)
class Redaction:
    """One value replaced: where (cell and output index) and which mounted key."""

    cell: int
    output: int
    mount: str
    key: str


@dataclass(frozen=True)
class SaveReport:
    """The outcome of the check of one save."""

    path: str
    policy: str
    blocked: bool
    message: str
    findings: tuple[Finding, ...]  # at most MAX_STORED_FINDINGS
    checked: float
    total: int = 0  # findings before the cap
    #: False when the check could not complete (out of time, a folder unreadable mid-rotation).
    complete: bool = True
    #: Mounted values replaced by a marker in the saved outputs.
    redacted: tuple[Redaction, ...] = ()
    #: Saved with markers in place of the findings (a collaborative save under `block`).
    marked: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "policy": self.policy,
            "checked": self.checked,
            "blocked": self.blocked,
            "message": self.message,
            "findings": [finding.to_json() for finding in self.findings],
            "total": max(self.total, len(self.findings)),
            "complete": self.complete,
            "redacted": [asdict(item) for item in self.redacted],
            "marked": self.marked,
        }


class FindingsStore:
    """Last save report per contents path, in memory (thread-safe; saves may run in threads)."""

    def __init__(self, max_paths: int = MAX_PATHS) -> None:
        self._reports: OrderedDict[str, SaveReport] = OrderedDict()
        self._lock = threading.Lock()
        self._max_paths = max_paths

    def record(self, report: SaveReport) -> SaveReport | None:
        """Keep `report` as the last of its path; returns the one it replaces."""
        with self._lock:
            previous = self._reports.pop(report.path, None)
            self._reports[report.path] = report
            while len(self._reports) > self._max_paths:
                self._reports.popitem(last=False)
            return previous

    def get(self, path: str) -> SaveReport | None:
        with self._lock:
            return self._reports.get(normalize_path(path))


def folder_name(mount: str) -> str:
    """How messages and markers name a mounted folder: its base name (`db-creds`)."""
    return mount.rstrip("/").rsplit("/", 1)[-1] or mount


def normalize_path(path: str) -> str:
    """Contents API paths are relative to the server root; the save hook sees them unslashed."""
    return path.strip("/")


def now() -> float:
    return round(time.time(), 3)
