"""Per-user budget of the leak check: characters per minute, with bursts of one minute's worth.

A token bucket per user name, refilled continuously. Every request costs at least
`MIN_REQUEST_COST` characters, so a flood of tiny requests is bounded as well.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

#: What one request costs at least, in characters.
MIN_REQUEST_COST = 4096
#: Users remembered; the least recently seen is dropped first (it starts over with a full bucket).
MAX_USERS = 4096


class RateLimited(Exception):
    """Over budget; `retry_after` is whole seconds until the request would fit."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class CheckBudget:
    """Thread-safe; `per_minute` is read at every use so config reloads apply."""

    def __init__(
        self, per_minute: Callable[[], int], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._per_minute = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # user -> level, time

    def spend(self, user: str, characters: int) -> None:
        """Take `characters` from `user`'s bucket, or raise `RateLimited` and take nothing."""
        capacity = float(self._per_minute())
        rate = capacity / 60.0
        cost = min(float(max(characters, MIN_REQUEST_COST)), capacity)
        now = self._clock()
        with self._lock:
            level, then = self._buckets.pop(user, (capacity, now))
            level = min(capacity, level + (now - then) * rate)
            if level < cost:
                self._buckets[user] = (level, now)
                raise RateLimited(max(1, math.ceil((cost - level) / rate)))
            self._buckets[user] = (level - cost, now)
            while len(self._buckets) > MAX_USERS:
                self._buckets.popitem(last=False)
