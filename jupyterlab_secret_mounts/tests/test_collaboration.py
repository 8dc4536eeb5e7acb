"""The pre-save hook under real-time collaboration (jupyter-collaboration 5, jupyter_server_ydoc).

A real server with `jupyter_server_ydoc` and a real Y client (pycrdt `Provider` over the room's
websocket) editing a notebook: the collaboration server saves the shared document itself, through
`ContentsManager.save`, a moment after every change. These tests need the test-only `collab`
extra (`.venv-collab`, made by `scripts/setup-collab.sh`); without it they are skipped.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

pytest.importorskip("jupyter_server_ydoc", reason="needs the collab extra (.venv-collab)")

from httpx_ws import aconnect_ws  # noqa: E402
from jupyter_ydoc import YNotebook  # noqa: E402
from pycrdt import Provider  # noqa: E402
from pycrdt.websocket.websocket import HttpxWebsocket  # noqa: E402

from jupyterlab_secret_mounts.collaboration.rooms import LiveRooms  # noqa: E402
from jupyterlab_secret_mounts.collaboration.store import MemoryYStore  # noqa: E402
from jupyterlab_secret_mounts.guard.events import SAVE_CHECK_EVENT  # noqa: E402
from jupyterlab_secret_mounts.handlers import SERVICE_SETTING  # noqa: E402

from .guard_helpers import policy  # noqa: E402
from .test_read_errors import data_link_swapped_after_listing  # noqa: E402
from .trees import SecretsTree  # noqa: E402

#: Seconds the collaboration server waits after a change before it saves (kept short here).
SAVE_DELAY = 0.2
#: Seconds a room lives on after its last client left.
CLEANUP_DELAY = 0.5
#: Longest wait for the collaboration server to do something (a busy machine is slow).
PATIENCE = 30.0


@pytest.fixture
def jp_server_config(secret_mounts_policy: dict[str, Any], jp_root_dir: Path) -> Config:
    return Config(
        {
            "ServerApp": {
                "jpserver_extensions": {
                    "jupyter_server_ydoc": True,
                    "jupyter_server_fileid": True,
                    "jupyterlab_secret_mounts": True,
                },
                "token": "",
                "disable_check_xsrf": True,
            },
            "SecretMounts": secret_mounts_policy,
            "YDocExtension": {
                "document_save_delay": SAVE_DELAY,
                "document_cleanup_delay": CLEANUP_DELAY,
            },
            # Where jupyter-collaboration keeps every update, as a deployment would configure it.
            "SQLiteYStore": {"db_path": str(jp_root_dir / ".jupyter_ystore.db")},
            "BaseFileIdManager": {
                "root_dir": str(jp_root_dir),
                "db_path": str(jp_root_dir.parent / "file_id.db"),
                "db_journal_mode": "OFF",
            },
        }
    )


Collaborate = Callable[[str], AbstractAsyncContextManager[YNotebook]]


@pytest.fixture
def collaborate(jp_fetch: Any, jp_http_port: int, jp_base_url: str) -> Collaborate:
    """`async with collaborate(path) as shared:` edits `path` as a browser page does."""
    server_url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}"
    return lambda path: collaborator(jp_fetch, server_url, path)


def cell(source: str) -> dict[str, Any]:
    return {
        "id": uuid.uuid4().hex[:8],
        "cell_type": "code",
        "source": source,
        "metadata": {},
        "outputs": [],
        "execution_count": None,
    }


@asynccontextmanager
async def collaborator(jp_fetch: Any, server: str, path: str) -> AsyncIterator[YNotebook]:
    """A client editing `path` in the shared document, as a browser page does."""
    response = await jp_fetch(
        "api",
        "collaboration",
        "session",
        path,
        method="PUT",
        body=json.dumps({"format": "json", "type": "notebook"}),
    )
    session = json.loads(response.body)
    room = f"json:notebook:{session['fileId']}"
    url = f"{server}api/collaboration/room/{room}?sessionId={session['sessionId']}"
    notebook = YNotebook()
    loaded = asyncio.Event()
    notebook.observe(lambda target, _: target == "cells" and loaded.set())
    async with aconnect_ws(url) as ws, Provider(notebook.ydoc, HttpxWebsocket(ws, room)):
        await asyncio.wait_for(loaded.wait(), 10)
        yield notebook


async def until(condition: Callable[[], bool], what: str) -> None:
    """Wait for the collaboration server (it saves a moment after each change)."""
    deadline = asyncio.get_running_loop().time() + PATIENCE
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        await asyncio.sleep(0.05)


def saved_sources(path: Path) -> list[str]:
    try:
        cells = json.loads(path.read_text("utf-8"))["cells"]
    except ValueError:  # caught halfway through a write
        return []
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells]


@pytest.fixture
def notebook_file(jp_root_dir: Path) -> Path:
    path = jp_root_dir / "work.ipynb"
    content = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell("import os")]}
    path.write_text(json.dumps(content), "utf-8")
    return path


@pytest.fixture
def heard(jp_serverapp: Any) -> list[dict[str, Any]]:
    """Save-check events, as every page subscribed to /api/events gets them."""
    events: list[dict[str, Any]] = []

    async def listen(logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        events.append(data)

    jp_serverapp.event_logger.add_listener(schema_id=SAVE_CHECK_EVENT, listener=listen)
    return events


PASTED = "conn = connect(password='{}')"
TYPED_AFTER = "rows = conn.query('select 1')  # typed after the paste"
MARKED = "conn = connect(password='[secret-mounts: redacted db-creds/password]')"


class TestBlock:
    secret_mounts_policy = policy(save_policy="block")

    async def test_every_edit_is_saved_and_no_value(
        self,
        collaborate: Collaborate,
        notebook_file: Path,
        secrets_tree: SecretsTree,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        caplog.set_level(logging.DEBUG)
        password = secrets_tree.values["db-creds/password"].decode()
        async with collaborate("work.ipynb") as shared:
            shared.append_cell(cell(PASTED.format(password)))
            await until(lambda: len(saved_sources(notebook_file)) == 2, "the paste is saved")
            shared.append_cell(cell(TYPED_AFTER))
            await until(lambda: len(saved_sources(notebook_file)) == 3, "the next edit is saved")
            # What everybody edits keeps what was typed; only the file has the marker.
            assert shared.get_cell(1)["source"] == PASTED.format(password)

        assert saved_sources(notebook_file) == ["import os", MARKED, TYPED_AFTER]
        for canary in secrets_tree.all_canaries:
            assert canary not in notebook_file.read_bytes()
            assert canary.decode("latin-1") not in caplog.text

        # One line per outcome, naming the path, the cell and the key; no traceback.
        lines = [
            r for r in caplog.records if r.getMessage().startswith("secret-mounts: 'work.ipynb'")
        ]
        assert [r.levelname for r in lines][:1] == ["WARNING"]
        assert "cell 2 (matches mounted secret db-creds/password)" in lines[0].getMessage()
        assert {r.levelname for r in lines[1:]} <= {"DEBUG"}
        assert not any(line.exc_info for line in lines)
        assert "Error saving file" not in caplog.text  # the room's traceback for a refused save

    async def test_reopened_after_the_room_closed_it_shows_every_edit_with_the_marker(
        self,
        jp_serverapp: Any,
        collaborate: Collaborate,
        notebook_file: Path,
        secrets_tree: SecretsTree,
    ) -> None:
        password = secrets_tree.values["db-creds/password"].decode()
        async with collaborate("work.ipynb") as shared:
            shared.append_cell(cell(PASTED.format(password)))
            shared.append_cell(cell(TYPED_AFTER))
            await until(lambda: len(saved_sources(notebook_file)) == 3, "the edits are saved")
        rooms = LiveRooms(jp_serverapp, logging.getLogger())
        await until(lambda: not rooms.has_room("work.ipynb"), "the room closes")

        async with collaborate("work.ipynb") as reopened:
            assert [c["source"] for c in reopened.get()["cells"]] == [
                "import os",
                MARKED,
                TYPED_AFTER,
            ]

    async def test_every_collaborator_hears_until_it_is_fixed(
        self,
        collaborate: Collaborate,
        notebook_file: Path,
        secrets_tree: SecretsTree,
        heard: list[dict[str, Any]],
    ) -> None:
        password = secrets_tree.values["db-creds/password"].decode()
        async with collaborate("work.ipynb") as shared:
            shared.append_cell(cell(PASTED.format(password)))
            await until(lambda: bool(heard), "a save-check event is emitted")
            assert heard[0]["outcome"] == "marked" and heard[0]["path"] == "work.ipynb"
            assert "cell 2 (matches mounted secret db-creds/password)" in heard[0]["message"]
            assert password not in json.dumps(heard)

            shared.set_cell(1, cell("conn = connect(password=read_secret())"))
            await until(lambda: heard[-1]["outcome"] == "clean", "the fix is heard")
            fixed = ["import os", "conn = connect(password=read_secret())"]
            await until(lambda: saved_sources(notebook_file) == fixed, "the fix is saved")

    async def test_a_check_that_cannot_complete_is_refused_in_one_line_and_loses_nothing(
        self,
        *,
        jp_serverapp: Any,
        collaborate: Collaborate,
        notebook_file: Path,
        secrets_tree: SecretsTree,
        heard: list[dict[str, Any]],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """A folder unreadable mid-rotation: nothing can be marked, so the room's save is
        refused; the room keeps the edits, every page hears it, and once the folder reads
        again the next save writes every edit (with the marker)."""
        caplog.set_level(logging.DEBUG)
        password = secrets_tree.values["db-creds/password"].decode()
        service = jp_serverapp.web_app.settings[SERVICE_SETTING]
        async with collaborate("work.ipynb") as shared:
            with data_link_swapped_after_listing(service, secrets_tree.root / "db-creds"):
                shared.append_cell(cell(PASTED.format(password)))
                await until(lambda: bool(heard), "a save-check event is emitted")
                assert heard[0]["outcome"] == "blocked"
                assert "could not complete" in heard[0]["message"]
                assert saved_sources(notebook_file) == ["import os"]
            shared.append_cell(cell(TYPED_AFTER))
            await until(
                lambda: saved_sources(notebook_file) == ["import os", MARKED, TYPED_AFTER],
                "every edit is saved once the folder reads again",
            )
        assert password.encode() not in notebook_file.read_bytes()
        # The room's own "Error saving file" record (with its traceback) is not written.
        assert "Error saving file" not in caplog.text
        assert not any(r.exc_info for r in caplog.records if r.levelno >= logging.WARNING)
        refusals = [r for r in caplog.records if "could not complete" in r.getMessage()]
        assert [r.levelname for r in refusals][:1] == ["WARNING"]


class TestWarn:
    secret_mounts_policy = policy(save_policy="warn")

    async def test_the_autosave_writes_it_and_every_collaborator_hears(
        self,
        collaborate: Collaborate,
        notebook_file: Path,
        secrets_tree: SecretsTree,
        heard: list[dict[str, Any]],
    ) -> None:
        password = secrets_tree.values["db-creds/password"].decode()
        async with collaborate("work.ipynb") as shared:
            shared.append_cell(cell(PASTED.format(password)))
            await until(lambda: bool(heard), "a save-check event is emitted")
        assert heard[0]["outcome"] == "warned" and heard[0]["policy"] == "warn"
        assert heard[0]["message"].startswith("Saved, but found")
        assert password not in json.dumps(heard)
        pasted = ["import os", PASTED.format(password)]
        await until(lambda: saved_sources(notebook_file) == pasted, "warn writes it")


def ydoc_app(server_app: Any) -> Any:
    return next(iter(server_app.extension_manager.extension_apps["jupyter_server_ydoc"]))


async def paste_and_leave(collaborate: Collaborate, notebook_file: Path, password: str) -> None:
    """A session: paste a value, keep typing, remove the value again, leave."""
    async with collaborate("work.ipynb") as shared:
        shared.append_cell(cell(PASTED.format(password)))
        shared.append_cell(cell(TYPED_AFTER))
        await until(lambda: len(saved_sources(notebook_file)) == 3, "the edits are saved")
        shared.set_cell(1, cell("conn = connect(password=read_secret())"))
        fixed = ["import os", "conn = connect(password=read_secret())", TYPED_AFTER]
        await until(lambda: saved_sources(notebook_file) == fixed, "the fix is saved")


class TestStore:
    secret_mounts_policy = policy(save_policy="block")

    async def test_no_value_reaches_a_store_on_disk(
        self,
        jp_serverapp: Any,
        collaborate: Collaborate,
        jp_root_dir: Path,
        notebook_file: Path,
        secrets_tree: SecretsTree,
    ) -> None:
        assert ydoc_app(jp_serverapp).ystore_class is MemoryYStore
        password = secrets_tree.values["db-creds/password"].decode()
        await paste_and_leave(collaborate, notebook_file, password)
        rooms = LiveRooms(jp_serverapp, logging.getLogger())
        await until(lambda: not rooms.has_room("work.ipynb"), "the room closes")
        for written in jp_root_dir.parent.rglob("*"):  # server root, config, data, runtime
            if written.is_file() and secrets_tree.root not in written.parents:
                assert password.encode() not in written.read_bytes(), written


class TestStoreKeptByTheAdmin:
    """The opt-out, and proof that the test above could fail: SQLite keeps the value."""

    secret_mounts_policy = policy(save_policy="block", keep_collaboration_store=True)

    async def test_the_configured_store_keeps_every_edit(
        self,
        jp_serverapp: Any,
        collaborate: Collaborate,
        jp_root_dir: Path,
        notebook_file: Path,
        secrets_tree: SecretsTree,
    ) -> None:
        assert ydoc_app(jp_serverapp).ystore_class is not MemoryYStore
        password = secrets_tree.values["db-creds/password"].decode()
        await paste_and_leave(collaborate, notebook_file, password)
        assert password not in notebook_file.read_text("utf-8")
        store = jp_root_dir / ".jupyter_ystore.db"
        await until(lambda: password.encode() in store.read_bytes(), "the store holds the value")
