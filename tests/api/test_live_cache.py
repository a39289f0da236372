from __future__ import annotations

import asyncio
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


def test_a_new_version_ends_the_entry_before_the_ttl():
    clock = Clock()
    version = [1]
    cache = LiveCache(60, monotonic=clock, version=lambda: version[0])
    loads = []

    def load():
        loads.append(1)
        return {"n": len(loads)}

    assert cache.get("h", load) == {"n": 1}
    assert cache.get("h", load) == {"n": 1}
    assert cache.peek("h") == {"n": 1}
    version[0] = 2  # the collector wrote something
    assert cache.peek("h") is None
    assert cache.get("h", load) == {"n": 2}
    clock.t = 61
    assert cache.get("h", load) == {"n": 3}  # and the ttl still bounds it


def test_a_write_during_the_load_is_not_taken_as_read():
    version = [1]
    cache = LiveCache(60, version=lambda: version[0])

    def load_while_written():
        version[0] += 1  # the collector's write lands while the store is being read
        return {"old": True}

    cache.get("h", load_while_written)
    assert cache.peek("h") is None  # so the next request reads again


def test_waiters_on_the_event_loop_share_one_load_in_a_thread():
    cache = LiveCache(10)
    calls = []
    on_loop = threading.get_ident()

    def slow():
        calls.append(threading.get_ident())
        time.sleep(0.2)
        return {"a01": 1}

    async def many():
        return await asyncio.gather(*(cache.shared("h", slow) for _ in range(20)))

    results = asyncio.run(many())
    assert results == [{"a01": 1}] * 20
    assert len(calls) == 1 and calls[0] != on_loop  # one load, not on the event loop
    assert cache.peek("h") == {"a01": 1}


def test_a_failed_shared_load_reaches_every_waiter_and_is_not_kept():
    cache = LiveCache(10)
    attempts = []

    def failing():
        attempts.append(1)
        time.sleep(0.1)
        raise RuntimeError("store down")

    async def many():
        return await asyncio.gather(
            *(cache.shared("h", failing) for _ in range(5)), return_exceptions=True
        )

    results = asyncio.run(many())
    assert all(isinstance(r, RuntimeError) for r in results)
    assert len(attempts) == 1
    assert asyncio.run(cache.shared("h", lambda: {"back": 1})) == {"back": 1}


def test_the_next_load_starts_one_load_before_the_entry_ends_and_old_answers_meanwhile():
    clock = Clock()
    cache = LiveCache(1.0, monotonic=clock)
    loads = []

    def load():
        loads.append(clock.t)
        clock.t += 0.1  # a load takes 0.1 s
        return {"n": len(loads)}

    async def ask(at: float):
        clock.t = at
        answer = await cache.shared("h", load)
        await asyncio.sleep(0.05)  # let a load started in the background finish
        return answer

    async def scenario():
        return [await ask(t) for t in (0.0, 0.5, 0.95, 0.99)]

    assert asyncio.run(scenario()) == [{"n": 1}, {"n": 1}, {"n": 1}, {"n": 2}]
    # the first entry counts from 0.0; at 0.95 (past its end, 1.0, less one load) the second
    # load began while 0.95 was answered from the first: nobody waited, nothing older
    # than ttl_s was answered
    assert loads == [0.0, 0.95]
