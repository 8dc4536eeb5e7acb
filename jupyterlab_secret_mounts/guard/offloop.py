"""Runs the pre-save check in a worker thread, so a large save does not stall the server.

jupyter_server calls pre-save hooks synchronously from inside its (async) `save`, on the event
loop: a 5 MB notebook full of credential-like text stopped every other request for seconds.
The contents manager's `save` is wrapped to do the check first in a thread; the hook then only
enforces the report worked out for that very model. Where this cannot hold, the hook checks by
itself, as before: a synchronous contents manager, or an admin `pre_save_hook`, which runs
before ours and may change the model (both are rare).
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

from .save_hook import SaveGuard


def check_saves_off_loop(contents_manager: Any, hook: SaveGuard) -> bool:
    """Wrap `contents_manager.save`; False when it is not a coroutine (left as it is)."""
    save = contents_manager.save
    if not inspect.iscoroutinefunction(save):
        return False

    async def save_checked_off_loop(model: Any, path: str = "") -> Any:
        if getattr(contents_manager, "pre_save_hook", None) is None:
            await asyncio.to_thread(hook.precheck, model, path)
        try:
            return await save(model, path)
        finally:
            hook.forget(model)

    contents_manager.save = save_checked_off_loop
    return True
