"""One line per refused save, also when a collaboration room is the one saving.

A room (`jupyter_server_ydoc.rooms.DocumentRoom`) catches every exception of its own saves and
logs "Error saving file" with the traceback, on the server's log, a second after each change.
The guard has already logged the refusal on one line (and the same outcome again at debug
level); the room's record says nothing more, so it is dropped. Any other save error is kept.
"""

from __future__ import annotations

import logging
from typing import Any

from ..guard.save_hook import SaveRefused
from .rooms import ydoc_extension


class DropRoomRefusals(logging.Filter):
    """Drops records whose exception is a save the guard refused."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, SaveRefused)


def quiet_room_refusals(server_app: Any) -> None:
    """Install the filter on the loggers rooms write to: the collaboration extension's own
    (rooms it opens) and the server's (rooms its websocket handlers open)."""
    ydoc = ydoc_extension(server_app)
    if ydoc is None:
        return
    for log in {id(x): x for x in (server_app.log, getattr(ydoc, "log", None))}.values():
        if isinstance(log, logging.Logger) and not any(
            isinstance(f, DropRoomRefusals) for f in log.filters
        ):
            log.addFilter(DropRoomRefusals())
