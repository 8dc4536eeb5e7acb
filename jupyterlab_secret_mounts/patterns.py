"""Credential patterns: the Python port of the TypeScript engine (`src/scanner/engine.ts`).

Both read the same `rules.json` (semantics: `src/scanner/README.md`): a keyword pre-filter picks
the lines each rule runs on; a match counts when its secret group passes the documented-example,
placeholder, allowlist, entropy, sequence, repetition and base64-placeholder checks; overlapping
matches go to the earlier rule; a suppression marker on the lines of a match drops it.

The scan runs on UTF-16 code units (astral characters become surrogate pairs), as JavaScript
regular expressions without the `u` flag do, so offsets, lengths and entropy agree with the
browser and `findings` carry JavaScript string indices directly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable

import ahocorasick_rs

from .pattern_heuristics import (
    decode_base64_text,
    is_repetitive,
    is_sequential,
    is_word_like,
    shannon_entropy,
)

#: In the wheel: copied from src/scanner/rules.json at build time (pyproject force-include).
PACKAGED_RULES = "rules.json"
#: In a source checkout: the one file the TypeScript engine imports too.
SOURCE_RULES = Path(__file__).resolve().parent.parent / "src" / "scanner" / "rules.json"

#: No rules at all (what the guard falls back to when rules.json is missing).
EMPTY_RULE_SET: dict[str, Any] = {
    "version": 1,
    "suppressions": [],
    "placeholders": [],
    "documentedExamples": [],
    "rules": [],
}

_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}
_ASTRAL_OR_SURROGATE = re.compile("[\U00010000-\U0010ffff\ud800-\udfff]")
_BACKREFERENCE = re.compile(r"\\[1-9]")

Test = Callable[[str], bool]


@dataclass(frozen=True)
class PatternFinding:
    """A credential-like string: `text[start:end]` in UTF-16 code units."""

    rule: str
    start: int
    end: int
    confidence: str


@dataclass(frozen=True)
class _Rule:
    id: str
    priority: int
    regex: re.Pattern[str]
    secret_group: int
    name_group: int | None
    entropy: float | None
    lines: int
    confidence: str
    allow: Test | None
    name_allow: Test | None
    match_allow: Test | None


@dataclass(frozen=True)
class _Candidate:
    rule: _Rule
    match_start: int
    start: int
    end: int


@cache
def load_rules() -> dict[str, Any]:
    """The shared rule set: package data in a wheel, `src/scanner/rules.json` in a checkout."""
    packaged = resources.files(__package__).joinpath(PACKAGED_RULES)
    text = packaged.read_text("utf-8") if packaged.is_file() else SOURCE_RULES.read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    if data.get("version") != 1:
        raise ValueError(f"rules.json version {data.get('version')!r} is not supported")
    return data


def _compile(source: str, flags: str = "") -> re.Pattern[str]:
    # ASCII: JavaScript without the `u` flag folds case and reads \w, \d, \b in ASCII only.
    mode = re.ASCII
    for flag in flags:
        mode |= _FLAGS[flag]
    return re.compile(source, mode)


def _any_of(sources: list[str] | None, flags: str) -> Test | None:
    """One test for a list of patterns (an alternation unless back-references forbid it)."""
    if not sources:
        return None
    if any(_BACKREFERENCE.search(source) for source in sources):
        each = [_compile(source, flags) for source in sources]
        return lambda value: any(regex.search(value) for regex in each)
    joined = _compile("|".join(f"(?:{source})" for source in sources), flags)
    return lambda value: joined.search(value) is not None


def utf16_units(text: str) -> str:
    """`text` with each astral character split into its two surrogates (JavaScript's view)."""
    if text.isascii() or not _ASTRAL_OR_SURROGATE.search(text):
        return text
    # UTF-16-LE code units widened to UTF-32-LE code points, one to one (slicing runs in C).
    narrow = text.encode("utf-16-le", "surrogatepass")
    wide = bytearray(2 * len(narrow))
    wide[0::4] = narrow[0::2]
    wide[1::4] = narrow[1::2]
    return wide.decode("utf-32-le", "surrogatepass")


class PatternScanner:
    """Scans texts with a rule set (`load_rules()`); build once, reuse."""

    def __init__(self, rule_set: dict[str, Any]) -> None:
        self._rules = [
            _Rule(
                id=rule["id"],
                priority=priority,
                regex=_compile(rule["pattern"], rule.get("flags", "")),
                secret_group=rule["secretGroup"],
                name_group=rule.get("nameGroup"),
                entropy=rule.get("entropy"),
                lines=rule.get("lines", 1),
                confidence=rule["confidence"],
                allow=_any_of(rule.get("allowlist"), ""),
                name_allow=_any_of(rule.get("nameAllowlist"), "i"),
                match_allow=_any_of(rule.get("matchAllowlist"), ""),
            )
            for priority, rule in enumerate(rule_set["rules"])
        ]
        keywords = sorted({k for rule in rule_set["rules"] for k in rule["keywords"]})
        self._keyword_rules = [
            [i for i, rule in enumerate(rule_set["rules"]) if keyword in rule["keywords"]]
            for keyword in keywords
        ]
        self._keywords = ahocorasick_rs.BytesAhoCorasick([k.encode("ascii") for k in keywords])
        placeholder = _any_of(rule_set["placeholders"], "")
        words = {word.lower() for word in rule_set.get("placeholderWords", [])}
        self._placeholder: Test = lambda value: (
            value.lower() in words or bool(placeholder and placeholder(value))
        )
        self._examples: list[str] = rule_set["documentedExamples"]
        self._suppressions = [marker.lower() for marker in rule_set["suppressions"]]

    @property
    def rule_ids(self) -> list[str]:
        return [rule.id for rule in self._rules]

    def scan(self, text: str) -> list[PatternFinding]:
        """Findings in text order; offsets are UTF-16 code units (JavaScript indices)."""
        units = utf16_units(text)
        if not units:
            return []
        candidates: list[_Candidate] = []
        for rule_index, starts in self._keyword_lines(units).items():
            rule = self._rules[rule_index]
            for window_start, window_end in _windows(units, starts, rule.lines):
                self._match(rule, units[window_start:window_end], window_start, candidates)
        return [
            PatternFinding(c.rule.id, c.start, c.end, c.rule.confidence)
            for c in _resolve_overlaps(candidates)
            if not self._suppressed(units, c)
        ]

    def _keyword_lines(self, units: str) -> dict[int, list[int]]:
        """For each rule with a keyword in the text, the sorted starts of those lines."""
        # One byte per unit, ASCII lowercased at C speed; keywords are ASCII, so whatever else
        # becomes "?" or stays Latin-1 cannot take part in a keyword, as in the TS automaton.
        haystack = units.encode("latin-1", "replace").lower()
        hits = sorted(
            (start, keyword)
            for keyword, start, _ in self._keywords.find_matches_as_indexes(
                haystack, overlapping=True
            )
        )
        found: dict[int, list[int]] = {}
        line_start, next_newline = 0, haystack.find(b"\n")
        for start, keyword in hits:
            while 0 <= next_newline < start:
                line_start = next_newline + 1
                next_newline = haystack.find(b"\n", line_start)
            for rule in self._keyword_rules[keyword]:
                starts = found.setdefault(rule, [])
                if not starts or starts[-1] != line_start:
                    starts.append(line_start)
        return dict(sorted(found.items()))

    def _match(self, rule: _Rule, window: str, offset: int, out: list[_Candidate]) -> None:
        for match in rule.regex.finditer(window):
            if match.end() == match.start():
                continue
            secret = match.group(rule.secret_group)
            if not secret:
                continue
            name = match.group(rule.name_group) if rule.name_group is not None else None
            if self._rejected(rule, secret, name, match.group(0)):
                continue
            start, end = match.span(rule.secret_group)
            out.append(_Candidate(rule, offset + match.start(), offset + start, offset + end))

    def _rejected(self, rule: _Rule, secret: str, name: str | None, whole: str) -> bool:
        return (
            any(example in secret for example in self._examples)
            or self._placeholder(secret)
            or (rule.allow is not None and rule.allow(secret))
            or (name is not None and rule.name_allow is not None and rule.name_allow(name))
            or (rule.match_allow is not None and rule.match_allow(whole))
            or (rule.entropy is not None and shannon_entropy(secret) < rule.entropy)
            or is_sequential(secret)
            or is_repetitive(secret)
            or is_word_like(secret)
            or self._hides_placeholder(secret)
        )

    def _hides_placeholder(self, secret: str) -> bool:
        """Base64 of a placeholder, or of `user:password` with a placeholder password."""
        decoded = decode_base64_text(secret)
        if decoded is None:
            return False
        if self._placeholder(decoded):
            return True
        user, colon, password = decoded.partition(":")
        if not colon:
            return False
        return len(password) < 4 or password == user or self._placeholder(password)

    def _suppressed(self, units: str, candidate: _Candidate) -> bool:
        """A suppression marker on any line the match spans."""
        start = units.rfind("\n", 0, max(candidate.match_start, 0)) + 1
        end = units.find("\n", candidate.end)
        lines = units[start : len(units) if end < 0 else end].lower()
        return any(marker in lines for marker in self._suppressions)


def _windows(text: str, line_starts: list[int], lines: int) -> list[tuple[int, int]]:
    """Merged `[start, end)` spans of each keyword line and the `lines - 1` lines after it."""
    merged: list[list[int]] = []
    for start in line_starts:
        end = start
        for k in range(lines):
            newline = text.find("\n", end)
            if newline < 0:
                end = len(text)
                break
            end = newline if k == lines - 1 else newline + 1
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _resolve_overlaps(candidates: list[_Candidate]) -> list[_Candidate]:
    """One finding per place: the earlier rule in the list wins an overlap."""
    candidates.sort(key=lambda c: (c.start, c.rule.priority, -c.end))
    kept: list[_Candidate] = []
    for candidate in candidates:
        if kept and candidate.start < kept[-1].end:
            if candidate.rule.priority < kept[-1].rule.priority:
                kept[-1] = candidate
            continue
        kept.append(candidate)
    return kept
