"""Every way into a file goes through the save guard, not only a plain save.

jupyter_server runs pre-save hooks inside `ContentsManager.save` only, and for a chunked upload
only with its first chunk. This wraps three methods of the server's contents manager instance
(whatever its class, sync or async):

- `save`: each chunk of an upload is checked before it is appended (`SaveGuard.check_chunk`);
- `rename`: the file's content is checked as if saved at its new path, so a `.txt` renamed to
  `.ipynb` is read as a notebook (folders are not: renaming one changes no file's type);
- `restore_checkpoint`: the checkpoint's content is checked, and redacted, as a save of it would
  be. Checkpoints that restore through `save` (`GenericCheckpointsMixin`) meet the hook there.

Copies need nothing here: `ContentsManager.copy` reads the file and saves it, through the hook.
Files up to `MAX_READ_BYTES` are read whole through the contents manager; larger ones are read
from disk in pieces, as uploads are checked.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import os
from collections.abc import Callable, Iterator
from typing import Any

from jupyter_server.services.contents.checkpoints import GenericCheckpointsMixin

from .save_hook import Action, SaveGuard, is_chunk

#: Larger files are checked in pieces read from disk (bounded memory).
MAX_READ_BYTES = 32 * 1024 * 1024
PIECE_BYTES = 1024 * 1024

#: A call to make instead of the wrapped one: (method name, arguments).
Instead = tuple[str, tuple[Any, ...]]
#: Reads a model from the contents manager, synchronously: `(path, content) -> model`.
GetModel = Callable[[str, bool], dict[str, Any]]


def guard_contents_manager(contents_manager: Any, guard: SaveGuard) -> None:
    """Wrap `save`, `rename` and `restore_checkpoint` of this contents manager instance."""
    checks = _PathChecks(contents_manager, guard)
    _wrap(contents_manager, "save", checks.before_save, applies=_is_chunk)
    _wrap(contents_manager, "rename", checks.before_rename)
    _wrap(contents_manager, "restore_checkpoint", checks.before_restore)
    guard.checks_chunks = True


def _is_chunk(model: Any = None, *_: Any, **__: Any) -> bool:
    """A piece of a chunked upload (other saves meet the pre-save hook inside `save`)."""
    return is_chunk(model)


class _PathChecks:
    """The checks made before each wrapped call; blocking (run off the event loop when async)."""

    def __init__(self, contents_manager: Any, guard: SaveGuard) -> None:
        self._cm = contents_manager
        self._guard = guard

    def before_save(self, get: GetModel, model: dict[str, Any], path: str = "") -> Instead | None:
        self._guard.check_chunk(model, path)
        return None

    def before_rename(self, get: GetModel, old_path: str, new_path: str) -> Instead | None:
        listed = get(old_path, False)
        if listed.get("type") == "directory":
            return None
        self._check_file(get, old_path, new_path, "rename", listed.get("size"))
        return None

    def before_restore(self, get: GetModel, checkpoint_id: str, path: str) -> Instead | None:
        checkpoints = getattr(self._cm, "checkpoints", None)
        if isinstance(checkpoints, GenericCheckpointsMixin):
            return None  # restores through contents_manager.save: the hook checks it there
        locate = getattr(checkpoints, "checkpoint_path", None)
        if locate is None:
            self._guard.cannot_check(path, "restore", "this server's checkpoints cannot be read")
            return None
        source = locate(checkpoint_id, path)
        if not os.path.isfile(source):
            return None  # the manager answers 404
        if os.path.getsize(source) > MAX_READ_BYTES:
            self._guard.check_pieces(_pieces(source), path, "restore")
            return None
        with open(source, "rb") as file:
            content = base64.b64encode(file.read()).decode("ascii")
        model = {"type": "file", "format": "base64", "content": content}
        report = self._guard.check_and_enforce(model, path, "restore")
        if report is not None and report.redacted:
            return ("save", (model, path))  # outputs were redacted: write that, not the copy
        return None

    def _check_file(
        self, get: GetModel, path: str, as_path: str, action: Action, size: object
    ) -> None:
        os_path = self._os_path(path)
        if os_path is not None and (not isinstance(size, int) or size > MAX_READ_BYTES):
            self._guard.check_pieces(_pieces(os_path), as_path, action)
        else:
            self._guard.check_and_enforce(get(path, True), as_path, action, redact=False)

    def _os_path(self, path: str) -> str | None:
        to_os_path = getattr(self._cm, "_get_os_path", None)
        return str(to_os_path(path)) if to_os_path is not None else None


def _pieces(os_path: str) -> Iterator[bytes]:
    with open(os_path, "rb") as file:
        while piece := file.read(PIECE_BYTES):
            yield piece


def _wrap(
    contents_manager: Any,
    name: str,
    before: Callable[..., Instead | None],
    applies: Callable[..., bool] = lambda *_, **__: True,
) -> None:
    """Replace `contents_manager.<name>` with a call of `before` first (which may raise).

    `before(get, *args)` runs in a worker thread for an async manager (it reads and scans),
    and only for calls that `applies(*args)` to.
    """
    original = getattr(contents_manager, name)

    def call_instead(instead: Instead) -> Any:
        method, args = instead
        return getattr(contents_manager, method)(*args)

    if inspect.iscoroutinefunction(original):

        async def guarded_async(*args: Any, **kwargs: Any) -> Any:
            if not applies(*args, **kwargs):
                return await original(*args, **kwargs)
            loop = asyncio.get_running_loop()

            def get(path: str, content: bool) -> dict[str, Any]:  # from the worker thread
                reading = contents_manager.get(path, content=content)
                return asyncio.run_coroutine_threadsafe(reading, loop).result()  # type: ignore[no-any-return]

            instead = await asyncio.to_thread(before, get, *args, **kwargs)
            if instead is not None:
                return await call_instead(instead)
            return await original(*args, **kwargs)

        setattr(contents_manager, name, guarded_async)
        return

    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not applies(*args, **kwargs):
            return original(*args, **kwargs)

        def get(path: str, content: bool) -> dict[str, Any]:
            return contents_manager.get(path, content=content)  # type: ignore[no-any-return]

        instead = before(get, *args, **kwargs)
        return call_instead(instead) if instead is not None else original(*args, **kwargs)

    setattr(contents_manager, name, guarded)
