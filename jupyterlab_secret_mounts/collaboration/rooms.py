"""Whether a save is a collaborative one: the file is open in a live collaboration room.

jupyter_server_ydoc saves a room's shared document itself (`ContentsManager.save`, a second
after each change), so the pre-save hook cannot tell from the call who is saving. What it can
tell is whether the file is open in a room: then the shared document, not the file, is what
every collaborator edits, and a refused save loses their edits once the room closes.
"""

from __future__ import annotations

import logging
from typing import Any

#: The server extension name of jupyter-collaboration's backend.
YDOC_EXTENSION = "jupyter_server_ydoc"


def ydoc_extension(server_app: Any) -> Any | None:
    """The running `YDocExtension`, or None when real-time collaboration is not installed."""
    manager = getattr(server_app, "extension_manager", None)
    if manager is None:
        return None
    try:
        apps = manager.extension_apps.get(YDOC_EXTENSION) or ()
    except Exception:  # noqa: BLE001 - an extension manager we do not know: no collaboration
        return None
    return next(iter(apps), None)


class LiveRooms:
    """`has_room(path)`: is `path` open in a collaboration room of this server?"""

    def __init__(self, server_app: Any, log: logging.Logger) -> None:
        self._server_app = server_app
        self._log = log
        self._warned = False

    def has_room(self, path: str) -> bool:
        ydoc = ydoc_extension(self._server_app)
        if ydoc is None or getattr(ydoc, "disable_rtc", False):
            return False
        try:
            rooms = ydoc.ywebsocket_server.rooms
            file_ids = self._server_app.web_app.settings["file_id_manager"]
            for room_id in list(rooms):
                parts = room_id.split(":", 2)  # "<format>:<type>:<file id>"; others are transient
                if len(parts) == 3 and _same_path(file_ids.get_path(parts[2]), path):
                    return True
            return False
        except Exception as error:  # noqa: BLE001 - a jupyter_server_ydoc we do not know
            if not self._warned:
                self._warned = True
                self._log.warning(
                    "secret-mounts: cannot list the collaboration rooms (%s); every save is "
                    "treated as collaborative (saved with markers instead of refused)",
                    type(error).__name__,
                )
            # Refusing a collaborative save loses work; markers never do, and write no value.
            return True


def _same_path(room_path: Any, path: str) -> bool:
    return isinstance(room_path, str) and room_path.strip("/") == path.strip("/")
