"""The value index kept in step with the mounts, across kubelet's `..data` swaps.

Every use asks discovery for the mounts' ETag (stat calls and `..data` readlinks; values are
never re-read for it) and rebuilds the index only when it changed. Values are read per folder
from one consistent version (`SecretMountsService.read_values`), so an index never mixes old and
new values of one Secret. Values stay in this process's memory and nowhere else.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Callable

from ..mounts.model import SecretMount
from ..mounts.service import KeyUnreadable, SecretMountsService
from .findings import folder_name
from .value_index import SecretValue, ValueIndex

#: Keys that are public by Kubernetes' own layout: the service-account folder's `namespace` is an
#: ordinary name that notebooks mention all the time (it is no credential).
_SERVICE_ACCOUNT_KEYS = {"token", "ca.crt", "namespace"}


class LiveValueIndex:
    """Hands out the current `ValueIndex`; thread-safe (handlers run it in worker threads)."""

    def __init__(self, service: SecretMountsService, min_length: Callable[[], int]) -> None:
        self._service = service
        self._min_length = min_length
        self._lock = threading.Lock()
        self._stamp: tuple[str, int] | None = None
        self._index = ValueIndex([], 1)

    def current(self) -> ValueIndex:
        """The index for the mounts as they are now (blocking: call it off the event loop).

        Raises `ValuesUnavailable` when a listed folder cannot be read: an index without its
        values would let them through unnoticed.
        """
        try:
            return self._build()
        except ValuesUnavailable:
            return self._build()  # rotated between listing and reading: once more, listed afresh

    def _build(self) -> ValueIndex:
        found = self._service.discover()
        stamp = (found.etag, self._min_length())
        with self._lock:
            if stamp != self._stamp:  # kept unchanged by a failed build, so the next use retries
                self._index = ValueIndex(self._values(found.mounts), stamp[1])
                self._stamp = stamp
            return self._index

    def _values(self, mounts: list[SecretMount]) -> Iterator[SecretValue]:
        for mount in mounts:
            values = self._read(mount)
            skipped = _public_keys(mount) | _aliases(mount)
            for name, value in values.items():
                if name not in skipped:
                    yield SecretValue(mount.path, name, value)

    def _read(self, mount: SecretMount) -> dict[str, bytes]:
        """Every listed key's value, from one version of the folder."""
        if mount.error is not None and not mount.keys:
            if not os.access(mount.path, os.R_OK | os.X_OK):
                return {}  # no process of this user can read it, kernels included
            raise ValuesUnavailable(mount.path, mount.error)
        listed = {key.name for key in mount.keys if key.error is None}
        try:
            values = self._service.read_values(mount)
        except KeyUnreadable as error:
            raise ValuesUnavailable(mount.path, str(error)) from error
        if not listed <= values.keys():
            raise ValuesUnavailable(mount.path, "keys changed while being read")
        return values


class ValuesUnavailable(Exception):
    """A listed folder's values could not be read: checks cannot be complete right now."""

    def __init__(self, mount: str, reason: str) -> None:
        super().__init__(
            f"could not read the mounted folder {folder_name(mount)} ({reason}); try again"
        )
        self.mount = mount


def _public_keys(mount: SecretMount) -> set[str]:
    names = {key.name for key in mount.keys}
    return {"namespace"} if _SERVICE_ACCOUNT_KEYS <= names else set()


def _aliases(mount: SecretMount) -> set[str]:
    """Symlinks to another listed key: matches name the real file, not the alias."""
    names = {key.name for key in mount.keys}
    return {
        key.name
        for key in mount.keys
        if key.read_parts
        and "/".join(key.read_parts) != key.name
        and "/".join(key.read_parts) in names
    }
