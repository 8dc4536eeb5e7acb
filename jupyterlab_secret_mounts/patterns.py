"""Placeholder until the rules land (replaced by the Python port of src/scanner)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PatternFinding:
    start: int
    end: int
    rule: str


def load_rules() -> list[Any]:
    return []


class PatternScanner:
    def __init__(self, rules: list[Any]) -> None:
        self.rules = rules

    def scan(self, text: str) -> list[PatternFinding]:
        return []
