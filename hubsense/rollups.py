"""Rollups: per desk-day, per group-day and per 15-minute slot numbers, kept by the store, so
that reports over a year never rescan raw events.

Computing (``recompute``)
    For one hub and a range of local days: read each desk's events over the range plus
    ``CleanParams.context_ns`` on either side (``store.timeline`` also gives the last event
    before that, i.e. the state the context starts in), build the step function
    (``hubsense.timeline.desk_intervals``), clean it (``hubsense.metrics.clean``: flickers,
    stuck spells) and cut it into ``DeskDayRollup``/``GroupDayRollup``/``SlotRollup`` rows
    (``hubsense.metrics.hub_days``), then ``store.write_rollups`` replaces the hub's rows
    for those days. Long ranges go in chunks of ``chunk_days``. The result depends only on
    the stored events (not on when or in which order they arrived, nor on how the range is
    chunked).

Keeping them current (``RollupUpdater``)
    An event at ``t`` can change the rollups of the local days touched by
    ``[t - context, t + offline_after + context]`` (a new message changes the step function
    only from ``t`` until at most ``t + offline_after``; reclassifying a spell as flicker or
    stuck reaches at most ``stuck_ns`` further). ``mark(events)`` records those (hub, day)
    pairs; ``flush()`` recomputes them, contiguous days together. The collector calls
    ``mark`` after each stored batch and ``flush`` every so often (``flush_if_due``).

Reading (``load``)
    Rows for a hub and range; with ``ensure=True``, desk-days that are missing, were
    computed with other thresholds or another opening window, or were computed before
    their data could be complete (and longer ago than ``refresh_ns``) are recomputed first.
    Days that have not started yet (by ``now_ns``) are never computed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from hubsense.calendar import day_bounds, is_open, local_dates, opening_window
from hubsense.config import Settings
from hubsense.events import PresenceEvent
from hubsense.metrics import (
    NS,
    CleanParams,
    DeskDayRollup,
    GroupDayRollup,
    SlotRollup,
    Span,
    clean,
    hub_days,
)
from hubsense.registry import Hub, Registry
from hubsense.store.base import Store
from hubsense.timeline import desk_intervals

log = logging.getLogger(__name__)

CHUNK_DAYS = 14


def clean_params(settings: Settings) -> CleanParams:
    return CleanParams(
        offline_after_ns=round(settings.offline_after_s * NS),
        flicker_ns=settings.flicker_min_s * NS,
        stuck_ns=settings.stuck_occupied_s * NS,
        raw_retention_ns=settings.retention_raw_days * 86400 * NS
        if settings.retention_raw_days
        else None,
    )


def range_ns(hub: Hub, first: date, end: date) -> tuple[int, int]:
    """Local midnight of ``first`` to local midnight of ``end`` (exclusive)."""
    return day_bounds(hub, first)[0], day_bounds(hub, end)[0]


def hub_spans(
    store: Store, hub: Hub, lo: int, hi: int, params: CleanParams
) -> tuple[dict[str, list[Span]], dict[str, list[int]]]:
    """Every desk's cleaned step function over ``[lo - context, hi + context)``, read in
    one query for the hub (one per desk made a pass over 5,000 desks 5,000 round trips)."""
    c_lo, c_hi = lo - params.context_ns, hi + params.context_ns
    timelines = store.hub_timelines(hub.id, [d.id for d in hub.desks], c_lo, c_hi)
    spans: dict[str, list[Span]] = {}
    flickers: dict[str, list[int]] = {}
    for d in hub.desks:
        intervals = desk_intervals(timelines[d.id], c_lo, c_hi, params.offline_after_ns)
        spans[d.id], flickers[d.id] = clean(
            intervals, flicker_ns=params.flicker_ns, stuck_ns=params.stuck_ns
        )
    return spans, flickers


def compute(
    store: Store,
    hub: Hub,
    first: date,
    end: date,
    params: CleanParams,
    now_ns: int,
) -> tuple[list[DeskDayRollup], list[GroupDayRollup], list[SlotRollup]]:
    """The rollups of ``hub`` for days ``first`` ≤ day < ``end`` from stored events."""
    lo, hi = range_ns(hub, first, end)
    spans, flickers = hub_spans(store, hub, lo, hi, params)
    return hub_days(hub, first, end, spans, flickers, params.fingerprint(), now_ns)


def recompute(
    store: Store,
    registry: Registry,
    hub_id: str,
    first: date,
    end: date,
    params: CleanParams,
    *,
    now_ns: int,
    chunk_days: int = CHUNK_DAYS,
) -> int:
    """Recompute and store the rollups of one hub for days ``first`` ≤ day < ``end``;
    returns the number of desk-days written."""
    hub = registry.hubs[hub_id]
    written = 0
    day = first
    if params.raw_retention_ns is not None:
        # a day whose raw events (with their context) may be deleted keeps its rollups
        kept_from = now_ns - params.raw_retention_ns
        while day < end and day_bounds(hub, day)[0] - params.context_ns - NS < kept_from:
            day += timedelta(days=1)
    while day < end:
        stop = min(end, day + timedelta(days=max(1, chunk_days)))
        desk_rows, group_rows, slot_rows = compute(store, hub, day, stop, params, now_ns)
        lo, hi = range_ns(hub, day, stop)
        store.write_rollups(hub.id, lo, hi, desk_rows, group_rows, slot_rows)
        written += len(desk_rows)
        day = stop
    return written


def contiguous(days: Iterable[date]) -> list[tuple[date, date]]:
    """Sorted days as ``(first, end)`` ranges of consecutive days (end exclusive)."""
    out: list[tuple[date, date]] = []
    for d in sorted(set(days)):
        if out and out[-1][1] == d:
            out[-1] = (out[-1][0], d + timedelta(days=1))
        else:
            out.append((d, d + timedelta(days=1)))
    return out


def affected_days(hub: Hub, t_ns: int, params: CleanParams) -> list[date]:
    """Local days whose rollups an event of ``hub`` at ``t_ns`` can change."""
    return local_dates(
        hub,
        t_ns - params.context_ns,
        t_ns + params.offline_after_ns + params.context_ns + 1,
    )


# --- keeping rollups current ----------------------------------------------------------------


class RollupUpdater:
    """Dirty-day tracker: ``mark`` stored events, ``flush`` to recompute what they touched.

    Thread-safe. ``mark`` is cheap (no I/O). ``flush`` recomputes every marked day, hub by
    hub, contiguous days in one go; days of a hub whose recompute failed stay marked and
    the first error is raised after the other hubs were done. Days after today (by
    ``clock_ns``) are not computed but stay marked until they start.
    """

    def __init__(
        self,
        store: Store,
        registry: Registry,
        params: CleanParams,
        *,
        clock_ns: Callable[[], int] = time.time_ns,
        flush_interval_s: float = 60.0,
        chunk_days: int = CHUNK_DAYS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.registry = registry
        self.params = params
        self.clock_ns = clock_ns
        self.flush_interval_s = flush_interval_s
        self.chunk_days = chunk_days
        self._dirty: dict[str, set[date]] = {}
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._monotonic = monotonic
        self._last_flush = monotonic()
        self.flushes = 0
        self.desk_days_written = 0
        self.last_hubs = 0  # hubs recomputed by the last pass

    @classmethod
    def from_settings(
        cls, store: Store, registry: Registry, settings: Settings, **kwargs: object
    ) -> RollupUpdater:
        return cls(store, registry, clean_params(settings), **kwargs)  # type: ignore[arg-type]

    def mark(self, events: Iterable[PresenceEvent]) -> None:
        """Note the days these (stored) events can change. Unknown hubs are ignored."""
        touched: dict[str, set[int]] = {}
        for e in events:
            touched.setdefault(e.hub, set()).add(e.time_ns)
        found: dict[str, set[date]] = {}
        for hub_id, times in touched.items():
            hub = self.registry.hubs.get(hub_id)
            if hub is None:
                continue
            days = found.setdefault(hub_id, set())
            # events of a batch are mostly close together: visit each hour once
            for hour in {t // (3600 * NS) for t in times}:
                lo = hour * 3600 * NS
                days.update(
                    local_dates(
                        hub,
                        lo - self.params.context_ns,
                        lo + 3600 * NS + self.params.offline_after_ns + self.params.context_ns,
                    )
                )
        with self._lock:
            for hub_id, days in found.items():
                self._dirty.setdefault(hub_id, set()).update(days)

    def mark_days(self, hub_id: str, days: Iterable[date]) -> None:
        """Mark days directly (e.g. after the registry changed a hub's opening hours)."""
        if hub_id not in self.registry.hubs:
            raise KeyError(f"unknown hub {hub_id!r}")
        with self._lock:
            self._dirty.setdefault(hub_id, set()).update(days)

    def pending(self) -> dict[str, list[date]]:
        with self._lock:
            return {h: sorted(d) for h, d in self._dirty.items() if d}

    def due(self) -> bool:
        """``flush_interval_s`` passed since the last pass ended."""
        return self._monotonic() - self._last_flush >= self.flush_interval_s

    def flush_if_due(self) -> int:
        """``flush`` if ``flush_interval_s`` passed since the last one ended; else 0.

        Counted from the end, so a pass that takes longer than the interval is followed by
        a full interval of ingest, never by another pass straight away."""
        if self._monotonic() - self._last_flush < self.flush_interval_s:
            return 0
        return self.flush()

    def flush(self, stop: threading.Event | None = None) -> int:
        """Recompute every marked day that has started; returns desk-days written. When
        ``stop`` is set the pass ends after the chunk in hand; the days not done stay
        marked (``pending``)."""
        with self._flush_lock:
            started = self._monotonic()
            try:
                written = self._flush(stop)
            finally:
                self._last_flush = self._monotonic()
            stopped = stop is not None and stop.is_set()
            log.log(
                logging.INFO if written or stopped else logging.DEBUG,
                "rollups: %d desk-days of %d hubs in %.1fs%s",
                written,
                self.last_hubs,
                self._last_flush - started,
                "; stopped, the rest stays marked" if stopped else "",
            )
            return written

    def _flush(self, stop: threading.Event | None = None) -> int:
        now = self.clock_ns()
        with self._lock:
            work = self._dirty
            self._dirty = {}
        written = 0
        error: Exception | None = None
        self.last_hubs = 0
        for hub_id, days in sorted(work.items()):
            hub = self.registry.hubs[hub_id]
            today = datetime.fromtimestamp(now // NS, hub.tz).date()
            due = {d for d in days if d <= today}
            later = days - due
            try:
                # chunk by chunk here (the result does not depend on the chunking), so that
                # a stop is seen between chunks and what is left stays marked
                for first, end in contiguous(due):
                    while first < end:
                        if stop is not None and stop.is_set():
                            break
                        upto = min(end, first + timedelta(days=max(1, self.chunk_days)))
                        written += recompute(
                            self.store, self.registry, hub_id, first, upto, self.params,
                            now_ns=now, chunk_days=self.chunk_days,
                        )  # fmt: skip
                        due -= {d for d in due if first <= d < upto}
                        first = upto
                later |= due  # not reached before a stop
                self.last_hubs += 1 if not due else 0
            except Exception as exc:  # noqa: BLE001 - kept marked, re-raised below
                log.warning("rollups of %s not recomputed: %s", hub_id, exc, exc_info=True)
                later |= due
                error = error or exc
            if later:
                with self._lock:
                    self._dirty.setdefault(hub_id, set()).update(later)
        self.flushes += 1
        self.desk_days_written += written
        if error is not None:
            raise error
        return written


# --- reading --------------------------------------------------------------------------------


@dataclass
class HubRollups:
    """Stored rollups of one hub for local days ``first`` ≤ day < ``end`` (desk-days may
    reach beyond, see ``load``'s ``desk_margin``)."""

    hub: Hub
    first: date
    end: date
    desk_days: list[DeskDayRollup] = field(default_factory=list)
    group_days: list[GroupDayRollup] = field(default_factory=list)
    # only when asked for and some group-day lacks its hourly profile (older rows)
    slots: list[SlotRollup] | None = None
    recomputed_days: int = 0  # days computed on read (ensure=True)


def stale_days(
    hub: Hub,
    rows: Iterable[DeskDayRollup],
    first: date,
    end: date,
    params: CleanParams,
    now_ns: int,
    refresh_ns: int,
) -> list[date]:
    """Days in ``[first, end)`` that have started by ``now_ns`` and whose desk-day rows are
    missing, made with other thresholds or another opening window, or made before their
    data could be complete and longer than ``refresh_ns`` ago."""
    by_day: dict[date, dict[str, DeskDayRollup]] = {}
    for r in rows:
        by_day.setdefault(r.day, {})[r.desk] = r
    fingerprint = params.fingerprint()
    out: list[date] = []
    day = first
    while day < end:
        lo, hi = day_bounds(hub, day)
        if lo >= now_ns:
            break
        window = opening_window(hub, day)
        open_ns = 0 if window is None else window[1] - window[0]
        have = by_day.get(day, {})
        complete_at = hi + params.offline_after_ns + params.context_ns
        for d in hub.desks:
            found = have.get(d.id)
            if (
                found is None
                or found.params != fingerprint
                or found.open_ns != open_ns
                or (found.computed_ns < complete_at and found.computed_ns < now_ns - refresh_ns)
            ):
                out.append(day)
                break
        day += timedelta(days=1)
    return out


def load(
    store: Store,
    registry: Registry,
    hub_id: str,
    first: date,
    end: date,
    params: CleanParams,
    *,
    now_ns: int,
    ensure: bool = True,
    refresh_ns: int = 60 * NS,
    slots: bool = False,
    slot_group: str | None = None,
    desk_margin: tuple[date, date] | None = None,
) -> HubRollups:
    """The rollups of one hub for ``[first, end)`` (see module doc for ``ensure``).
    ``desk_margin`` widens the desk-day rows (only) to ``[margin[0], margin[1])``."""
    hub = registry.hubs[hub_id]
    lo, hi = range_ns(hub, first, end)
    d_first, d_end = desk_margin or (first, end)
    d_first, d_end = min(d_first, first), max(d_end, end)
    d_lo, d_hi = range_ns(hub, d_first, d_end)
    rows = store.desk_day_rollups(hub_id, d_lo, d_hi)
    recomputed = 0
    if ensure:
        todo = stale_days(hub, rows, d_first, d_end, params, now_ns, refresh_ns)
        for a, b in contiguous(todo):
            recompute(store, registry, hub_id, a, b, params, now_ns=now_ns)
            recomputed += (b - a).days
        if todo:
            rows = store.desk_day_rollups(hub_id, d_lo, d_hi)
    out = HubRollups(hub, first, end, rows, store.group_day_rollups(hub_id, lo, hi))
    if slots and any(not g.hour_open_ns for g in out.group_days):
        # rows stored before group-days carried their hourly profile (and past raw
        # retention, so never recomputed): the profile needs the 15-minute slots
        out.slots = store.slot_rollups(hub_id, lo, hi, slot_group)
    out.recomputed_days = recomputed
    return out


def open_days(hub: Hub, first: date, end: date) -> list[date]:
    """The hub's open days ``first`` ≤ day < ``end``."""
    days = (first + timedelta(days=i) for i in range((end - first).days))
    return [d for d in days if is_open(hub, d)]
