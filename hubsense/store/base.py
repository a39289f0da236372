"""The storage interface every backend implements, and the errors it may raise.

Contract (tests/store/test_contract.py runs it against every backend):
- ``write`` is all-or-nothing and durable when it returns: the caller acknowledges the
  MQTT messages behind a batch only after ``write`` returned.
- Writes are idempotent: a presence event is identified by (hub, desk, time_ns); writing it
  again replaces it, so a redelivered message never counts twice.
- Reads return plain ``PresenceEvent``/``Rejection`` records, oldest first.
- Rollups (``hubsense.rollups``; records from ``hubsense.metrics``) are derived data kept per
  hub: ``write_rollups`` replaces every rollup of a hub within a time range, so recomputing
  a range twice, or a part of it, leaves exactly one row per key. Both backends return them
  equal field for field.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

from hubsense.events import PresenceEvent, Rejection
from hubsense.metrics import DeskDayRollup, DeskTotals, GroupDayRollup, SlotRollup


class StoreError(Exception):
    """Base class of every storage failure."""


class StoreUnavailable(StoreError):
    """Transient: the store could not be reached or asked us to slow down. Retry later."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class StoreRejected(StoreError):
    """Permanent: the store refused this data (e.g. HTTP 400/422). Retrying will not help."""


class BatchTooLarge(StoreError):
    """The store refused the batch for its size (HTTP 413): split it and write the halves."""


class Store(Protocol):
    name: str

    def open(self) -> None:
        """Connect and create the database/bucket/tables if missing."""

    def close(self) -> None: ...

    def ping(self) -> None:
        """Return if the store answers; raise StoreUnavailable otherwise."""

    def write(self, events: Sequence[PresenceEvent], rejections: Sequence[Rejection]) -> None:
        """Durably store a batch (idempotent, all or nothing)."""

    def latest(self, hub: str, since_ns: int) -> dict[str, PresenceEvent]:
        """The newest event per desk of ``hub`` at or after ``since_ns``, keyed by desk id."""

    def timeline(self, hub: str, desk: str, start_ns: int, end_ns: int) -> list[PresenceEvent]:
        """Events of one desk in [start_ns, end_ns), preceded by the last event before
        ``start_ns`` if there is one (it gives the state at the start of the window)."""

    def hub_timelines(
        self, hub: str, desks: Sequence[str], start_ns: int, end_ns: int
    ) -> dict[str, list[PresenceEvent]]:
        """``timeline`` of each of ``desks`` of ``hub``, keyed by desk id (every one of them,
        an empty list where nothing is stored). One query per hub, not one per desk: the
        rollups of a hub's days are recomputed from it."""

    def each_timeline(
        self, hub: str, desks: Sequence[str], start_ns: int, end_ns: int
    ) -> Iterator[tuple[str, Iterable[PresenceEvent]]]:
        """``hub_timelines`` one desk at a time (each of ``desks`` exactly once, in no set
        order; each desk's events in time order), read as one query but streamed: a desk's
        events may arrive as they are read, so they are to be taken before the next desk
        is asked for (as with ``itertools.groupby``). A reader then holds neither the hub's
        events nor a desk's, so a rollup pass's memory does not grow with a hub's day."""

    def count_events(self, hub: str | None = None) -> int:
        """Number of distinct stored presence events (all hubs, or one)."""

    def delete_before(self, presence_ns: int | None, rejected_ns: int | None) -> None:
        """Retention: delete presence events before ``presence_ns`` and rejection records
        before ``rejected_ns`` (None: keep). Rollups are not touched."""

    def rejections(self, limit: int = 100) -> list[Rejection]:
        """The most recent rejected messages, newest first."""

    def rejection_counts(self) -> dict[str, int]:
        """Stored rejections per reason."""

    def write_rollups(
        self,
        hub: str,
        start_ns: int,
        end_ns: int,
        desk_days: Sequence[DeskDayRollup],
        group_days: Sequence[GroupDayRollup],
        slots: Sequence[SlotRollup],
    ) -> None:
        """Replace every rollup of ``hub`` dated within [start_ns, end_ns) (a day row by its
        ``day_start_ns``, a slot by its ``start_ns``) with these rows. A row of another hub
        or outside the range is a ValueError."""

    def desk_day_rollups(
        self, hub: str, start_ns: int, end_ns: int, desks: Sequence[str] | None = None
    ) -> list[DeskDayRollup]:
        """Desk-day rollups of ``hub`` (of ``desks`` only, if given) with ``day_start_ns`` in
        the range, by day then desk."""

    def desk_day_totals(self, hub: str, start_ns: int, end_ns: int) -> dict[str, DeskTotals]:
        """Each desk's desk-day rows with ``day_start_ns`` in the range, summed (desks
        without a row left out): one row per desk, however long the range."""

    def flagged_desk_days(
        self, hub: str, start_ns: int, end_ns: int, min_idle_open_days: int
    ) -> list[DeskDayRollup]:
        """Desk-days of ``hub`` in the range with stuck time (``day_stuck_ns`` > 0) or, if
        ``min_idle_open_days`` > 0, an idle run of at least that many open days; by day
        then desk."""

    def desk_day_windows(
        self, hub: str, windows: Sequence[tuple[str, int, int]]
    ) -> list[DeskDayRollup]:
        """Desk-days of ``hub`` within each window, a desk and a range of ``day_start_ns``
        (e.g. the days of an idle run), in one read; by day then desk."""

    def rewrite_desk_days(self, hub: str, rows: Sequence[DeskDayRollup]) -> None:
        """Store these desk-days of ``hub`` in place of the rows with the same desk and day
        (nothing else changes): idle runs chained forward after a recompute."""

    def group_day_rollups(
        self, hub: str, start_ns: int, end_ns: int, group: str | None = None
    ) -> list[GroupDayRollup]:
        """Group-day rollups of ``hub`` (one group, or all) with ``day_start_ns`` in the
        range, by day then group."""

    def slot_rollups(
        self, hub: str, start_ns: int, end_ns: int, group: str | None = None
    ) -> list[SlotRollup]:
        """Slot rollups of ``hub`` (one group, or all) starting in the range, by start then
        group."""


def check_rollups(
    hub: str,
    start_ns: int,
    end_ns: int,
    desk_days: Sequence[DeskDayRollup],
    group_days: Sequence[GroupDayRollup],
    slots: Sequence[SlotRollup],
) -> None:
    """Raise ValueError unless every row belongs to ``hub`` and lies in the range."""
    rows: list[tuple[str, int]] = [(r.hub, r.day_start_ns) for r in desk_days]
    rows += [(r.hub, r.day_start_ns) for r in group_days]
    rows += [(r.hub, r.start_ns) for r in slots]
    for row_hub, t in rows:
        if row_hub != hub:
            raise ValueError(f"rollup of hub {row_hub!r} written as hub {hub!r}")
        if not start_ns <= t < end_ns:
            raise ValueError(f"rollup at {t} outside [{start_ns}, {end_ns})")
