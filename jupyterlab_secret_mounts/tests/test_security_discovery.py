"""Issue 15, items 6 and 7: exclusions hold under every name; planted folders are no secrets.

6. `/var/run` is a link to `/run`: `/run/secrets/internal-*` excluded was still listed and
   revealable as `/var/run/secrets/internal-db`; a link in a plain folder to an excluded key
   exposed its value.
7. `/dev/shm` is a world-writable tmpfs: any local user could plant a folder in kubelet's layout
   there and have it listed, revealable and indexed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_secret_mounts.config import SecretMounts
from jupyterlab_secret_mounts.mounts import mountinfo
from jupyterlab_secret_mounts.mounts.kubelet import write_atomic
from jupyterlab_secret_mounts.mounts.service import SecretMountsService

from .guard_helpers import check, error_of
from .trees import canary


@pytest.fixture
def aliased_roots(tmp_path: Path) -> dict[str, Path]:
    """`run/secrets/internal-db` and `var/run -> run`, as on every Linux image."""
    real = tmp_path / "run" / "secrets"
    write_atomic(str(real / "internal-db"), {"password": canary("internal")})
    write_atomic(str(real / "public-db"), {"password": canary("public")})
    (tmp_path / "var").mkdir()
    os.symlink(tmp_path / "run", tmp_path / "var" / "run")
    return {"real": real, "alias": tmp_path / "var" / "run" / "secrets"}


def listed(service: SecretMountsService) -> list[str]:
    return [mount.path for mount in service.discover().mounts]


@pytest.mark.parametrize("written_as", ["real", "alias"])
def test_a_folder_excluded_under_one_name_is_hidden_under_the_other(
    aliased_roots: dict[str, Path], written_as: str
) -> None:
    pattern = str(aliased_roots[written_as] / "internal-*")
    # Both roots, the alias first (as in DEFAULT_ROOTS): the folder is found through the alias.
    settings = SecretMounts(
        roots=[str(aliased_roots["alias"]), str(aliased_roots["real"])],
        excluded=[pattern],
        discover_mountinfo=False,
        show_service_account=False,
    )
    service = SecretMountsService(settings, read_mount_table=list)
    paths = listed(service)
    assert not [p for p in paths if "internal" in p]
    assert [p for p in paths if "public" in p]  # the control: not everything was hidden
    for root in aliased_roots.values():
        with pytest.raises(LookupError):
            service.read_value(str(root / "internal-db"), "password")


def test_a_link_to_an_excluded_key_is_hidden_too(tmp_path: Path) -> None:
    plain = tmp_path / "secrets" / "plain"
    plain.mkdir(parents=True)
    (plain / "internal-key").write_bytes(canary("excluded"))
    (plain / "api-key").write_bytes(canary("allowed"))
    os.symlink("internal-key", plain / "innocent-name")
    settings = SecretMounts(
        roots=[str(tmp_path / "secrets")],
        excluded=[str(plain / "internal-*")],
        discover_mountinfo=False,
        show_service_account=False,
    )
    service = SecretMountsService(settings, read_mount_table=list)
    (mount,) = service.discover().mounts
    assert [key.name for key in mount.keys] == ["api-key"]
    with pytest.raises(LookupError):
        service.read_value(str(plain), "innocent-name")


class TestExcludedThroughTheServer:
    @pytest.fixture
    def secret_mounts_policy(self, aliased_roots: dict[str, Path]) -> dict[str, Any]:
        return {
            "roots": [str(aliased_roots["alias"]), str(aliased_roots["real"])],
            "excluded": [str(aliased_roots["real"] / "internal-*")],
            "discover_mountinfo": False,
            "show_service_account": False,
            "allow_reveal": True,
        }

    async def test_not_listed_not_revealable_not_indexed(
        self, jp_fetch: Any, aliased_roots: dict[str, Path]
    ) -> None:
        body = (await jp_fetch("secret-mounts", "mounts")).body
        assert b"internal" not in body
        reveal = {"path": str(aliased_roots["alias"] / "internal-db"), "key": "password"}
        status, _, _ = await error_of(
            jp_fetch("secret-mounts", "reveal", method="POST", body=json.dumps(reveal))
        )
        assert status == 404


def shm_table(path: Path, options: str) -> list[mountinfo.MountEntry]:
    """The kernel's mountinfo line for a tmpfs mounted at `path`."""
    line = f"1460 1431 0:60 / {path} {options},nosuid,nodev - tmpfs shm rw,size=65536k\n"
    return mountinfo.parse(line.encode())


def test_a_planted_volume_on_a_writable_tmpfs_is_not_a_secret(tmp_path: Path) -> None:
    shm = tmp_path / "dev" / "shm"
    shm.mkdir(parents=True)
    shm.chmod(0o1777)
    write_atomic(str(shm), {"token": canary("planted")})  # ..data and all, as kubelet lays it
    settings = SecretMounts(roots=[], discover_mountinfo=True, show_service_account=False)

    def discovered(options: str) -> list[str]:
        table = shm_table(shm, options)
        return listed(SecretMountsService(settings, read_mount_table=lambda: table))

    assert discovered("rw") == []
    # Control: the same folder mounted read-only (as kubelet mounts secrets) and not
    # world-writable is a volume.
    shm.chmod(0o755)
    assert discovered("ro") == [str(shm)]


def test_a_world_writable_folder_under_a_root_is_not_read(tmp_path: Path) -> None:
    root = tmp_path / "secrets"
    planted = root / "planted"
    write_atomic(str(planted), {"token": canary("planted")})
    planted.chmod(0o777)
    settings = SecretMounts(roots=[str(root)], discover_mountinfo=False, show_service_account=False)
    service = SecretMountsService(settings, read_mount_table=list)
    (mount,) = service.discover().mounts
    assert mount.keys == [] and "anyone can write" in (mount.error or "")
    with pytest.raises(LookupError):
        service.read_value(str(planted), "token")


def test_a_world_writable_root_is_skipped_with_a_warning(tmp_path: Path) -> None:
    root = tmp_path / "scratch"
    write_atomic(str(root / "planted"), {"token": canary("planted")})
    root.chmod(0o1777)
    settings = SecretMounts(roots=[str(root)], discover_mountinfo=False, show_service_account=False)
    found = SecretMountsService(settings, read_mount_table=list).discover()
    assert found.mounts == []
    assert any("anyone can write" in warning for warning in found.warnings)


class TestPlantedThroughTheServer:
    @pytest.fixture
    def planted(self, tmp_path: Path) -> bytes:
        value = canary("planted")
        write_atomic(str(tmp_path / "secrets" / "planted"), {"token": value})
        (tmp_path / "secrets" / "planted").chmod(0o777)
        return value

    async def test_not_indexed(self, jp_fetch: Any, planted: bytes) -> None:
        assert await check(jp_fetch, {"cell": f"t = '{planted.decode()}'"}) == []


LIST_IN_NAMESPACE = """
import json, sys
from jupyterlab_secret_mounts.config import SecretMounts
from jupyterlab_secret_mounts.mounts import mountinfo
from jupyterlab_secret_mounts.mounts.service import SecretMountsService
settings = SecretMounts(roots=[], discover_mountinfo=True, show_service_account=False)
mine = [e for e in mountinfo.read() if e.mount_point == sys.argv[1]]
found = SecretMountsService(settings, read_mount_table=lambda: mine).discover()
print(json.dumps([[m.path, [k.name for k in m.keys], m.error] for m in found.mounts]))
"""


def listed_on_real_tmpfs(tmp_path: Path, read_only: bool) -> list[Any]:
    """Discovery in a private mount namespace, on a tmpfs laid out as kubelet lays out a Secret
    volume: mode 1777 (kubelet's emptyDir-backed volumes are), files written, then remounted
    read-only as kubelet mounts it into the container, or left writable like /dev/shm."""
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs root and unshare(1) for a private mount namespace")
    volume = tmp_path / "volume"
    volume.mkdir()
    remount = f"mount -o remount,ro {volume} && " if read_only else ""
    script = (
        f"mount -t tmpfs -o mode=1777 tmpfs {volume} && "
        f"{sys.executable} -c 'from jupyterlab_secret_mounts.mounts.kubelet import write_atomic; "
        f'write_atomic("{volume}", {{"token": b"tok-9fQ2xZ7LmA4pW1rK"}})\' && '
        f"{remount}{sys.executable} -c '{LIST_IN_NAMESPACE}' {volume}"
    )
    done = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 and "mount" in done.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()[:200]}")
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


def test_a_read_only_volume_of_mode_1777_is_a_secret_volume(tmp_path: Path) -> None:
    assert listed_on_real_tmpfs(tmp_path, read_only=True) == [
        [str(tmp_path / "volume"), ["token"], None]
    ]


def test_the_same_volume_writable_is_not(tmp_path: Path) -> None:
    assert listed_on_real_tmpfs(tmp_path, read_only=False) == []
