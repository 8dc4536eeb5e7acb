"""Secret folders for tests, written with the same atomic writer the demo uses."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from jupyterlab_secret_mounts.mounts.kubelet import write_atomic


def canary(label: str) -> bytes:
    """A value that cannot appear anywhere by chance."""
    return f"CANARY-{label}-{secrets.token_hex(12)}".encode()


@dataclass
class SecretsTree:
    root: Path
    outside: Path
    #: "folder/key" -> value, for every value planted under `root`
    values: dict[str, bytes] = field(default_factory=dict)
    #: values of files outside `root`, reachable only through planted symlinks
    outside_values: list[bytes] = field(default_factory=list)

    @property
    def all_canaries(self) -> list[bytes]:
        return [*self.values.values(), *self.outside_values]

    def add_kubelet(self, folder: str, files: dict[str, bytes], **kwargs: object) -> Path:
        path = self.root / folder
        write_atomic(str(path), files, **kwargs)  # type: ignore[arg-type]
        self.values.update({f"{folder}/{key}": value for key, value in files.items()})
        return path


def build_tree(base: Path) -> SecretsTree:
    """A root with kubelet volumes (nested, binary, JSON), a plain folder and hostile symlinks."""
    tree = SecretsTree(root=base / "secrets", outside=base / "outside")
    tree.outside.mkdir(parents=True)
    stolen = canary("outside")
    (tree.outside / "canary.txt").write_bytes(stolen)
    tree.outside_values.append(stolen)

    tree.add_kubelet("db-creds", {"username": canary("user"), "password": canary("pass")})
    tree.add_kubelet(
        "tls",
        {"tls/tls.crt": canary("crt"), "tls/tls.key": canary("key"), "ca.crt": canary("ca")},
        modes={"tls/tls.key": 0o600},
    )
    tree.add_kubelet("blob", {"keystore.jks": b"\xfe\xed\xfe\xed" + canary("binary")})
    tree.add_kubelet("config", {"settings.json": b'{"token": "%s"}' % canary("json")})

    plain = tree.root / "plain"
    plain.mkdir()
    api_key = canary("plain")
    (plain / "api-key").write_bytes(api_key)
    tree.values["plain/api-key"] = api_key
    os.symlink("api-key", plain / "alias")  # inside the folder: followed
    os.symlink("../../outside/canary.txt", plain / "escape")  # outside: never followed
    os.symlink(str(tree.outside / "canary.txt"), plain / "escape-absolute")
    os.symlink("does-not-exist", plain / "dangling")
    # kubelet never makes this: a top-level symlink out of a kubelet volume
    os.symlink(str(tree.outside / "canary.txt"), tree.root / "db-creds" / "escape")
    return tree
