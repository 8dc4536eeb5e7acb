"""The save-check event: what every open page hears about the checks of saves, whoever saved.

A collaborative document is saved by the collaboration server itself, not by a page, so no page
gets an HTTP answer to read the outcome from. Each report with findings (and the first clean one
after them, so pages can drop their notice) is emitted on Jupyter Server's event bus; pages
listen on `/api/events/subscribe` (JupyterLab's `serviceManager.events`). Events carry the path,
the policy, the outcome and the message: places and rule or key names, never a value.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from .findings import SaveReport

SAVE_CHECK_EVENT = "https://events.jupyter.org/jupyterlab_secret_mounts/save_check/v1"

SCHEMA: dict[str, Any] = {
    "$id": SAVE_CHECK_EVENT,
    "version": "1",
    "title": "Secret mounts: save check",
    "description": (
        "The outcome of the pre-save credential check of one save. Names places (cells, "
        "outputs) and rule ids or mounted key names; never holds a value."
    ),
    "type": "object",
    "required": ["path", "policy", "outcome", "message", "checked"],
    "properties": {
        "path": {"type": "string", "title": "Path", "description": "Contents path of the file."},
        "policy": {
            "enum": ["warn", "block"],
            "title": "Policy",
            "description": "The save policy in force.",
        },
        "outcome": {
            "enum": ["clean", "warned", "blocked", "marked"],
            "title": "Outcome",
            "description": (
                "clean: nothing found; warned: saved with findings; blocked: refused; "
                "marked: saved with markers in place of the findings."
            ),
        },
        "message": {
            "type": "string",
            "title": "Message",
            "description": "One sentence naming the places, never a value.",
        },
        "checked": {
            "type": "number",
            "title": "Checked",
            "description": "When the check ran (seconds since the epoch).",
        },
    },
}


def outcome(report: SaveReport) -> str:
    if report.blocked:
        return "blocked"
    if report.marked:
        return "marked"
    return "warned" if _says_something(report) else "clean"


def _says_something(report: SaveReport) -> bool:
    """Findings, a refusal, or a check that could not finish: worth a notice."""
    return bool(report.findings) or report.blocked or not report.complete


def event_emitter(
    event_logger: Any, log: logging.Logger
) -> Callable[[SaveReport, SaveReport | None], None]:
    """`notify` for the save hook: emits the reports pages need to hear about."""
    try:
        event_logger.register_event_schema(SCHEMA)
    except Exception as error:  # noqa: BLE001 - no events is a degraded frontend, not a crash
        log.error("secret-mounts: cannot register the save-check event (%s)", type(error).__name__)
        return lambda report, previous: None

    def notify(report: SaveReport, previous: SaveReport | None) -> None:
        if not _says_something(report) and (previous is None or not _says_something(previous)):
            return  # clean after clean: nobody has a notice to drop
        data = {
            "path": report.path,
            "policy": report.policy,
            "outcome": outcome(report),
            "message": report.message,
            "checked": report.checked,
        }
        try:
            event_logger.emit(schema_id=SAVE_CHECK_EVENT, data=data)
        except Exception as error:  # noqa: BLE001 - a save never fails for a notice
            log.error("secret-mounts: cannot emit the save-check event (%s)", type(error).__name__)

    return notify
