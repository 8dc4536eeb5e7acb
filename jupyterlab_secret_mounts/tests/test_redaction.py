"""What the user sees is what is on disk (issue 15, item 8): `redact_outputs`.

A printed mounted value is masked in the output area; the saved file must hold a marker in its
place, in every form the value can take (raw, base64, URL-encoded), whatever way the notebook
is written (save, upload, copy, checkpoint restore).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jupyterlab_secret_mounts.guard.redact import marker, redact_notebook
from jupyterlab_secret_mounts.guard.value_index import SecretValue, ValueIndex
from jupyterlab_secret_mounts.mounts.value_facts import MatchFloor

from .guard_helpers import code, error_of, findings, notebook, policy, save, stream, upload
from .trees import SecretsTree


def printed(tree: SecretsTree) -> dict[str, Any]:
    """Outputs holding the password raw, base64-encoded and URL-encoded; sources hold none."""
    password = tree.values["db-creds/password"].decode()
    token = base64.b64encode(f"app:{password}".encode()).decode()
    return notebook(
        code("print(open('/secrets/db-creds/password').read())", stream(password + "\n")),
        code(
            "headers",
            {
                "output_type": "execute_result",
                "execution_count": 2,
                "metadata": {},
                "data": {
                    "text/plain": [f"{{'Authorization': 'Basic {token}'}}"],
                    "text/html": f"<a href='pg://app:{quote(password, safe='')}@db'>db</a>",
                },
            },
        ),
    )


def on_disk(path: Path) -> str:
    return path.read_text("utf-8")


def assert_redacted(text: str, tree: SecretsTree) -> None:
    password = tree.values["db-creds/password"].decode()
    assert password not in text
    assert base64.b64encode(password.encode()).decode().rstrip("=")[:12] not in text
    assert text.count("[secret-mounts: redacted db-creds/password]") == 3


class TestWarn:
    secret_mounts_policy = policy(save_policy="warn")

    async def test_printed_values_are_redacted_in_the_saved_file(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        await save(jp_fetch, "out.ipynb", printed(secrets_tree))
        assert_redacted(on_disk(jp_root_dir / "out.ipynb"), secrets_tree)
        report = await findings(jp_fetch, "out.ipynb")
        assert report["findings"] == []  # nothing left in the file
        assert {(r["cell"], r["output"], r["key"]) for r in report["redacted"]} == {
            (0, 0, "password"),
            (1, 0, "password"),
        }
        assert "replaced by a marker" in report["message"]

    async def test_sources_are_left_to_the_policy(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        password = secrets_tree.values["db-creds/password"].decode()
        leaky = printed(secrets_tree)
        leaky["cells"].append(code(f"pw = '{password}'"))
        await save(jp_fetch, "src.ipynb", leaky)
        saved = json.loads(on_disk(jp_root_dir / "src.ipynb"))
        assert password in "".join(saved["cells"][2]["source"])  # not rewritten behind the author
        report = await findings(jp_fetch, "src.ipynb")
        assert [(f["cell"], f["key"]) for f in report["findings"]] == [(2, "password")]

    async def test_an_uploaded_notebook_is_redacted_too(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        await upload(jp_fetch, "up.ipynb", json.dumps(printed(secrets_tree)).encode())
        assert_redacted(on_disk(jp_root_dir / "up.ipynb"), secrets_tree)

    async def test_copies_and_restored_checkpoints_are_redacted(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        raw = json.dumps(printed(secrets_tree), indent=1)
        (jp_root_dir / "kernel.ipynb").write_text(raw)  # written by a kernel, unredacted
        copied = await jp_fetch(
            "api", "contents", "", method="POST", body=json.dumps({"copy_from": "kernel.ipynb"})
        )
        assert_redacted(on_disk(jp_root_dir / json.loads(copied.body)["path"]), secrets_tree)

        created = await jp_fetch(
            "api", "contents", "kernel.ipynb", "checkpoints", method="POST", body=""
        )
        (jp_root_dir / "kernel.ipynb").write_text("{}")
        checkpoint = json.loads(created.body)["id"]
        await jp_fetch(
            "api", "contents", "kernel.ipynb", "checkpoints", checkpoint, method="POST", body=""
        )
        assert_redacted(on_disk(jp_root_dir / "kernel.ipynb"), secrets_tree)


class TestBlock:
    secret_mounts_policy = policy(save_policy="block")

    async def test_a_printed_value_no_longer_blocks_the_save(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        await save(jp_fetch, "out.ipynb", printed(secrets_tree))
        assert_redacted(on_disk(jp_root_dir / "out.ipynb"), secrets_tree)


class TestPolicyOff:
    secret_mounts_policy = policy(save_policy="off")

    async def test_outputs_are_redacted_whatever_the_policy(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        password = secrets_tree.values["db-creds/password"].decode()
        leaky = printed(secrets_tree)
        leaky["cells"].append(code(f"pw = '{password}'"))
        await save(jp_fetch, "out.ipynb", leaky)
        saved = on_disk(jp_root_dir / "out.ipynb")
        assert saved.count("[secret-mounts: redacted db-creds/password]") == 3
        assert password in saved  # the source: nothing is checked under `off`
        assert (await findings(jp_fetch, "out.ipynb"))["findings"] == []


class TestOff:
    secret_mounts_policy = policy(save_policy="warn", redact_outputs=False)

    async def test_the_value_stays_and_is_reported(
        self, jp_fetch: Any, jp_root_dir: Path, secrets_tree: SecretsTree
    ) -> None:
        await save(jp_fetch, "out.ipynb", printed(secrets_tree))
        password = secrets_tree.values["db-creds/password"].decode()
        assert password in on_disk(jp_root_dir / "out.ipynb")
        report = await findings(jp_fetch, "out.ipynb")
        assert report["redacted"] == [] and len(report["findings"]) == 3


class TestBlockWithoutRedaction:
    secret_mounts_policy = policy(save_policy="block", redact_outputs=False)

    async def test_a_printed_value_blocks(self, jp_fetch: Any, secrets_tree: SecretsTree) -> None:
        status, message, _ = await error_of(save(jp_fetch, "out.ipynb", printed(secrets_tree)))
        assert status == 403 and "cell 1 output" in message


def test_images_keep_their_bytes_and_lines_their_layout() -> None:
    value = b"s3cr3t-Value-0042"
    index = ValueIndex.of([SecretValue("/secrets/app", "token", value)], MatchFloor(6, 40))
    png = base64.b64encode(b"\x89PNG" + value + b"\x00" * 8).decode()  # holds a base64 form
    nb = notebook(
        code(
            "x",
            {
                "output_type": "stream",
                "name": "stdout",
                "text": ["a\n", "token s3cr3t-", "Value-0042\n"],
            },
            {
                "output_type": "error",
                "ename": "ValueError",
                "evalue": f"bad {value.decode()}",
                "traceback": ["line 1", f"ValueError: bad {value.decode()}"],
            },
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {"image/png": png, "application/json": {"k": [value.decode()]}},
            },
        )
    )
    done = redact_notebook(nb, index.find)
    outputs = nb["cells"][0]["outputs"]
    mark = marker("/secrets/app", "token")
    assert "".join(outputs[0]["text"]) == f"a\ntoken {mark}\n"  # a value split over two lines
    assert outputs[1]["traceback"] == ["line 1", f"ValueError: bad {mark}"]
    assert outputs[1]["evalue"] == f"bad {mark}"
    assert outputs[2]["data"]["image/png"] == png
    assert outputs[2]["data"]["application/json"] == {"k": [mark]}
    assert len(done) == 4
    # Only the image still holds a form of the value: its bytes are not text anyone printed.
    assert [m.encoding for m in index.find(json.dumps(nb))] == ["base64"]


def test_the_marker_names_the_key_never_the_value() -> None:
    assert marker("/secrets/db-creds/", "password") == "[secret-mounts: redacted db-creds/password]"
