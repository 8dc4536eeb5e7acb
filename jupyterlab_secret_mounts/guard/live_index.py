"""The value index kept in step with the mounts, across kubelet's `..data` swaps.

Every use asks discovery for the mounts' ETag (stat calls and `..data` readlinks; values are
never re-read for it) and rebuilds the index only when it changed. Values are read per folder
from one consistent version (`SecretMountsService.read_values`), so an index never mixes old and
new values of one Secret. Values stay in this process's memory and nowhere else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from ..mounts.model import SecretMount
from ..mounts.service import KeyUnreadable, SecretMountsService
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
        """The index for the mounts as they are now (blocking: call it off the event loop)."""
        found = self._service.discover()
        stamp = (found.etag, self._min_length())
        with self._lock:
            if stamp != self._stamp:
                self._index = ValueIndex(self._values(found.mounts), stamp[1])
                self._stamp = stamp
            return self._index

    def _values(self, mounts: list[SecretMount]) -> Iterator[SecretValue]:
        for mount in mounts:
            if mount.error is not None:
                continue
            try:
                values = self._service.read_values(mount)
            except KeyUnreadable:
                continue  # replaced or unreadable since discovery; the next ETag change retries
            skipped = _public_keys(mount) | _aliases(mount)
            for name, value in values.items():
                if name not in skipped:
                    yield SecretValue(mount.path, name, value)


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
