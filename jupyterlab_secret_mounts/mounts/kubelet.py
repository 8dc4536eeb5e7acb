"""kubelet's atomic-writer layout of secret, configMap and projected volumes.

    mount/
      ..2026_11_22_15_04_05.123456789/   the real files of one version (never changed later)
        password
        tls/tls.crt                        keys may be nested paths
      ..data -> ..2026_11_22_15_04_05.123456789
      password -> ..data/password          one symlink per top-level key
      tls -> ..data/tls

An update writes a new timestamped folder, renames a fresh `..data_tmp` symlink over
`..data` (atomic), adds/removes the per-key symlinks and deletes the old folder.

Readers here resolve `..data` once, read below that concrete folder, then check that
`..data` still points there. Timestamped names are never reused, so an unchanged
`..data` proves the folder was current for the whole read and was not being deleted:
the read is one complete version. Otherwise it is repeated.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import stat
import time
from collections.abc import Callable, Mapping
from typing import TypeVar

from .safe_fs import open_subdir

DATA_LINK = "..data"
DATA_TMP_LINK = "..data_tmp"

#: A writer that swaps faster than we can read even a small folder this many times is broken.
READ_ATTEMPTS = 200

T = TypeVar("T")


class LayoutError(OSError):
    """`..data` is not a symlink to a timestamped folder inside the mount."""


class KeptChanging(OSError):
    """`..data` was swapped during every attempt to read."""


def has_data_link(dir_fd: int) -> bool:
    """Whether the opened folder holds kubelet's `..data` symlink."""
    try:
        info = os.stat(DATA_LINK, dir_fd=dir_fd, follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISLNK(info.st_mode)


def data_target(mount_fd: int) -> str:
    """The timestamped folder name `..data` points to; refuses anything leaving the mount."""
    try:
        target = os.readlink(DATA_LINK, dir_fd=mount_fd)
    except OSError as error:
        raise LayoutError(error.errno, "..data is missing or not a symbolic link") from error
    if "/" in target or not target.startswith("..") or target in ("..", DATA_LINK, DATA_TMP_LINK):
        raise LayoutError(0, "..data points outside the folder; not followed")
    return target


def read_consistent(
    mount_fd: int, read: Callable[[int, str], T], attempts: int = READ_ATTEMPTS
) -> T:
    """Call `read(version_dir_fd, version_name)` until it ran against one unchanged version."""
    for _ in range(attempts):
        target = data_target(mount_fd)
        try:
            version_fd = open_subdir(mount_fd, target)
        except OSError as error:
            if data_target(mount_fd) != target:
                continue  # swapped and the old folder already deleted: start over
            if isinstance(error, FileNotFoundError):
                raise LayoutError(0, "..data points to a missing folder") from None
            if error.errno in (errno.ELOOP, errno.ENOTDIR):  # a symlink or file, not a folder
                raise LayoutError(error.errno, "..data does not point to a folder") from None
            raise
        try:
            result = read(version_fd, target)
        except FileNotFoundError:
            if data_target(mount_fd) == target:
                raise  # really missing in the current version
            continue  # the version was being deleted under us
        finally:
            os.close(version_fd)
        if data_target(mount_fd) == target:
            return result
    raise KeptChanging(0, "the folder kept changing while being read; try again")


def _check_key_path(name: str) -> tuple[str, ...]:
    parts = tuple(name.split("/"))
    if not name or any(p in ("", ".", "..") for p in parts) or parts[0].startswith(".."):
        raise ValueError(f"invalid key path: {name!r}")
    return parts


def _new_version_dir(folder: str) -> str:
    """`..2026_11_22_15_04_05.<random digits>`, as Go's os.MkdirTemp names kubelet's folders."""
    stamp = time.strftime("..%Y_%m_%d_%H_%M_%S.", time.gmtime())
    while True:
        path = os.path.join(folder, stamp + str(secrets.randbelow(2**32)))
        try:
            os.mkdir(path)
        except FileExistsError:
            continue
        os.chmod(path, 0o755)  # noqa: S103 (kubelet makes versions world-listable)
        return path


def write_atomic(
    folder: str,
    files: Mapping[str, bytes],
    *,
    mode: int = 0o644,
    modes: Mapping[str, int] | None = None,
) -> str:
    """Publish `files` (key path -> bytes) in `folder` exactly as kubelet's AtomicWriter does.

    Returns the new timestamped folder name. Used by the demo, tests and benchmarks.
    """
    checked = {name: _check_key_path(name) for name in files}
    os.makedirs(folder, exist_ok=True)
    try:
        old_version: str | None = os.readlink(os.path.join(folder, DATA_LINK))
    except OSError:
        old_version = None

    # 1. The new version, complete, before anyone can see it.
    version_dir = _new_version_dir(folder)
    for name, data in files.items():
        path = os.path.join(version_dir, *checked[name])
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        with open(path, "wb") as file:
            file.write(data)
        os.chmod(path, (modes or {}).get(name, mode))
    version = os.path.basename(version_dir)

    # 2. Atomic swap: a fresh symlink renamed over ..data.
    tmp_link = os.path.join(folder, DATA_TMP_LINK)
    if os.path.lexists(tmp_link):
        os.remove(tmp_link)
    os.symlink(version, tmp_link)
    os.rename(tmp_link, os.path.join(folder, DATA_LINK))

    # 3. User-visible per-key symlinks: add new ones, drop ones whose key is gone.
    top_level = {parts[0] for parts in checked.values()}
    for name in top_level:
        link = os.path.join(folder, name)
        if not os.path.lexists(link):
            os.symlink(os.path.join(DATA_LINK, name), link)
    for entry in os.scandir(folder):
        if (
            entry.name not in top_level
            and not entry.name.startswith("..")
            and entry.is_symlink()
            and os.readlink(entry.path).startswith(DATA_LINK + "/")
        ):
            os.remove(entry.path)

    # 4. The old version goes last; readers holding it notice that ..data moved on.
    if old_version and old_version != version and old_version.startswith(".."):
        shutil.rmtree(os.path.join(folder, old_version), ignore_errors=True)
    return version
