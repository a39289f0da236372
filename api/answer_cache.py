"""One answer kept for a few seconds, shared by every request: the employees' view
(``/free``, ``/api/free-now``) may be opened by many phones at once, and within ``ttl_s``
they all get the answer of one computation (concurrent misses wait for the one in
flight), so many phones cost the store no more than one."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class AnswerCache(Generic[T]):
    def __init__(self, ttl_s: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.monotonic = monotonic
        self._entry: tuple[float, T] | None = None
        self._lock = threading.Lock()
        self.computed = 0  # how many times the answer was computed (for tests and metrics)

    def get(self, compute: Callable[[], T]) -> T:
        entry = self._entry
        if entry is not None and self.monotonic() - entry[0] < self.ttl_s:
            return entry[1]
        with self._lock:
            entry = self._entry  # another request may have computed it meanwhile
            if entry is not None and self.monotonic() - entry[0] < self.ttl_s:
                return entry[1]
            started = self.monotonic()
            answer = compute()  # an exception is not cached: the next request tries again
            self.computed += 1
            self._entry = (started, answer)
            return answer


class AnswerCaches(Generic[T]):
    """An ``AnswerCache`` per key, made on first use. The keys are ids from the registry
    (one per hub), so their number is bounded by it."""

    def __init__(self, ttl_s: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.monotonic = monotonic
        self._caches: dict[str, AnswerCache[T]] = {}
        self._guard = threading.Lock()

    def get(self, key: str, compute: Callable[[], T]) -> T:
        cache = self._caches.get(key)
        if cache is None:
            with self._guard:
                cache = self._caches.setdefault(key, AnswerCache(self.ttl_s, self.monotonic))
        return cache.get(compute)

    @property
    def computed(self) -> int:
        return sum(c.computed for c in self._caches.values())
