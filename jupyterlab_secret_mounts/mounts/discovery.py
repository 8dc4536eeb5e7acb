"""Where secret folders are: configured roots, kubelet volumes in mountinfo, the service account."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections import deque
from dataclasses import dataclass, field
from functools import cached_property

from ..config import SERVICE_ACCOUNT_DIR, SecretMounts
from . import kubelet, mountinfo
from .cache import FolderCache
from .exclusions import Exclusions
from .model import SecretMount
from .reader import Candidate, ReadOptions, is_world_writable, read_folder
from .safe_fs import describe_error, open_dir

# kubelet backs secret and projected volumes with tmpfs. Looking only at tmpfs mounts skips
# configMaps (on disk, not credentials) and never touches a network filesystem that could hang.
_MOUNTINFO_FSTYPES = {"tmpfs", "ramfs"}

# A bind mount whose root goes through `..2026_11_22_...` is a subPath into one version: kubelet
# resolves the subPath inside the volume and bind-mounts that file or folder, never updated.
_VERSION_COMPONENT = re.compile(r"(^|/)\.\.\d{4}_\d{2}_\d{2}_")


@dataclass
class Discovery:
    mounts: list[SecretMount] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @cached_property
    def etag(self) -> str:
        """Changes whenever a folder, key (inode, size, times, mode) or `..data` target does."""
        stamp = repr(([m.stamp() for m in self.mounts], self.warnings)).encode()
        return hashlib.blake2b(stamp, digest_size=16).hexdigest()

    def to_json(self) -> dict[str, object]:
        """`IMountsResponse`."""
        return {
            "mounts": [mount.to_json() for mount in self.mounts],
            "warnings": list(self.warnings),
            "etag": self.etag,
        }


def discover(
    settings: SecretMounts,
    cache: FolderCache,
    mount_table: list[mountinfo.MountEntry] | None = None,
    service_account_dir: str = SERVICE_ACCOUNT_DIR,
) -> Discovery:
    """Find and read every secret folder the policy allows."""
    table = mountinfo.read() if mount_table is None else mount_table
    result = Discovery()
    hidden: set[tuple[int, int] | None] = (
        set() if settings.show_service_account else {_identity(service_account_dir)}
    )

    exclusions = Exclusions(list(settings.excluded))
    options = ReadOptions(
        settings.max_value_bytes,
        settings.match_floor,
        exclusions,
        frozenset(_pinned_mount_points(table)),
    )
    queue = deque(_candidates(settings, table, service_account_dir, result.warnings))
    seen: set[tuple[int, int]] = set()
    while queue:
        candidate = queue.popleft()
        if candidate.identity in seen or candidate.identity in hidden:
            continue
        if exclusions.hides_folder(candidate.path):
            continue
        seen.add(candidate.identity)
        folder = read_folder(candidate, options, cache)
        if folder.mount is not None:
            result.mounts.append(folder.mount)
        # Nested volumes next, so one also listed in mountinfo keeps the root it was found under.
        queue.extendleft(reversed(folder.nested))
    return result


def _candidates(
    settings: SecretMounts,
    table: list[mountinfo.MountEntry],
    service_account_dir: str,
    warnings: list[str],
) -> list[Candidate]:
    found: list[Candidate] = []
    pinned = _pinned_mount_points(table)
    for root in settings.roots:
        found.extend(_root_candidates(root, not settings.roots_are_default, warnings, pinned))
    if settings.discover_mountinfo:
        for entry in table:
            if entry.fstype not in _MOUNTINFO_FSTYPES:
                continue
            if entry.mount_point in pinned:
                found.extend(_pinned_candidate(entry.mount_point, "mountinfo"))
            # kubelet mounts Secret and projected volumes read-only; a writable tmpfs such as
            # /dev/shm is anyone's scratch space, not a secret volume.
            elif entry.read_only:
                found.extend(_kubelet_folder(entry.mount_point, "mountinfo"))
    if settings.show_service_account:
        found.extend(_kubelet_folder(service_account_dir, service_account_dir))
    return found


def _root_candidates(
    root: str, explicit: bool, warnings: list[str], pinned: set[str]
) -> list[Candidate]:
    """Each subfolder of a root is a mount; so is a root holding `..data` or files of its own."""
    try:
        fd = open_dir(root)
    except FileNotFoundError:
        if explicit:
            warnings.append(f"Configured root {root} does not exist.")
        return []
    except NotADirectoryError:
        warnings.append(f"Configured root {root} is not a folder.")
        return []
    except OSError as error:
        warnings.append(f"Configured root {root} is not readable: {describe_error(error)}.")
        return []
    try:
        info = os.fstat(fd)
        if is_world_writable(fd, info):
            warnings.append(f"Configured root {root} is skipped: anyone can write there.")
            return []
        itself = Candidate(root, root, (info.st_dev, info.st_ino))
        return [itself] if kubelet.has_data_link(fd) else _root_listing(fd, itself, pinned)
    except OSError as error:
        warnings.append(f"Configured root {root} is not readable: {describe_error(error)}.")
        return []
    finally:
        os.close(fd)


def _root_listing(fd: int, root: Candidate, pinned: set[str]) -> list[Candidate]:
    """The subfolders of a root, and the root itself (`flat`) when it holds files directly.

    A subfolder or file that mountinfo shows as a subPath bind mount is a pinned mount of its own.
    """
    subfolders: list[Candidate] = []
    holds_files = False
    real_root = os.path.realpath(root.path)
    with os.scandir(fd) as listing:
        for entry in sorted(listing, key=lambda e: e.name):
            if entry.name.startswith(".."):
                continue
            if os.path.join(real_root, entry.name) in pinned:
                subfolders.extend(_pinned_candidate(os.path.join(root.path, entry.name), root.path))
            elif entry.is_dir(follow_symlinks=False):
                child = entry.stat(follow_symlinks=False)
                path = os.path.join(root.path, entry.name)
                subfolders.append(Candidate(path, root.path, (child.st_dev, child.st_ino)))
            else:
                holds_files = True
    flat = [Candidate(root.path, root.path, root.identity, flat=True)] if holds_files else []
    return flat + subfolders


def _kubelet_folder(path: str, root: str) -> list[Candidate]:
    """`path` as a candidate if it is an atomic-writer folder; nothing otherwise."""
    try:
        fd = open_dir(path)
    except OSError:
        return []
    try:
        if not kubelet.has_data_link(fd):
            return []
        info = os.fstat(fd)
        return [Candidate(path, root, (info.st_dev, info.st_ino))]
    finally:
        os.close(fd)


def _pinned_candidate(path: str, root: str) -> list[Candidate]:
    """A subPath bind mount: a folder or a single file from inside one kubelet version."""
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return []
    identity = (info.st_dev, info.st_ino)
    if stat.S_ISDIR(info.st_mode):
        return [Candidate(path, root, identity, pinned=True)]
    if stat.S_ISREG(info.st_mode):
        return [Candidate(path, root, identity, pinned=True, file=True)]
    return []


def _pinned_mount_points(table: list[mountinfo.MountEntry]) -> set[str]:
    """Mount points of subPath bind mounts of kubelet volumes (tmpfs, root inside a version)."""
    return {
        entry.mount_point
        for entry in table
        if entry.fstype in _MOUNTINFO_FSTYPES and _VERSION_COMPONENT.search(entry.root)
    }


def _identity(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)
