"""The demo's simulated history, loaded in a process of its own.

Four to five weeks of history are about a million messages; parsing and writing them
takes a CPU core for a minute or two. In the demo's own process that starves the live
pipeline and the web server (one interpreter lock), so the demo runs ``history_main`` in a
child process at a lower priority, writing to the same store, and computes the rollups of
the history there too: the demo's process only carries live traffic and answers pages.

Before loading anything the child computes the (empty) rollups of every history day, so
no page has to compute them while history loads: a page shows the history loaded so far,
and each day's rollups are recomputed as soon as its events are in.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from multiprocessing.synchronize import Event as ProcessEvent
from queue import Empty
from time import monotonic
from typing import Protocol

from collector import Collector
from collector.dedup import Deduplicator
from collector.sink import BatchSink
from hubsense.calendar import to_ns
from hubsense.config import Settings
from hubsense.events import PresenceEvent, Rejection
from hubsense.logs import configure_logging
from hubsense.registry import Registry, load_registry
from hubsense.store import open_store
from simulators import BehaviourParams, MessageStream

log = logging.getLogger("hubsense.demo")
HISTORY_BATCH = 5000
ROLLUP_EVERY_BATCHES = 10  # recompute the days loaded so far every 50,000 messages
NICENESS = 10  # the live pipeline and the pages come first


@dataclass
class HistoryCount:
    """What the history load published (messages the simulator made) and stored."""

    messages: int = 0
    events_stored: int = 0
    rejections_stored: int = 0
    duplicates: int = 0
    days_loaded: int = 0
    seconds: float = 0.0
    stopped: bool = False


@dataclass(frozen=True)
class HistoryJob:
    settings: Settings
    start: datetime  # history covers [start - days, start)
    days: int
    seed: int
    params: BehaviourParams = field(default_factory=BehaviourParams)
    log_level: str = "INFO"
    log_format: str = "text"


class Progress(Protocol):
    def __call__(self, count: HistoryCount) -> None: ...


def history_days(start: datetime, days: int) -> tuple[date, date]:
    """Local days ``[first, end)`` the history touches (the start day included)."""
    return (start - timedelta(days=days)).date(), start.date() + timedelta(days=1)


def load_history(
    collector: Collector,
    registry: Registry,
    start: datetime,
    days: int,
    seed: int,
    heartbeat_s: float,
    stop: threading.Event | ProcessEvent,
    *,
    params: BehaviourParams | None = None,
    progress: Progress | None = None,
) -> HistoryCount:
    """Load ``days`` of simulated history before ``start`` through the collector's parser
    and store writer, recomputing the rollups of the days loaded as it goes.

    History does not go over MQTT: a million messages would take the embedded broker
    (amqtt, ~1,000 msg/s) a quarter of an hour. The same parsing, validation and idempotent
    writes apply; live traffic goes over MQTT. History and live sensors keep separate
    sequence numbers (a separate dedup state).
    """
    t0 = monotonic()
    sink = BatchSink(
        collector.store,
        retry_initial_s=0.5,
        retry_max_s=5.0,
        stop=threading.Event(),
        now_ns=collector.clock_ns,
        monotonic=monotonic,
    )
    dedup = Deduplicator(collector.settings.dedup_window)
    first = start - timedelta(days=days)
    stream = MessageStream(
        registry, first, start, seed=seed, heartbeat_s=heartbeat_s, params=params
    )
    count = HistoryCount()
    events: list[PresenceEvent] = []
    rejections: list[Rejection] = []
    batches = 0

    def write() -> None:
        nonlocal events, rejections, batches
        sink.write(events, rejections)
        collector.rollups.mark(events)
        count.events_stored = sink.stats.events_written
        count.rejections_stored = sink.stats.rejections_written
        if events:
            count.days_loaded = (events[-1].time_ns - to_ns(first)) // (86400 * 10**9)
        events, rejections = [], []
        batches += 1
        if batches % ROLLUP_EVERY_BATCHES == 0:
            collector.rollups.flush()
            if progress is not None:
                progress(count)

    for message in stream:
        result = collector.parser.parse(message.topic, message.payload, collector.clock_ns())
        count.messages += 1
        if isinstance(result, Rejection):
            rejections.append(result)
        elif dedup.is_duplicate(result):
            count.duplicates += 1
        else:
            events.append(result)
        if len(events) + len(rejections) >= HISTORY_BATCH:
            if stop.is_set():
                count.stopped = True
                break
            write()
    write()
    collector.rollups.flush()
    if not count.stopped:
        count.days_loaded = days
    count.seconds = monotonic() - t0
    return count


def history_main(job: HistoryJob, stop: ProcessEvent, out: multiprocessing.Queue) -> None:
    """The child process: ("ready", None) once every history day has rollups, then
    ("progress", HistoryCount) now and then and ("done", HistoryCount) at the end, or
    ("failed", message)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the demo, which stops us
    try:
        os.nice(NICENESS)
    except OSError:
        pass  # not allowed here: it only runs at the same priority
    configure_logging(job.log_level, job.log_format)
    # the spool is the demo collector's (one process per spool file)
    settings = job.settings.model_copy(update={"spool_path": None})
    store = None
    try:
        registry = load_registry(settings.registry)
        store = open_store(settings)
        start_ns = to_ns(job.start)
        collector = Collector(settings, registry, store, clock_ns=lambda: start_ns)
        first, end = history_days(job.start, job.days)
        days = [first + timedelta(days=i) for i in range((end - first).days)]
        for hub_id in registry.hubs:
            collector.rollups.mark_days(hub_id, days)
        collector.rollups.flush()
        out.put(("ready", None))
        count = load_history(
            collector,
            registry,
            job.start,
            job.days,
            job.seed,
            settings.heartbeat_s,
            stop,
            params=job.params,
            progress=lambda c: out.put(("progress", c)),
        )
        out.put(("done", count))
    except Exception as exc:  # noqa: BLE001 - reported to the demo, which says so
        log.exception("history not loaded")
        out.put(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        if store is not None:
            store.close()


class HistoryLoader:
    """The demo's handle on the history process: start, wait until ready, latest count,
    stop."""

    def __init__(self, job: HistoryJob) -> None:
        ctx = multiprocessing.get_context("spawn")  # no fork of a process with threads
        self._stop = ctx.Event()
        self._out: multiprocessing.Queue = ctx.Queue()
        self._proc = ctx.Process(
            target=history_main,
            args=(job, self._stop, self._out),
            name="hubsense-history",
            daemon=True,
        )
        self.count = HistoryCount()
        self.done = threading.Event()
        self.failed: str | None = None
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, name="history-reader", daemon=True)

    def start(self) -> None:
        self._proc.start()
        self._reader.start()

    def _read(self) -> None:
        while not self.done.is_set():
            try:
                kind, value = self._out.get(timeout=0.5)
            except Empty:
                if not self._proc.is_alive():
                    self.failed = self.failed or f"history process ended ({self._proc.exitcode})"
                    break
                continue
            if kind == "ready":
                self._ready.set()
            elif kind == "progress":
                self.count = value
            elif kind == "done":
                self.count = value
                self.done.set()
                log.info(
                    "history loaded: %d messages, %d events stored in %.0f s",
                    value.messages,
                    value.events_stored,
                    value.seconds,
                )
            else:
                self.failed = str(value)
                break
        self._ready.set()
        self.done.set()

    def wait_ready(self, timeout_s: float) -> bool:
        return self._ready.wait(timeout_s) and self.failed is None

    def stop(self, timeout_s: float) -> None:
        self._stop.set()
        deadline = time.monotonic() + timeout_s
        self.done.wait(max(0.0, deadline - time.monotonic()))
        self._proc.join(max(0.0, deadline - time.monotonic()))
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(5)
