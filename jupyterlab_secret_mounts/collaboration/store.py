"""A collaboration store that writes nothing to disk: a room's updates, in memory, while it lives.

jupyter-collaboration's default store (`SQLiteYStore`, `.jupyter_ystore.db` in the server's
working directory) keeps every update of every document forever: each character typed, so also
each credential pasted and removed, and each one the save policy kept out of the file. This one
keeps a room's updates for the room's lifetime (the document history panel still works while the
room is open); a room opened again starts from the file. Imported only where `pycrdt` is
installed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from pycrdt.store import BaseYStore, YDocNotFound


class MemoryYStore(BaseYStore):
    """`YDocExtension.ystore_class` that keeps updates in process memory only."""

    def __init__(
        self,
        path: str = "",
        metadata_callback: Callable[[], Awaitable[bytes] | bytes] | None = None,
        log: logging.Logger | None = None,
        **_config: Any,  # jupyter_server_ydoc passes its traitlets config
    ) -> None:
        self.path = path
        self.metadata_callback = metadata_callback
        self.log = log or logging.getLogger(__name__)
        self._updates: list[tuple[bytes, bytes, float]] = []

    async def write(self, data: bytes) -> None:
        self._updates.append((data, await self.get_metadata(), time.time()))

    async def read(self) -> AsyncIterator[tuple[bytes, bytes, float]]:  # type: ignore[override]
        if not self._updates:
            raise YDocNotFound
        for update in list(self._updates):
            yield update
