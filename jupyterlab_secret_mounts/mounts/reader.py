"""Read one secret folder: its keys and their metadata. Values are read only to describe them."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from . import kubelet, value_facts
from .cache import FolderCache
from .exclusions import Exclusions
from .model import SecretKey, SecretMount
from .safe_fs import WalkItem, describe_error, open_dir, read_beneath, walk

#: A Secret has far fewer keys; a bigger folder is listed partially with an error.
MAX_KEYS = 2000


@dataclass(frozen=True)
class Candidate:
    """A folder that discovery thinks is a secret mount."""

    path: str
    root: str
    #: (st_dev, st_ino) when discovered; a folder swapped for another one since is refused.
    identity: tuple[int, int]
    #: Only the files directly inside (a root holding files itself, like Docker's /run/secrets).
    flat: bool = False
    #: mountinfo shows it bind-mounted from inside one kubelet version (a subPath): never updated.
    pinned: bool = False
    #: The mount point is a file (a subPath of one key); `identity` is the file's.
    file: bool = False


@dataclass
class ReadOptions:
    max_value_bytes: int
    #: Values weaker than this are marked `too_guessable` (never indexed for leak checks).
    floor: value_facts.MatchFloor = value_facts.MatchFloor(1, 0.0)
    exclusions: Exclusions = field(default_factory=lambda: Exclusions([]))
    #: Real paths of subPath mount points, each listed as a mount of its own, never as a key.
    pinned_mount_points: frozenset[str] = frozenset()


@dataclass
class FolderRead:
    mount: SecretMount | None
    #: kubelet volumes found inside a plain folder (e.g. /var/run/secrets/kubernetes.io/...).
    nested: list[Candidate] = field(default_factory=list)


def read_folder(candidate: Candidate, options: ReadOptions, cache: FolderCache) -> FolderRead:
    """Describe the folder; problems become `error` fields, never exceptions."""
    name = os.path.basename(candidate.path.rstrip("/")) or candidate.path
    mount = SecretMount(
        path=candidate.path,
        name=name,
        kind="kubernetes" if candidate.pinned else "folder",
        root=candidate.root,
        identity=candidate.identity,
        pinned=candidate.pinned,
        file=candidate.file,
    )
    if candidate.file:
        return FolderRead(_read_file_mount(mount, options, cache))
    return _scan_folder(candidate, mount, options, cache)


def _scan_folder(
    candidate: Candidate, mount: SecretMount, options: ReadOptions, cache: FolderCache
) -> FolderRead:
    try:
        fd = open_dir(candidate.path)
    except OSError as error:
        mount.error = f"folder not readable: {describe_error(error)}"
        return FolderRead(mount)
    try:
        info = os.fstat(fd)
        mount.writable_by_anyone = is_world_writable(fd, info)
        mount.error = _untrusted(info, candidate, mount.writable_by_anyone)
        if mount.error is not None:
            return FolderRead(mount)
        if kubelet.has_data_link(fd) and not candidate.pinned:
            return FolderRead(_read_kubelet_volume(fd, mount, options, cache))
        nested = _read_plain_folder(fd, mount, candidate, options, cache)
        mount.updated = max([info.st_mtime, *(k.mtime for k in mount.keys)])
        if not mount.keys and nested:
            return FolderRead(None, nested)  # only groups other mounts (like kubernetes.io/)
        return FolderRead(mount, nested)
    except OSError as error:
        mount.error = f"folder not readable: {describe_error(error)}"
        return FolderRead(mount)
    finally:
        os.close(fd)


def is_world_writable(fd: int, info: os.stat_result) -> bool:
    """Anyone may add files to the opened folder. kubelet's secret volumes are mode 1777 but
    mounted read-only, so nobody can."""
    return bool(info.st_mode & stat.S_IWOTH) and not os.fstatvfs(fd).f_flag & os.ST_RDONLY


def _untrusted(info: os.stat_result, candidate: Candidate, world_writable: bool) -> str | None:
    """Why the opened folder must not be read, if it must not."""
    if (info.st_dev, info.st_ino) != candidate.identity:
        return "folder was replaced while being read; refresh"
    if world_writable:
        # Anyone could plant keys here; kubelet mounts secret volumes read-only.
        return "anyone can write to this folder; not read as a secret mount"
    return None


def _read_kubelet_volume(
    fd: int, mount: SecretMount, options: ReadOptions, cache: FolderCache
) -> SecretMount:
    mount.kind = "kubernetes"
    # An atomic-writer folder is only visible when the whole volume is mounted, and its writer
    # swaps `..data` in place, so it follows updates. (A subPath is bind-mounted from inside one
    # timestamped version instead, with no `..data`: see `Candidate.pinned`.)
    mount.rotates = True
    try:
        stamp = _version_stamp(fd, mount)
    except OSError:
        stamp = None  # the full read below reports what is wrong
    cached = cache.volumes.get((stamp, options.floor)) if stamp else None
    if cached is not None:
        mount.version, keys = cached
    else:

        def read(version_fd: int, version: str) -> tuple[str, tuple[SecretKey, ...]]:
            items = list(walk(version_fd, max_items=MAX_KEYS + 1))
            return version, tuple(
                _describe(version_fd, mount, item, scope=version, options=options, cache=cache)
                for item in items
            )

        try:
            mount.version, keys = kubelet.read_consistent(fd, read)
        except (kubelet.LayoutError, kubelet.KeptChanging) as error:
            mount.error = error.strerror
            return mount
        except OSError as error:
            mount.error = f"folder not readable: {describe_error(error)}"
            return mount
        if stamp and stamp.target == mount.version:
            cache.volumes.put((stamp, options.floor), (mount.version, keys))
    # Entries beside kubelet's are looked at every time (one listing, no reads).
    mount.keys = [*keys, *_unmanaged_entries(fd, mount.path, keys)]
    _limit_and_filter(mount, options)
    mount.updated = os.stat(kubelet.DATA_LINK, dir_fd=fd, follow_symlinks=False).st_mtime
    return mount


class VersionStamp(NamedTuple):
    """Identifies the version `..data` points to now: its name is never reused, and kubelet
    never edits a published version (the folder's times catch anyone else who does)."""

    mount_path: str
    mount_identity: tuple[int, int]
    target: str
    inode: int
    mtime_ns: int
    ctime_ns: int


def _version_stamp(fd: int, mount: SecretMount) -> VersionStamp:
    target = kubelet.data_target(fd)
    version = os.stat(target, dir_fd=fd, follow_symlinks=False)
    return VersionStamp(
        mount.path,
        mount.identity,
        target,
        version.st_ino,
        version.st_mtime_ns,
        version.st_ctime_ns,
    )


def _unmanaged_entries(fd: int, mount_path: str, keys: tuple[SecretKey, ...]) -> list[SecretKey]:
    """Top-level entries kubelet did not make: shown, never read (they could point anywhere)."""
    managed = {key.name.split("/")[0] for key in keys}
    extra: list[SecretKey] = []
    with os.scandir(fd) as listing:
        for entry in sorted(listing, key=lambda e: e.name):
            if entry.name.startswith("..") or entry.name in managed:
                continue
            try:
                if entry.is_symlink() and os.readlink(entry.name, dir_fd=fd).startswith(
                    kubelet.DATA_LINK + "/"
                ):
                    continue  # a key symlink kubelet drops right after a swap
            except OSError:
                pass
            extra.append(
                SecretKey(
                    name=entry.name,
                    path=os.path.join(mount_path, entry.name),
                    error="not part of the Kubernetes volume; not read",
                )
            )
    return extra


def _read_file_mount(mount: SecretMount, options: ReadOptions, cache: FolderCache) -> SecretMount:
    """A subPath of one key: the mount point is the file itself, its one key."""
    folder, name = os.path.split(mount.path)
    try:
        fd = open_dir(folder)
    except OSError as error:
        mount.error = f"folder not readable: {describe_error(error)}"
        return mount
    try:
        info = os.stat(name, dir_fd=fd, follow_symlinks=False)
        if (info.st_dev, info.st_ino) != mount.identity:
            mount.error = "file was replaced while being read; refresh"
            return mount
        key = _describe(
            fd, mount, WalkItem((name,), info), scope=folder, options=options, cache=cache
        )
        mount.keys = [replace(key, path=mount.path)]
        mount.updated = info.st_mtime
        _limit_and_filter(mount, options)
    except OSError as error:
        mount.error = f"file not readable: {describe_error(error)}"
    finally:
        os.close(fd)
    return mount


def _read_plain_folder(
    fd: int,
    mount: SecretMount,
    candidate: Candidate,
    options: ReadOptions,
    cache: FolderCache,
) -> list[Candidate]:
    nested: list[Candidate] = []
    real_path = os.path.realpath(candidate.path)

    def descend(parts: tuple[str, ...], child_fd: int) -> bool:
        if candidate.flat:
            return False
        if kubelet.has_data_link(child_fd):
            info = os.fstat(child_fd)
            path = os.path.join(candidate.path, *parts)
            nested.append(Candidate(path, candidate.root, (info.st_dev, info.st_ino)))
            return False
        return True

    for found in walk(fd, descend=descend, max_items=MAX_KEYS + 1):
        if os.path.join(real_path, *found.parts) in options.pinned_mount_points:
            continue
        is_link = found.stat is not None and stat.S_ISLNK(found.stat.st_mode)
        item = _follow_inside(real_path, found) if is_link and found.error is None else found
        mount.keys.append(
            _describe(fd, mount, item, scope=mount.path, options=options, cache=cache)
        )
    _limit_and_filter(mount, options)
    return nested


def _follow_inside(real_mount: str, link: WalkItem) -> WalkItem:
    """A symlink in a plain folder counts only if it ends at a file inside the same folder."""
    real = os.path.realpath(os.path.join(real_mount, *link.parts))
    if os.path.commonpath([real_mount, real]) != real_mount:
        return WalkItem(link.parts, link.stat, "symbolic link to outside the folder; not followed")
    try:
        target = os.stat(real, follow_symlinks=False)
    except OSError:
        return WalkItem(link.parts, link.stat, "broken symbolic link")
    if stat.S_ISLNK(target.st_mode):  # realpath stops inside a loop
        return WalkItem(link.parts, link.stat, "symbolic link loop; not followed")
    if stat.S_ISDIR(target.st_mode):
        return WalkItem(link.parts, link.stat, "symbolic link to a folder; not followed")
    inside = tuple(os.path.relpath(real, real_mount).split("/"))
    return _LinkedItem(link.parts, target, None, inside)


@dataclass(frozen=True)
class _LinkedItem(WalkItem):
    """A symlink shown under its own name but read at its (checked) target."""

    target_parts: tuple[str, ...] = ()


def _describe(
    dir_fd: int,
    mount: SecretMount,
    item: WalkItem,
    *,
    scope: str,
    options: ReadOptions,
    cache: FolderCache,
) -> SecretKey:
    read_parts = item.target_parts if isinstance(item, _LinkedItem) else item.parts
    path = os.path.join(mount.path, *item.parts)
    key = SecretKey(name=item.name, path=path, read_parts=read_parts)
    info = item.stat
    if info is not None:
        key.size = info.st_size
        key.mode = f"{stat.S_IMODE(info.st_mode):04o}"
        key.mtime = info.st_mtime
        key.stamp = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    if item.error is not None or info is None:
        key.error = item.error or "could not be read"
        return key
    if stat.S_ISLNK(info.st_mode):
        key.error = "symbolic link inside the volume; not followed"
        return key
    if not stat.S_ISREG(info.st_mode):
        key.error = "not a regular file"
        return key
    if info.st_size > options.max_value_bytes:
        key.error = f"larger than {options.max_value_bytes} bytes; not read"
        return key
    cache_key = (scope, read_parts, key.stamp)
    facts = cache.facts.get(cache_key)
    if facts is None:
        try:
            facts = value_facts.facts(read_beneath(dir_fd, read_parts, options.max_value_bytes))
        except OSError as error:
            key.error = describe_error(error)
            return key
        cache.facts.put(cache_key, facts)
    key.binary, key.json, key.fingerprint = facts.binary, facts.json, facts.fingerprint
    key.too_guessable = not options.floor.admits(facts.strength)
    return key


def _limit_and_filter(mount: SecretMount, options: ReadOptions) -> None:
    if len(mount.keys) > MAX_KEYS:
        del mount.keys[MAX_KEYS:]
        mount.error = f"more than {MAX_KEYS} files; only the first {MAX_KEYS} are listed"
    if not options.exclusions:
        return
    real_mount = os.path.realpath(mount.path)
    mount.keys = [
        key
        for key in mount.keys
        if not options.exclusions.hides_key(
            key.path, real_mount, key.name, os.path.join(*key.read_parts or (key.name,))
        )
    ]
