"""The value index kept in step with the mounts, across kubelet's `..data` swaps.

Every use asks discovery for the mounts' ETag (stat calls and `..data` readlinks; values are
never re-read for it). When it changed, only the folders whose listing changed (a rotation
swaps one folder's version) are read again, from one consistent version each
(`SecretMountsService.read_values`), so an index never mixes old and new values of one Secret;
the other folders keep their worked-out forms. That rebuild runs on one background thread:
callers that may not wait (the live check) get the previous index meanwhile, saves wait for it.
Values stay in this process's memory and nowhere else.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from ..mounts.discovery import Discovery
from ..mounts.model import SecretMount
from ..mounts.service import KeyUnreadable, SecretMountsService
from ..mounts.value_facts import MatchFloor
from .findings import folder_name
from .value_index import FolderForms, SecretValue, ValueIndex

#: Keys that are public by Kubernetes' own layout: the service-account folder's `namespace` is an
#: ordinary name that notebooks mention all the time (it is no credential).
_SERVICE_ACCOUNT_KEYS = {"token", "ca.crt", "namespace"}

Stamp = tuple[str, MatchFloor]


class LiveValueIndex:
    """Hands out the current `ValueIndex`; thread-safe (handlers run it in worker threads)."""

    def __init__(self, service: SecretMountsService, floor: Callable[[], MatchFloor]) -> None:
        self._service = service
        self._floor = floor
        self._lock = threading.Lock()
        self._stamp: Stamp | None = None
        self._index = ValueIndex()
        #: mount path -> (the folder's stamp when read, its forms)
        self._folders: dict[str, tuple[tuple[Any, ...], FolderForms]] = {}
        self._folders_floor: MatchFloor | None = None
        self._builder = ThreadPoolExecutor(1, thread_name_prefix="secret-mounts-index")
        # Separate, so that a rotation never waits behind the full rebuild of the last one.
        self._compactor = ThreadPoolExecutor(1, thread_name_prefix="secret-mounts-compact")
        self._pending: tuple[Stamp, Future[ValueIndex]] | None = None

    def current(self, wait: float | None = None) -> ValueIndex:
        """The index for the mounts as they are now (blocking: call it off the event loop).

        `wait` bounds how long to wait for a rebuild in seconds (None: until it is done);
        past it, the index from before the change is returned and the rebuild goes on. The
        first index is always waited for. Raises `ValuesUnavailable` when a listed folder
        cannot be read: an index without its values would let them through unnoticed.
        """
        try:
            return self._current(wait)
        except ValuesUnavailable:
            return self._current(wait)  # rotated between listing and reading: once more, afresh

    def _current(self, wait: float | None) -> ValueIndex:
        found = self._service.discover()
        stamp: Stamp = (found.etag, self._floor())
        with self._lock:
            if stamp == self._stamp:
                return self._index
            # A finished future here failed (a success set the stamp): try again.
            if self._pending is None or self._pending[0] != stamp or self._pending[1].done():
                self._pending = (stamp, self._builder.submit(self._rebuild, found, stamp))
            pending, previous = self._pending[1], self._index
            if self._stamp is None:
                wait = None  # no earlier index to answer from: the first one is worth waiting for
        try:
            return pending.result(timeout=wait)
        except FutureTimeout:
            return previous

    def _rebuild(self, found: Discovery, stamp: Stamp) -> ValueIndex:
        """On the builder thread (one at a time): re-read the folders that changed only.

        The new index patches the previous one with an automaton over those folders alone;
        a full rebuild is queued behind it to fold the patches in, and nobody waits for that.
        """
        floor = stamp[1]
        first = floor != self._folders_floor
        if first:
            self._folders, self._folders_floor = {}, floor
        folders: dict[str, tuple[tuple[Any, ...], FolderForms]] = {}
        changed: dict[str, FolderForms] = {}
        for mount in sorted(found.mounts, key=lambda m: m.path):
            if mount.error is not None and not mount.keys:
                if mount.writable_by_anyone or not os.access(mount.path, os.R_OK | os.X_OK):
                    # Not a secret volume, or one no process of this user (kernels included)
                    # can read: nothing to guard.
                    continue
                raise ValuesUnavailable(mount.path, mount.error)
            mount_stamp = mount.stamp()
            known = self._folders.get(mount.path)
            if known is not None and known[0] == mount_stamp:
                folders[mount.path] = known
                continue
            # A failure leaves the stamp as it was, so the next use tries again.
            forms = FolderForms.of(self._values(mount), floor)
            folders[mount.path] = (mount_stamp, forms)
            changed[mount.path] = forms
        removed = set(self._folders) - set(folders)
        if first:
            index = ValueIndex(forms for _, forms in folders.values())
        else:
            index = self._index.patched(changed, removed)
            self._compactor.submit(self._compact, stamp)
        with self._lock:
            self._folders = folders
            self._index, self._stamp = index, stamp
        return index

    def _compact(self, stamp: Stamp) -> None:
        """One automaton over every folder again, unless the mounts changed meanwhile."""
        with self._lock:
            if stamp != self._stamp:
                return
            folders = self._folders
        index = ValueIndex(forms for _, forms in folders.values())
        with self._lock:
            if stamp == self._stamp:
                self._index = index

    def _values(self, mount: SecretMount) -> Iterator[SecretValue]:
        """Every listed key's value, from one version of the folder."""
        try:
            values = self._service.read_values(mount)
        except KeyUnreadable as error:
            raise ValuesUnavailable(mount.path, str(error)) from error
        if not {key.name for key in mount.keys if key.error is None} <= values.keys():
            raise ValuesUnavailable(mount.path, "keys changed while being read")
        skipped = _public_keys(mount) | _aliases(mount)
        for name, value in values.items():
            if name not in skipped:
                yield SecretValue(mount.path, name, value)


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
