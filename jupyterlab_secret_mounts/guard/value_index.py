"""Exact-match search for mounted secret values, in every form they can leak in.

One Aho–Corasick automaton (``ahocorasick_rs``) over all forms of all values: a search is linear in
the text size whatever the number of values, and about 3x faster than a ``str.find`` per form
already at a few dozen secrets (see ``bench/guard_server.py``). The values live only in this
object, in server memory; results name the folder and key, never the value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick_rs

from .value_forms import Encoding, value_forms

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class SecretValue:
    """One mounted key's content, as read from disk."""

    mount: str  # folder path, e.g. /secrets/db-creds
    key: str  # key name inside the folder, e.g. password or tls/key.pem
    value: bytes


@dataclass(frozen=True)
class ValueMatch:
    """A leak: ``text[start:end]`` (code point indices) is a form of ``mount``/``key``."""

    start: int
    end: int
    mount: str
    key: str
    encoding: Encoding


class ValueIndex:
    """Immutable index over a set of secret values; build a new one when the mounts change.

    Values shorter than ``min_length`` (characters of the stripped text, or bytes when binary) are
    not indexed: short values such as ``admin`` or ``5432`` match ordinary text far too often.
    When several keys share a form, the first by (mount, key) is named.
    """

    def __init__(self, values: Iterable[SecretValue], min_length: int) -> None:
        owners: dict[str, tuple[str, str, Encoding]] = {}
        self.skipped_short: list[tuple[str, str]] = []
        for item in sorted(values, key=lambda v: (v.mount, v.key)):
            if _indexed_length(item.value) < min_length:
                self.skipped_short.append((item.mount, item.key))
                continue
            for form, encoding in value_forms(item.value).items():
                owners.setdefault(form, (item.mount, item.key, encoding))
        self._forms = list(owners)
        self._owners = [owners[form] for form in self._forms]
        self._automaton: ahocorasick_rs.AhoCorasick | None = (
            ahocorasick_rs.AhoCorasick(
                self._forms,
                matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST,
                store_patterns=False,
            )
            if self._forms
            else None
        )
        self.indexed_keys = len({(m, k) for m, k, _ in self._owners})

    def find(self, text: str) -> list[ValueMatch]:
        """Non-overlapping leftmost-longest occurrences of any form, in text order."""
        if self._automaton is None or not text:
            return []
        try:
            found = self._automaton.find_matches_as_indexes(text)
        except UnicodeEncodeError:
            # Lone surrogates (a JavaScript string cut inside a pair) cannot cross into Rust;
            # no value contains one, and U+FFFD keeps every index where it was.
            found = self._automaton.find_matches_as_indexes(_LONE_SURROGATE.sub("\ufffd", text))
        return [ValueMatch(start, end, *self._owners[pattern]) for pattern, start, end in found]


def _indexed_length(value: bytes) -> int:
    try:
        return len(value.decode("utf-8").strip())
    except UnicodeDecodeError:
        return len(value)
