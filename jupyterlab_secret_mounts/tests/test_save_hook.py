"""The pre-save hook through the real contents API: `off`, `warn` and `block` policies."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from jupyterlab_secret_mounts.guard.findings import FindingsStore
from jupyterlab_secret_mounts.guard.save_hook import SaveGuard
from jupyterlab_secret_mounts.guard.value_index import SecretValue, ValueIndex
from jupyterlab_secret_mounts.mounts.value_facts import MatchFloor

from .guard_helpers import (
    code,
    error_of,
    findings,
    leaky_notebook,
    notebook,
    policy,
    save,
    stream,
)
from .trees import SecretsTree


def saved_cells(path: Path) -> list[dict[str, Any]]:
    """The cells as written on disk (sources joined: nbformat may store them as line lists)."""
    cells: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))["cells"]
    for cell in cells:
        if isinstance(cell["source"], list):
            cell["source"] = "".join(cell["source"])
    return cells


class TestBlock:
    # Printed values left in outputs (test_redaction.py covers redact_outputs, the default).
    secret_mounts_policy = policy(save_policy="block", redact_outputs=False)

    async def test_refuses_the_save_naming_cells_and_keeps_the_file(
        self,
        jp_fetch: Any,
        jp_root_dir: Path,
        secrets_tree: SecretsTree,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        caplog.set_level(logging.DEBUG)
        await save(jp_fetch, "work.ipynb", notebook(code("print('clean')")))
        before = (jp_root_dir / "work.ipynb").read_bytes()

        status, message, body = await error_of(
            save(jp_fetch, "work.ipynb", leaky_notebook(secrets_tree))
        )
        assert status == 403
        assert message.startswith("Save blocked by the secret-mounts policy")
        assert "cell 3 output (matches mounted secret db-creds/password)" in message
        assert "cell 5 (matches mounted secret db-creds/password)" in message
        assert "cell 1" not in message and "cell 2" not in message
        assert (jp_root_dir / "work.ipynb").read_bytes() == before
        for canary in secrets_tree.all_canaries:
            assert canary not in body
            assert canary.decode("latin-1") not in caplog.text
        # One line of ours naming path, places and keys; no traceback anywhere.
        ours = [
            r for r in caplog.records if r.getMessage().startswith("secret-mounts: 'work.ipynb'")
        ]
        assert [r.levelname for r in ours] == ["WARNING"]
        assert "cell 5 (matches mounted secret db-creds/password)" in ours[0].getMessage()
        assert not any(r.exc_info for r in caplog.records)

        report = await findings(jp_fetch, "work.ipynb")
        assert report["blocked"] is True
        assert {(f["cell"], f.get("output")) for f in report["findings"]} == {(2, 0), (4, None)}

    async def test_credential_patterns_block_too_unless_suppressed(
        self, jp_fetch: Any, jp_root_dir: Path
    ) -> None:
        key_id = "AKIA" + "Z3MFQH2KX7PLW4TQ"  # split so this file holds no credential-like literal
        leaky = notebook(code("import boto3"), code(f"aws_access_key_id = '{key_id}'"))
        status, message, _ = await error_of(save(jp_fetch, "aws.ipynb", leaky))
        assert status == 403
        assert "cell 2 (aws-access-key-id)" in message and key_id not in message
        assert not (jp_root_dir / "aws.ipynb").exists()

        leaky["cells"][1]["source"] += "  # pragma: allowlist secret"
        await save(jp_fetch, "aws.ipynb", leaky)  # suppressed on its line: saved
        assert (jp_root_dir / "aws.ipynb").exists()

    async def test_clean_notebooks_save(self, jp_fetch: Any, jp_root_dir: Path) -> None:
        await save(jp_fetch, "ok.ipynb", notebook(code("print('hello')", stream("hello\n"))))
        assert saved_cells(jp_root_dir / "ok.ipynb")[0]["source"] == "print('hello')"
        report = await findings(jp_fetch, "ok.ipynb")
        assert (report["blocked"], report["findings"]) == (False, [])

    async def test_text_files_are_checked_too(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        token = secrets_tree.values["plain/api-key"].decode()
        status, message, _ = await error_of(
            save(jp_fetch, "settings.py", f"API_KEY = '{token}'\n", kind="file")
        )
        assert status == 403
        assert "the file (matches mounted secret plain/api-key)" in message
        assert not (jp_root_dir / "settings.py").exists()

    async def test_malformed_notebooks_do_not_crash_the_hook(
        self, jp_fetch: Any, caplog: pytest.LogCaptureFixture
    ) -> None:
        # jupyter_server's own validation decides what happens to it; the hook stays quiet.
        broken = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": "not a list"}
        try:
            await save(jp_fetch, "broken.ipynb", broken)
        except Exception:  # noqa: BLE001, S110 - jupyter may refuse it; that is its call
            pass
        assert "Running pre-save hook on broken.ipynb" in caplog.text  # it did run
        assert "secret_mounts_pre_save_hook failed" not in caplog.text
        assert "pre-save check failed" not in caplog.text

    async def test_names_metadata_and_attachments_safely(
        self, jp_fetch: Any, secrets_tree: SecretsTree, caplog: pytest.LogCaptureFixture
    ) -> None:
        password = secrets_tree.values["db-creds/password"].decode()
        name = "100%s\nFAKE LOG LINE " + "x" * 60 + ".txt"
        leaky = notebook(code("x = 1"))
        leaky["cells"][0]["attachments"] = {name: {"text/plain": password}}
        leaky["metadata"] = {"papermill": {"parameters": {"db": password}}}
        status, message, body = await error_of(save(jp_fetch, "meta.ipynb", leaky))
        assert status == 403
        assert "cell 1 attachment 100s?FAKE LOG LINE xxx" in message
        assert "notebook metadata (matches mounted secret db-creds/password)" in message
        assert "\nFAKE" not in caplog.text and password.encode() not in body


class TestWarn:
    secret_mounts_policy = policy(save_policy="warn", redact_outputs=False)

    async def test_saves_and_keeps_findings_for_the_frontend(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        (jp_root_dir / "sub").mkdir()
        response = await save(jp_fetch, "sub/work.ipynb", leaky_notebook(secrets_tree))
        assert response.code in (200, 201)
        cells = saved_cells(jp_root_dir / "sub" / "work.ipynb")
        assert len(cells) == 5

        report = await findings(jp_fetch, "/sub/work.ipynb")  # leading slash tolerated
        assert report["policy"] == "warn" and report["blocked"] is False
        assert report["message"].startswith("Saved, but found")
        password = secrets_tree.values["db-creds/password"].decode()
        source = cells[4]["source"]
        assert {
            "cell": 4,
            "part": "source",
            "start": source.index(password),
            "end": source.index(password) + len(password),
            "mount": str(secrets_tree.root / "db-creds"),
            "key": "password",
            "encoding": "raw",
        } in report["findings"]
        output = next(f for f in report["findings"] if f["cell"] == 2)
        assert (output["part"], output["output"], output["mime"], output["start"]) == (
            "output",
            0,
            "stream",
            0,
        )
        assert password.encode() not in json.dumps(report).encode()

    async def test_unknown_paths_report_nothing_checked(self, jp_fetch: Any) -> None:
        report = await findings(jp_fetch, "never-saved.ipynb")
        assert (report["checked"], report["findings"]) == (None, [])

    async def test_findings_need_a_path(self, jp_fetch: Any) -> None:
        status, message, _ = await error_of(jp_fetch("secret-mounts", "findings"))
        assert status == 400 and "?path=" in message


class TestOff:
    secret_mounts_policy = policy(save_policy="off", redact_outputs=False)

    async def test_nothing_is_checked(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        await save(jp_fetch, "work.ipynb", leaky_notebook(secrets_tree))
        assert (jp_root_dir / "work.ipynb").exists()
        assert (await findings(jp_fetch, "work.ipynb"))["checked"] is None


def strip_outputs(model: dict[str, Any], **_: Any) -> None:
    """An admin's own pre-save hook: clears outputs (a common jupyter_server_config recipe)."""
    if model.get("type") == "notebook":
        for cell in model["content"]["cells"]:
            if cell.get("cell_type") == "code":
                cell["outputs"] = []


class TestChainedAdminHook:
    secret_mounts_policy = policy(save_policy="block", redact_outputs=False)

    @pytest.fixture
    def jp_server_config(self, jp_server_config: Config) -> Config:
        jp_server_config.ContentsManager.pre_save_hook = f"{__name__}.strip_outputs"
        return jp_server_config

    async def test_the_admin_hook_runs_first_and_ours_still_runs(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        leaky = leaky_notebook(secrets_tree)
        status, message, _ = await error_of(save(jp_fetch, "work.ipynb", leaky))
        assert status == 403
        assert "cell 5 (" in message  # the pasted source still blocks the save
        assert "cell 3 output" not in message  # the admin's hook had removed that output
        leaky["cells"] = leaky["cells"][:4]
        await save(jp_fetch, "work.ipynb", leaky)  # the printed value alone is stripped: saved
        assert saved_cells(jp_root_dir / "work.ipynb")[2]["outputs"] == []


def test_hook_ignores_malformed_content_and_unknown_models() -> None:
    store = FindingsStore()
    index = ValueIndex.of([SecretValue("/s/x", "k", b"value-123456")], MatchFloor(6, 40))

    class NoPatterns:
        def scan(self, text: str, deadline: float | None = None) -> list[Any]:
            return []

    hook = SaveGuard(lambda: "block", lambda: index, NoPatterns(), store, logging.getLogger())
    for model in (
        None,
        {"type": "notebook", "content": None},
        {"type": "notebook", "content": {"cells": [None, 3, {"source": 5, "outputs": "x"}]}},
        {"type": "notebook", "content": {"cells": [{"outputs": [None, {"output_type": 3}]}]}},
        {"type": "file", "format": "base64", "content": "not base64 at all!"},
        {"type": "directory"},
    ):
        hook(model=model, path="x.ipynb", contents_manager=None)
    report = store.get("x.ipynb")
    assert report is None or report.findings == ()
