"""The atomic writer matches kubelet's layout; the reader never returns a torn version."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from jupyterlab_secret_mounts.mounts import kubelet
from jupyterlab_secret_mounts.mounts.safe_fs import open_dir, read_beneath

VERSION_NAME = re.compile(r"^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$")


def _versions(folder: Path) -> list[str]:
    return [n for n in os.listdir(folder) if n.startswith("..") and n != kubelet.DATA_LINK]


def test_writer_makes_kubelet_layout(tmp_path: Path) -> None:
    folder = tmp_path / "tls"
    version = kubelet.write_atomic(
        str(folder),
        {"ca.crt": b"ca", "tls/tls.crt": b"crt", "tls/tls.key": b"key"},
        modes={"tls/tls.key": 0o600},
    )
    assert VERSION_NAME.match(version)
    assert os.readlink(folder / "..data") == version  # relative, inside the folder
    assert os.readlink(folder / "ca.crt") == "..data/ca.crt"
    assert os.readlink(folder / "tls") == "..data/tls"
    assert not os.path.lexists(folder / "..data_tmp")
    assert (folder / "tls" / "tls.key").read_bytes() == b"key"
    assert oct((folder / version / "tls" / "tls.key").stat().st_mode & 0o777) == "0o600"
    assert oct((folder / version / "ca.crt").stat().st_mode & 0o777) == "0o644"
    assert _versions(folder) == [version]


def test_update_swaps_version_and_cleans_up(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    first = kubelet.write_atomic(str(folder), {"username": b"a", "password": b"b"})
    second = kubelet.write_atomic(str(folder), {"username": b"c", "token": b"d"})
    assert first != second
    assert _versions(folder) == [second]  # the old version is deleted
    assert (folder / "username").read_bytes() == b"c"
    assert (folder / "token").read_bytes() == b"d"
    assert not os.path.lexists(folder / "password")  # key symlink of a removed key dropped


@pytest.mark.parametrize("name", ["", "../x", "a/../b", "..hidden", "a//b", "/abs"])
def test_writer_refuses_bad_key_paths(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="invalid key path"):
        kubelet.write_atomic(str(tmp_path / "f"), {name: b"x"})


def _read_pair(version_fd: int) -> tuple[bytes, bytes]:
    return (
        read_beneath(version_fd, ("username",), 100),
        read_beneath(version_fd, ("password",), 100),
    )


def test_reader_retries_when_swapped_mid_read(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    kubelet.write_atomic(str(folder), {"username": b"user-1", "password": b"pass-1"})
    calls: list[str] = []

    def read(version_fd: int, version: str) -> tuple[bytes, bytes]:
        calls.append(version)
        username = read_beneath(version_fd, ("username",), 100)
        if len(calls) == 1:  # kubelet swaps between our two reads
            kubelet.write_atomic(str(folder), {"username": b"user-2", "password": b"pass-2"})
        try:
            password = read_beneath(version_fd, ("password",), 100)
        except FileNotFoundError:
            password = b"(gone)"
        return username, password

    fd = open_dir(str(folder))
    try:
        assert kubelet.read_consistent(fd, read) == (b"user-2", b"pass-2")
    finally:
        os.close(fd)
    assert len(calls) == 2 and calls[0] != calls[1]


def test_reader_gives_up_on_a_folder_that_never_settles(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    kubelet.write_atomic(str(folder), {"username": b"u", "password": b"p"})

    def read(version_fd: int, version: str) -> tuple[bytes, bytes]:
        kubelet.write_atomic(str(folder), {"username": b"u", "password": b"p"})
        return _read_pair(version_fd)

    fd = open_dir(str(folder))
    try:
        with pytest.raises(kubelet.KeptChanging):
            kubelet.read_consistent(fd, read, attempts=5)
    finally:
        os.close(fd)


@pytest.mark.parametrize("target", ["/etc", "../outside", "..data", "sub/..x", "plain"])
def test_data_link_must_stay_inside(tmp_path: Path, target: str) -> None:
    folder = tmp_path / "evil"
    folder.mkdir()
    os.symlink(target, folder / "..data")
    fd = open_dir(str(folder))
    try:
        with pytest.raises(kubelet.LayoutError, match="outside"):
            kubelet.read_consistent(fd, lambda version_fd, version: None)
    finally:
        os.close(fd)


def test_dangling_data_link_is_a_layout_error(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    os.symlink("..2026_01_01_00_00_00.1", folder / "..data")
    fd = open_dir(str(folder))
    try:
        with pytest.raises(kubelet.LayoutError, match="missing"):
            kubelet.read_consistent(fd, lambda version_fd, version: None)
    finally:
        os.close(fd)
