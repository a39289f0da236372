"""The stored form of desk-day and group-day rollups, for every backend: one list of
fields, one way to flatten a row and one way to read it back.

A stored row is its keys (hub; desk or group; the day's local midnight, ``day_start_ns``)
plus the named fields below, each an integer or a text. SQLite makes them columns, InfluxDB
fields (keys as tags and time). Stores sum the summable desk-day fields over a range
themselves (``DESK_DAY_SUMS``), so that a year of a region is read as one row per desk.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Literal

from hubsense.metrics import (
    DailyUse,
    DeskDayRollup,
    DeskTime,
    DeskTotals,
    GroupDayRollup,
    Use,
    hours_from_text,
    hours_text,
)

FieldType = Literal["int", "text"]

DESK_DAY_FIELDS: tuple[tuple[str, FieldType], ...] = (
    ("day", "text"),
    ("open_ns", "int"),
    ("occupied_ns", "int"),
    ("free_ns", "int"),
    ("offline_ns", "int"),
    ("stuck_ns", "int"),
    ("reported_ns", "int"),
    ("day_occupied_ns", "int"),
    ("day_stuck_ns", "int"),
    ("changes", "int"),
    ("flickers", "int"),
    ("params", "text"),
    ("computed_ns", "int"),
    ("used", "int"),  # 1 if the verdict is "used", else 0 (so stores can sum it)
    ("unused", "int"),
    ("undecided", "int"),
    ("idle_since", "text"),  # ISO date, "" when not idle
    ("idle_open_days", "int"),
    ("sums", "text"),  # the DESK_DAY_SUMS values, comma-separated (``sums_text``)
)
"""Added in version 3 (absent from older rows): used … sums."""

DESK_DAY_SUMS: tuple[str, ...] = (
    "open_ns",
    "occupied_ns",
    "free_ns",
    "offline_ns",
    "stuck_ns",
    "used",
    "unused",
    "undecided",
    "flickers",
)
"""Summed per desk over a range: ``DeskTotals`` (plus the number of rows). They are also
stored together in one text field, ``sums``: InfluxDB 1.x reads a field of a series as a
cursor of its own, so one field instead of nine makes a year of a hub's desks several times
cheaper to read (and its ``SUM`` is slower still than reading the rows)."""

GROUP_DAY_FIELDS: tuple[tuple[str, FieldType], ...] = (
    ("day", "text"),
    ("open_ns", "int"),
    ("desks", "int"),
    ("peak", "int"),
    ("peak_at_ns", "int"),
    ("hour_open", "text"),
    ("hour_occupied", "text"),
    ("t_open_ns", "int"),
    ("t_occupied_ns", "int"),
    ("t_free_ns", "int"),
    ("t_offline_ns", "int"),
    ("t_stuck_ns", "int"),
    ("t_used", "int"),
    ("t_unused", "int"),
    ("t_undecided", "int"),
    ("t_flickers", "int"),
    ("t_days", "int"),
    ("params", "text"),
    ("desks_key", "text"),
    ("computed_ns", "int"),
    ("full_ns", "text"),  # the integer, "" when not known (a row from before version 4)
)
"""``full_ns`` is text so that a row stored before it existed reads as "not known" in
both stores (SQLite's added column defaults to "", InfluxDB has no such field), never as
0 minutes at full."""


def _verdict(used: int, unused: int, undecided: int) -> Use | None:
    if used:
        return "used"
    if unused:
        return "unused"
    if undecided:
        return "undecided"
    return None


def desk_day_values(r: DeskDayRollup) -> dict[str, int | str]:
    """The stored fields of a desk-day (keys not included)."""
    return {
        "day": r.day.isoformat(),
        "open_ns": r.open_ns,
        "occupied_ns": r.occupied_ns,
        "free_ns": r.free_ns,
        "offline_ns": r.offline_ns,
        "stuck_ns": r.stuck_ns,
        "reported_ns": r.reported_ns,
        "day_occupied_ns": r.day_occupied_ns,
        "day_stuck_ns": r.day_stuck_ns,
        "changes": r.changes,
        "flickers": r.flickers,
        "params": r.params,
        "computed_ns": r.computed_ns,
        "used": int(r.use == "used"),
        "unused": int(r.use == "unused"),
        "undecided": int(r.use == "undecided"),
        "idle_since": r.idle_since.isoformat() if r.idle_since else "",
        "idle_open_days": r.idle_open_days,
        "sums": sums_text(DeskTotals.of(r)),
    }


def sums_text(t: DeskTotals) -> str:
    """The ``DESK_DAY_SUMS`` of ``t`` as stored in a row's ``sums`` field."""
    time, use = t.time, t.use
    return (
        f"{time.open_ns},{time.occupied_ns},{time.free_ns},{time.offline_ns},{time.stuck_ns},"
        f"{int(use.used)},{int(use.unused)},{int(use.undecided)},{t.flickers}"
    )


def add_sums(acc: list[int], text: str) -> None:
    """Add a row's ``sums`` field to ``acc`` (the nine sums and the rows, as
    ``totals_of`` reads them): plain integers, as a year of a region is 180,000 rows."""
    for i, v in enumerate(text.split(",")):
        acc[i] += int(v)
    acc[9] += 1


def totals_of(acc: list[int]) -> DeskTotals:
    o, oc, f, off, st, u, n, x, fl, rows = acc
    return DeskTotals(DeskTime(o, oc, f, off, st), DailyUse(u, n, x), fl, rows)


def _int(v: object) -> int:
    return int(v) if v is not None else 0  # type: ignore[call-overload]


def desk_day_from(hub: str, desk: str, day_start_ns: int, v: Mapping[str, object]) -> DeskDayRollup:
    """A stored desk-day read back (fields missing from older rows read as 0 / none)."""
    since = v.get("idle_since")
    return DeskDayRollup(
        hub=hub,
        desk=desk,
        day=date.fromisoformat(str(v["day"])),
        day_start_ns=int(day_start_ns),
        open_ns=_int(v["open_ns"]),
        occupied_ns=_int(v["occupied_ns"]),
        free_ns=_int(v["free_ns"]),
        offline_ns=_int(v["offline_ns"]),
        stuck_ns=_int(v["stuck_ns"]),
        reported_ns=_int(v["reported_ns"]),
        day_occupied_ns=_int(v["day_occupied_ns"]),
        day_stuck_ns=_int(v["day_stuck_ns"]),
        changes=_int(v["changes"]),
        flickers=_int(v["flickers"]),
        params=str(v["params"]),
        computed_ns=_int(v["computed_ns"]),
        use=_verdict(_int(v.get("used")), _int(v.get("unused")), _int(v.get("undecided"))),
        idle_since=date.fromisoformat(str(since)) if since else None,
        idle_open_days=_int(v.get("idle_open_days")),
    )


def totals_from(v: Mapping[str, object], days: int) -> DeskTotals:
    """``DeskTotals`` from the sums of ``DESK_DAY_SUMS`` (missing sums read as 0)."""
    return DeskTotals(
        DeskTime(
            _int(v.get("open_ns")),
            _int(v.get("occupied_ns")),
            _int(v.get("free_ns")),
            _int(v.get("offline_ns")),
            _int(v.get("stuck_ns")),
        ),
        DailyUse(_int(v.get("used")), _int(v.get("unused")), _int(v.get("undecided"))),
        _int(v.get("flickers")),
        int(days),
    )


def group_day_values(r: GroupDayRollup) -> dict[str, int | str]:
    t = r.totals
    return {
        "day": r.day.isoformat(),
        "open_ns": r.open_ns,
        "desks": r.desks,
        "peak": r.peak,
        "peak_at_ns": r.peak_at_ns,
        "hour_open": hours_text(r.hour_open_ns),
        "hour_occupied": hours_text(r.hour_occupied_ns),
        "t_open_ns": t.time.open_ns,
        "t_occupied_ns": t.time.occupied_ns,
        "t_free_ns": t.time.free_ns,
        "t_offline_ns": t.time.offline_ns,
        "t_stuck_ns": t.time.stuck_ns,
        "t_used": t.use.used,
        "t_unused": t.use.unused,
        "t_undecided": t.use.undecided,
        "t_flickers": t.flickers,
        "t_days": t.days,
        "params": r.params,
        "desks_key": r.desks_key,
        "computed_ns": r.computed_ns,
        "full_ns": "" if r.full_ns is None else str(r.full_ns),
    }


def group_day_from(
    hub: str, group: str, day_start_ns: int, v: Mapping[str, object]
) -> GroupDayRollup:
    """A stored group-day read back (rows stored before version 3 have no totals:
    ``totals.days`` 0, and no params)."""
    return GroupDayRollup(
        hub=hub,
        group=group,
        day=date.fromisoformat(str(v["day"])),
        day_start_ns=int(day_start_ns),
        open_ns=_int(v["open_ns"]),
        desks=_int(v["desks"]),
        peak=_int(v["peak"]),
        peak_at_ns=_int(v["peak_at_ns"]),
        hour_open_ns=hours_from_text(v.get("hour_open")),  # type: ignore[arg-type]
        hour_occupied_ns=hours_from_text(v.get("hour_occupied")),  # type: ignore[arg-type]
        totals=DeskTotals(
            DeskTime(
                _int(v.get("t_open_ns")),
                _int(v.get("t_occupied_ns")),
                _int(v.get("t_free_ns")),
                _int(v.get("t_offline_ns")),
                _int(v.get("t_stuck_ns")),
            ),
            DailyUse(_int(v.get("t_used")), _int(v.get("t_unused")), _int(v.get("t_undecided"))),
            _int(v.get("t_flickers")),
            _int(v.get("t_days")),
        ),
        params=str(v.get("params") or ""),
        desks_key=str(v.get("desks_key") or ""),
        computed_ns=_int(v.get("computed_ns")),
        full_ns=_optional_int(v.get("full_ns")),
    )


def _optional_int(v: object) -> int | None:
    """A stored optional integer: "" or missing is None, so is anything not a number."""
    try:
        return int(str(v)) if v not in (None, "") else None
    except ValueError:
        return None
