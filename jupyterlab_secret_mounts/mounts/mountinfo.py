"""Parse `/proc/self/mountinfo` (proc(5)): which folders are mount points, and of what."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

MOUNTINFO_PATH = "/proc/self/mountinfo"

# The kernel escapes space, tab, newline and backslash in paths as 3-digit octal (`\040`).
_OCTAL_ESCAPE = re.compile(rb"\\([0-7]{3})")


@dataclass(frozen=True)
class MountEntry:
    """One line of mountinfo."""

    #: Path inside the mounted filesystem that appears at `mount_point` (`/` for a whole
    #: filesystem; a file or subfolder for bind mounts such as a Pod `subPath`).
    root: str
    mount_point: str
    fstype: str
    source: str
    #: `ro` among the per-mount options (kubelet mounts Secret and projected volumes read-only).
    read_only: bool = False


def unescape(field: bytes) -> str:
    """Undo the kernel's octal escapes and decode like any other file name."""
    return os.fsdecode(_OCTAL_ESCAPE.sub(lambda m: bytes([int(m.group(1), 8)]), field))


def parse(text: bytes) -> list[MountEntry]:
    """Parse mountinfo content; malformed lines are skipped, never fatal."""
    entries: list[MountEntry] = []
    for line in text.splitlines():
        fields = line.split(b" ")
        # id parent major:minor root mount-point options [optional fields...] - fstype source ...
        try:
            separator = fields.index(b"-", 6)
        except ValueError:
            continue
        if len(fields) < separator + 3:
            continue
        entries.append(
            MountEntry(
                root=unescape(fields[3]),
                mount_point=unescape(fields[4]),
                fstype=unescape(fields[separator + 1]),
                source=unescape(fields[separator + 2]),
                read_only=b"ro" in fields[5].split(b","),
            )
        )
    return entries


def read(path: str = MOUNTINFO_PATH) -> list[MountEntry]:
    """Mount table of this process; empty where there is none (not Linux, no /proc)."""
    try:
        with open(path, "rb") as file:
            return parse(file.read())
    except OSError:
        return []
