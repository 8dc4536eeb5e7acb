"""The per-server object behind the endpoints: policy, cached facts, and the only value reads."""

from __future__ import annotations

import os
from collections.abc import Callable

from ..config import SERVICE_ACCOUNT_DIR, SecretMounts
from . import kubelet, mountinfo
from .cache import FolderCache
from .discovery import Discovery, discover
from .model import SecretKey, SecretMount
from .provenance import PodProvenance, source_for
from .safe_fs import describe_error, open_dir, read_beneath


class KeyNotFound(LookupError):
    """Not a key of a discovered secret folder."""


class KeyUnreadable(Exception):
    """A discovered key whose value cannot be read (the message says why, never the value)."""


class SecretMountsService:
    """One per server, in the Tornado settings, shared by every handler (and the save hook)."""

    def __init__(
        self,
        settings: SecretMounts,
        read_mount_table: Callable[[], list[mountinfo.MountEntry]] = mountinfo.read,
        service_account_dir: str = SERVICE_ACCOUNT_DIR,
        provenance: PodProvenance | None = None,
    ) -> None:
        self.settings = settings
        self._read_mount_table = read_mount_table
        self._service_account_dir = service_account_dir
        self._cache = FolderCache()
        self._provenance = provenance if provenance is not None else PodProvenance()

    def discover(self) -> Discovery:
        """Every allowed secret folder with key metadata (blocking; run it off the event loop)."""
        found = discover(
            self.settings, self._cache, self._read_mount_table(), self._service_account_dir
        )
        # Which Secret backs each folder, where this pod may read its own spec (else nothing).
        sources = self._provenance.snapshot()
        for mount in found.mounts:
            source = source_for(mount.path, sources)
            mount.source = dict(source) if source is not None else None
        return found

    def find_key(self, mount_path: str, key_name: str) -> tuple[SecretMount, SecretKey]:
        """Exact lookup among discovered folders and keys: nothing else is ever read."""
        for mount in self.discover().mounts:
            if mount.path == mount_path:
                key = mount.key(key_name)
                if key is not None:
                    return mount, key
        raise KeyNotFound(key_name)

    def read_value(self, mount_path: str, key_name: str) -> bytes:
        """The current value of one discovered key."""
        mount, key = self.find_key(mount_path, key_name)
        if key.error is not None:
            raise KeyUnreadable(key.error)
        values = self.read_values(mount, [key])
        if key.name not in values:
            raise KeyNotFound(key_name)  # gone in a rotation since it was listed
        return values[key.name]

    def read_values(
        self, mount: SecretMount, keys: list[SecretKey] | None = None
    ) -> dict[str, bytes]:
        """Values of readable keys of one folder, all from one version (for reveal and leak checks).

        Keys that vanished or became unreadable since discovery are left out.
        """
        wanted = [k for k in (mount.keys if keys is None else keys) if k.error is None]
        limit = self.settings.max_value_bytes

        def read(dir_fd: int) -> dict[str, bytes]:
            found: dict[str, bytes] = {}
            for key in wanted:
                try:
                    found[key.name] = read_beneath(dir_fd, key.read_parts, limit)
                except OSError:
                    continue
            return found

        if mount.file:
            return self._read_file_mount(mount, wanted)
        try:
            fd = open_dir(mount.path)
        except OSError as error:
            raise KeyUnreadable(f"folder not readable: {describe_error(error)}") from error
        try:
            info = os.fstat(fd)
            if (info.st_dev, info.st_ino) != mount.identity:
                raise KeyUnreadable("folder was replaced since it was listed; refresh")
            if mount.kind == "kubernetes" and not mount.pinned:
                return kubelet.read_consistent(fd, lambda version_fd, _version: read(version_fd))
            return read(fd)
        except kubelet.LayoutError as error:
            raise KeyUnreadable(error.strerror or "unreadable volume") from error
        except kubelet.KeptChanging as error:
            raise KeyUnreadable(error.strerror or "kept changing") from error
        except OSError as error:  # anything else mid-read: an answer, never a 500
            raise KeyUnreadable(f"folder not readable: {describe_error(error)}") from error
        finally:
            os.close(fd)

    def _read_file_mount(self, mount: SecretMount, wanted: list[SecretKey]) -> dict[str, bytes]:
        """The value of a subPath file mount: its one key is the mount point itself."""
        if not wanted:
            return {}
        folder, name = os.path.split(mount.path)
        try:
            fd = open_dir(folder)
        except OSError as error:
            raise KeyUnreadable(f"folder not readable: {describe_error(error)}") from error
        try:
            info = os.stat(name, dir_fd=fd, follow_symlinks=False)
            if (info.st_dev, info.st_ino) != mount.identity:
                raise KeyUnreadable("file was replaced since it was listed; refresh")
            return {wanted[0].name: read_beneath(fd, (name,), self.settings.max_value_bytes)}
        except OSError as error:
            raise KeyUnreadable(f"file not readable: {describe_error(error)}") from error
        finally:
            os.close(fd)
