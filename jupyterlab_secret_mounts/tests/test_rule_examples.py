"""Every rule's examples (`src/scanner/rule-examples.json`) through the Python engine, without Node.

The same file the TypeScript engine's tests read (`test/scanner/rules.spec.ts`): each positive
example is reported by its rule alone, with the exact secret; no negative example is reported
with every rule on; every rule has a positive example, and every example names a rule.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_secret_mounts.scanner import PatternScanner, load_rules
from jupyterlab_secret_mounts.scanner.utf16 import utf16_units

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "scanner" / "rule-examples.json"

RULE_SET = load_rules()
RULE_IDS = [rule["id"] for rule in RULE_SET["rules"]]


@pytest.fixture(scope="module")
def examples() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLES.read_text("utf-8"))
    return data


@pytest.fixture(scope="module")
def every_rule() -> PatternScanner:
    return PatternScanner(RULE_SET)


def only(rule_id: str) -> PatternScanner:
    return PatternScanner(
        {**RULE_SET, "rules": [r for r in RULE_SET["rules"] if r["id"] == rule_id]}
    )


def test_every_example_names_a_rule(examples: dict[str, Any]) -> None:
    assert sorted(set(examples) - set(RULE_IDS)) == []


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_reports_its_positive_examples(rule_id: str, examples: dict[str, Any]) -> None:
    positive = examples.get(rule_id, {}).get("positive", [])
    assert positive, f"{rule_id} has no positive example in {EXAMPLES.name}"
    scanner = only(rule_id)
    for example in positive:
        text, secret = example["text"], example["secret"]
        findings = scanner.scan(text)
        if secret is None:
            assert rule_id in [f.rule for f in findings], text
        else:
            units = utf16_units(text)  # findings are UTF-16 offsets
            found = [units[f.start : f.end] for f in findings]
            assert utf16_units(secret) in found, text


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_no_rule_reports_a_negative_example(
    rule_id: str, examples: dict[str, Any], every_rule: PatternScanner
) -> None:
    for text in examples.get(rule_id, {}).get("negative", []):
        assert [f.rule for f in every_rule.scan(text)] == [], text
