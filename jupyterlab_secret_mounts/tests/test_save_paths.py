"""Every way into a file is checked (issue 15, item 3), through the real contents API.

JupyterLab's file browser uploads every file as `format: base64`, in 1 MiB chunks (1, 2, ...,
-1 for the last) when larger; files also arrive by rename, copy and checkpoint restore. Files
"written by a kernel" are written straight to disk here, as code in a notebook would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from .guard_helpers import code, error_of, findings, notebook, policy, stream, upload
from .trees import SecretsTree

CHUNK = 1024 * 1024


async def upload_in_chunks(jp_fetch: Any, path: str, data: bytes) -> None:
    """JupyterLab's chunked upload: 1 MiB pieces numbered 1, 2, ... and -1 for the last."""
    pieces = [data[start : start + CHUNK] for start in range(0, len(data), CHUNK)]
    for number, piece in enumerate(pieces, start=1):
        await upload(jp_fetch, path, piece, -1 if number == len(pieces) else number)


def password(tree: SecretsTree) -> str:
    return tree.values["db-creds/password"].decode()


def leaky_ipynb(tree: SecretsTree) -> bytes:
    leaky = notebook(code("import os"), code(f"db = connect(password='{password(tree)}')"))
    return json.dumps(leaky, indent=1).encode()


def filler(size: int) -> bytes:
    """Harmless text that is no credential (prose lines)."""
    line = b"The quick brown fox jumps over the lazy dog.\n"
    return (line * (size // len(line) + 1))[:size]


class TestUploadsUnderBlock:
    secret_mounts_policy = policy(save_policy="block")

    async def test_an_uploaded_notebook_is_checked(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        status, message, _ = await error_of(upload(jp_fetch, "up.ipynb", leaky_ipynb(secrets_tree)))
        assert status == 403
        assert "cell 2 (matches mounted secret db-creds/password)" in message
        assert not (jp_root_dir / "up.ipynb").exists()

    async def test_an_uploaded_env_file_is_checked(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        env = f"DB_USER=app\nDB_PASSWORD={password(secrets_tree)}\n".encode()
        status, message, _ = await error_of(upload(jp_fetch, "app.env", env))
        assert status == 403 and "the file (matches mounted secret db-creds/password)" in message
        assert not (jp_root_dir / "app.env").exists()

    @pytest.mark.parametrize("where", ["second chunk", "across the boundary", "last chunk"])
    async def test_chunked_uploads_are_checked_before_each_chunk_lands(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree, where: str
    ) -> None:
        secret = f"DB_PASSWORD={password(secrets_tree)}\n".encode()
        at = {
            "second chunk": CHUNK + 1000,
            "across the boundary": CHUNK - 20,  # split between chunk 1 and chunk 2
            "last chunk": 2 * CHUNK + 10,
        }[where]
        data = filler(at) + secret + filler(3 * CHUNK - at)
        status, message, _ = await error_of(upload_in_chunks(jp_fetch, "big.txt", data))
        assert status == 403 and message.startswith("Upload blocked")
        assert "db-creds/password" in message
        written = (jp_root_dir / "big.txt").read_bytes()
        assert password(secrets_tree).encode() not in written  # never appended
        assert written == data[: len(written)]  # the chunks before it, untouched

    async def test_a_client_that_never_sends_the_last_chunk_gains_nothing(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        await upload(jp_fetch, "half.txt", filler(CHUNK), 1)
        status, _, _ = await error_of(
            upload(jp_fetch, "half.txt", password(secrets_tree).encode(), 2)
        )
        assert status == 403
        assert password(secrets_tree).encode() not in (jp_root_dir / "half.txt").read_bytes()

    async def test_a_chunked_notebook_is_read_with_json_escapes_undone(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        # The JSON key's value holds quotes, which notebook JSON escapes as \".
        value = secrets_tree.values["config/settings.json"].decode()
        big = notebook(
            code("x = 1", stream(filler(CHUNK + 5000).decode())), code(f"settings = {value}")
        )
        data = json.dumps(big, indent=1).encode()
        assert value.encode() not in data  # escaped on disk
        status, message, _ = await error_of(upload_in_chunks(jp_fetch, "big.ipynb", data))
        assert status == 403 and "config/settings.json" in message

    async def test_clean_uploads_of_every_kind_go_through(
        self, jp_fetch: Any, jp_root_dir: Path
    ) -> None:
        clean = json.dumps(notebook(code("print('hello')")), indent=1).encode()
        await upload(jp_fetch, "clean.ipynb", clean)
        await upload_in_chunks(jp_fetch, "clean-big.txt", filler(2 * CHUNK + 77))
        binary = bytes(range(256)) * 9000  # 2.3 MB, not UTF-8
        await upload_in_chunks(jp_fetch, "blob.bin", binary)
        assert (jp_root_dir / "clean.ipynb").read_bytes() == clean
        assert (jp_root_dir / "clean-big.txt").read_bytes() == filler(2 * CHUNK + 77)
        assert (jp_root_dir / "blob.bin").read_bytes() == binary


class TestUploadsUnderWarn:
    secret_mounts_policy = policy(save_policy="warn")

    async def test_a_chunked_upload_is_reported_once_complete(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        data = filler(CHUNK + 100) + f"pw={password(secrets_tree)}\n".encode()
        await upload_in_chunks(jp_fetch, "warned.txt", data)
        assert (jp_root_dir / "warned.txt").read_bytes() == data
        report = await findings(jp_fetch, "warned.txt")
        assert report["message"].startswith("Uploaded, but found")
        assert [f["key"] for f in report["findings"] if "key" in f] == ["password"]


class TestOtherWaysUnderBlock:
    secret_mounts_policy = policy(save_policy="block")

    async def test_renaming_a_text_file_to_a_notebook_is_checked(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        (jp_root_dir / "notes.txt").write_bytes(leaky_ipynb(secrets_tree))  # written by a kernel
        rename = json.dumps({"path": "notes.ipynb"})
        status, message, _ = await error_of(
            jp_fetch("api", "contents", "notes.txt", method="PATCH", body=rename)
        )
        assert status == 403 and message.startswith("Rename blocked")
        assert "cell 2 (matches mounted secret db-creds/password)" in message
        assert (jp_root_dir / "notes.txt").exists() and not (jp_root_dir / "notes.ipynb").exists()

    async def test_renaming_clean_files_and_folders_works(
        self, jp_fetch: Any, jp_root_dir: Path
    ) -> None:
        (jp_root_dir / "a.txt").write_text("hello\n")
        (jp_root_dir / "folder").mkdir()
        for old, new in (("a.txt", "b.txt"), ("folder", "renamed")):
            body = json.dumps({"path": new})
            await jp_fetch("api", "contents", old, method="PATCH", body=body)
            assert (jp_root_dir / new).exists()

    async def test_copying_a_file_that_is_not_utf8_is_checked(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        # Latin-1 text: the contents API serves it as base64, which the hook used to skip.
        (jp_root_dir / "src").mkdir()
        latin1 = f"café\npassword={password(secrets_tree)}\n".encode("latin-1")
        (jp_root_dir / "src" / "legacy.cfg").write_bytes(latin1)
        (jp_root_dir / "dst").mkdir()
        body = json.dumps({"copy_from": "src/legacy.cfg"})
        status, message, _ = await error_of(
            jp_fetch("api", "contents", "dst", method="POST", body=body)
        )
        assert status == 403 and "db-creds/password" in message
        assert list((jp_root_dir / "dst").iterdir()) == []

    async def test_restoring_a_checkpoint_is_checked(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        (jp_root_dir / "nb.ipynb").write_bytes(leaky_ipynb(secrets_tree))  # written by a kernel
        created = await jp_fetch(
            "api", "contents", "nb.ipynb", "checkpoints", method="POST", body=""
        )
        checkpoint = json.loads(created.body)["id"]
        clean = notebook(code("import os"))
        model = {"type": "notebook", "format": "json", "content": clean}
        await jp_fetch("api", "contents", "nb.ipynb", method="PUT", body=json.dumps(model))
        before = (jp_root_dir / "nb.ipynb").read_bytes()

        status, message, _ = await error_of(
            jp_fetch(
                "api", "contents", "nb.ipynb", "checkpoints", checkpoint, method="POST", body=""
            )
        )
        assert status == 403 and message.startswith("Checkpoint restore blocked")
        assert (jp_root_dir / "nb.ipynb").read_bytes() == before


class _SyncContentsManager:
    """The same checks with jupyter_server's synchronous large-file manager (admins may pick it)."""

    @pytest.fixture
    def jp_server_config(self, jp_server_config: Config) -> Config:
        jp_server_config.ServerApp.contents_manager_class = (
            "jupyter_server.services.contents.largefilemanager.LargeFileManager"
        )
        return jp_server_config

    def test_the_manager_is_synchronous(self, jp_serverapp: Any) -> None:
        assert type(jp_serverapp.contents_manager).__name__ == "LargeFileManager"


class TestUploadsWithASyncManager(_SyncContentsManager, TestUploadsUnderBlock):
    pass


class TestOtherWaysWithASyncManager(_SyncContentsManager, TestOtherWaysUnderBlock):
    pass
