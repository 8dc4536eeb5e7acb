"""subPath mounts: kubelet bind-mounts one key (a file) or a nested folder from inside one
timestamped version, so mountinfo shows a root like `/..2026_11_22_15_04_05.1/password` on a
tmpfs, the mount point may be a file (`~/.aws/credentials`), and no `..data` is beside it.

Two tiers: a real bind mount in a private mount namespace (`unshare -m`, needs root), read
through this process's own `/proc/self/mountinfo`; and everywhere else the same layout with a
mountinfo table in the kernel's shape and real files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_secret_mounts.guard.live_index import LiveValueIndex
from jupyterlab_secret_mounts.mounts import mountinfo
from jupyterlab_secret_mounts.mounts.kubelet import write_atomic
from jupyterlab_secret_mounts.mounts.service import KeyUnreadable, SecretMountsService
from jupyterlab_secret_mounts.mounts.value_facts import MatchFloor

from .test_discovery import mounts_by_name, service_for
from .trees import canary


def _subpath_probe(service: SecretMountsService, leaked: dict[str, str]) -> dict[str, Any]:
    """What a user sees of the mounts, and which mount/key each leaked text matches."""
    found = service.discover()
    index = LiveValueIndex(service, lambda: MatchFloor(4, 0.0)).current()
    return {
        "mounts": [mount.to_json() for mount in found.mounts],
        "leaks": {
            label: [(m.mount, m.key) for m in index.find(text)] for label, text in leaked.items()
        },
    }


def _check_subpath_listing(result: dict[str, Any], home: str, volume_version: str) -> None:
    mounts = {mount["path"]: mount for mount in result["mounts"]}
    credentials = mounts[f"{home}/.aws/credentials"]
    assert credentials["file"] is True
    assert credentials["kind"] == "kubernetes"
    assert credentials["rotates"] is False  # the "does not rotate" notice
    assert [(k["name"], k["path"]) for k in credentials["keys"]] == [
        ("credentials", f"{home}/.aws/credentials")
    ]
    tls = mounts[f"{home}/tls"]
    assert "file" not in tls
    assert (tls["kind"], tls["rotates"]) == ("kubernetes", False)
    assert sorted(k["name"] for k in tls["keys"]) == ["tls.crt", "tls.key"]
    # Never a value in the listing, and never the version folder's name as a key.
    listing = json.dumps(result["mounts"])
    assert "CANARY" not in listing
    assert volume_version not in listing


# ---------------------------------------------------------------- real bind mounts


_UNSHARE = shutil.which("unshare")


def _can_unshare() -> bool:
    if os.geteuid() != 0 or _UNSHARE is None:
        return False
    probe = subprocess.run(
        [_UNSHARE, "-m", "--propagation", "private", "true"], capture_output=True, check=False
    )
    return probe.returncode == 0


_IN_NAMESPACE = textwrap.dedent(
    """
    import json, os, subprocess, sys
    from jupyterlab_secret_mounts.mounts import mountinfo
    from jupyterlab_secret_mounts.mounts.kubelet import write_atomic
    from jupyterlab_secret_mounts.tests.test_subpath import _subpath_probe
    from jupyterlab_secret_mounts.tests.test_discovery import service_for

    base, values = sys.argv[1], json.loads(sys.argv[2])
    volume = os.path.join(base, "volume")
    home = os.path.join(base, "home")
    os.makedirs(volume)
    # kubelet's secret volume: a read-only tmpfs in kubelet's atomic-writer layout.
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", volume], check=True)
    version = write_atomic(volume, {k: v.encode() for k, v in values.items()}, mode=0o440)
    subprocess.run(["mount", "-o", "remount,ro", volume], check=True)
    # What kubelet does for subPath: resolve inside the current version, bind-mount that.
    os.makedirs(os.path.join(home, ".aws"))
    os.makedirs(os.path.join(home, "tls"))
    open(os.path.join(home, ".aws", "credentials"), "w").close()
    for source, target in [
        (os.path.join(volume, version, "credentials"), os.path.join(home, ".aws", "credentials")),
        (os.path.join(volume, version, "tls"), os.path.join(home, "tls")),
    ]:
        subprocess.run(["mount", "--bind", source, target], check=True)
        subprocess.run(["mount", "-o", "remount,bind,ro", target], check=True)
    table = mountinfo.read()  # this process's /proc/self/mountinfo, as the server reads it
    service = service_for([], table=table, discover_mountinfo=True)
    leaked = {"credentials": "key = " + values["credentials"], "tls": values["tls/tls.key"]}
    result = _subpath_probe(service, leaked)
    result["version"] = version
    result["home"] = home
    result["mountinfo"] = [[e.root, e.mount_point] for e in table if e.mount_point.startswith(base)]
    print(json.dumps(result))
    """
)


@pytest.mark.skipif(not _can_unshare(), reason="needs root and unshare -m (a mount namespace)")
def test_real_subpath_bind_mounts(tmp_path: Path) -> None:
    values = {
        "credentials": canary("aws").decode(),
        "tls/tls.crt": canary("crt").decode(),
        "tls/tls.key": canary("key").decode(),
        "unused": canary("unused").decode(),
    }
    run = subprocess.run(
        [_UNSHARE, "-m", "--propagation", "private", sys.executable, "-c", _IN_NAMESPACE]
        + [str(tmp_path), json.dumps(values)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parents[2],
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout)
    home, version = result["home"], result["version"]
    # The kernel's view, as kubelet leaves it: the root is inside the version folder.
    assert [f"/{version}/credentials", f"{home}/.aws/credentials"] in result["mountinfo"]
    assert [f"/{version}/tls", f"{home}/tls"] in result["mountinfo"]
    _check_subpath_listing(result, home, version)
    # The whole volume is mounted too (at a tmpfs mount point with ..data): listed, rotating.
    whole = {m["path"]: m for m in result["mounts"]}[str(tmp_path / "volume")]
    assert whole["rotates"] is True
    assert result["leaks"]["credentials"] == [[f"{home}/.aws/credentials", "credentials"]]
    assert [key for _, key in result["leaks"]["tls"]] == ["tls.key"]


# --------------------------------------------------------- mountinfo shape + real files


def _fixture_layout(
    tmp_path: Path, targets: dict[str, Path]
) -> tuple[str, dict[str, bytes], list[mountinfo.MountEntry]]:
    """What the bind mounts show (copies of a version's file and folder at `targets`: key or
    folder -> mount point) and the mountinfo lines the kernel writes for them."""
    values = {
        "credentials": canary("aws"),
        "tls/tls.crt": canary("crt"),
        "tls/tls.key": canary("key"),
    }
    volume = tmp_path / "var-lib-kubelet" / "aws"
    version = write_atomic(str(volume), values)
    lines = []
    for number, (source, target) in enumerate(targets.items()):
        target.parent.mkdir(parents=True, exist_ok=True)
        if (volume / version / source).is_dir():
            shutil.copytree(volume / version / source, target)
        else:
            shutil.copy2(volume / version / source, target)
        lines.append(
            f"{1450 + number} 1431 0:52 /{version}/{source} {target} ro,relatime - "
            "tmpfs tmpfs rw,size=4g,inode64\n"
        )
    # The pod's /dev/shm: a writable tmpfs, not a bind mount from a version.
    lines.append(f"1460 1431 0:60 / {tmp_path}/shm rw,nosuid - tmpfs shm rw\n")
    return version, values, mountinfo.parse("".join(lines).encode())


def test_subpath_file_and_folder_from_mountinfo(tmp_path: Path) -> None:
    home = tmp_path / "home" / "jovyan"
    targets = {"credentials": home / ".aws" / "credentials", "tls": home / "tls"}
    version, values, table = _fixture_layout(tmp_path, targets)
    service = service_for([], table=table, discover_mountinfo=True)
    leaked = {
        "credentials": "aws_secret_access_key = " + values["credentials"].decode(),
        "tls": values["tls/tls.key"].decode(),
    }
    result = _subpath_probe(service, leaked)
    _check_subpath_listing(result, str(home), version)
    assert result["leaks"]["credentials"] == [(f"{home}/.aws/credentials", "credentials")]
    assert result["leaks"]["tls"] == [(f"{home}/tls", "tls.key")]
    # The one-key mount reads (reveal, leak checks) like any key.
    assert service.read_value(f"{home}/.aws/credentials", "credentials") == values["credentials"]


def test_subpath_inside_a_root_is_its_own_pinned_mount(tmp_path: Path) -> None:
    root = tmp_path / "secrets"
    targets = {"credentials": root / "credentials", "tls": root / "tls"}
    _version, _values, table = _fixture_layout(tmp_path, targets)
    (root / "api-key").write_bytes(canary("plain"))  # a plain file beside them (Docker-style)
    # mountinfo discovery off: only the root is searched, and mountinfo still tells what is pinned.
    mounts = mounts_by_name(service_for([root], table=table).discover())
    assert sorted(mounts) == ["credentials", "secrets", "tls"]
    assert [key.name for key in mounts["secrets"].keys] == ["api-key"]
    credentials = mounts["credentials"]
    assert (credentials.kind, credentials.rotates, credentials.file) == ("kubernetes", False, True)
    assert (credentials.path, credentials.root) == (str(root / "credentials"), str(root))
    tls = mounts["tls"]
    assert (tls.kind, tls.rotates, tls.file) == ("kubernetes", False, False)


def test_file_mount_swapped_for_another_file_is_not_read(tmp_path: Path) -> None:
    home = tmp_path / "home"
    targets = {"credentials": home / "credentials"}
    _version, _values, table = _fixture_layout(tmp_path, targets)
    service = service_for([], table=table, discover_mountinfo=True)
    (mount,) = service.discover().mounts
    (home / "other").write_bytes(b"someone else's file")
    os.replace(home / "other", home / "credentials")
    with pytest.raises(KeyUnreadable, match="replaced"):
        service.read_values(mount)
