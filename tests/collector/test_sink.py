"""The sink's error classes: retry transient failures, split on 413, record refusals."""

from __future__ import annotations

import random
import threading

import pytest

from collector.sink import BatchSink, Stopped
from hubsense.events import PresenceEvent, Rejection, RejectReason
from hubsense.store.base import BatchTooLarge, StoreRejected, StoreUnavailable


def ev(i: int) -> PresenceEvent:
    return PresenceEvent("berg", "svenstavik", "a01", "svenstavik-a01", i, i, True, False)


class ScriptedStore:
    """Fails as told, records what it stored."""

    name = "scripted"

    def __init__(self, failures=(), max_batch=None, refuse=()):
        self.failures = list(failures)
        self.max_batch = max_batch
        self.refuse = set(refuse)
        self.events: list[PresenceEvent] = []
        self.rejections: list[Rejection] = []
        self.calls = 0

    def write(self, events, rejections):
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        if self.max_batch is not None and len(events) + len(rejections) > self.max_batch:
            raise BatchTooLarge("413")
        if any(e.seq in self.refuse for e in events):
            raise StoreRejected("400: field type conflict")
        self.events.extend(events)
        self.rejections.extend(rejections)


class FakeStop(threading.Event):
    """Records waits instead of sleeping."""

    def __init__(self):
        super().__init__()
        self.waits: list[float] = []

    def wait(self, timeout=None):
        self.waits.append(timeout)
        return self.is_set()


def sink_for(store, stop=None):
    return BatchSink(
        store,
        retry_initial_s=0.5,
        retry_max_s=8.0,
        stop=stop or FakeStop(),
        now_ns=lambda: 42,
        monotonic=lambda: 0.0,
        rng=random.Random(1),
    )


def test_unavailable_is_retried_with_growing_jittered_backoff():
    store = ScriptedStore(failures=[StoreUnavailable("down")] * 6)
    stop = FakeStop()
    sink = sink_for(store, stop)
    sink.write([ev(1), ev(2)], [])
    assert store.events == [ev(1), ev(2)]
    assert sink.stats.retries == 6
    caps = [0.5, 1, 2, 4, 8, 8]
    assert all(0 <= w <= cap for w, cap in zip(stop.waits, caps, strict=True))


def test_retry_after_is_honoured():
    store = ScriptedStore(failures=[StoreUnavailable("429", retry_after_s=5.0)])
    stop = FakeStop()
    sink_for(store, stop).write([ev(1)], [])
    assert stop.waits == [5.0]


def test_stop_during_retry_raises_stopped_and_stores_nothing():
    store = ScriptedStore(failures=[StoreUnavailable("down")] * 100)
    stop = FakeStop()
    stop.set()
    with pytest.raises(Stopped):
        sink_for(store, stop).write([ev(1)], [])
    assert store.events == []


def test_413_splits_until_batches_fit():
    store = ScriptedStore(max_batch=3)
    sink = sink_for(store)
    batch = [ev(i) for i in range(10)]
    sink.write(batch, [])
    assert store.events == batch
    assert sink.stats.splits >= 3


def test_refused_point_is_kept_as_rejection_and_rest_is_written():
    store = ScriptedStore(refuse={3})
    sink = sink_for(store)
    sink.write([ev(i) for i in range(6)], [])
    assert [e.seq for e in store.events] == [0, 1, 2, 4, 5]
    assert len(store.rejections) == 1
    assert store.rejections[0].reason == RejectReason.STORE_REFUSED
    assert "field type conflict" in store.rejections[0].detail
    assert sink.stats.refused_events == 1
