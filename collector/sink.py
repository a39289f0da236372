"""Sink: write one batch to the store until it is durably stored or provably unstorable.

Errors are classed as the store reports them (hubsense.store.base):
- StoreUnavailable (connection refused, timeout, 429, 5xx): wait with exponential backoff
  and full jitter, honouring Retry-After, and try again, for as long as it takes; the MQTT
  messages behind the batch stay unacknowledged meanwhile, so nothing is lost if we die.
  While waiting, a cheap ping every second ends the wait as soon as the store answers.
- BatchTooLarge (413): split the batch in halves and write each.
- StoreRejected (400/422): the data itself is refused. Find the refused events by halving,
  store each as a Rejection (reason store_refused) with the store's message, and go on.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from collector.throttle import Throttle
from hubsense.events import PresenceEvent, Rejection, RejectReason
from hubsense.store.base import (
    BatchTooLarge,
    Store,
    StoreError,
    StoreRejected,
    StoreUnavailable,
)

log = logging.getLogger(__name__)
PROBE_S = 1.0  # while backing off, the store is pinged this often
WARN_EVERY_S = 30.0  # a repeated "store unavailable" warning is logged at most this often


@dataclass
class SinkStats:
    batches: int = 0
    events_written: int = 0
    rejections_written: int = 0
    retries: int = 0
    splits: int = 0
    refused_events: int = 0
    dropped_rejections: int = 0
    last_error: str = ""
    last_write_s: float = 0.0
    probes_answered: int = 0  # backoffs cut short because the store answered a ping


class Stopped(Exception):
    """Raised when a stop was requested while a write was still being retried."""


class BatchSink:
    def __init__(
        self,
        store: Store,
        *,
        retry_initial_s: float,
        retry_max_s: float,
        stop: threading.Event,
        now_ns: Callable[[], int],
        monotonic: Callable[[], float],
        rng: random.Random | None = None,
        on_written: Callable[[], None] = lambda: None,
    ) -> None:
        """``on_written``: called after each ``write`` that stored events (the live view's
        signal that there is something new to read, ``hubsense.writesignal``)."""
        self.store = store
        self.on_written = on_written
        self.retry_initial_s = retry_initial_s
        self.retry_max_s = retry_max_s
        self.stop = stop
        self.now_ns = now_ns
        self.monotonic = monotonic
        self.rng = rng or random.Random()
        self.stats = SinkStats()
        self._throttle = Throttle(WARN_EVERY_S, monotonic)

    def write(
        self,
        events: Sequence[PresenceEvent],
        rejections: Sequence[Rejection],
        *,
        attempts: int | None = None,
    ) -> None:
        """Return once everything is stored; raise Stopped if asked to stop first.

        With ``attempts``, give up after that many tries of an unavailable store and raise
        StoreUnavailable (parts of the batch may be stored already: writes are idempotent).
        """
        started = self.monotonic()
        self._write(list(events), list(rejections), attempts)
        self.stats.batches += 1
        self.stats.last_write_s = self.monotonic() - started
        if events:
            self.on_written()

    def _write(
        self, events: list[PresenceEvent], rejections: list[Rejection], attempts: int | None
    ) -> None:
        try:
            self._with_retry(events, rejections, attempts)
        except BatchTooLarge:
            if len(events) + len(rejections) <= 1:
                # One point too large for the store: refused, not retried forever.
                self._refuse(events, rejections, "store says a single point is too large")
                return
            self.stats.splits += 1
            for part_e, part_r in _halves(events, rejections):
                self._write(part_e, part_r, attempts)
        except StoreRejected as exc:
            if len(events) + len(rejections) <= 1:
                self._refuse(events, rejections, str(exc))
                return
            for part_e, part_r in _halves(events, rejections):
                self._write(part_e, part_r, attempts)
            return
        else:
            self.stats.events_written += len(events)
            self.stats.rejections_written += len(rejections)

    def _with_retry(
        self,
        events: list[PresenceEvent],
        rejections: list[Rejection],
        attempts: int | None = None,
    ) -> None:
        delay = self.retry_initial_s
        tries = 0
        while True:
            try:
                self.store.write(events, rejections)
                return
            except StoreUnavailable as exc:
                tries += 1
                self.stats.last_error = str(exc)
                if attempts is not None and tries >= attempts:
                    raise
                self.stats.retries += 1
                wait = self.rng.uniform(0, delay)
                if exc.retry_after_s is not None:
                    wait = max(wait, min(exc.retry_after_s, self.retry_max_s))
                self._warn(f"store unavailable ({exc}); retrying in {wait:.2f}s")
                if self._wait(wait, probe=exc.retry_after_s is None):
                    raise Stopped from exc
                delay = min(delay * 2, self.retry_max_s)

    def _wait(self, wait_s: float, *, probe: bool) -> bool:
        """Wait ``wait_s`` before the next try, True if stopped meanwhile. While waiting the
        store is pinged every ``PROBE_S`` (cheap): once it answers, the next try starts at
        once, so a long backoff never delays recovery (unless the store itself asked for
        the wait with Retry-After)."""
        left = wait_s
        while left > 0:
            step = min(PROBE_S, left)
            if self.stop.wait(step):
                return True
            left -= step
            if probe and left > 0 and self._answers():
                self.stats.probes_answered += 1
                return False
        return False

    def _answers(self) -> bool:
        try:
            self.store.ping()
        except StoreError:
            return False
        return True

    def _warn(self, message: str) -> None:
        """The same warning at most once per ``WARN_EVERY_S``, with how often it recurred."""
        skipped = self._throttle.due("unavailable")
        if skipped is not None:
            more = f" ({skipped} more since the last)" if skipped else ""
            log.warning("%s%s", message, more)

    def _refuse(self, events: list[PresenceEvent], rejections: list[Rejection], why: str) -> None:
        """Keep a refused event as a rejection record, so it is never lost silently."""
        self.stats.last_error = why
        if rejections:
            # A refused rejection record cannot be recorded as another one: count it and log.
            self.stats.dropped_rejections += len(rejections)
            log.error("store refused a rejection record (%s): %r", why, rejections)
        for e in events:
            self.stats.refused_events += 1
            record = Rejection(
                reason=RejectReason.STORE_REFUSED,
                detail=f"store refused the point: {why}"[:1000],
                topic=f"{e.municipality}/{e.hub}/{e.desk}",
                payload=repr(e)[:2000],
                received_ns=self.now_ns(),
            )
            try:
                self._with_retry([], [record])
                self.stats.rejections_written += 1
            except (StoreRejected, BatchTooLarge) as exc:
                self.stats.dropped_rejections += 1
                log.error("store refused event %r and its rejection record: %s", e, exc)


def _halves(
    events: list[PresenceEvent], rejections: list[Rejection]
) -> list[tuple[list[PresenceEvent], list[Rejection]]]:
    items: list[PresenceEvent | Rejection] = [*events, *rejections]
    mid = len(items) // 2
    out = []
    for part in (items[:mid], items[mid:]):
        out.append(
            (
                [x for x in part if isinstance(x, PresenceEvent)],
                [x for x in part if isinstance(x, Rejection)],
            )
        )
    return out
