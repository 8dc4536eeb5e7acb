"""Use for git, end to end with real git: a git server on 127.0.0.1 that requires basic auth
(`git http-backend`), a kubelet-layout secret holding the token, "Use for git" through the
REST endpoint, then `git clone` and `git push` from a real IPython kernel the server started.

Afterwards the token is in no file (under HOME, Jupyter's folders, the clone), no git config,
no process environment (server and kernel) and no log line; after a rotation to a new token,
with the git server accepting only that one, the next push works unchanged.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_secret_mounts.mounts.kubelet import write_atomic

from .git_http import GitHTTPServer
from .trees import SecretsTree

USERNAME = "x-access-token"


def new_token() -> str:
    return f"ghp_{secrets.token_hex(18)}"


@contextlib.asynccontextmanager
async def started_kernel(serverapp: Any) -> AsyncIterator[tuple[Any, int]]:
    """A real IPython kernel started by the server's kernel manager: a client and its pid.

    (A context manager, not a fixture: pytest-jupyter runs the test on the server's loop.)"""
    manager = serverapp.kernel_manager
    kernel_id = await manager.start_kernel(kernel_name="python3")
    kernel = manager.get_kernel(kernel_id)
    client = kernel.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        yield client, kernel.provisioner.process.pid
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(kernel_id, now=True)


async def run_cell(client: Any, code: str) -> str:
    """Run one cell; return what it printed (stdout and stderr streams)."""
    printed: list[str] = []

    def hook(message: dict[str, Any]) -> None:
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])
        elif message["msg_type"] == "error":
            printed.append("\n".join(message["content"]["traceback"]))

    reply = await client.execute_interactive(code, output_hook=hook, timeout=120)
    assert reply["content"]["status"] == "ok", "".join(printed)
    return "".join(printed)


def git_cell(work: Path, *commands: str) -> str:
    """A cell that runs git commands in `work` with `!` lines and reports each exit status."""
    lines = [f"%cd {work}"]
    for number, command in enumerate(commands):
        lines.append(f"!{command} ; echo 'exit {number}:' $?")
    return "\n".join(lines)


def exit_codes(output: str) -> list[str]:
    return [
        line.split(":", 1)[1].strip() for line in output.splitlines() if line.startswith("exit ")
    ]


def files_holding(base: Path, needle: bytes, skip: Path) -> list[str]:
    hits = []
    for folder, _, names in os.walk(base):
        for name in names:
            path = Path(folder, name)
            if skip in path.parents or path.is_symlink():
                continue
            try:
                if needle in path.read_bytes():
                    hits.append(str(path))
            except OSError:
                continue
    return hits


def environ_of(pid: int) -> bytes:
    return Path(f"/proc/{pid}/environ").read_bytes()


@dataclass
class Scene:
    jp_fetch: Any
    git_server: GitHTTPServer
    token_mount: Path
    secrets_root: Path
    tmp_path: Path
    token: str


@pytest.fixture
def scene(jp_fetch: Any, secrets_tree: SecretsTree, tmp_path: Path) -> Iterator[Scene]:
    """A git server taking one token, and a kubelet-layout secret holding it."""
    token = new_token()
    root = tmp_path / "git-server"
    root.mkdir()
    server = GitHTTPServer(root, USERNAME, token)
    # Written as `echo` would: the helper strips the newline.
    mount = secrets_tree.add_kubelet("git-creds", {"token": f"{token}\n".encode()})
    yield Scene(jp_fetch, server, mount, secrets_tree.root, tmp_path, token)
    server.close()


async def test_clone_push_and_rotation_through_the_helper(
    scene: Scene, jp_serverapp: Any, jp_logging_stream: Any
) -> None:
    async with started_kernel(jp_serverapp) as (kernel, pid):
        await clone_push_rotate(scene, kernel, pid)
    for value in scene_tokens(scene):
        assert value not in jp_logging_stream.getvalue()


def scene_tokens(scene: Scene) -> list[str]:
    return [attempt[1] for attempt in scene.git_server.attempts]


async def clone_push_rotate(scene: Scene, kernel: Any, pid: int) -> None:
    jp_fetch, git_server, token_mount = scene.jp_fetch, scene.git_server, scene.token_mount
    tmp_path, token = scene.tmp_path, scene.token
    home = Path(os.environ["HOME"])
    # pytest-jupyter's HOME, data and root folders are all below tmp_path: one search covers them.
    assert tmp_path in home.parents
    # A user who once told git to store credentials: Use for git must keep the token out of it.
    subprocess.run(["git", "config", "--global", "credential.helper", "store"], check=True)
    seed = tmp_path / "seed"
    repo_url = git_server.create_repo("project", seed)
    work = tmp_path / "notebooks"
    work.mkdir()

    # Without the helper, a kernel's clone fails (no terminal to prompt in).
    output = await run_cell(
        kernel, git_cell(work, f"GIT_TERMINAL_PROMPT=0 git clone {repo_url} before")
    )
    assert exit_codes(output) == ["128"], output

    response = await jp_fetch(
        "secret-mounts",
        "git",
        method="POST",
        body=json.dumps(
            {
                "mount": str(token_mount),
                "key": "token",
                "host": git_server.url,
                "username": USERNAME,
            }
        ),
    )
    listing = json.loads(response.body)
    assert listing["credentials"] == [
        {
            "url": git_server.url,
            "username": USERNAME,
            "mount": str(token_mount),
            "key": "token",
            "status": "ok",
            "alsoGivenTo": [],
        }
    ]

    clone = work / "project"
    output = await run_cell(
        kernel,
        git_cell(
            work,
            f"GIT_TERMINAL_PROMPT=0 git clone {repo_url} project",
            "cd project && echo change >> README.md && "
            "git -c user.name=t -c user.email=t@t commit -qam second && "
            "GIT_TERMINAL_PROMPT=0 git push origin main",
        ),
    )
    assert exit_codes(output) == ["0", "0"], output
    assert (clone / "README.md").read_text() == "hello\nchange\n"
    assert git_server.attempts and all(
        attempt[:2] == (USERNAME, token) for attempt in git_server.attempts
    )
    assert git_server.attempts[-1][2]

    # Rotation: kubelet swaps in a new token; the git server now takes only that one.
    rotated = new_token()
    write_atomic(str(token_mount), {"token": f"{rotated}\n".encode()})
    git_server.password = rotated
    output = await run_cell(
        kernel,
        git_cell(
            clone,
            "echo third >> README.md && git -c user.name=t -c user.email=t@t commit -qam third "
            "&& GIT_TERMINAL_PROMPT=0 git push origin main",
        ),
    )
    assert exit_codes(output) == ["0"], output
    assert git_server.attempts[-1] == (USERNAME, rotated, True)
    log = subprocess.run(
        ["git", "--git-dir", str(git_server.root / "project.git"), "log", "--format=%s"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert log == ["third", "second", "first"]

    # Where the token must not be.
    for value in (token, rotated):
        needle = value.encode()
        assert files_holding(tmp_path, needle, skip=scene.secrets_root) == []
        assert needle not in environ_of(pid)
        assert needle not in environ_of(os.getpid())
    assert not (home / ".git-credentials").exists()
    config = subprocess.run(
        ["git", "config", "--global", "--list"], capture_output=True, text=True, check=True
    ).stdout
    assert token not in config and rotated not in config
    assert f"credential.{git_server.url}.helper=" in config

    # `store` came before Use for git, so the empty `helper =` line took it off this host's
    # list: the panel has no helper to warn about.
    listing = json.loads((await jp_fetch("secret-mounts", "git")).body)
    assert listing["credentials"][0]["alsoGivenTo"] == []
