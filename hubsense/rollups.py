"""Rollups: per desk-day, per group-day and per 15-minute slot numbers, kept by the store, so
that reports over a year never rescan raw events.

Computing (``recompute``)
    For one hub and a range of local days: read each desk's events over the range plus
    ``CleanParams.context_ns`` on either side (``store.timeline`` also gives the last event
    before that, i.e. the state the context starts in), build the step function
    (``hubsense.timeline.each_interval_in_order``), clean it (``hubsense.metrics.each_span``:
    flickers, stuck spells) and cut it into ``DeskDayRollup``/``GroupDayRollup``/``SlotRollup`` rows
    (``hubsense.metrics.hub_days``), then ``store.write_rollups`` replaces the hub's rows
    for those days. Long ranges go in chunks of ``chunk_days``. Each desk-day's idle run
    continues from the stored day before, and the stored days after are chained again
    (``rechain``). The result depends only on the stored events (not on when or in which
    order they arrived, nor on how the range is chunked).

Keeping them current (``RollupUpdater``)
    An event at ``t`` can change the rollups of the local days touched by
    ``[t - context, t + offline_after + context]`` (a new message changes the step function
    only from ``t`` until at most ``t + offline_after``; reclassifying a spell as flicker or
    stuck reaches at most ``stuck_ns`` further). ``mark(events)`` records those (hub, day)
    pairs; ``flush()`` recomputes them, contiguous days together. The collector calls
    ``mark`` after each stored batch and ``flush`` every so often (``flush_if_due``).

Reading (``load``)
    What an analysis of a hub and range needs, in reads that grow with days, not with
    desks × days: the hub's group-days (one per day: the marks that tell which days are
    fresh, the day's peak, profile and its desks' sums), each desk's rows summed by the
    store, and the desk-days of idle runs at the threshold and of stuck sensors. With
    ``ensure=True``, days whose hub mark is missing, was made with other thresholds,
    another opening window or another set of desks, or was made before its data could be
    complete (and longer ago than ``refresh_ns``) are recomputed first. Days that have not
    started yet (by ``now_ns``) are never computed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from hubsense.calendar import day_bounds, is_open, local_dates, opening_window
from hubsense.config import Settings
from hubsense.events import PresenceEvent
from hubsense.metrics import (
    HUB_GROUP,
    NS,
    CleanParams,
    DayFlickers,
    DeskDayRollup,
    DeskTotals,
    GroupDayRollup,
    SlotRollup,
    Span,
    chain_idle,
    clean_hub,
    desks_key,
    hub_days,
    use_of,
)
from hubsense.registry import Hub, Registry
from hubsense.store.base import Store
from hubsense.timeline import each_interval_in_order

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
        min_use_ns=settings.daily_use_min_s * NS,
    )


def range_ns(hub: Hub, first: date, end: date) -> tuple[int, int]:
    """Local midnight of ``first`` to local midnight of ``end`` (exclusive)."""
    return day_bounds(hub, first)[0], day_bounds(hub, end)[0]


def hub_spans(
    store: Store, hub: Hub, first: date, end: date, params: CleanParams
) -> tuple[dict[str, list[Span]], dict[str, DayFlickers]]:
    """Every desk's cleaned step function over the days ``first`` ≤ day < ``end`` and
    their context, read in one query for the hub (one per desk made a pass over 5,000
    desks 5,000 round trips) and taken desk by desk as it streams in. Held for the hub:
    the spans (one per spell) and each desk's flickers counted per day; a desk's messages
    are cleaned as they stream in (``each_interval_in_order``, ``each_span``): no desk's
    messages are held, no interval per message, and no more than a chunk of the response
    (``STREAM_ROWS`` points) is decoded at a time. What still grows with the day: a span
    per spell of the hub."""
    lo, hi = range_ns(hub, first, end)
    c_lo, c_hi = lo - params.context_ns, hi + params.context_ns
    desks = store.each_timeline(hub.id, [d.id for d in hub.desks], c_lo, c_hi)
    steps = (
        (d, each_interval_in_order(events, c_lo, c_hi, params.offline_after_ns))
        for d, events in desks
    )
    return clean_hub(
        hub,
        first,
        end,
        steps,
        flicker_ns=params.flicker_ns,
        stuck_ns=params.stuck_ns,
    )


def compute(
    store: Store,
    hub: Hub,
    first: date,
    end: date,
    params: CleanParams,
    now_ns: int,
    *,
    prior: Mapping[str, DeskDayRollup] | None = None,
) -> tuple[list[DeskDayRollup], list[GroupDayRollup], list[SlotRollup]]:
    """The rollups of ``hub`` for days ``first`` ≤ day < ``end`` from stored events; idle
    runs continue from ``prior`` (each desk's row of the day before ``first``; read from
    the store if not given)."""
    if prior is None:
        prior = day_before(store, hub, first)
    spans, flickers = hub_spans(store, hub, first, end, params)
    return hub_days(hub, first, end, spans, flickers, params, now_ns, prior=prior)


def day_before(store: Store, hub: Hub, day: date) -> dict[str, DeskDayRollup]:
    """Each desk's stored row of the day before ``day``."""
    lo, hi = range_ns(hub, day - timedelta(days=1), day)
    return {r.desk: r for r in store.desk_day_rollups(hub.id, lo, hi)}


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
    rechain_after: bool = True,
) -> int:
    """Recompute and store the rollups of one hub for days ``first`` ≤ day < ``end``;
    returns the number of desk-days written. Idle runs are chained from the stored day
    before and, afterwards, into the stored days after (``rechain``; a caller that goes on
    with the days after passes ``rechain_after=False``)."""
    hub = registry.hubs[hub_id]
    written = 0
    day = first
    if params.raw_retention_ns is not None:
        # a day whose raw events (with their context) may be deleted keeps its rollups
        kept_from = now_ns - params.raw_retention_ns
        while day < end and day_bounds(hub, day)[0] - params.context_ns - NS < kept_from:
            day += timedelta(days=1)
    last: dict[str, DeskDayRollup] | None = None
    while day < end:
        stop = min(end, day + timedelta(days=max(1, chunk_days)))
        desk_rows, group_rows, slot_rows = compute(
            store, hub, day, stop, params, now_ns, prior=last
        )
        lo, hi = range_ns(hub, day, stop)
        store.write_rollups(hub.id, lo, hi, desk_rows, group_rows, slot_rows)
        written += len(desk_rows)
        last = {r.desk: r for r in desk_rows if r.day == stop - timedelta(days=1)}
        day = stop
    if last is not None and rechain_after:
        rechain(store, hub, day, last)
    return written


def rechain(
    store: Store, hub: Hub, day: date, last: Mapping[str, DeskDayRollup], chunk_days: int = 14
) -> int:
    """Continue each desk's idle run from ``last`` (its row of the day before ``day``) into
    the stored rows from ``day`` on, rewriting those whose run changed, until every desk's
    stored run agrees (from there on it was chained from the same row). Returns the rows
    rewritten. After a recompute of today this reads one empty day."""
    pending = dict(last)
    rewritten = 0
    while pending:
        lo, hi = range_ns(hub, day, day + timedelta(days=chunk_days))
        rows = store.desk_day_rollups(hub.id, lo, hi, desks=sorted(pending))
        if not rows:
            break
        changed: list[DeskDayRollup] = []
        settled: set[str] = set()
        for r in rows:  # by day, then desk
            if r.desk in settled or r.desk not in pending:
                continue
            new = chain_idle(pending[r.desk], r, is_open(hub, r.day))
            if new is r:
                settled.add(r.desk)
                continue
            changed.append(new)
            pending[r.desk] = new
        seen = {r.desk for r in rows}
        for desk in settled | (pending.keys() - seen):
            # (a desk without a row in the chunk: its later rows start runs afresh)
            del pending[desk]
        if changed:
            store.rewrite_desk_days(hub.id, changed)
            rewritten += len(changed)
        day += timedelta(days=chunk_days)
    return rewritten


def contiguous(days: Iterable[date]) -> list[tuple[date, date]]:
    """Sorted days as ``(first, end)`` ranges of consecutive days (end exclusive)."""
    out: list[tuple[date, date]] = []
    for d in sorted(set(days)):
        if out and out[-1][1] == d:
            out[-1] = (out[-1][0], d + timedelta(days=1))
        else:
            out.append((d, d + timedelta(days=1)))
    return out


def complete_at(hub: Hub, day: date, params: CleanParams) -> int:
    """When a day's data is complete: no event after it can change the day's rollups."""
    return day_bounds(hub, day)[1] + params.offline_after_ns + params.context_ns


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
        self._final: dict[str, dict[date, int]] = {}  # hub → day → when its data is complete
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
        """Marked days not yet computed (days computed before their data was complete are
        not listed: ``finalising``)."""
        with self._lock:
            return {h: sorted(d) for h, d in self._dirty.items() if d}

    def finalising(self) -> dict[str, list[date]]:
        """Days computed before their data was complete, to be computed again once it is."""
        with self._lock:
            return {h: sorted(d) for h, d in self._final.items() if d}

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
            # days computed before their data was complete, once it is: computed again, so
            # that no reader finds them stale and recomputes them on its way
            for hub_id, finals in self._final.items():
                ready = {d for d, at in finals.items() if at <= now}
                if ready:
                    work.setdefault(hub_id, set()).update(ready)
                    for d in ready:
                        del finals[d]
        written = 0
        error: Exception | None = None
        self.last_hubs = 0
        for hub_id, days in sorted(work.items()):
            hub = self.registry.hubs[hub_id]
            today = datetime.fromtimestamp(now // NS, hub.tz).date()
            due = {d for d in days if d <= today}
            later = days - due
            done: set[date] = set()
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
                            now_ns=now, chunk_days=self.chunk_days, rechain_after=upto == end,
                        )  # fmt: skip
                        done |= {d for d in due if first <= d < upto}
                        first = upto
                self.last_hubs += 1 if done == due else 0
            except Exception as exc:  # noqa: BLE001 - kept marked, re-raised below
                log.warning("rollups of %s not recomputed: %s", hub_id, exc, exc_info=True)
                error = error or exc
            later |= due - done  # failed, or not reached before a stop
            with self._lock:
                if later:
                    self._dirty.setdefault(hub_id, set()).update(later)
                finals = self._final.setdefault(hub_id, {})
                for d in done:
                    at = complete_at(hub, d, self.params)
                    if now < at:
                        finals[d] = at
        self.flushes += 1
        self.desk_days_written += written
        if error is not None:
            raise error
        return written


# --- reading --------------------------------------------------------------------------------


@dataclass
class HubRollups:
    """What an analysis of one hub over local days ``first`` ≤ day < ``end`` needs.

    ``desk_totals``: each desk's rows over the range summed (before the "unchanged" rule).
    ``group_days``: the group-days of the range (the hub's only, until ``zones`` loads
    the zones'). ``flagged``: the desk-days the rule and the stuck-sensor list look at:
    rows of idle runs that reached the threshold, within ``[first, window[1])``, and rows
    with stuck time. ``window``: the days the rule sees (``analytics.margin``)."""

    hub: Hub
    first: date
    end: date
    window: tuple[date, date]
    desk_totals: dict[str, DeskTotals]
    group_days: list[GroupDayRollup]
    flagged: list[DeskDayRollup]
    zones: Callable[[], list[GroupDayRollup]] | None = None
    # only when asked for and some group-day lacks its hourly profile (older rows)
    slots: list[SlotRollup] | None = None
    recomputed_days: int = 0  # days computed on read (ensure=True)

    @classmethod
    def from_rows(
        cls,
        hub: Hub,
        first: date,
        end: date,
        desk_rows: Iterable[DeskDayRollup],
        group_rows: Iterable[GroupDayRollup],
        slots: list[SlotRollup] | None = None,
        *,
        window: tuple[date, date] | None = None,
        min_idle_open_days: int,
        min_use_ns: int,
    ) -> HubRollups:
        """From every desk-day of ``window`` (default: the range) in memory, e.g. rows
        computed from a simulator's ground truth, or rows stored before version 3. Idle
        runs are chained afresh over the window; rows without a daily-use verdict get one
        (``min_use_ns``); group-days without totals get their desks' sums."""
        w_first, w_end = window or (first, end)
        chained: list[DeskDayRollup] = []
        last: dict[str, DeskDayRollup] = {}
        for r in sorted(desk_rows, key=lambda r: (r.day, r.desk)):
            if not w_first <= r.day < w_end:
                continue
            if r.use is None and r.open_ns > 0:
                r = replace(r, use=use_of(r, min_use_ns))
            r = chain_idle(last.get(r.desk), replace(r, idle_since=None, idle_open_days=0),
                           is_open(hub, r.day))
            last[r.desk] = r
            chained.append(r)
        inside = [r for r in chained if first <= r.day < end]
        totals: dict[str, DeskTotals] = {}
        for r in inside:
            totals[r.desk] = totals.get(r.desk, DeskTotals()) + DeskTotals.of(r)
        zone_of = {d.id: d.zone for d in hub.desks}
        groups: list[GroupDayRollup] = []
        for g in group_rows:
            if not first <= g.day < end:
                continue
            if g.totals.days == 0:
                members = [
                    r for r in inside
                    if r.day == g.day and (g.group == HUB_GROUP or zone_of.get(r.desk) == g.group)
                ]
                g = replace(g, totals=DeskTotals.total(DeskTotals.of(r) for r in members))
            groups.append(g)
        return cls(
            hub,
            first,
            end,
            (w_first, w_end),
            totals,
            groups,
            flagged_rows(chained, first, end, w_end, min_idle_open_days),
            slots=slots,
        )


def flagged_rows(
    rows: Iterable[DeskDayRollup], first: date, end: date, w_end: date, min_idle_open_days: int
) -> list[DeskDayRollup]:
    """The rows of ``HubRollups.flagged`` among chained ``rows``: of idle runs that reach
    ``min_idle_open_days`` (0: none), within ``[first, w_end)``; with stuck time, within
    ``[first, end)``."""
    rows = list(rows)
    runs = (
        {(r.desk, r.idle_since) for r in rows if r.idle_open_days >= min_idle_open_days}
        if min_idle_open_days > 0
        else set()
    )
    return [
        r
        for r in rows
        if (first <= r.day < w_end and r.idle_since is not None and (r.desk, r.idle_since) in runs)
        or (first <= r.day < end and r.day_stuck_ns > 0)
    ]


def stale_days(
    hub: Hub,
    marks: Iterable[GroupDayRollup],
    first: date,
    end: date,
    params: CleanParams,
    now_ns: int,
    refresh_ns: int,
) -> list[date]:
    """Days in ``[first, end)`` that have started by ``now_ns`` and whose rollups are
    missing, made with other thresholds, another opening window or another set of desks,
    or made before their data could be complete and longer than ``refresh_ns`` ago. The
    hub's group-day (``marks``, one per computed day, closed days included) tells: it is
    written last, with the day's desk-days."""
    by_day = {m.day: m for m in marks if m.group == HUB_GROUP}
    fingerprint = params.fingerprint()
    key = desks_key(d.id for d in hub.desks)
    out: list[date] = []
    day = first
    while day < end:
        if day_bounds(hub, day)[0] >= now_ns:
            break
        window = opening_window(hub, day)
        open_ns = 0 if window is None else window[1] - window[0]
        final_at = complete_at(hub, day, params)
        found = by_day.get(day)
        if (
            found is None
            or found.params != fingerprint
            or found.desks_key != key
            or found.open_ns != open_ns
            or (found.computed_ns < final_at and found.computed_ns < now_ns - refresh_ns)
        ):
            out.append(day)
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
    min_idle_open_days: int = 0,
) -> HubRollups:
    """What an analysis of one hub for ``[first, end)`` needs (``HubRollups``; see the
    module doc for ``ensure``). ``desk_margin`` widens the days the "unchanged" rule sees
    to ``[margin[0], margin[1])``.

    Reads in proportion to days, not desks × days: the hub's group-days of the window, each
    desk's sums over the range (the store adds them up) and the few desk-days of idle runs
    at the threshold or of stuck sensors. Only if some day of the window has rows of an
    earlier version that are not recomputed (their raw events are past retention, or
    ``ensure`` is off) does it read every desk-day of the window and work in memory
    (``HubRollups.from_rows``), with the same results."""
    hub = registry.hubs[hub_id]
    lo, hi = range_ns(hub, first, end)
    w_first, w_end = desk_margin or (first, end)
    w_first, w_end = min(w_first, first), max(w_end, end)
    # Days that have not begun have no rollups (``stale_days`` computes none): the margin
    # past the period is read up to today only, not asked of the store for nothing.
    tomorrow = local_dates(hub, now_ns, now_ns + 1)[0] + timedelta(days=1)
    read_end = max(end, min(w_end, tomorrow))
    w_lo, w_hi = range_ns(hub, w_first, read_end)
    marks = store.group_day_rollups(hub_id, w_lo, w_hi, group=HUB_GROUP)
    recomputed = 0
    if ensure:
        todo = stale_days(hub, marks, w_first, w_end, params, now_ns, refresh_ns)
        for a, b in contiguous(todo):
            recompute(store, registry, hub_id, a, b, params, now_ns=now_ns)
            recomputed += (b - a).days
        if todo:
            marks = store.group_day_rollups(hub_id, w_lo, w_hi, group=HUB_GROUP)
    if _needs_rows(marks, params):
        out = HubRollups.from_rows(
            hub,
            first,
            end,
            store.desk_day_rollups(hub_id, w_lo, w_hi),
            store.group_day_rollups(hub_id, lo, hi),
            window=(w_first, w_end),
            min_idle_open_days=min_idle_open_days,
            min_use_ns=params.min_use_ns,
        )
    else:
        out = HubRollups(
            hub,
            first,
            end,
            (w_first, w_end),
            store.desk_day_totals(hub_id, lo, hi),
            [m for m in marks if first <= m.day < end],
            _flagged(store, hub, first, end, read_end, min_idle_open_days),
            zones=lambda: [
                g for g in store.group_day_rollups(hub_id, lo, hi) if g.group != HUB_GROUP
            ],
        )
    if slots and any(g.open_ns and not g.hour_open_ns for g in out.group_days):
        # rows stored before group-days carried their hourly profile (and past raw
        # retention, so never recomputed): the profile needs the 15-minute slots
        out.slots = store.slot_rollups(hub_id, lo, hi, slot_group)
    out.recomputed_days = recomputed
    return out


def _needs_rows(marks: Iterable[GroupDayRollup], params: CleanParams) -> bool:
    """Whether some day's hub mark is of an earlier version (its desk-days lack the sums'
    fields and the idle runs). A day without a mark has no rows of this version either:
    never computed (or a closed day stored before version 3, in a window whose open days
    then show the older version)."""
    prefix = _version_prefix(params)
    return any(not (m.totals.days and m.params.startswith(prefix)) for m in marks)


def _version_prefix(params: CleanParams) -> str:
    return params.fingerprint().split(":", 1)[0] + ":"


def _flagged(
    store: Store, hub: Hub, first: date, end: date, w_end: date, min_idle_open_days: int
) -> list[DeskDayRollup]:
    """``HubRollups.flagged`` from the store: rows at the threshold (or stuck), then, for
    each run that reached it within the range, its earlier days within the range."""
    lo = range_ns(hub, first, first)[0]
    rows = store.flagged_desk_days(hub.id, lo, range_ns(hub, first, w_end)[1], min_idle_open_days)
    rows = [r for r in rows if r.idle_open_days or r.day < end]
    reached: dict[tuple[str, date], date] = {}
    for r in rows:
        if r.idle_since is not None and r.idle_open_days >= max(1, min_idle_open_days):
            key = (r.desk, r.idle_since)
            reached[key] = min(reached.get(key, r.day), r.day)
    # their earlier days: one read for every run (a query per run is a round trip and,
    # on InfluxDB, a pass over the shards each), kept to each run's own days
    windows: list[tuple[str, int, int]] = []
    for (desk, since), at in sorted(reached.items()):
        start, stop = max(since, first), min(at, end)
        if start < stop:
            windows.append((desk, *range_ns(hub, start, stop)))
    extra = [
        r
        for r in store.desk_day_windows(hub.id, windows)
        if r.idle_since is not None and (r.desk, r.idle_since) in reached
    ] if windows else []
    return rows + extra


def open_days(hub: Hub, first: date, end: date) -> list[date]:
    """The hub's open days ``first`` ≤ day < ``end``."""
    days = (first + timedelta(days=i) for i in range((end - first).days))
    return [d for d in days if is_open(hub, d)]
