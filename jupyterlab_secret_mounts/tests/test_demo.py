"""The demo root is in kubelet's layout and `rotate` swaps in new values; no value is printed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import jupyterlab_secret_mounts
from jupyterlab_secret_mounts import demo
from jupyterlab_secret_mounts.config import SecretMounts
from jupyterlab_secret_mounts.mounts.service import SecretMountsService


def listing(root: Path) -> dict[str, dict[str, dict[str, object]]]:
    settings = SecretMounts(roots=[str(root)], discover_mountinfo=False, show_service_account=False)
    found = SecretMountsService(settings, read_mount_table=list).discover()
    return {m.name: {k.name: k.to_json() for k in m.keys} for m in found.mounts}


def all_values(root: Path) -> list[bytes]:
    return [
        path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink() and "/..data" not in str(path)
    ]


def test_create_makes_every_kind_of_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "secrets"
    assert demo.main(["create", str(root)]) == 0
    found = listing(root)
    assert sorted(found) == ["api-token", "blob", "db-creds", "gcp-sa", "tls"]
    assert sorted(found["db-creds"]) == ["password", "username"]
    assert sorted(found["tls"]) == ["ca.crt", "tls/tls.crt", "tls/tls.key"]
    assert found["tls"]["tls/tls.key"]["mode"] == "0600"
    assert found["gcp-sa"]["key.json"]["json"] is True
    assert found["blob"]["keystore.jks"]["binary"] is True
    assert (
        (root / "tls" / "tls" / "tls.key").read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    )
    assert os.readlink(root / "db-creds" / "password") == "..data/password"
    printed = capsys.readouterr().out.encode()
    for value in all_values(root):
        assert value not in printed


def test_rotate_swaps_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "secrets"
    demo.create(str(root))
    before = listing(root)["db-creds"]
    old_version = os.readlink(root / "db-creds" / "..data")
    assert demo.main(["rotate", str(root / "db-creds")]) == 0
    after = listing(root)["db-creds"]
    assert os.readlink(root / "db-creds" / "..data") != old_version
    assert after["password"]["fingerprint"] != before["password"]["fingerprint"]
    assert after["username"]["fingerprint"] == before["username"]["fingerprint"]
    printed = capsys.readouterr().out.encode()
    assert (root / "db-creds" / "password").read_bytes() not in printed


@pytest.mark.parametrize("folder", ["not-a-demo", "db-creds"])
def test_rotate_refuses_what_it_cannot_rotate(
    tmp_path: Path, folder: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / folder).mkdir()  # exists, but was never created by `create`
    assert demo.main(["rotate", str(tmp_path / folder)]) == 1
    assert "error:" in capsys.readouterr().err


def test_extension_entry_points() -> None:
    assert jupyterlab_secret_mounts._jupyter_labextension_paths() == [
        {"src": "labextension", "dest": "jupyterlab-secret-mounts"}
    ]
    assert jupyterlab_secret_mounts._jupyter_server_extension_points() == [
        {"module": "jupyterlab_secret_mounts"}
    ]
    assert jupyterlab_secret_mounts.__version__ != "0.0.0+dev"  # found in package.json
