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
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

pytest.importorskip("jupyter_server_ydoc", reason="needs the collab extra (.venv-collab)")

from httpx_ws import aconnect_ws  # noqa: E402
from jupyter_ydoc import YNotebook  # noqa: E402
from pycrdt import Provider  # noqa: E402
from pycrdt.websocket.websocket import HttpxWebsocket  # noqa: E402

from .trees import SecretsTree  # noqa: E402

#: Seconds the collaboration server waits after a change before it saves (kept short here).
SAVE_DELAY = 0.2
#: Seconds a room lives on after its last client left.
CLEANUP_DELAY = 0.5


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
            "SecretMounts": {**secret_mounts_policy, "save_policy": "block"},
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


@pytest.fixture
def server_url(jp_http_port: int, jp_base_url: str) -> str:
    return f"http://127.0.0.1:{jp_http_port}{jp_base_url}"


def cell(source: str) -> dict[str, Any]:
    return {
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


async def settle() -> None:
    """Long enough for the collaboration server's debounced save to run."""
    await asyncio.sleep(SAVE_DELAY * 5)


def saved_sources(path: Path) -> list[str]:
    cells = json.loads(path.read_text("utf-8"))["cells"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells]


async def test_block_keeps_every_edit_and_writes_no_value(
    jp_fetch: Any,
    server_url: str,
    jp_root_dir: Path,
    secrets_tree: SecretsTree,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    password = secrets_tree.values["db-creds/password"].decode()
    notebook_file = jp_root_dir / "work.ipynb"
    notebook_file.write_text(
        json.dumps(
            {
                "nbformat": 4,
                "nbformat_minor": 5,
                "metadata": {},
                "cells": [cell("import os")],
            }
        )
    )

    async with collaborator(jp_fetch, server_url, "work.ipynb") as shared:
        shared.append_cell(cell(f"conn = connect(password='{password}')"))
        await settle()
        shared.append_cell(cell("rows = conn.query('select 1')  # typed after the paste"))
        await settle()
        # The live document keeps what the user typed.
        assert password in shared.get_cell(1)["source"]

    await asyncio.sleep(CLEANUP_DELAY * 3)  # the room is gone: what is left is the file
    sources = saved_sources(notebook_file)
    assert sources[0] == "import os"
    assert sources[2] == "rows = conn.query('select 1')  # typed after the paste"
    assert sources[1].startswith("conn = connect(password='") and password not in sources[1]
    store = jp_root_dir / ".jupyter_ystore.db"
    for canary in secrets_tree.all_canaries:
        assert canary not in notebook_file.read_bytes()
        assert not store.exists() or canary not in store.read_bytes()
        assert canary.decode("latin-1") not in caplog.text
    assert "Traceback" not in caplog.text
