"""File access that never follows a symbolic link below a folder we opened.

Everything below an opened folder is reached with `openat`-style calls (`dir_fd`) and
`O_NOFOLLOW`, so a symlink planted inside a secret folder (or swapped in while we read)
cannot make us read a file outside it. FIFOs and devices are opened non-blocking and
refused, so a hostile mount cannot hang the server.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_NOFOLLOW_DIR_FLAGS = _DIR_FLAGS | os.O_NOFOLLOW
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC

#: Deeper nesting than this is not a secret; it stops bind-mount loops too.
MAX_DEPTH = 16


class NotARegularFile(OSError):
    """A FIFO, socket, device or folder where a file was expected."""


class TooLarge(OSError):
    """Larger than the configured limit; never read."""


@dataclass(frozen=True)
class WalkItem:
    """A non-folder entry found by `walk`, or a folder that could not be walked."""

    parts: tuple[str, ...]
    stat: os.stat_result | None
    error: str | None = None

    @property
    def name(self) -> str:
        return "/".join(self.parts)


def open_dir(path: str) -> int:
    """Open a folder we chose ourselves (a root or a mount; may be reached through symlinks)."""
    return os.open(path, _DIR_FLAGS)


def open_subdir(dir_fd: int, name: str) -> int:
    """Open a folder directly inside `dir_fd`; fails with ELOOP/ENOTDIR on a symlink."""
    return os.open(name, _NOFOLLOW_DIR_FLAGS, dir_fd=dir_fd)


def walk(
    dir_fd: int,
    *,
    descend: Callable[[tuple[str, ...], int], bool] | None = None,
    skip_dotdot: bool = True,
    max_items: int = 10_000,
) -> Iterator[WalkItem]:
    """Yield every non-folder entry below `dir_fd` (sorted, depth first), never following symlinks.

    `descend(parts, fd)` may veto walking into a subfolder (e.g. a nested secret mount).
    Entries named `..*` (kubelet's bookkeeping) are skipped. Stops after `max_items`.
    """
    count = 0

    def visit(
        fd: int, prefix: tuple[str, ...], seen: frozenset[tuple[int, int]]
    ) -> Iterator[WalkItem]:
        nonlocal count
        with os.scandir(fd) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for entry in entries:
            if skip_dotdot and entry.name.startswith(".."):
                continue
            if count >= max_items:
                return
            parts = (*prefix, entry.name)
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as error:
                count += 1
                yield WalkItem(parts, None, describe_error(error))
                continue
            if not stat.S_ISDIR(info.st_mode):
                count += 1
                yield WalkItem(parts, info)
                continue
            identity = (info.st_dev, info.st_ino)
            if len(parts) > MAX_DEPTH or identity in seen:
                count += 1
                yield WalkItem(parts, info, "folder nested too deeply or in a loop; not read")
                continue
            try:
                child = open_subdir(fd, entry.name)
            except OSError as error:
                count += 1
                yield WalkItem(parts, info, f"folder not readable: {describe_error(error)}")
                continue
            try:
                if descend is None or descend(parts, child):
                    yield from visit(child, parts, seen | {identity})
            except OSError as error:
                count += 1
                yield WalkItem(parts, info, f"folder not readable: {describe_error(error)}")
            finally:
                os.close(child)

    top = os.fstat(dir_fd)
    yield from visit(dir_fd, (), frozenset({(top.st_dev, top.st_ino)}))


def read_beneath(dir_fd: int, parts: tuple[str, ...], max_bytes: int) -> bytes:
    """Read the regular file at `parts` below `dir_fd` without following any symlink."""
    if not parts or any(p in ("", ".", "..") or "/" in p or "\0" in p for p in parts):
        raise FileNotFoundError(errno.ENOENT, "not a path inside the folder")
    opened: list[int] = []
    try:
        fd = dir_fd
        for part in parts[:-1]:
            fd = open_subdir(fd, part)
            opened.append(fd)
        file_fd = os.open(parts[-1], _FILE_FLAGS, dir_fd=fd)
    finally:
        for sub in opened:
            os.close(sub)
    with os.fdopen(file_fd, "rb") as file:
        info = os.fstat(file_fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(errno.EINVAL, "not a regular file")
        if info.st_size > max_bytes:
            raise TooLarge(errno.EFBIG, "too large")
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew after fstat
        raise TooLarge(errno.EFBIG, "too large")
    return data


def describe_error(error: OSError) -> str:
    """A short, value-free explanation for the user."""
    if isinstance(error, (NotARegularFile, TooLarge)):
        return str(error.strerror)
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.ENOENT:
        return "missing"
    if error.errno in (errno.ELOOP, errno.ENOTDIR):
        return "symbolic link; not followed"
    return os.strerror(error.errno) if error.errno else "could not be read"
