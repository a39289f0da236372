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
        self.pings = 0
        self.answers_pings = False  # a store that is down answers no ping either

    def ping(self):
        self.pings += 1
        if not self.answers_pings:
            raise StoreUnavailable("no answer")

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
    # each backoff is waited in steps of at most a second, pinging the store in between
    assert all(0 < w <= 1.0 for w in stop.waits)
    assert 0 <= sum(stop.waits) <= sum(caps)
    assert 0 < store.pings < len(stop.waits)  # none after a backoff's last step


def test_a_store_that_answers_again_ends_the_backoff_within_a_second():
    """After a long outage the backoff is up to retry_max_s; a ping each second cuts it
    short once the store answers, so storing resumes within about a second."""
    store = ScriptedStore(failures=[StoreUnavailable("down")] * 12)
    stop = FakeStop()
    sink = BatchSink(store, retry_initial_s=0.5, retry_max_s=30.0, stop=stop,
                     now_ns=lambda: 42, monotonic=lambda: 0.0, rng=random.Random(3))  # fmt: skip
    original = store.write

    def write(events, rejections):
        if len(store.failures) == 1:
            store.answers_pings = True  # the last failure: the store is back after it
        original(events, rejections)

    store.write = write  # type: ignore[method-assign]
    sink.write([ev(1)], [])
    assert store.events == [ev(1)]
    assert sink.stats.probes_answered == 1
    # after the store came back, at most one one-second step passed before the next try
    waited_after = stop.waits[-1]
    assert waited_after <= 1.0


def test_retry_after_is_honoured():
    store = ScriptedStore(failures=[StoreUnavailable("429", retry_after_s=5.0)])
    stop = FakeStop()
    sink_for(store, stop).write([ev(1)], [])
    assert sum(stop.waits) == 5.0 and store.pings == 0  # the store asked for the wait


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


def test_a_long_outage_logs_one_warning_per_half_minute(caplog):
    """The same warning on every retry would fill the log during an outage: one line per
    WARN_EVERY_S, saying how many were left out."""
    import logging

    from collector.sink import WARN_EVERY_S

    clock = [0.0]
    store = ScriptedStore(failures=[StoreUnavailable("down")] * 20)
    sink = BatchSink(
        store,
        retry_initial_s=0.5,
        retry_max_s=8.0,
        stop=FakeStop(),
        now_ns=lambda: 42,
        monotonic=lambda: clock[0],
        rng=random.Random(1),
    )
    original = store.write

    def write(events, rejections):
        clock[0] += WARN_EVERY_S / 4  # four failures per warning period
        original(events, rejections)

    store.write = write  # type: ignore[method-assign]
    with caplog.at_level(logging.WARNING, logger="collector.sink"):
        sink.write([ev(1)], [])
    lines = [r.getMessage() for r in caplog.records if r.name == "collector.sink"]
    assert len(lines) == 5, lines  # 20 failures over 5 periods
    assert lines[0].startswith("store unavailable (down)")
    assert all("3 more since the last" in line for line in lines[1:]), lines


def test_the_write_signal_follows_each_stored_batch_of_events():
    store = ScriptedStore(failures=[StoreUnavailable("down")])
    signalled: list[int] = []
    sink = BatchSink(
        store,
        retry_initial_s=0.5,
        retry_max_s=8.0,
        stop=FakeStop(),
        now_ns=lambda: 42,
        monotonic=lambda: 0.0,
        rng=random.Random(1),
        on_written=lambda: signalled.append(len(store.events)),
    )
    sink.write([ev(1), ev(2)], [])
    assert signalled == [2]  # once, after the retried write stored both
    rejection = Rejection(RejectReason.BAD_JSON, "not JSON", "hubs/x", "{", 1)
    sink.write([], [rejection])
    assert signalled == [2]  # rejection records alone change no live state
