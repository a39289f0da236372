"""The collector: transport → parser → dedup → batch → sink → acknowledge.

One worker thread owns the batch. A batch is flushed when it holds ``batch_size``
messages or its oldest message has waited ``flush_interval_s``. Every message in a batch —
accepted, duplicate or rejected — is acknowledged to the broker only after the batch
(events and rejection records) is durably in the store. Memory is bounded by the broker's
in-flight window (MQTT 5 Receive Maximum, ``mqtt_receive_maximum``): the broker sends no
more unacknowledged messages than that, and everything else waits in its session queue.

A thread that dies leaves a process that looks alive and does nothing. So every thread
of the collector (worker, spool drainer, rollups) logs the traceback of an unexpected
exception and reports it (``failed``, ``on_fatal``): the process then stops what is left
and ends with a non-zero status, and Docker or systemd restarts it. What is not
acknowledged is redelivered by the broker; what is in the spool is drained after the
restart.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence

from collector.adapters.base import Adapter, AdapterRouter, Heard
from collector.adapters.native import NativeAdapter
from collector.dedup import Deduplicator
from collector.heaptrim import trim_heap
from collector.parser import MessageParser
from collector.sink import BatchSink, Stopped
from collector.spool import Spool, SpoolFull
from collector.state import DeskStates
from collector.throttle import Throttle
from collector.transport import Inbound, MqttTransport
from hubsense.config import Settings
from hubsense.events import PresenceEvent, Rejection
from hubsense.registry import Registry
from hubsense.retention import apply_retention
from hubsense.rollups import RollupUpdater
from hubsense.store.base import Store, StoreError, StoreUnavailable
from hubsense.writesignal import WriteSignal

log = logging.getLogger(__name__)
RETENTION_EVERY_S = 3600.0
STORE_PROBE_S = 1.0
REJECT_LOG_EVERY_S = 10.0


def shared(settings: Settings, topic_filter: str) -> str:
    """The filter as subscribed: in a shared subscription group if one is configured."""
    if settings.mqtt_share_group:
        return f"$share/{settings.mqtt_share_group}/{topic_filter}"
    return topic_filter


class Collector:
    def __init__(
        self,
        settings: Settings,
        registry: Registry,
        store: Store,
        *,
        clock_ns: Callable[[], int] = time.time_ns,
        adapters: Sequence[Adapter] | None = None,
        transport: MqttTransport | None = None,
        rollups: RollupUpdater | None = None,
        store_open: bool = True,
        on_fatal: Callable[[], None] = lambda: None,
    ) -> None:
        """``store_open=False``: the store could not be opened yet (it is down at start);
        with a spool the collector runs anyway, spools, and opens the store when it
        answers (without one, start only once the store is open). ``on_fatal`` is called
        (from the failed thread) when one of the collector's threads died: the caller
        then calls ``stop`` and ends the process."""
        self.settings = settings
        self.store = store
        self.clock_ns = clock_ns
        self.parser = MessageParser(
            registry,
            topic_root=settings.mqtt_topic_root,
            max_payload_bytes=settings.max_payload_bytes,
            max_future_s=settings.max_future_s,
            max_age_s=settings.max_age_s,
        )
        self.router = AdapterRouter(adapters or [NativeAdapter(self.parser)])
        self.transport = transport or MqttTransport(
            settings.mqtt_url,
            client_id=settings.mqtt_client_id,
            subscriptions=[shared(settings, t) for t in self.router.subscriptions()],
            protocol=settings.mqtt_protocol,
            session_expiry_s=settings.mqtt_session_expiry_s,
            receive_maximum=settings.mqtt_receive_maximum,
            max_buffered=settings.mqtt_max_buffered,
            ca_file=settings.mqtt_ca_file,
            clock_ns=clock_ns,
        )
        self.dedup = Deduplicator(settings.dedup_window)
        self.states = DeskStates()
        self._stopping = threading.Event()  # finish the batch in hand, then exit
        self._halt = threading.Event()  # give up retrying now
        self.sink = BatchSink(
            store,
            retry_initial_s=settings.retry_initial_s,
            retry_max_s=settings.retry_max_s,
            stop=self._halt,
            now_ns=clock_ns,
            monotonic=time.monotonic,
            on_written=(
                WriteSignal(settings.store_signal_file).bump
                if settings.store_signal_file is not None
                else lambda: None
            ),
        )
        self.spool = (
            Spool(settings.spool_path, settings.spool_max_bytes) if settings.spool_path else None
        )
        self.spooled = 0
        # Utilisation rollups of the days that stored events touch are recomputed every
        # rollup_refresh_s; reports also recompute stale days when they read.
        self.rollups = rollups or RollupUpdater.from_settings(
            store,
            registry,
            settings,
            clock_ns=clock_ns,
            flush_interval_s=settings.rollup_refresh_s,
        )
        self.rollup_errors = 0
        self._reject_log = Throttle(REJECT_LOG_EVERY_S, time.monotonic)
        self.received = 0
        self.accepted = 0
        self.duplicates = 0
        self.acked = 0
        self.rejected: Counter[str] = Counter()
        self.pending = 0
        self._closed = False
        self.store_open = threading.Event()
        if store_open:
            self.store_open.set()
        elif self.spool is None:
            raise ValueError("a collector without a spool needs an open store")
        self.on_fatal = on_fatal
        self.failed = threading.Event()
        self.failure = ""  # which thread died, and of what
        self._worker: threading.Thread | None = None
        self._drainer: threading.Thread | None = None
        self._roller: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------
    def start(self) -> None:
        if self.spool is not None:
            if len(self.spool):
                log.info(
                    "spool %s holds %d items (%d bytes) from before; draining them first",
                    self.spool.path,
                    len(self.spool),
                    self.spool.bytes,
                )
            marks = self.spool.marks()
            if marks:
                log.info(
                    "resuming rollups of %d hub-days left by the last stop",
                    sum(len(d) for d in marks.values()),
                )
                for hub_id, days in marks.items():
                    if hub_id in self.rollups.registry.hubs:
                        self.rollups.mark_days(hub_id, days)
        self._worker = self._thread("collector", self._run)
        if self.spool is not None:
            self._drainer = self._thread("spool", self._drain)
        self._roller = self._thread("rollups", self._roll)
        self.transport.start()

    def _thread(self, name: str, target: Callable[[], None]) -> threading.Thread:
        thread = threading.Thread(target=self._guarded, args=(name, target), name=name)
        thread.daemon = True
        thread.start()
        return thread

    def _guarded(self, name: str, target: Callable[[], None]) -> None:
        try:
            target()
        except Exception as exc:  # noqa: BLE001 - logged with its traceback, then fatal
            log.exception("the collector's %s thread failed; stopping the process", name)
            self._fail(f"{name} thread: {type(exc).__name__}: {exc}")

    def _fail(self, why: str) -> None:
        if not self.failure:
            self.failure = why
        self.failed.set()
        self.on_fatal()

    def dead_threads(self) -> list[str]:
        """Threads that should run but ended (the transport's included): the process is
        then alive but does nothing, and must end."""
        threads = [t for t in (self._worker, self._drainer, self._roller) if t is not None]
        dead = [t.name for t in threads if not t.is_alive()]
        if not self.transport.alive():
            dead.append("mqtt")
        return [] if self._stopping.is_set() else dead

    def stop(self, grace_s: float = 5.0) -> bool:
        """Flush and acknowledge what is in hand, then disconnect. True if all was flushed.
        Within ``grace_s`` plus a rollup chunk: a container is killed 10 s after SIGTERM."""
        self._stopping.set()
        flushed = True
        if self._worker is not None:
            self._worker.join(grace_s)
            if self._worker.is_alive():
                flushed = False
                self._halt.set()  # the store is still failing: leave the rest unacked
                self._worker.join()
        self._halt.set()  # what is left in the spool is on disk and drained on next start
        if self._drainer is not None:
            self._drainer.join()
        if self._roller is not None:
            self._roller.join()  # a rollup pass ends after the chunk in hand
        self.transport.stop()
        if self.spool is not None and not self._closed:
            # days marked but not recomputed (an interrupted pass, or not due yet) are
            # recomputed after the next start
            self.spool.save_marks(self.rollups.pending())
            self.spool.close()
        self._closed = True
        return flushed and self.pending == 0

    def wait_until_subscribed(self, timeout: float) -> bool:
        return self.transport.subscribed.wait(timeout)

    # --- worker ---------------------------------------------------------------------
    def _run(self) -> None:
        batch: list[Inbound] = []
        events: list[PresenceEvent] = []
        rejections: list[Rejection] = []
        deadline = 0.0
        size = self.settings.batch_size
        inbox = self.transport.inbox
        while True:
            stopping = self._stopping.is_set()
            # Short waits so a stop request is seen within 0.1 s.
            wait = min(0.1, max(0.0, deadline - time.monotonic())) if batch else 0.1
            item = inbox.get(timeout=0 if stopping else wait)
            while item is not None:
                if not batch:
                    deadline = time.monotonic() + self.settings.flush_interval_s
                self._take_or_flush(item, batch, events, rejections)
                batch.append(item)
                if len(batch) >= size:
                    break
                item = inbox.get(timeout=0)
            self.pending = len(batch)
            if batch and (len(batch) >= size or time.monotonic() >= deadline or stopping):
                try:
                    self._flush(batch, events, rejections)
                except Stopped:
                    log.warning("stopped with %d messages unacknowledged", len(batch))
                    return
                batch, events, rejections = [], [], []
                self.pending = 0
                continue
            if stopping and not batch and not inbox:
                return

    def _take_or_flush(
        self,
        item: Inbound,
        batch: list[Inbound],
        events: list[PresenceEvent],
        rejections: list[Rejection],
    ) -> None:
        """``_take``; if it fails, store and acknowledge the messages before this one, then
        raise: this one and the rest stay unacknowledged, and are redelivered."""
        kept = len(events), len(rejections)
        try:
            self._take(item, events, rejections)
        except Exception:
            del events[kept[0] :], rejections[kept[1] :]
            log.error(
                "failed on a message on %r; storing the %d before it, then stopping",
                item.topic,
                len(batch),
            )
            if batch:
                self._flush(batch, events, rejections)
            raise

    def _take(
        self, item: Inbound, events: list[PresenceEvent], rejections: list[Rejection]
    ) -> None:
        self.received += 1
        for result in self.router.route(item.topic, item.payload, item.received_ns):
            if isinstance(result, Rejection):
                self.rejected[str(result.reason)] += 1
                rejections.append(result)
                # every rejection is counted and stored; the log shows each reason at most
                # every REJECT_LOG_EVERY_S, so a flood of garbage is not a flood of lines
                skipped = self._reject_log.due(str(result.reason))
                if skipped is not None:
                    log.info(
                        "rejected %s on %s: %s%s",
                        result.reason,
                        result.topic,
                        result.detail,
                        f" ({skipped} more {result.reason} since)" if skipped else "",
                    )
            elif isinstance(result, Heard):
                self.dedup.heard(result.sensor, result.seq)
            elif self.dedup.is_duplicate(result):
                self.duplicates += 1
            else:
                self.accepted += 1
                events.append(result)

    def _flush(
        self, batch: list[Inbound], events: list[PresenceEvent], rejections: list[Rejection]
    ) -> None:
        """Store the batch (or spool it to disk), then acknowledge it."""
        if self.spool is None:
            self.sink.write(events, rejections)
            self.rollups.mark(events)
        elif len(self.spool) == 0 and self.store_open.is_set():
            try:
                self.sink.write(events, rejections, attempts=1)
            except StoreUnavailable:
                self._spool(events, rejections)
            else:
                self.rollups.mark(events)
        else:
            self._spool(events, rejections)  # keep the store's catch-up to the drainer
        self.states.update(events)
        self.acked += self.transport.ack(batch)

    def _spool(self, events: list[PresenceEvent], rejections: list[Rejection]) -> None:
        assert self.spool is not None
        try:
            self.spool.append(events, rejections)
            self.spooled += len(events) + len(rejections)
        except SpoolFull as exc:
            log.warning("%s: holding messages unacknowledged until the store is back", exc)
            self.sink.write(events, rejections)
            self.rollups.mark(events)

    def _drain(self) -> None:
        """Write the spool to the store, oldest first, until stopped."""
        assert self.spool is not None
        if not self._open_store():
            return
        while not self._halt.is_set():
            if len(self.spool) == 0:
                self._halt.wait(0.1)
                continue
            last_id, events, rejections = self.spool.peek(self.settings.batch_size)
            try:
                self.sink.write(events, rejections)
            except Stopped:
                return
            self.spool.remove_upto(last_id)
            self.rollups.mark(events)

    def _open_store(self) -> bool:
        """Open a store that was down at start, probing every second (so storing begins
        within about a second of it answering); False if stopped first."""
        tries = 0
        while not self.store_open.is_set():
            try:
                self.store.open()
            except StoreError as exc:
                tries += 1
                if tries == 1 or tries % 60 == 0:  # once a minute, not every probe
                    log.warning("store not ready (%s); spooling meanwhile", exc)
                if self._halt.wait(STORE_PROBE_S):
                    return False
            else:
                log.info("store %s is open; draining the spool", self.store.name)
                self.store_open.set()
        return True

    def _roll(self) -> None:
        """Recompute the rollups of touched days every rollup_refresh_s, and apply the
        retention settings once an hour, until stopped."""
        next_retention = time.monotonic()
        while not self._halt.wait(1.0):
            if not self.store_open.is_set():
                continue
            try:
                if self.rollups.due():
                    self.rollups.flush(stop=self._halt)
                    trim_heap()  # the pass's peak is freed; give it back (heaptrim)
                if time.monotonic() >= next_retention and not self._halt.is_set():
                    apply_retention(self.store, self.settings, self.clock_ns())
                    next_retention = time.monotonic() + RETENTION_EVERY_S
            except StoreUnavailable as exc:
                # the days stay marked and are tried again on the next round
                self.rollup_errors += 1
                log.warning("rollups or retention not applied, store unavailable: %s", exc)
            except Exception:  # noqa: BLE001 - this thread must outlive any failure
                self.rollup_errors += 1
                log.exception("rollups or retention failed; the days stay marked")

    # --- observability --------------------------------------------------------------
    def unacked(self) -> int:
        """Messages the broker delivered that are not acknowledged yet (never more than the
        broker's in-flight window). Read in this order so a concurrent update can only make
        the figure smaller than the truth, never larger."""
        received = self.received
        queued = len(self.transport.inbox)
        return received + queued - self.acked

    def stats(self) -> dict[str, object]:
        sink = self.sink.stats
        return {
            "unacked": self.unacked(),
            "connected": self.transport.connected.is_set(),
            "received": self.received,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": dict(self.rejected),
            "pending": self.pending,
            "queued": len(self.transport.inbox),
            "acked": self.acked,
            "written_batches": sink.batches,
            "written_events": sink.events_written,
            "written_rejections": sink.rejections_written,
            "write_retries": sink.retries,
            "batch_splits": sink.splits,
            "refused_events": sink.refused_events,
            "last_write_s": round(sink.last_write_s, 4),
            "last_error": sink.last_error or self.transport.last_error,
            "sequence_gaps": self.dedup.seq.gaps,
            "sequence_restarts": self.dedup.seq.restarts,
            "desks_seen": len(self.states),
            "rollup_flushes": self.rollups.flushes,
            "rollup_errors": self.rollup_errors,
            "spooled": self.spooled,
            "spool_items": len(self.spool) if self.spool is not None else 0,
            "spool_bytes": self.spool.bytes if self.spool is not None else 0,
        }
