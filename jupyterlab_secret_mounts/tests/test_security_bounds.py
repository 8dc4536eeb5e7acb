"""Issue 15, item 11: the guard's cost is bounded, and a save never stalls the server.

- stored save findings grew without bound (a million matches in one file kept ~220 MB);
- the pre-save pattern scan ran on the event loop (a 5 MB keyword-dense save froze every
  request for 15 s) with no time budget;
- after a rotation the whole value index was rebuilt (every folder read again).
"""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_secret_mounts.handlers import GUARD_SETTING, SERVICE_SETTING
from jupyterlab_secret_mounts.mounts.kubelet import write_atomic

from .guard_helpers import check, error_of, policy
from .trees import SecretsTree, canary

#: Credential-shaped code with nothing to report, dense in scanner keywords.
KEYWORD_DENSE = 'password = getpass()\napi_key = os.environ["API_KEY"]\n'


def text_file(content: str) -> str:
    return json.dumps({"type": "file", "format": "text", "content": content})


async def report_of(jp_fetch: Any, path: str) -> dict[str, Any]:
    response = await jp_fetch("secret-mounts", "findings", params={"path": path})
    return dict(json.loads(response.body))


async def test_stored_findings_are_capped_and_counted(
    jp_fetch: Any, secrets_tree: SecretsTree
) -> None:
    password = secrets_tree.values["db-creds/password"].decode()
    await jp_fetch(
        "api", "contents", "many.txt", method="PUT", body=text_file(f"{password}\n" * 5000)
    )
    report = await report_of(jp_fetch, "many.txt")
    assert len(report["findings"]) == 1000
    assert report["total"] == 5000
    assert "5000 findings" in report["message"]


class TestTimeBudget:
    secret_mounts_policy = policy(save_policy="block", save_check_seconds=0.001)

    async def test_block_refuses_a_save_it_could_not_check_in_time(
        self, jp_fetch: Any, jp_root_dir: Path
    ) -> None:
        body = text_file(KEYWORD_DENSE * 4000)  # 200 KB: far more than a millisecond of scanning
        status, message, _ = await error_of(
            jp_fetch("api", "contents", "dense.py", method="PUT", body=body)
        )
        assert status == 403
        assert "could not finish" in message and "save_check_seconds" in message
        assert not (jp_root_dir / "dense.py").exists()

    async def test_exact_values_are_still_found_in_full(
        self, jp_fetch: Any, secrets_tree: SecretsTree
    ) -> None:
        password = secrets_tree.values["db-creds/password"].decode()
        body = text_file(KEYWORD_DENSE * 4000 + password)
        status, message, _ = await error_of(
            jp_fetch("api", "contents", "dense.py", method="PUT", body=body)
        )
        assert status == 403 and "db-creds/password" in message


class TestTimeBudgetWarn:
    secret_mounts_policy = policy(save_policy="warn", save_check_seconds=0.001)

    async def test_warn_saves_and_says_the_check_was_incomplete(
        self, jp_fetch: Any, jp_root_dir: Path
    ) -> None:
        body = text_file(KEYWORD_DENSE * 4000)
        await jp_fetch("api", "contents", "dense.py", method="PUT", body=body)
        assert (jp_root_dir / "dense.py").exists()
        assert "incomplete" in (await report_of(jp_fetch, "dense.py"))["message"]


async def test_the_server_answers_while_a_save_is_being_checked(
    jp_fetch: Any, jp_serverapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pattern scan of the save is held until /api/status answered: on the event loop, it
    could not answer, and the scan gives up waiting (the save then finishes)."""
    released = threading.Event()
    scanning = threading.Event()
    scanned = threading.Event()
    patterns = jp_serverapp.web_app.settings[GUARD_SETTING].save_hook._patterns
    original = patterns.scan

    def held_scan(text: str, *args: Any, **kwargs: Any) -> Any:
        scanning.set()
        released.wait(timeout=5)
        scanned.set()
        return original(text, *args, **kwargs)

    monkeypatch.setattr(patterns, "scan", held_scan)
    save = asyncio.ensure_future(
        jp_fetch("api", "contents", "x.py", method="PUT", body=text_file("print(1)\n"))
    )
    while not scanning.is_set():
        await asyncio.sleep(0.01)
    status = await jp_fetch("api", "status")
    answered_while_scanning = not scanned.is_set()
    released.set()
    assert (await save).code == 201
    assert status.code == 200 and answered_while_scanning


async def test_a_rotation_reads_only_the_folder_that_rotated(
    jp_fetch: Any, jp_serverapp: Any, secrets_tree: SecretsTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(20):
        secrets_tree.add_kubelet(f"app-{n:02d}", {"token": canary(f"app-{n}")})
    await check(jp_fetch, {"warm": "x"})  # the index of all folders is built
    service = jp_serverapp.web_app.settings[SERVICE_SETTING]
    read: list[str] = []
    original = service.read_values

    def counting(mount: Any, *args: Any) -> Any:
        read.append(mount.path)
        return original(mount, *args)

    monkeypatch.setattr(service, "read_values", counting)
    new = canary("rotated")
    write_atomic(str(secrets_tree.root / "app-07"), {"token": new})
    for _ in range(50):  # the rebuild runs in the background; the check waits a bounded time
        if await check(jp_fetch, {"cell": new.decode()}):
            break
    assert read and set(read) == {str(secrets_tree.root / "app-07")}
