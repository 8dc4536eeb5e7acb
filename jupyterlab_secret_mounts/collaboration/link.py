"""Keeps jupyter-collaboration's document store off the disk while the save policy is on.

Runs when the server links its extensions: after `jupyter_server_ydoc` read its configuration,
before it builds its handlers (extensions are linked, then loaded, each in name order).
"""

from __future__ import annotations

import logging
from typing import Any

from ..config import SecretMounts
from .rooms import ydoc_extension


def keep_store_in_memory(server_app: Any, policy: SecretMounts, log: logging.Logger) -> None:
    """Make `YDocExtension.ystore_class` the in-memory store, unless the admin opted out."""
    ydoc = ydoc_extension(server_app)
    if ydoc is None or policy.save_policy == "off":
        return
    configured = getattr(ydoc, "ystore_class", None)
    if policy.keep_collaboration_store:
        log.warning(
            "secret-mounts: real-time collaboration stores documents with %s as configured "
            "(SecretMounts.keep_collaboration_store): it keeps every edit, credentials included",
            _name(configured),
        )
        return
    from .store import MemoryYStore  # noqa: PLC0415 (needs pycrdt, present with collaboration)

    if isinstance(configured, type) and issubclass(configured, MemoryYStore):
        return
    ydoc.ystore_class = MemoryYStore
    log.info(
        "secret-mounts: real-time collaboration keeps document updates in memory instead of %s, "
        "so no credential reaches a store on disk",
        _name(configured),
    )


def _name(cls: Any) -> str:
    return getattr(cls, "__qualname__", None) or repr(cls)
