"""/secret-mounts/git: set up, list and undo Use for git; what goes into git's config."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPResponse

from jupyterlab_secret_mounts.git import command
from jupyterlab_secret_mounts.handlers import GIT_SETTING

from .auth_helpers import WithoutKernelExecute
from .guard_helpers import policy
from .trees import SecretsTree

TOKEN = b"glpat-" + b"Q7w8E9r0T1" * 2


@pytest.fixture
def token_folder(secrets_tree: SecretsTree) -> Path:
    return secrets_tree.add_kubelet("gitlab", {"token": TOKEN})


def body(folder: Path, **changes: str) -> str:
    request = {"mount": str(folder), "key": "token", "host": "gitlab.com", "username": "oauth2"}
    return json.dumps({**request, **changes})


async def call(jp_fetch: Any, method: str = "GET", **kwargs: Any) -> HTTPResponse:
    response: HTTPResponse = await jp_fetch(
        "secret-mounts", "git", method=method, raise_error=False, **kwargs
    )
    return response


def git_config(*args: str) -> str:
    return subprocess.run(
        ["git", "config", "--global", *args], capture_output=True, text=True, check=False
    ).stdout


def message(response: HTTPResponse) -> str:
    return str(json.loads(response.body)["message"])


async def test_use_list_and_undo(jp_fetch: Any, token_folder: Path) -> None:
    assert json.loads((await call(jp_fetch)).body) == {"allowed": True, "credentials": []}

    response = await call(jp_fetch, "POST", body=body(token_folder, host="https://gitlab.com/"))
    assert response.code == 200
    expected = {
        "url": "https://gitlab.com",
        "username": "oauth2",
        "mount": str(token_folder),
        "key": "token",
        "status": "ok",
        "alsoGivenTo": [],
    }
    assert json.loads(response.body)["credentials"] == [expected]
    assert json.loads((await call(jp_fetch)).body)["credentials"] == [expected]

    # git's config: an empty helper line, then ours; the user name rides on our line.
    helpers = git_config("--get-all", "credential.https://gitlab.com.helper").split("\n")
    assert helpers[0] == ""
    args = command.parse(helpers[1])
    assert args is not None and (args.mount, args.key, args.username) == (
        str(token_folder),
        "token",
        "oauth2",
    )
    assert TOKEN.decode() not in git_config("--list")

    # Setting it up again replaces the line (one entry, the new user name).
    await call(jp_fetch, "POST", body=body(token_folder, username="deploy-bot"))
    listed = json.loads((await call(jp_fetch)).body)["credentials"]
    assert [(c["url"], c["username"]) for c in listed] == [("https://gitlab.com", "deploy-bot")]

    response = await call(jp_fetch, "DELETE", params={"url": "https://gitlab.com"})
    assert json.loads(response.body)["credentials"] == []
    assert "gitlab" not in git_config("--list")
    assert (await call(jp_fetch, "DELETE", params={"url": "https://gitlab.com"})).code == 404


@pytest.mark.parametrize(
    ("changes", "status", "words"),
    [
        ({"host": "http://gitlab.example.org"}, 400, "unencrypted"),
        ({"host": "https://oauth2:glpat-x@gitlab.com"}, 400, "user name and token"),
        ({"host": "https://gitlab.com/group/project.git"}, 400, "host only"),
        ({"host": "ftp://gitlab.com"}, 400, "https"),
        ({"username": "a:b"}, 400, "colons"),
        ({"username": ""}, 400, "user name"),
        ({"key": "nope"}, 404, "No readable text key"),
        ({"mount": "/etc", "key": "passwd"}, 404, "No readable text key"),
    ],
)
async def test_bad_requests_say_why(
    jp_fetch: Any, token_folder: Path, changes: dict[str, str], status: int, words: str
) -> None:
    response = await call(jp_fetch, "POST", body=body(token_folder, **changes))
    assert response.code == status and words in message(response)
    assert git_config("--list") == ""


@pytest.mark.parametrize("raw", [b"", b"[]", b"{", b'{"mount": 1}', b"\xff"])
async def test_malformed_bodies_get_400(jp_fetch: Any, raw: bytes) -> None:
    response = await call(jp_fetch, "POST", body=raw)
    assert response.code == 400 and "JSON body" in message(response)


async def test_a_binary_key_is_refused(jp_fetch: Any, secrets_tree: SecretsTree) -> None:
    response = await call(
        jp_fetch, "POST", body=body(secrets_tree.root / "blob", key="keystore.jks")
    )
    assert response.code == 404


async def test_helpers_git_would_also_give_the_token_to_are_named(
    jp_fetch: Any, token_folder: Path
) -> None:
    await call(jp_fetch, "POST", body=body(token_folder))
    # Configured after ours: git hands the working credential to it too, to store.
    subprocess.run(["git", "config", "--global", "credential.helper", "store"], check=True)
    [listed] = json.loads((await call(jp_fetch)).body)["credentials"]
    assert (listed["status"], listed["alsoGivenTo"]) == ("ok", ["store"])

    # A later empty helper line for all hosts makes git skip ours.
    subprocess.run(["git", "config", "--global", "--add", "credential.helper", ""], check=True)
    [listed] = json.loads((await call(jp_fetch)).body)["credentials"]
    assert (listed["status"], listed["alsoGivenTo"]) == ("overridden", [])

    # Use for git again puts ours last for that host.
    subprocess.run(["git", "config", "--global", "--unset-all", "credential.helper"], check=True)
    await call(jp_fetch, "POST", body=body(token_folder))
    [listed] = json.loads((await call(jp_fetch)).body)["credentials"]
    assert listed["status"] == "ok"


async def test_a_key_that_went_away_is_listed_as_missing(jp_fetch: Any, token_folder: Path) -> None:
    await call(jp_fetch, "POST", body=body(token_folder))
    shutil.rmtree(token_folder)
    [listed] = json.loads((await call(jp_fetch)).body)["credentials"]
    assert listed["status"] == "missing"


async def test_changes_are_audit_logged_without_the_value(
    jp_fetch: Any, token_folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        await call(jp_fetch, "POST", body=body(token_folder))
        await call(jp_fetch, "DELETE", params={"url": "gitlab.com"})
    lines = [r.getMessage() for r in caplog.records if "git credential" in r.getMessage()]
    assert len(lines) == 2
    assert "set" in lines[0] and str(token_folder) in lines[0] and "https://gitlab.com" in lines[0]
    assert "removed" in lines[1]
    assert all(TOKEN.decode() not in r.getMessage() for r in caplog.records)


class TestTurnedOff:
    secret_mounts_policy = policy(allow_git_credentials=False)

    async def test_setting_up_is_refused_and_the_policy_says_so(
        self, jp_fetch: Any, token_folder: Path
    ) -> None:
        response = await call(jp_fetch, "POST", body=body(token_folder))
        assert response.code == 403 and "allow_git_credentials" in message(response)
        assert json.loads((await call(jp_fetch)).body)["allowed"] is False
        policy = json.loads((await jp_fetch("secret-mounts", "policy")).body)
        assert policy["allowGitCredentials"] is False


class TestUnreadableExclusions:
    """An `excluded` the server refuses: it cannot tell what the admin meant to hide, so git
    gets no value, whether set up now or before (the helper reads the policy file)."""

    # Relative: it matches no absolute path, so the server refuses it.
    secret_mounts_policy = policy(excluded=["gitlab*"])

    async def test_git_credentials_are_off(
        self, jp_fetch: Any, jp_serverapp: Any, token_folder: Path
    ) -> None:
        policy = json.loads((await jp_fetch("secret-mounts", "policy")).body)
        assert policy["allowGitCredentials"] is False
        assert any(
            line.startswith("SecretMounts.excluded:") and "git credentials are off" in line
            for line in policy["configErrors"]
        )
        response = await call(jp_fetch, "POST", body=body(token_folder))
        assert response.code == 403

        # A helper line from before this start: git runs it, it refuses with the reason.
        policy_path = jp_serverapp.web_app.settings[GIT_SETTING].policy_path
        args = command.HelperArgs(
            "https://gitlab.com", str(token_folder), "token", "oauth2", str(policy_path)
        )
        git_config("credential.https://gitlab.com.helper", command.render(args))
        asked = subprocess.run(
            ["git", "credential", "fill"],
            input="protocol=https\nhost=gitlab.com\n\n",
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
        assert asked.returncode != 0 and "password=" not in asked.stdout
        assert "turned git credentials off" in asked.stderr
        assert TOKEN.decode() not in asked.stdout + asked.stderr


class TestWithoutKernelExecute(WithoutKernelExecute):
    async def test_only_users_who_may_run_code_set_git_up(
        self, jp_fetch: Any, token_folder: Path
    ) -> None:
        response = await call(jp_fetch, "POST", body=body(token_folder))
        assert response.code == 403 and "run code" in message(response)
        assert (await call(jp_fetch)).code == 200
