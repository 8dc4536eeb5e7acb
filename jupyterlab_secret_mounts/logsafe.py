"""Names in log lines: user-controlled text must not forge lines or flood the log."""

from __future__ import annotations


def loggable(text: str, limit: int = 200) -> str:
    """repr() keeps newlines and control characters from forging log lines; long input is cut."""
    return repr(text[:limit] + ("..." if len(text) > limit else ""))
