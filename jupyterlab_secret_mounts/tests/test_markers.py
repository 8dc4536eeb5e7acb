"""A collaborative save under `block`: written with markers, never refused, never with a value."""

from __future__ import annotations

import base64
import copy
import logging
from typing import Any

import pytest
from tornado.web import HTTPError

from jupyterlab_secret_mounts.guard.findings import FindingsStore, SaveReport
from jupyterlab_secret_mounts.guard.live_index import ValuesUnavailable
from jupyterlab_secret_mounts.guard.save_hook import SaveGuard
from jupyterlab_secret_mounts.guard.value_index import SecretValue, ValueIndex
from jupyterlab_secret_mounts.mounts.value_facts import MatchFloor
from jupyterlab_secret_mounts.scanner import PatternScanner, load_rules

PASSWORD = "Pa55-w0rd-" + "Zq81xKv7"  # a mounted value (split: no credential literal here)
PEM_LINE = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + "BKcwggSjAgEAAoIBAQC7"
TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"  # a GitHub token pattern, not mounted


def code(source: Any, *outputs: dict[str, Any]) -> dict[str, Any]:
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": list(outputs)}


def notebook(*cells: dict[str, Any]) -> dict[str, Any]:
    content = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": list(cells)}
    return {"type": "notebook", "format": "json", "content": content}


class Saves:
    """The hook with a real value index and the real pattern rules, saving as a room would."""

    def __init__(
        self, policy: str = "block", collaborative: bool = True, readable_times: int = -1
    ) -> None:
        values = [
            SecretValue("/secrets/db-creds", "password", PASSWORD.encode()),
            SecretValue("/secrets/tls", "tls.key", f"-----BEGIN\n{PEM_LINE}\n-----END\n".encode()),
        ]
        index = ValueIndex.of(values, MatchFloor(6, 40))
        self.reads = 0

        def current() -> ValueIndex:
            """The index; after `readable_times` reads, a folder unreadable mid-rotation."""
            self.reads += 1
            if 0 <= readable_times < self.reads:
                raise ValuesUnavailable("/secrets/db-creds", "a rotation")
            return index

        self.store = FindingsStore()
        self.heard: list[tuple[SaveReport, SaveReport | None]] = []
        self.hook = SaveGuard(
            lambda: policy,
            current,
            PatternScanner(load_rules()),
            self.store,
            logging.getLogger("test-markers"),
            collaborative=lambda path: collaborative,
            notify=lambda report, previous: self.heard.append((report, previous)),
        )

    def save(self, model: dict[str, Any], path: str = "work.ipynb") -> dict[str, Any]:
        """The model as it would be written (the hook changes the one it is given)."""
        self.hook(model=model, path=path, contents_manager=None)
        return model


def cells_of(model: dict[str, Any]) -> list[dict[str, Any]]:
    return model["content"]["cells"]  # type: ignore[no-any-return]


def test_literals_become_markers_and_the_rest_of_the_cell_stays() -> None:
    saves = Saves()
    live = notebook(
        code("import os"),
        code(f"conn = connect(password='{PASSWORD}')  # 🔑 pasted\nrows = conn.query()"),
        code(f'token = "{TOKEN}"'),
    )
    saved = saves.save(copy.deepcopy(live))
    sources = [cell["source"] for cell in cells_of(saved)]
    assert sources == [
        "import os",
        "conn = connect(password='[secret-mounts: redacted db-creds/password]')  # 🔑 pasted\n"
        "rows = conn.query()",
        'token = "[secret-mounts: redacted github-token]"',
    ]
    report = saves.store.get("work.ipynb")
    assert report is not None and report.marked and not report.blocked
    assert report.message.startswith("Saved with markers instead of the credential-like values")
    assert "cell 2 (matches mounted secret db-creds/password)" in report.message
    assert "cell 3 (github-token)" in report.message
    assert PASSWORD not in report.message and TOKEN not in report.message


def test_an_astral_character_before_the_value_does_not_shift_the_marker() -> None:
    saved = Saves().save(notebook(code(f"# 😀😀 emoji first\npw = '{PASSWORD}'")))
    assert cells_of(saved)[0]["source"] == (
        "# 😀😀 emoji first\npw = '[secret-mounts: redacted db-creds/password]'"
    )


def test_outputs_lose_the_value_in_every_form_and_keep_the_rest() -> None:
    encoded = base64.b64encode(PASSWORD.encode()).decode()
    saved = Saves().save(
        notebook(
            code(
                "print(secret)",
                {
                    "output_type": "stream",
                    "name": "stdout",
                    "text": ["user: app\n", f"pw: {PASSWORD}\n"],
                },
                {
                    "output_type": "execute_result",
                    "execution_count": 1,
                    "metadata": {},
                    "data": {"text/plain": [f"'{encoded}'"], "application/json": {"pw": PASSWORD}},
                },
            )
        )
    )
    stream, result = cells_of(saved)[0]["outputs"]
    assert stream["text"] == ["user: app\n", "pw: [secret-mounts: redacted db-creds/password]\n"]
    assert PASSWORD not in str(result) and encoded not in str(result)
    assert result["data"]["application/json"] == {
        "pw": "[secret-mounts: redacted db-creds/password]"
    }


def test_a_value_split_across_output_lines_removes_that_output() -> None:
    pem = f"-----BEGIN\n{PEM_LINE}\n-----END\n"
    lines = pem.splitlines(keepends=True)
    saved = Saves().save(
        notebook(
            code(
                "print(key)",
                {"output_type": "stream", "name": "stdout", "text": lines},
                {"output_type": "stream", "name": "stderr", "text": "done\n"},
            )
        )
    )
    outputs = cells_of(saved)[0]["outputs"]
    assert outputs[0] == {
        "output_type": "stream",
        "name": "stdout",
        "text": "[secret-mounts: output removed, it held tls/tls.key]\n",
    }
    assert outputs[1]["text"] == "done\n"


def test_a_value_split_across_consecutive_streams_removes_them_all() -> None:
    half = len(PASSWORD) // 2
    saved = Saves().save(
        notebook(
            code(
                "print(pw[:5]); print(pw[5:])",
                {"output_type": "stream", "name": "stdout", "text": "pw: " + PASSWORD[:half]},
                {"output_type": "stream", "name": "stdout", "text": PASSWORD[half:] + "\n"},
            )
        )
    )
    outputs = cells_of(saved)[0]["outputs"]
    assert PASSWORD[:half] not in str(outputs) and PASSWORD[half:] not in str(outputs)
    assert {o["text"] for o in outputs} == {
        "[secret-mounts: output removed, it held db-creds/password]\n"
    }


def test_metadata_and_attachments_lose_the_value_too() -> None:
    cell = code("x = 1")
    cell["metadata"] = {"tags": ["setup"], "note": f"pw={PASSWORD}"}
    model = notebook(cell)
    model["content"]["metadata"] = {"kernelspec": {"name": "python3"}, "origin": TOKEN}
    saved = Saves().save(model)
    assert cells_of(saved)[0]["metadata"] == {
        "tags": ["setup"],
        "note": "pw=[secret-mounts: redacted db-creds/password]",
    }
    assert saved["content"]["metadata"]["origin"] == "[secret-mounts: redacted github-token]"


def test_text_files_get_markers_too() -> None:
    model = {"type": "file", "format": "text", "content": f"API_TOKEN = '{TOKEN}'\nDEBUG = 1\n"}
    saved = Saves().save(model, "settings.py")
    assert saved["content"] == "API_TOKEN = '[secret-mounts: redacted github-token]'\nDEBUG = 1\n"


def test_markers_are_not_findings_so_a_saved_file_saves_clean() -> None:
    saves = Saves()
    saved = saves.save(notebook(code(f"token = '{TOKEN}'\npw = '{PASSWORD}'")))
    again = Saves().save(copy.deepcopy(saved))
    report = saves.store.get("work.ipynb")
    assert report is not None and report.marked
    assert again == saved


def test_a_save_that_is_not_collaborative_is_still_refused() -> None:
    saves = Saves(collaborative=False)
    live = notebook(code(f"pw = '{PASSWORD}'"))
    with pytest.raises(HTTPError) as refused:
        saves.save(live)
    assert refused.value.status_code == 403
    assert cells_of(live)[0]["source"] == f"pw = '{PASSWORD}'"  # nothing changed in the model


def test_a_check_again_that_fails_refuses_the_save_instead_of_writing_it() -> None:
    """The second look at the marked model cannot read the values: refused, never saved as is."""
    saves = Saves(readable_times=1)
    live = notebook(code(f"pw = '{PASSWORD}'"))
    with pytest.raises(HTTPError) as refused:
        saves.save(live)
    assert refused.value.status_code == 403
    assert saves.reads > 1  # the marked model was checked again
    report = saves.store.get("work.ipynb")
    assert report is not None and report.blocked and not report.marked


def test_warn_saves_the_value_as_it_is_and_notifies() -> None:
    saves = Saves(policy="warn")
    saved = saves.save(notebook(code(f"pw = '{PASSWORD}'")))
    assert cells_of(saved)[0]["source"] == f"pw = '{PASSWORD}'"
    ((report, previous),) = saves.heard
    assert previous is None and report.findings and not report.marked


def test_every_report_reaches_notify_with_the_one_before() -> None:
    saves = Saves()
    saves.save(notebook(code(f"pw = '{PASSWORD}'")))
    saves.save(notebook(code("pw = open('/secrets/db-creds/password').read()")))
    (first, none), (clean, previous) = saves.heard
    assert none is None and first.marked
    assert previous is first and not clean.findings and not clean.marked


def test_each_outcome_is_logged_once_as_one_line_with_no_value(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="test-markers")
    saves = Saves()
    leaky = notebook(code("import os"), code(f"pw = '{PASSWORD}'"))
    for _ in range(12):  # a collaborative room saves about once a second while people type
        saves.save(copy.deepcopy(leaky))
    saves.save(notebook(code(f"pw = '{PASSWORD}'"), code(f't = "{TOKEN}"')))  # new findings

    lines = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert [level for level, _ in lines] == ["WARNING"] + ["DEBUG"] * 11 + ["WARNING"]
    assert lines[0][1] == (
        "secret-mounts: 'work.ipynb': 'Saved with markers instead of the credential-like values "
        "in cell 2 (matches mounted secret db-creds/password): the file holds no value, the "
        "notebook you edit still does. Replace them with a secret reference (read the mounted "
        "file instead).'"
    )
    assert all(r.exc_info is None for r in caplog.records)
    assert PASSWORD not in caplog.text and TOKEN not in caplog.text
