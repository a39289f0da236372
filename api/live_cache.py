"""A short-lived cache of each hub's newest events, shared by the live API and pages.

Wall dashboards poll every couple of seconds, often many at once: within ``ttl_s`` they
share one store query per hub (concurrent misses wait for the one query in flight). The
state is at most ``ttl_s`` older than the store, and with a ``version`` (the collector's
write signal, ``hubsense.writesignal``) an entry also ends as soon as the version moves,
so what the collector has just written is read at once. Ages (seconds since seen,
offline) are still computed against the clock on every request.

The live route runs on the event loop and asks ``shared``: a fresh entry is answered at
once; a miss loads in a worker thread once for every request waiting on that hub (a
thread each would crowd the pool and the GIL). So that busy hubs do not all wait for
that load each time an entry ends, ``shared`` starts the next load one load's duration
before the entry's ``ttl_s`` is up and keeps answering from the entry meanwhile; the
state is still never older than ``ttl_s`` (the new entry counts from its load's start).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from hubsense.events import PresenceEvent

Latest = dict[str, PresenceEvent]
Version = Callable[[], object]


@dataclass(frozen=True, slots=True)
class _Entry:
    loaded_at: float  # monotonic, when the load began
    version: object  # the version when the load began
    latest: Latest


class LiveCache:
    def __init__(
        self,
        ttl_s: float,
        monotonic: Callable[[], float] = time.monotonic,
        version: Version | None = None,
    ) -> None:
        self.ttl_s = ttl_s
        self.monotonic = monotonic
        self.version: Version = version if version is not None else _no_version
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._loading: dict[str, asyncio.Future[Latest]] = {}
        self._load_s: dict[str, float] = {}  # how long the hub's last load took
        self.loads = 0  # how many times the store was asked (for tests and benchmarks)

    def _fresh(self, hub: str) -> Latest | None:
        entry = self._entries.get(hub)
        if entry is None or self.monotonic() - entry.loaded_at >= self.ttl_s:
            return None
        if entry.version != self.version():
            return None
        return entry.latest

    def peek(self, hub: str) -> Latest | None:
        """The hub's entry if it is fresh, else None; never loads."""
        return self._fresh(hub) if self.ttl_s > 0 else None

    def get(self, hub: str, load: Callable[[], Latest]) -> Latest:
        if self.ttl_s <= 0:
            self.loads += 1
            return load()
        fresh = self._fresh(hub)
        if fresh is not None:
            return fresh
        with self._guard:
            lock = self._locks.setdefault(hub, threading.Lock())
        with lock:
            fresh = self._fresh(hub)  # another request may have loaded it meanwhile
            if fresh is not None:
                return fresh
            return self._load(hub, load)

    def _load(self, hub: str, load: Callable[[], Latest]) -> Latest:
        # read the version before the store: a write landing during the load bumps it
        # again, so the entry is not mistaken for holding that write
        entry_version, loaded_at = self.version(), self.monotonic()
        value = load()
        self.loads += 1
        self._load_s[hub] = self.monotonic() - loaded_at
        self._entries[hub] = _Entry(loaded_at, entry_version, value)
        return value

    def _refresh(self, hub: str, load: Callable[[], Latest]) -> Latest:
        """A load ahead of the entry's end (``shared``), under the hub's lock."""
        with self._guard:
            lock = self._locks.setdefault(hub, threading.Lock())
        with lock:
            return self._load(hub, load)

    async def shared(self, hub: str, load: Callable[[], Latest]) -> Latest:
        """``get`` for a caller on the event loop: a fresh entry at once, else one load in
        a worker thread that every request for this hub arriving meanwhile awaits."""
        fresh = self.peek(hub)
        if fresh is not None:
            entry = self._entries[hub]
            ends = entry.loaded_at + self.ttl_s - self._load_s.get(hub, 0.0)
            if self.monotonic() >= ends and hub not in self._loading:
                self._start(hub, self._refresh, load)
            return fresh
        pending = self._loading.get(hub)
        if pending is None or pending.get_loop() is not asyncio.get_running_loop():
            pending = self._start(hub, self.get, load)
        # shielded: a client that goes away cancels its wait, not the others' load
        return await asyncio.shield(pending)

    def _start(
        self,
        hub: str,
        how: Callable[[str, Callable[[], Latest]], Latest],
        load: Callable[[], Latest],
    ) -> asyncio.Future[Latest]:
        pending = asyncio.ensure_future(run_in_threadpool(how, hub, load))
        self._loading[hub] = pending
        pending.add_done_callback(lambda done: self._forget(hub, done))
        return pending

    def _forget(self, hub: str, done: asyncio.Future[Latest]) -> None:
        if self._loading.get(hub) is done:
            del self._loading[hub]
        if not done.cancelled():
            done.exception()  # retrieved: the waiters got it; asyncio need not log it


def _no_version() -> None:
    return None


class Loaded:
    """A ``LatestCache`` holding one hub's newest events already read (``LiveCache.shared``):
    the use case computes the answer from them and never touches the store."""

    def __init__(self, latest: Latest) -> None:
        self._latest = latest

    def get(self, hub: str, load: Callable[[], Latest]) -> Latest:
        return self._latest
