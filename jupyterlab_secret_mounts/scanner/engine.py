"""Credential patterns: the Python port of the TypeScript engine (`src/scanner/engine.ts`).

Both read the same `rules.json` and follow `src/scanner/README.md`: one Aho-Corasick pass finds
every rule's keywords; each rule is tried (sticky) at the start of the word holding a keyword,
left to right; a match counts when its secret passes the example, placeholder, allowlist and
randomness checks and no earlier rule took the same start; overlaps go to the earlier rule; a
suppression marker on the lines of a match drops it.

The scan runs on UTF-16 code units (astral characters become surrogate pairs), as JavaScript
regular expressions without the `u` flag do, so offsets, lengths and entropy agree with the
browser and findings carry JavaScript string indices directly.
"""

from __future__ import annotations

import base64
import json
import re
import time
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import ahocorasick_rs

from .heuristics import (
    decode_base64_text,
    entropy_floor,
    has_non_letter,
    is_hex_words,
    is_repetitive,
    is_sequential,
    is_word_like,
    shannon_entropy,
)
from .signed_url import signed_url_expired, url_around
from .utf16 import utf16_units

#: In the wheel: copied from src/scanner/rules.json at build time (pyproject force-include).
PACKAGED_RULES = "rules.json"
#: In a source checkout: the one file the TypeScript engine imports too.
SOURCE_RULES = Path(__file__).resolve().parents[2] / "src" / "scanner" / "rules.json"

#: No rules at all (what the guard falls back to when rules.json is missing).
EMPTY_RULE_SET: dict[str, Any] = {
    "version": 1,
    "suppressions": [],
    "placeholders": [],
    "documentedExamples": [],
    "rules": [],
}

_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}
_NON_LATIN1 = re.compile("[^\x00-\xff]")
_LEADING_LOOKBEHIND = re.compile(r"\(\?<!\[((?:\\.|[^\]\\])+)\]\)")
_BACKREFERENCE = re.compile(r"\\[1-9]")
#: A credential field of a JSON document (a Docker config's `auths` entry), its value in group 1.
_CREDENTIAL_FIELD = re.compile(
    r'"(?:auth|password|identitytoken|registrytoken)"[ \t\r\n]{0,8}:[ \t\r\n]{0,8}"([^"\\]{0,128})"'
)

Test = Callable[[str], bool]

#: Rule attempts between two looks at the clock when a scan has a deadline.
_CLOCK_EVERY = 256


class ScanTimeout(Exception):
    """The scan passed its deadline before it was done."""


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
    entropy: float
    word_start: re.Pattern[str] | None  # finds the start of the word holding a keyword
    confidence: str
    allow: Test | None
    name_allow: Test | None
    passphrase_name: Test | None
    passphrases: bool
    match_allow: Test | None
    signed_url_expiry: bool


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


#: The rule field naming shared `allowlists` for each list field (as `SHARED_LISTS` in rules.ts).
_SHARED_LISTS = {"allowlist": "sharedAllowlists", "nameAllowlist": "sharedNameAllowlists"}


def _allowlist(rule: dict[str, Any], rule_set: dict[str, Any], key: str = "allowlist") -> list[str]:
    """A list of the rule (`allowlist` or `nameAllowlist`) with the shared lists it names first."""
    shared = rule_set.get("allowlists", {})
    names = rule.get(_SHARED_LISTS[key], [])
    return [source for name in names for source in shared[name]] + rule.get(key, [])


class PatternScanner:
    """Scans texts with a rule set (`load_rules()`); build once, reuse."""

    def __init__(self, rule_set: dict[str, Any]) -> None:
        rules = rule_set["rules"]
        self._rules = [
            _Rule(
                id=rule["id"],
                priority=priority,
                regex=_compile(rule["pattern"], rule.get("flags", "")),
                secret_group=rule["secretGroup"],
                name_group=rule.get("nameGroup"),
                entropy=rule.get("entropy", 0),
                word_start=_word_start(rule["pattern"]),
                confidence=rule["confidence"],
                allow=_any_of(_allowlist(rule, rule_set), ""),
                name_allow=_any_of(_allowlist(rule, rule_set, "nameAllowlist"), "i"),
                passphrase_name=_any_of(rule.get("passphraseNames"), "i"),
                passphrases=rule.get("passphrases", False),
                match_allow=_any_of(rule.get("matchAllowlist"), ""),
                signed_url_expiry=rule.get("signedUrlExpiry", False),
            )
            for priority, rule in enumerate(rules)
        ]
        # Suppression markers ride along as one more keyword list, after the rules.
        lists = [rule["keywords"] for rule in rules] + [
            [marker.lower() for marker in rule_set["suppressions"]]
        ]
        keywords = sorted({keyword for words in lists for keyword in words})
        self._owners = [[i for i, words in enumerate(lists) if k in words] for k in keywords]
        self._keywords = ahocorasick_rs.BytesAhoCorasick([k.encode("ascii") for k in keywords])
        placeholder = _any_of(rule_set["placeholders"], "")
        words = {word.lower() for word in rule_set.get("placeholderWords", [])}
        longest = max((len(word) for word in words), default=0)
        self._placeholder: Test = lambda value: (
            (len(value) <= longest and value.lower() in words)
            or bool(placeholder and placeholder(value))
        )
        # An example is one in its base64 forms too (a Secret's data, a Basic header).
        self._examples = {
            form for example in rule_set["documentedExamples"] for form in _with_base64(example)
        }

    @property
    def rule_ids(self) -> list[str]:
        return [rule.id for rule in self._rules]

    def scan(
        self, text: str, deadline: float | None = None, now: float | None = None
    ) -> list[PatternFinding]:
        """Findings in text order; offsets are UTF-16 code units (JavaScript indices).

        With a `deadline` (a `time.monotonic()` value), raises `ScanTimeout` once it passed.
        `now` (seconds since the epoch; by default the time of the scan) is what signed URLs'
        expiry is judged against.
        """
        units = utf16_units(text)
        if not units:
            return []
        hits = self._keyword_hits(units)
        words = _Words(units)
        taken: set[int] = set()  # secret starts already found by an earlier rule
        candidates: list[_Candidate] = []
        for rule in self._rules:
            starts = hits.get(rule.priority)
            if starts:
                anchors = words.anchors(starts, rule.word_start)
                self._match_at(rule, units, anchors, taken, candidates, deadline=deadline, now=now)
        markers = sorted(hits.get(len(self._rules), []))
        return [
            PatternFinding(c.rule.id, c.start, c.end, c.rule.confidence)
            for c in _resolve_overlaps(candidates)
            if not (markers and _suppressed(units, c, markers))
        ]

    def _keyword_hits(self, units: str) -> dict[int, list[int]]:
        """Per keyword list, the starts of its keywords (the longest one where several end)."""
        try:
            haystack = units.encode("latin-1")
        except UnicodeEncodeError:  # one byte per unit; keywords are printable ASCII
            haystack = _NON_LATIN1.sub("\0", units).encode("latin-1")
        earliest: dict[tuple[int, int], int] = {}
        found = self._keywords.find_matches_as_indexes(haystack.lower(), overlapping=True)
        for keyword, start, end in found:
            for owner in self._owners[keyword]:
                if earliest.get((owner, end), end) > start:
                    earliest[(owner, end)] = start
        hits: dict[int, list[int]] = {}
        for (owner, _), start in earliest.items():
            hits.setdefault(owner, []).append(start)
        return hits

    def _match_at(
        self,
        rule: _Rule,
        units: str,
        anchors: list[int],
        taken: set[int],
        out: list[_Candidate],
        *,
        deadline: float | None = None,
        now: float | None = None,
    ) -> None:
        """Try the rule at each anchor, left to right, never inside the previous match."""
        search_from = 0
        for tried, anchor in enumerate(anchors):
            if deadline is not None and tried % _CLOCK_EVERY == 0 and time.monotonic() > deadline:
                raise ScanTimeout
            if anchor < search_from:
                continue
            match = rule.regex.match(units, anchor)
            if match is None or match.end() == anchor:
                continue
            search_from = match.end()
            secret = match.group(rule.secret_group)
            if not secret:
                continue
            start, end = match.span(rule.secret_group)
            if start in taken:
                continue  # an earlier (more specific) rule already reported this secret
            name = match.group(rule.name_group) if rule.name_group is not None else None
            whole = match.group(0)
            clock = time.time() if now is None else now
            if (
                self._rejected(rule, secret, name, whole)
                or (
                    rule.signed_url_expiry
                    and signed_url_expired(url_around(units, anchor, search_from), clock)
                )
            ):
                continue
            taken.add(start)
            out.append(_Candidate(rule, anchor, start, end))

    def _rejected(self, rule: _Rule, secret: str, name: str | None, whole: str) -> bool:
        return (
            secret in self._examples
            or self._placeholder(secret)
            or (rule.allow is not None and rule.allow(secret))
            or (name is not None and rule.name_allow is not None and rule.name_allow(name))
            or (rule.match_allow is not None and rule.match_allow(whole))
            or shannon_entropy(secret) < entropy_floor(rule.entropy, secret)
            or is_sequential(secret)
            or (is_word_like(secret) and not self._passphrase(rule, name, secret))
            or is_repetitive(secret)
            or is_hex_words(secret)
            or self._hides_placeholder(secret)
        )

    @staticmethod
    def _passphrase(rule: _Rule, name: str | None, secret: str) -> bool:
        """Words with a digit or symbol, where people choose the value (passwords)."""
        return has_non_letter(secret) and (
            rule.passphrases
            or (
                name is not None and rule.passphrase_name is not None and rule.passphrase_name(name)
            )
        )

    def _hides_placeholder(self, secret: str) -> bool:
        """Base64 of a placeholder, or of `user:password` with a placeholder password."""
        decoded = decode_base64_text(secret)
        if decoded is None:
            return False
        if decoded.startswith("{"):
            return self._document_hides_placeholder(decoded)
        if self._made_up(decoded):
            return True
        user, colon, password = decoded.partition(":")
        if not colon:
            return False
        return (
            len(password) < 4
            or password == user
            or self._made_up(password)
            or password in self._examples
        )

    def _made_up(self, value: str) -> bool:
        """A decoded value that is a placeholder, a sequence ("abcdef123456") or a repetition."""
        return self._placeholder(value) or is_sequential(value) or is_repetitive(value)

    def _document_hides_placeholder(self, document: str) -> bool:
        """A decoded JSON object (a Docker config) is a document: its credential fields decide."""
        values = _CREDENTIAL_FIELD.findall(document)
        if not values:
            return self._made_up(document)
        return all(
            self._made_up(value) or value in self._examples or self._hides_placeholder(value)
            for value in values
        )


class _Words:
    """Finds where the word holding a keyword starts, searching a reversed copy in C."""

    def __init__(self, units: str) -> None:
        self._units = units
        self._reversed: str | None = None

    def anchors(self, starts: list[int], word_start: re.Pattern[str] | None) -> list[int]:
        """Sorted, distinct starts of the words (runs of the lookbehind's class) with a keyword."""
        if word_start is None:
            return sorted(set(starts))
        if self._reversed is None:
            self._reversed = self._units[::-1]
        size = len(self._units)
        anchors: set[int] = set()
        previous_start = previous_anchor = -1
        for start in sorted(starts):
            if previous_start >= 0 and self._same_word(previous_start, start, word_start):
                anchor = previous_anchor
            else:
                boundary = word_start.search(self._reversed, size - start)
                anchor = size - boundary.start() if boundary else 0
            anchors.add(anchor)
            previous_start, previous_anchor = start, anchor
        return sorted(anchors)

    def _same_word(self, earlier: int, later: int, word_start: re.Pattern[str]) -> bool:
        size = len(self._units)
        assert self._reversed is not None
        boundary = word_start.search(self._reversed, size - later, size - earlier)
        return boundary is None


def _with_base64(text: str) -> set[str]:
    """A text and its base64 forms: standard and URL-safe alphabets, padded or not."""
    data = text.encode("latin-1", errors="replace")
    forms = {base64.b64encode(data).decode(), base64.urlsafe_b64encode(data).decode()}
    return {text} | forms | {form.rstrip("=") for form in forms}


def _word_start(pattern: str) -> re.Pattern[str] | None:
    """From a leading `(?<![...])`: a search for the first non-word character (reversed text)."""
    lookbehind = _LEADING_LOOKBEHIND.match(pattern)
    if lookbehind is None:
        return None
    word = re.compile(f"[{lookbehind.group(1)}]", re.ASCII)
    chars = "".join(chr(c) for c in range(128) if word.match(chr(c)))
    return re.compile(f"[^{re.escape(chars)}]") if chars else re.compile("(?s:.)")


def _suppressed(units: str, candidate: _Candidate, markers: list[int]) -> bool:
    """A suppression marker on a line from where the match starts to where the secret ends."""
    start = units.rfind("\n", 0, max(candidate.match_start, 0)) + 1
    end = units.find("\n", candidate.end)
    end = len(units) if end < 0 else end
    first = bisect_left(markers, start)
    return first < len(markers) and markers[first] < end


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
