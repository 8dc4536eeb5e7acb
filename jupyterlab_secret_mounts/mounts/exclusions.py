"""`SecretMounts.excluded`: glob patterns of folders and keys to hide, matched on real paths.

One folder has many names (`/var/run` is a link to `/run`; a root may be reached through a
symlink; a plain folder may hold a link to an excluded key), so a pattern written for one name
must hide every other. Patterns are matched against a path as found and its real path, and a
pattern's own folder part is resolved too, so both spellings hide both ways.
"""

from __future__ import annotations

import fnmatch
import os
import re

_GLOB = re.compile(r"[*?\[]")


class Exclusions:
    def __init__(self, patterns: list[str]) -> None:
        found: list[str] = []
        for pattern in patterns:
            for form in (pattern, _resolved(pattern)):
                if form not in found:
                    found.append(form)
        self._patterns = found

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def hides_folder(self, path: str) -> bool:
        """A folder, by the path it was found at or its real path."""
        return bool(self._patterns) and self._matches(path, os.path.realpath(path))

    def hides_key(self, key_path: str, real_mount: str, *names: str) -> bool:
        """A key, by its listed path or by `real_mount`/name for each name it is read under
        (its own name; a link's target in a plain folder). `real_mount` is the folder's real path:
        key paths themselves are never resolved (kubelet's go through `..data` to a version)."""
        return bool(self._patterns) and self._matches(
            key_path, *(os.path.join(real_mount, name) for name in names)
        )

    def _matches(self, *paths: str) -> bool:
        return any(fnmatch.fnmatchcase(p, pattern) for p in paths for pattern in self._patterns)


def _resolved(pattern: str) -> str:
    """The pattern with the folders before its first wildcard replaced by their real path."""
    glob = _GLOB.search(pattern)
    fixed = pattern if glob is None else pattern[: glob.start()]
    folder, _, rest = fixed.rpartition("/")
    if not folder or not os.path.isabs(pattern):
        return pattern
    return os.path.join(os.path.realpath(folder), rest + pattern[len(fixed) :])
