"""Discovery on real folders in kubelet's layout, including hostile and broken ones."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_secret_mounts.config import SecretMounts
from jupyterlab_secret_mounts.mounts import reader, safe_fs, value_facts
from jupyterlab_secret_mounts.mounts.discovery import Discovery
from jupyterlab_secret_mounts.mounts.kubelet import write_atomic
from jupyterlab_secret_mounts.mounts.model import SecretKey, SecretMount
from jupyterlab_secret_mounts.mounts.mountinfo import MountEntry
from jupyterlab_secret_mounts.mounts.service import SecretMountsService

from .trees import SecretsTree, canary

NOBODY = 65534


def service_for(
    roots: list[Path],
    table: list[MountEntry] | None = None,
    service_account_dir: Path | None = None,
    **policy: Any,
) -> SecretMountsService:
    policy.setdefault("discover_mountinfo", False)
    policy.setdefault("show_service_account", False)
    settings = SecretMounts(roots=[str(r) for r in roots], **policy)
    return SecretMountsService(
        settings,
        read_mount_table=lambda: list(table or []),
        service_account_dir=str(service_account_dir or "/nonexistent/serviceaccount"),
    )


def discover(roots: list[Path], **kwargs: Any) -> Discovery:
    return service_for(roots, **kwargs).discover()


def mounts_by_name(found: Discovery) -> dict[str, SecretMount]:
    return {m.name: m for m in found.mounts}


def keys_by_name(mount: SecretMount) -> dict[str, SecretKey]:
    return {k.name: k for k in mount.keys}


@pytest.fixture
def found(secrets_tree: SecretsTree) -> Discovery:
    return discover([secrets_tree.root])


def test_lists_every_folder_of_the_root(found: Discovery, secrets_tree: SecretsTree) -> None:
    assert sorted(mounts_by_name(found)) == ["blob", "config", "db-creds", "plain", "tls"]
    assert {m.root for m in found.mounts} == {str(secrets_tree.root)}
    assert found.warnings == []


def test_kubelet_volume_keys_and_metadata(found: Discovery, secrets_tree: SecretsTree) -> None:
    db = mounts_by_name(found)["db-creds"]
    assert (db.kind, db.rotates, db.error) == ("kubernetes", True, None)
    assert db.path == str(secrets_tree.root / "db-creds")
    assert db.updated == os.lstat(secrets_tree.root / "db-creds" / "..data").st_mtime
    keys = keys_by_name(db)
    assert sorted(keys) == ["escape", "password", "username"]  # never ..data or ..2026_*
    password = keys["password"]
    value = secrets_tree.values["db-creds/password"]
    assert password.path == str(secrets_tree.root / "db-creds" / "password")
    assert Path(password.path).read_bytes() == value  # the path kernel code should read
    assert (password.size, password.mode, password.binary, password.json) == (
        len(value),
        "0644",
        False,
        False,
    )
    assert password.error is None


def test_nested_keys_keep_their_paths_and_modes(
    found: Discovery, secrets_tree: SecretsTree
) -> None:
    keys = keys_by_name(mounts_by_name(found)["tls"])
    assert sorted(keys) == ["ca.crt", "tls/tls.crt", "tls/tls.key"]
    key = keys["tls/tls.key"]
    assert key.mode == "0600"
    assert Path(key.path).read_bytes() == secrets_tree.values["tls/tls/tls.key"]


def test_binary_and_json_values(found: Discovery) -> None:
    mounts = mounts_by_name(found)
    jks = keys_by_name(mounts["blob"])["keystore.jks"]
    settings = keys_by_name(mounts["config"])["settings.json"]
    assert (jks.binary, jks.json) == (True, False)
    assert (settings.binary, settings.json) == (False, True)


def test_fingerprints_are_keyed_and_follow_rotation(secrets_tree: SecretsTree) -> None:
    service = service_for([secrets_tree.root])
    value = secrets_tree.values["db-creds/password"]
    before = keys_by_name(mounts_by_name(service.discover())["db-creds"])["password"]
    assert before.fingerprint == value_facts.fingerprint(value)
    # not a plain hash anyone could brute-force offline
    assert before.fingerprint not in hashlib.sha256(value).hexdigest()
    write_atomic(str(secrets_tree.root / "db-creds"), {"username": b"u", "password": b"new"})
    after = keys_by_name(mounts_by_name(service.discover())["db-creds"])["password"]
    assert after.fingerprint == value_facts.fingerprint(b"new") != before.fingerprint


def test_plain_folder_follows_only_links_inside(
    found: Discovery, secrets_tree: SecretsTree
) -> None:
    plain = mounts_by_name(found)["plain"]
    assert (plain.kind, plain.rotates) == ("folder", False)
    keys = keys_by_name(plain)
    api_key = secrets_tree.values["plain/api-key"]
    assert keys["api-key"].fingerprint == value_facts.fingerprint(api_key)
    assert keys["alias"].fingerprint == keys["api-key"].fingerprint  # link inside: followed
    for name in ("escape", "escape-absolute"):
        assert keys[name].error == "symbolic link to outside the folder; not followed"
        assert keys[name].fingerprint == ""
    assert keys["dangling"].error == "broken symbolic link"


def test_symlink_out_of_a_kubelet_volume_is_not_read(found: Discovery) -> None:
    escape = keys_by_name(mounts_by_name(found)["db-creds"])["escape"]
    assert escape.error == "not part of the Kubernetes volume; not read"
    assert escape.fingerprint == ""


def test_no_value_in_the_listing(found: Discovery, secrets_tree: SecretsTree) -> None:
    listing = json.dumps(found.to_json()).encode()
    for value in secrets_tree.all_canaries:
        assert value not in listing
    outside = value_facts.fingerprint(secrets_tree.outside_values[0])
    assert outside.encode() not in listing  # not even read to fingerprint it


def test_root_entries_pointing_outside_are_not_followed(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    write_atomic(str(outside / "vol"), {"token": canary("out")})
    root.mkdir()
    os.symlink(outside / "vol", root / "sneaky-dir")
    os.symlink(outside / "vol" / "token", root / "sneaky-file")
    found = discover([root])
    assert [m.name for m in found.mounts] == ["root"]  # the root's own entries, shown flat
    keys = keys_by_name(found.mounts[0])
    assert keys["sneaky-dir"].error == "symbolic link to outside the folder; not followed"
    assert keys["sneaky-file"].error == "symbolic link to outside the folder; not followed"


@pytest.mark.parametrize("target", ["/etc", "../../outside", "..2026_01_01_00_00_00.1"])
def test_bad_data_link_is_a_folder_error(tmp_path: Path, target: str) -> None:
    folder = tmp_path / "root" / "evil"
    folder.mkdir(parents=True)
    os.symlink(target, folder / "..data")
    (mount,) = discover([tmp_path / "root"]).mounts
    assert mount.kind == "kubernetes"
    assert mount.keys == []
    assert mount.error in (
        "..data points outside the folder; not followed",
        "..data points to a missing folder",
    )


def test_missing_roots(tmp_path: Path) -> None:
    # Default roots that do not exist are normal: no warning.
    assert not [w for w in service_for_defaults().discover().warnings if "does not exist" in w]
    found = discover([tmp_path / "nope", tmp_path])
    assert found.warnings == [f"Configured root {tmp_path / 'nope'} does not exist."]


def service_for_defaults() -> SecretMountsService:
    settings = SecretMounts(discover_mountinfo=False, show_service_account=False)
    return SecretMountsService(settings, read_mount_table=list)


def test_root_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert discover([tmp_path / "file"]).warnings == [
        f"Configured root {tmp_path / 'file'} is not a folder."
    ]


def _discover_in_thread(roots: list[Path]) -> Discovery:
    """A FIFO must not block discovery; if it ever did, fail instead of hanging the suite."""
    result: list[Discovery] = []
    worker = threading.Thread(target=lambda: result.append(discover(roots)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "discovery blocked on a FIFO"
    return result[0]


def test_fifo_socket_and_folder_are_not_values(tmp_path: Path) -> None:
    folder = tmp_path / "root" / "odd"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "fifo")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(folder / "sock"))
        (mount,) = _discover_in_thread([tmp_path / "root"]).mounts
    keys = keys_by_name(mount)
    assert keys["fifo"].error == "not a regular file"
    assert keys["sock"].error == "not a regular file"


@pytest.fixture
def unreadable_root() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="secret-mounts-perm-"))
    root = base / "root"
    plain = root / "plain"
    plain.mkdir(parents=True)
    (plain / "readable").write_bytes(b"ok")
    (plain / "locked").write_bytes(canary("locked"))
    os.chmod(plain / "locked", 0)
    (plain / "closed-sub").mkdir()
    (plain / "closed-sub" / "inner").write_bytes(b"x")
    os.chmod(plain / "closed-sub", 0o700)
    (root / "closed").mkdir()
    (root / "closed" / "inner").write_bytes(b"x")
    os.chmod(root / "closed", 0o700)
    version = write_atomic(str(root / "locked-volume"), {"token": canary("volume")})
    os.chmod(root / "locked-volume" / version, 0o700)
    for folder in (base, root, plain):
        os.chmod(folder, 0o755)  # noqa: S103 (the unprivileged reader must reach the root)
    yield root
    shutil.rmtree(base)


def _discover_as_nobody(root: Path) -> bytes:
    """Discovery in a forked child that dropped root: chmod 000 does not stop root itself."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns into pytest
        status = 1
        try:
            os.close(read_end)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            listing = json.dumps(discover([root]).to_json()).encode()
            with os.fdopen(write_end, "wb") as out:
                out.write(listing)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        output = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return output


def test_unreadable_files_and_folders(unreadable_root: Path) -> None:
    output = _discover_as_nobody(unreadable_root)
    mounts = {m["name"]: m for m in json.loads(output)["mounts"]}
    plain = {k["name"]: k for k in mounts["plain"]["keys"]}
    assert plain["readable"].get("error") is None and plain["readable"]["size"] == 2
    assert plain["locked"]["error"] == "permission denied"
    assert plain["locked"]["fingerprint"] == ""
    assert plain["closed-sub"]["error"] == "folder not readable: permission denied"
    assert mounts["closed"]["error"] == "folder not readable: permission denied"
    assert mounts["locked-volume"]["error"] == "folder not readable: permission denied"
    assert b"CANARY" not in output


def test_values_over_the_limit_are_not_read(tmp_path: Path) -> None:
    write_atomic(str(tmp_path / "root" / "big"), {"small": b"x" * 16, "large": b"x" * 17})
    mount = discover([tmp_path / "root"], max_value_bytes=16).mounts[0]
    keys = keys_by_name(mount)
    assert keys["small"].error is None
    assert keys["large"].error == "larger than 16 bytes; not read"
    assert (keys["large"].size, keys["large"].fingerprint) == (17, "")


def test_default_limit_is_one_mebibyte(tmp_path: Path) -> None:
    one_mib = 1024 * 1024
    write_atomic(
        str(tmp_path / "root" / "big"), {"max": b"a" * one_mib, "over": b"a" * (one_mib + 1)}
    )
    keys = keys_by_name(discover([tmp_path / "root"]).mounts[0])
    assert keys["max"].error is None
    assert keys["over"].error == f"larger than {one_mib} bytes; not read"


def test_odd_names(tmp_path: Path) -> None:
    folder = tmp_path / "root" / "odd"
    folder.mkdir(parents=True)
    names = ["with space", "new\nline", "ünïcödé", "-dash", ".dockerconfigjson", "%2e%2e"]
    for name in names:
        (folder / name).write_bytes(b"v")
    (folder / "..hidden").write_bytes(b"kubelet bookkeeping")
    os.close(os.open(os.fsencode(folder) + b"/latin1-\xe9", os.O_CREAT | os.O_WRONLY, 0o644))
    found = discover([tmp_path / "root"])
    keys = keys_by_name(found.mounts[0])
    assert sorted(keys) == sorted([*names, os.fsdecode(b"latin1-\xe9")])
    assert all(k.error is None for k in keys.values())
    json.dumps(found.to_json())  # serialisable, lone surrogates escaped


def test_symlink_loops_and_links_to_folders(tmp_path: Path) -> None:
    folder = tmp_path / "root" / "loops"
    (folder / "sub").mkdir(parents=True)
    os.symlink("b", folder / "a")
    os.symlink("a", folder / "b")
    os.symlink("..", folder / "sub" / "up")
    os.symlink(".", folder / "self")
    keys = keys_by_name(_discover_in_thread([tmp_path / "root"]).mounts[0])
    assert keys["a"].error == keys["b"].error == "symbolic link loop; not followed"
    assert keys["sub/up"].error == "symbolic link to a folder; not followed"
    assert keys["self"].error == "symbolic link to a folder; not followed"


def test_excluded_globs(secrets_tree: SecretsTree) -> None:
    found = discover([secrets_tree.root], excluded=[f"{secrets_tree.root}/tls", "*/password"])
    mounts = mounts_by_name(found)
    assert "tls" not in mounts
    assert "password" not in keys_by_name(mounts["db-creds"])
    assert "username" in keys_by_name(mounts["db-creds"])


def test_service_account_folder(tmp_path: Path) -> None:
    root = tmp_path / "run-secrets"
    sa = root / "kubernetes.io" / "serviceaccount"
    write_atomic(str(sa), {"token": canary("sa"), "ca.crt": b"ca", "namespace": b"demo"})
    shown = discover([root], service_account_dir=sa, show_service_account=True)
    assert [(m.path, m.name, m.kind) for m in shown.mounts] == [
        (str(sa), "serviceaccount", "kubernetes")  # kubernetes.io/ only groups it: not listed
    ]
    # Also a tmpfs mount point in mountinfo: still reported under the configured root.
    table = [MountEntry("/", str(sa), "tmpfs", "tmpfs", read_only=True)]
    both = discover(
        [root],
        table=table,
        service_account_dir=sa,
        show_service_account=True,
        discover_mountinfo=True,
    )
    assert [(m.path, m.root) for m in both.mounts] == [(str(sa), str(root))]
    hidden = discover([root], service_account_dir=sa, show_service_account=False)
    assert hidden.mounts == []
    # Found even when no root covers it
    alone = discover([], service_account_dir=sa, show_service_account=True)
    assert [m.path for m in alone.mounts] == [str(sa)]


def test_root_that_is_itself_a_volume(tmp_path: Path) -> None:
    store = tmp_path / "mnt" / "secrets-store"
    write_atomic(str(store), {"db-password": b"p", "api/token": b"t"})
    (mount,) = discover([store]).mounts
    assert (mount.path, mount.kind) == (str(store), "kubernetes")
    assert sorted(keys_by_name(mount)) == ["api/token", "db-password"]


def test_root_holding_files_directly(tmp_path: Path) -> None:
    root = tmp_path / "run" / "secrets"  # Docker / Swarm secrets
    root.mkdir(parents=True)
    (root / "db_password").write_bytes(b"p")
    write_atomic(str(root / "vol"), {"token": b"t"})
    mounts = mounts_by_name(discover([root]))
    assert sorted(keys_by_name(mounts["secrets"])) == ["db_password"]  # not vol/token
    assert sorted(keys_by_name(mounts["vol"])) == ["token"]


def test_mountinfo_discovery(tmp_path: Path) -> None:
    volume = tmp_path / "elsewhere" / "creds"
    write_atomic(str(volume), {"token": b"t"})
    not_a_volume = tmp_path / "disk"
    not_a_volume.mkdir()
    table = [
        MountEntry("/", str(volume), "tmpfs", "tmpfs", read_only=True),
        MountEntry("/", str(not_a_volume), "tmpfs", "tmpfs", read_only=True),
        MountEntry("/", str(tmp_path), "ext4", "/dev/sda1", read_only=True),
    ]
    (mount,) = discover([], table=table, discover_mountinfo=True).mounts
    assert (mount.path, mount.root, mount.rotates) == (str(volume), "mountinfo", True)
    assert discover([], table=table, discover_mountinfo=False).mounts == []
    # subPath mounts (bind mounts from inside one version): test_subpath.py


def test_same_folder_through_two_roots_is_listed_once(
    secrets_tree: SecretsTree, tmp_path: Path
) -> None:
    alias = tmp_path / "alias"
    os.symlink(secrets_tree.root, alias)
    found = discover([secrets_tree.root, alias])
    assert len(found.mounts) == len({m.name for m in found.mounts}) == 5


def test_etag_changes_only_with_content(secrets_tree: SecretsTree) -> None:
    service = service_for([secrets_tree.root])
    first = service.discover().etag
    assert service.discover().etag == first
    write_atomic(str(secrets_tree.root / "db-creds"), {"username": b"u", "password": b"p"})
    rotated = service.discover().etag
    assert rotated != first
    os.chmod(secrets_tree.root / "plain" / "api-key", 0o600)
    assert service.discover().etag != rotated


def test_too_many_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_KEYS", 5)
    folder = tmp_path / "root" / "many"
    folder.mkdir(parents=True)
    for index in range(9):
        (folder / f"k{index}").write_bytes(b"v")
    (mount,) = discover([tmp_path / "root"]).mounts
    assert len(mount.keys) == 5
    assert mount.error == "more than 5 files; only the first 5 are listed"


def test_modes_are_octal_strings(tmp_path: Path) -> None:
    write_atomic(str(tmp_path / "r" / "m"), {"a": b"1", "b": b"2"}, modes={"b": 0o400})
    keys = keys_by_name(discover([tmp_path / "r"]).mounts[0])
    assert (keys["a"].mode, keys["b"].mode) == ("0644", "0400")
    assert stat.S_IMODE(os.stat(keys["b"].path).st_mode) == 0o400


def test_unchanged_volumes_are_not_walked_again(
    secrets_tree: SecretsTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = service_for([secrets_tree.root])
    first = service.discover()
    walked: list[int] = []
    real_walk = safe_fs.walk

    def counting_walk(*args: Any, **kwargs: Any) -> Any:
        walked.append(1)
        return real_walk(*args, **kwargs)

    monkeypatch.setattr(reader, "walk", counting_walk)
    again = service.discover()
    assert len(walked) == 1  # only the plain folder; the four kubelet volumes came from cache
    assert again.etag == first.etag
    assert [m.to_json() for m in again.mounts] == [m.to_json() for m in first.mounts]


def test_volume_cache_sees_new_entries(secrets_tree: SecretsTree) -> None:
    service = service_for([secrets_tree.root])
    service.discover()
    db = secrets_tree.root / "db-creds"
    os.symlink("/etc/hostname", db / "planted")  # the mount folder changes
    keys = keys_by_name(mounts_by_name(service.discover())["db-creds"])
    assert keys["planted"].error == "not part of the Kubernetes volume; not read"
    version = db / os.readlink(db / "..data")
    (version / "extra").write_bytes(b"x")  # the version folder changes (kubelet never does)
    later = version.stat().st_mtime_ns + 10**9  # as if a tick passed, whatever the clock
    os.utime(version, ns=(later, later))
    assert "extra" in keys_by_name(mounts_by_name(service.discover())["db-creds"])
