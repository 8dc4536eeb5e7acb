"""What earlier folder reads learnt, so that polling every second re-reads nothing unchanged."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from .model import SecretKey
from .value_facts import ValueFacts

V = TypeVar("V")


class BoundedCache(Generic[V]):
    """A dict that starts over when full: it refills on the next read (simpler than LRU)."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._items: dict[Hashable, V] = {}

    def get(self, key: Hashable) -> V | None:
        return self._items.get(key)

    def put(self, key: Hashable, item: V) -> None:
        if len(self._items) >= self._limit:
            self._items.clear()
        self._items[key] = item


@dataclass
class FolderCache:
    """What earlier reads learnt, so that polling re-reads nothing that did not change.

    A kubelet version folder is never modified once `..data` points to it (kubelet writes a
    new one instead), and its name is never reused: facts keyed by version name can never
    be stale, and a version's keys can be reused while `..data` points to the same,
    unchanged version folder. Plain files are keyed by inode, size and nanosecond times.
    """

    facts: BoundedCache[ValueFacts] = field(default_factory=lambda: BoundedCache(100_000))
    volumes: BoundedCache[tuple[str, tuple[SecretKey, ...]]] = field(  # version, its keys
        default_factory=lambda: BoundedCache(10_000)
    )
