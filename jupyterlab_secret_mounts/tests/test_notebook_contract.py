"""The notebook-text contract (`spec/README.md`) on the server, without Node.

For every fixture in `spec/notebooks/`, the Python extractor gives exactly the expected texts, the
Python engine exactly the expected findings (the TypeScript side reads the same files in
`test/scanner/notebook-contract.spec.ts`), and the pre-save hook, through the real contents API
under `block`, refuses the save and reports those findings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_secret_mounts.scanner import PatternScanner, load_rules
from jupyterlab_secret_mounts.scanner.json_text import json_text
from jupyterlab_secret_mounts.scanner.notebook import (
    NotebookParseError,
    NotebookText,
    notebook_texts,
    parse_notebook,
)

from .guard_helpers import error_of, policy

SPEC = Path(__file__).resolve().parents[2] / "spec" / "notebooks"
FIXTURES = sorted(path.stem for path in SPEC.glob("*.ipynb"))


def expected(name: str, kind: str) -> Any:
    return json.loads((SPEC / f"{name}.{kind}.json").read_text("utf-8"))


def raw(name: str) -> str:
    return (SPEC / f"{name}.ipynb").read_text("utf-8")


def place(text: NotebookText) -> dict[str, Any]:
    """A place as the spec files write it."""
    fields = {"output": text.output, "mime": text.mime, "name": text.name}
    return {
        "cell": text.cell,
        "part": text.part,
        **{key: value for key, value in fields.items() if value is not None},
    }


@pytest.fixture(scope="module")
def scanner() -> PatternScanner:
    return PatternScanner(load_rules())


def test_every_expectation_has_its_notebook() -> None:
    assert len(FIXTURES) > 10, f"no fixtures in {SPEC}"
    for path in SPEC.glob("*.json"):
        assert path.name.rsplit(".", 2)[0] in FIXTURES, path.name


@pytest.mark.parametrize("name", FIXTURES)
def test_texts_and_findings(name: str, scanner: PatternScanner) -> None:
    texts = expected(name, "texts")
    if isinstance(texts, dict):
        with pytest.raises(NotebookParseError) as refused:
            notebook_texts(parse_notebook(raw(name)))
        assert str(refused.value).startswith(texts["error"])
        assert not (SPEC / f"{name}.findings.json").exists()
        return
    found = notebook_texts(parse_notebook(raw(name)))
    assert [{**place(text), "text": text.text} for text in found] == texts
    findings = [
        {**place(text), "rule": hit.rule, "start": hit.start, "end": hit.end}
        for text in found
        for hit in scanner.scan(text.text)
    ]
    assert findings == expected(name, "findings")


def test_a_refused_document_is_parsed_as_javascript_parses_it() -> None:
    for text in ("[NaN]", '{"cells": [], "x": Infinity}'):
        with pytest.raises(NotebookParseError, match="^not valid JSON"):
            parse_notebook(text)


class TestSaveHook:
    secret_mounts_policy = policy(save_policy="block")

    @pytest.mark.parametrize("name", [name for name in FIXTURES if name != "invalid-json"])
    async def test_refuses_each_fixture_and_reports_the_contract_findings(
        self, name: str, jp_fetch: Any, jp_root_dir: Path, scanner: PatternScanner
    ) -> None:
        content = parse_notebook(raw(name))
        texts = expected(name, "texts")
        if isinstance(texts, list):
            places = expected(name, "findings")
        else:  # not a notebook: checked whole, as its JSON text
            places = [
                {"rule": hit.rule, "start": hit.start, "end": hit.end}
                for hit in scanner.scan(json_text(content))
            ]
        assert places, "every fixture holds a credential somewhere"
        model = {"type": "notebook", "format": "json", "content": content}
        status, message, _ = await error_of(
            jp_fetch("api", "contents", f"{name}.ipynb", method="PUT", body=json.dumps(model))
        )
        assert status == 403 and message.startswith("Save blocked")
        assert not (jp_root_dir / f"{name}.ipynb").exists()
        response = await jp_fetch("secret-mounts", "findings", params={"path": f"{name}.ipynb"})
        report = json.loads(response.body)
        # As the report writes them: no null fields (no cell for the notebook's metadata).
        assert report["findings"] == [
            {key: value for key, value in finding.items() if value is not None}
            for finding in places
        ]
