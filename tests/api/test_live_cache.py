from __future__ import annotations

import threading
import time

from api.live_cache import LiveCache


class Clock:
    t = 0.0

    def __call__(self) -> float:
        return self.t


def test_loads_once_per_ttl():
    clock = Clock()
    cache = LiveCache(0.25, monotonic=clock)
    loads = []

    def load():
        loads.append(clock.t)
        return {"a01": len(loads)}

    assert cache.get("h", load) == {"a01": 1}
    clock.t = 0.2
    assert cache.get("h", load) == {"a01": 1}
    clock.t = 0.3
    assert cache.get("h", load) == {"a01": 2}
    assert cache.get("other", load) == {"a01": 3}  # per hub


def test_zero_ttl_always_loads():
    cache = LiveCache(0)
    calls = []
    for _ in range(3):
        cache.get("h", lambda: calls.append(1) or {})
    assert len(calls) == 3


def test_concurrent_misses_share_one_load():
    cache = LiveCache(10)
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return {}

    threads = [threading.Thread(target=cache.get, args=("h", slow)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
