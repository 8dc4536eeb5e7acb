"""git-credential-secret-mounts: what it answers, what it refuses, and that it writes nothing."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from jupyterlab_secret_mounts.config import SecretMounts
from jupyterlab_secret_mounts.git import command, helper, policy
from jupyterlab_secret_mounts.mounts.kubelet import write_atomic

from .trees import SecretsTree, canary

TOKEN = b"ghp_" + b"a1B2c3D4" * 5


@pytest.fixture
def policy_file(tmp_path: Path, secrets_tree: SecretsTree) -> Path:
    path = tmp_path / "policy.json"
    policy.write(policy_settings(secrets_tree), path)
    return path


def policy_settings(tree: SecretsTree, **changes: object) -> SecretMounts:
    return SecretMounts(
        roots=[str(tree.root)], discover_mountinfo=False, show_service_account=False, **changes
    )


@pytest.fixture
def token_folder(secrets_tree: SecretsTree) -> Path:
    return secrets_tree.add_kubelet("github", {"token": TOKEN + b"\n"})


def ask(
    policy_file: Path,
    mount: Path | str,
    key: str = "token",
    *,
    request: str = "protocol=https\nhost=github.com\n\n",
    action: str = "get",
    url: str = "https://github.com",
    username: str = "x-access-token",
) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    argv = ["--url", url, "--mount", str(mount), "--key", key, "--username", username]
    argv += ["--policy", str(policy_file), action]
    assert helper.main(argv, io.StringIO(request), out, err) == 0
    return out.getvalue(), err.getvalue()


def test_answers_with_the_mounted_token_without_its_newline(
    policy_file: Path, token_folder: Path
) -> None:
    out, err = ask(policy_file, token_folder)
    assert out == f"username=x-access-token\npassword={TOKEN.decode()}\n" and err == ""


def test_reads_the_current_version_after_a_rotation(policy_file: Path, token_folder: Path) -> None:
    rotated = b"ghp_" + b"z9Y8x7W6" * 5
    write_atomic(str(token_folder), {"token": rotated})
    out, _ = ask(policy_file, token_folder)
    assert f"password={rotated.decode()}\n" in out


def test_a_port_and_the_scheme_must_match(policy_file: Path, token_folder: Path) -> None:
    url = "http://127.0.0.1:9095"
    assert (
        "password="
        in ask(policy_file, token_folder, url=url, request="protocol=http\nhost=127.0.0.1:9095\n")[
            0
        ]
    )
    for request in (
        "protocol=http\nhost=127.0.0.1:9096\n",
        "protocol=https\nhost=127.0.0.1:9095\n",
        "protocol=http\nhost=localhost:9095\n",
    ):
        # Another host is not this helper's business: no answer, no quit, no message.
        assert ask(policy_file, token_folder, url=url, request=request) == ("", "")


def test_another_user_name_is_refused(policy_file: Path, token_folder: Path) -> None:
    out, err = ask(
        policy_file, token_folder, request="protocol=https\nhost=github.com\nusername=alice\n"
    )
    assert out == "quit=1\n" and "alice" in err and TOKEN.decode() not in err


@pytest.mark.parametrize(
    ("where", "key"),
    [
        ("outside", "canary.txt"),  # a folder outside the roots
        ("plain", "escape"),  # a symlink out of a folder
        ("plain", "escape-absolute"),
        ("db-creds", "escape"),
        ("github", "missing"),
    ],
)
def test_keys_discovery_does_not_list_are_refused(
    policy_file: Path, secrets_tree: SecretsTree, token_folder: Path, where: str, key: str
) -> None:
    folder = secrets_tree.outside if where == "outside" else secrets_tree.root / where
    out, err = ask(policy_file, folder, key=key)
    assert out == "quit=1\n" and err.startswith(f"{helper.PREFIX}: {folder}")
    for value in secrets_tree.all_canaries:
        assert value not in (out + err).encode()


def test_an_excluded_folder_and_a_feature_turned_off_are_refused(
    tmp_path: Path, secrets_tree: SecretsTree, token_folder: Path
) -> None:
    excluded = tmp_path / "excluded.json"
    policy.write(policy_settings(secrets_tree, excluded=[str(token_folder)]), excluded)
    assert ask(excluded, token_folder)[0] == "quit=1\n"
    off = tmp_path / "off.json"
    policy.write(policy_settings(secrets_tree, allow_git_credentials=False), off)
    out, err = ask(off, token_folder)
    assert out == "quit=1\n" and "turned git credentials off" in err


def test_a_missing_or_foreign_policy_file_is_refused(tmp_path: Path, token_folder: Path) -> None:
    out, err = ask(tmp_path / "nope.json", token_folder)
    assert out == "quit=1\n" and "Use for git" in err
    wider = tmp_path / "wider.json"
    wider.write_text('{"roots": ["/"]}')
    out, err = ask(wider, token_folder)
    assert out == "quit=1\n" and "not a policy" in err


@pytest.mark.parametrize(
    "value",
    [
        b"ghp_token\nhost=evil.example.org",  # would add a field to git's protocol
        b"ghp_token\x00more",
        b"\xfe\xed\xfe\xed binary",
        b"   \n",
    ],
)
def test_values_git_cannot_take_are_refused(
    policy_file: Path, secrets_tree: SecretsTree, value: bytes
) -> None:
    folder = secrets_tree.add_kubelet("odd", {"token": value})
    out, err = ask(policy_file, folder)
    assert out == "quit=1\n" and "odd/token" in err


@pytest.mark.parametrize("action", ["store", "erase"])
def test_store_and_erase_write_nothing(
    policy_file: Path, token_folder: Path, tmp_path: Path, action: str
) -> None:
    before = sorted(p for p in tmp_path.rglob("*"))
    request = f"protocol=https\nhost=github.com\nusername=x\npassword={canary('p').decode()}\n"
    assert ask(policy_file, token_folder, request=request, action=action) == ("", "")
    assert sorted(p for p in tmp_path.rglob("*")) == before


def test_the_installed_script_works_for_git_from_any_path(
    policy_file: Path, token_folder: Path, tmp_path: Path
) -> None:
    """What git runs: the line `render` writes, through the shell, with a bare PATH."""
    line = command.render(
        command.HelperArgs(
            "https://github.com", str(token_folder), "token", "x-access-token", str(policy_file)
        )
    )
    assert line.startswith("!/") or line.startswith("!'/")
    done = subprocess.run(
        ["/bin/sh", "-c", f"{line[1:]} get"],
        input="protocol=https\nhost=github.com\n\n",
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=60,
        check=True,
    )
    assert done.stdout == f"username=x-access-token\npassword={TOKEN.decode()}\n"
    assert command.parse(line) == command.HelperArgs(
        "https://github.com", str(token_folder), "token", "x-access-token", str(policy_file)
    )


def test_other_helpers_are_not_taken_for_ours() -> None:
    for value in ("store", "cache --timeout=900", "!echo password=x", "!'/bin/git-credential-x'"):
        assert command.parse(value) is None
    os_script = f"!/opt/bin/{command.SCRIPT} --url https://a --mount /m --key k"
    assert command.parse(os_script) is None  # incomplete
