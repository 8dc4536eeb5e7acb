"""Exact-match search for mounted secret values, in every form they can leak in.

One Aho–Corasick automaton (``ahocorasick_rs``) over all forms of all values: a search is linear in
the text size whatever the number of values, and about 3x faster than a ``str.find`` per form
already at a few dozen secrets (see ``bench/guard_server.py``). The values live only in this
object, in server memory; results name the folder and key, never the value.

The forms of one folder's values (`FolderForms`) are worked out once per version of the folder,
so after a rotation only that folder is read again and the automaton is rebuilt from the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick_rs

from ..mounts.value_facts import MatchFloor, match_strength
from .value_forms import Encoding, value_forms

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

Owner = tuple[str, str, Encoding]  # mount, key, encoding


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


@dataclass(frozen=True)
class FolderForms:
    """The searched forms of some values (one folder's), and the keys left out as too weak."""

    forms: dict[str, Owner]
    too_guessable: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, values: Iterable[SecretValue], floor: MatchFloor) -> FolderForms:
        """Values weaker than ``floor`` are never indexed: short or simple values (``admin``,
        ``5432``) match ordinary text far too often, and a value an attacker can enumerate could
        be recovered from where it matched. When several keys share a form, the first by
        (mount, key) is named."""
        forms: dict[str, Owner] = {}
        weak: list[tuple[str, str]] = []
        for item in sorted(values, key=lambda v: (v.mount, v.key)):
            if not floor.admits(match_strength(item.value)):
                weak.append((item.mount, item.key))
                continue
            for form, encoding in value_forms(item.value).items():
                forms.setdefault(form, (item.mount, item.key, encoding))
        return cls(forms, tuple(weak))


class _Automaton:
    """One Aho–Corasick automaton over some forms, naming each form's owner."""

    def __init__(self, owners: dict[str, Owner]) -> None:
        self._forms = list(owners)
        self.owners = [owners[form] for form in self._forms]
        self._automaton = ahocorasick_rs.AhoCorasick(
            self._forms, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST, store_patterns=False
        )
        self.longest = max(map(len, self._forms), default=0)

    def find(self, text: str) -> list[ValueMatch]:
        try:
            found = self._automaton.find_matches_as_indexes(text)
        except UnicodeEncodeError:
            # Lone surrogates (a JavaScript string cut inside a pair) cannot cross into Rust;
            # no value contains one, and U+FFFD keeps every index where it was.
            found = self._automaton.find_matches_as_indexes(_LONE_SURROGATE.sub("\ufffd", text))
        return [ValueMatch(start, end, *self.owners[pattern]) for pattern, start, end in found]


class ValueIndex:
    """Immutable index over the forms of some folders; build a new one when the mounts change.

    Usually one automaton. `patched` adds a small one for folders that changed (building the
    automaton of a few thousand values takes a second; of one folder, milliseconds) and hides
    what the older ones hold for those folders, until a full rebuild replaces them all.
    """

    def __init__(self, folders: Iterable[FolderForms] = ()) -> None:
        owners: dict[str, Owner] = {}
        self.too_guessable: list[tuple[str, str]] = []
        for folder in folders:  # in the order given: the first folder names a shared form
            for form, owner in folder.forms.items():
                owners.setdefault(form, owner)
            self.too_guessable.extend(folder.too_guessable)
        #: Automata, each with the folders whose matches it must no longer report.
        self._parts: list[tuple[_Automaton, frozenset[str]]] = (
            [(_Automaton(owners), frozenset())] if owners else []
        )

    @classmethod
    def of(cls, values: Iterable[SecretValue], floor: MatchFloor) -> ValueIndex:
        """An index over ``values`` alone (tests and benchmarks)."""
        return cls([FolderForms.of(values, floor)])

    def patched(self, changed: dict[str, FolderForms], removed: Iterable[str] = ()) -> ValueIndex:
        """This index with `changed` folders (by path) replaced and `removed` ones gone."""
        replaced = frozenset(changed) | frozenset(removed)
        patch = ValueIndex(changed[path] for path in sorted(changed))
        index = ValueIndex()
        index._parts = [(part, hidden | replaced) for part, hidden in self._parts] + patch._parts
        index.too_guessable = [
            weak for weak in self.too_guessable if weak[0] not in replaced
        ] + patch.too_guessable
        return index

    @property
    def longest_form(self) -> int:
        """Characters of the longest form: how much of a stream must overlap the next piece."""
        return max((part.longest for part, _ in self._parts), default=0)

    @property
    def indexed_keys(self) -> int:
        return len({(m, k) for part, _ in self._parts for m, k, _ in part.owners})

    def find(self, text: str) -> list[ValueMatch]:
        """Non-overlapping leftmost-longest occurrences of any form, in text order."""
        if not text:
            return []
        found = [
            match
            for part, hidden in self._parts
            for match in part.find(text)
            if match.mount not in hidden
        ]
        if len(self._parts) < 2:  # noqa: PLR2004 - one automaton already chose
            return found
        found.sort(key=lambda m: (m.start, m.start - m.end))
        chosen: list[ValueMatch] = []
        for match in found:
            if not chosen or match.start >= chosen[-1].end:
                chosen.append(match)
        return chosen
