"""What discovery found: secret folders and their keys (never their values)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

MountKind = Literal["kubernetes", "folder"]


@dataclass
class SecretKey:
    name: str
    path: str
    size: int = 0
    mode: str = ""
    mtime: float = 0.0
    binary: bool = False
    json: bool = False
    fingerprint: str = ""
    error: str | None = None
    #: Read, but too short or too guessable for exact-match leak checks (value_facts.MatchFloor).
    too_guessable: bool = False
    #: Where the value is read from, below the version folder (kubelet) or the mount folder.
    read_parts: tuple[str, ...] = ()
    #: Cheap change detector for the ETag (inode, size, times); not served.
    stamp: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """`ISecretKey`."""
        out: dict[str, Any] = {
            "name": self.name,
            "path": self.path,
            "size": self.size,
            "mode": self.mode,
            "mtime": self.mtime,
            "binary": self.binary,
            "json": self.json,
            "fingerprint": self.fingerprint,
        }
        if self.error is not None:
            out["error"] = self.error
        if self.too_guessable:
            out["tooGuessable"] = True
        return out


@dataclass
class SecretMount:
    path: str
    name: str
    kind: MountKind
    root: str
    rotates: bool = False
    updated: float = 0.0
    keys: list[SecretKey] = field(default_factory=list)
    error: str | None = None
    #: The timestamped folder `..data` pointed to when read (kubelet volumes); not served.
    version: str = ""
    #: (st_dev, st_ino) of the folder when read; later reads refuse a different folder.
    identity: tuple[int, int] = (0, 0)
    #: Anyone may add files to it, so it is never read: nothing in it is a secret to guard.
    writable_by_anyone: bool = False
    #: The Kubernetes Secret behind the folder, from this pod's spec (provenance.py), when known.
    source: dict[str, Any] | None = None
    #: A subPath bind mount from inside one timestamped version (mountinfo): no `..data`, never
    #: updated. Read as a plain folder (or file).
    pinned: bool = False
    #: The mount point is one file (a subPath of one key, e.g. `~/.aws/credentials`), not a folder.
    file: bool = False

    def key(self, name: str) -> SecretKey | None:
        return next((k for k in self.keys if k.name == name), None)

    def to_json(self) -> dict[str, Any]:
        """`ISecretMount`."""
        out: dict[str, Any] = {
            "path": self.path,
            "name": self.name,
            "kind": self.kind,
            "rotates": self.rotates,
            "updated": self.updated,
            "root": self.root,
            "keys": [key.to_json() for key in self.keys],
        }
        if self.error is not None:
            out["error"] = self.error
        if self.source is not None:
            out["source"] = dict(self.source)
        if self.file:
            out["file"] = True
        return out

    def stamp(self) -> tuple[Any, ...]:
        """Everything that changes when the folder changes, for the ETag."""
        return (
            self.path,
            self.root,
            self.kind,
            self.rotates,
            self.file,
            self.version,
            self.error,
            tuple((k.name, k.mode, k.error, k.too_guessable, k.stamp) for k in self.keys),
            repr(self.source),  # provenance arrives after the first listing
        )
