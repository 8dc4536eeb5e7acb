"""Read errors never become 500s nor open the gate (issue 15, item 2).

Between listing a folder and reading its values, `..data` is swapped (with kubelet's own
rename) to point at a symbolic link instead of a timestamped folder. Reads refuse to follow
it; reveal and check must then answer a clear 4xx/503, and a save under `block` whose check
could not complete must be refused, saying so.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from tornado.web import HTTPError

from jupyterlab_secret_mounts.guard.findings import FindingsStore
from jupyterlab_secret_mounts.guard.save_hook import SaveGuard
from jupyterlab_secret_mounts.guard.value_index import ValueIndex
from jupyterlab_secret_mounts.handlers import SERVICE_SETTING
from jupyterlab_secret_mounts.mounts.kubelet import DATA_LINK, DATA_TMP_LINK
from jupyterlab_secret_mounts.mounts.service import SecretMountsService
from jupyterlab_secret_mounts.mounts.value_facts import MatchFloor

from .guard_helpers import error_of, leaky_notebook, policy, save
from .trees import SecretsTree


@contextmanager
def data_link_swapped_after_listing(service: SecretMountsService, folder: Path) -> Iterator[None]:
    """Each discovery is followed by `..data` -> `..hijack` (a symlink to the real version)."""
    version = os.readlink(folder / DATA_LINK)
    os.symlink(version, folder / "..hijack")
    listed = service.discover

    def discover_then_swap() -> Any:
        found = listed()
        os.symlink("..hijack", folder / DATA_TMP_LINK)
        os.rename(folder / DATA_TMP_LINK, folder / DATA_LINK)
        return found

    def restore() -> None:
        os.symlink(version, folder / DATA_TMP_LINK)
        os.rename(folder / DATA_TMP_LINK, folder / DATA_LINK)

    service.discover = discover_then_swap  # type: ignore[method-assign]
    try:
        yield
    finally:
        service.discover = listed  # type: ignore[method-assign]
        restore()


@pytest.fixture
def swapped(jp_serverapp: Any, secrets_tree: SecretsTree) -> Iterator[None]:
    service = jp_serverapp.web_app.settings[SERVICE_SETTING]
    with data_link_swapped_after_listing(service, secrets_tree.root / "db-creds"):
        yield


def _reveal(jp_fetch: Any, tree: SecretsTree) -> Any:
    body = json.dumps({"path": str(tree.root / "db-creds"), "key": "password"})
    return jp_fetch("secret-mounts", "reveal", method="POST", body=body)


def _check(jp_fetch: Any, text: str) -> Any:
    body = json.dumps({"texts": [{"id": "a", "text": text}]})
    return jp_fetch("secret-mounts", "check", method="POST", body=body)


class TestBlock:
    secret_mounts_policy = policy(save_policy="block", allow_reveal=True)

    async def test_reveal_answers_a_clear_error(
        self, jp_fetch: Any, secrets_tree: SecretsTree, swapped: None
    ) -> None:
        status, message, body = await error_of(_reveal(jp_fetch, secrets_tree))
        assert status in (409, 503), (status, body)
        assert "cannot be revealed" in message and "folder" in message
        assert secrets_tree.values["db-creds/password"] not in body

    async def test_check_answers_503_not_500(
        self, jp_fetch: Any, secrets_tree: SecretsTree, swapped: None
    ) -> None:
        password = secrets_tree.values["db-creds/password"].decode()
        status, message, _ = await error_of(_check(jp_fetch, f"x = '{password}'"))
        assert status == 503
        assert "could not read" in message and "db-creds" in message

    async def test_a_save_that_could_not_be_checked_is_refused(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree, swapped: None
    ) -> None:
        status, message, _ = await error_of(
            save(jp_fetch, "work.ipynb", leaky_notebook(secrets_tree))
        )
        assert status in (403, 503)
        assert "could not" in message and "check" in message
        assert not (jp_root_dir / "work.ipynb").exists()


class TestWarn:
    secret_mounts_policy = policy(save_policy="warn")

    async def test_an_unchecked_save_is_saved_and_reported_unchecked(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree, swapped: None
    ) -> None:
        await save(jp_fetch, "work.ipynb", leaky_notebook(secrets_tree))
        assert (jp_root_dir / "work.ipynb").exists()
        report = json.loads(
            (await jp_fetch("secret-mounts", "findings", params={"path": "work.ipynb"})).body
        )
        assert "could not" in report["message"] and "check" in report["message"]


async def test_the_error_clears_once_the_folder_reads_again(
    jp_serverapp: Any, jp_fetch: Any, secrets_tree: SecretsTree
) -> None:
    service = jp_serverapp.web_app.settings[SERVICE_SETTING]
    with data_link_swapped_after_listing(service, secrets_tree.root / "db-creds"):
        await error_of(_check(jp_fetch, "anything"))
    password = secrets_tree.values["db-creds/password"].decode()
    matches = json.loads((await _check(jp_fetch, password)).body)["matches"]
    assert [m["key"] for m in matches] == ["password"]


@pytest.mark.parametrize("policy", ["block", "warn"])
def test_a_scanner_failure_is_no_clean_check(policy: str) -> None:
    class Broken:
        def scan(self, text: str, deadline: float | None = None) -> list[Any]:
            raise RuntimeError(f"choked on {text}")  # a message that quotes the text

    store = FindingsStore()
    index = ValueIndex.of([], MatchFloor(6, 40))
    hook = SaveGuard(lambda: policy, lambda: index, Broken(), store, logging.getLogger())
    model = {"type": "file", "format": "text", "content": "pw = 'hunter2hunter2'"}
    if policy == "block":
        with pytest.raises(HTTPError) as refused:
            hook(model, "x.py")
        assert refused.value.status_code == 403
    else:
        hook(model, "x.py")
    report = store.get("x.py")
    assert report is not None and report.complete is False
    assert "could not complete" in report.message and "hunter2" not in report.message
