"""Hand-computed utilisation scenarios, each run on both stores (SQLite and a real influxd):
events → store → rollups → metrics, with exact expected numbers (integer nanoseconds).

Hubs (tests/analytics/support.py): ``dag`` open 07:00–18:00 every day (desks a01, a02 in
zone a, b01 in zone b), ``dygn`` open 00:00–24:00 every day (a01, a02), ``kontor`` open
08:00–18:00 Monday to Friday, closed 2026-11-11 (a01, a02, b01).
"""

from __future__ import annotations

from datetime import date

import pytest

from hubsense import analytics
from hubsense.analytics import Analysis
from hubsense.metrics import HUB_GROUP, DailyUse, DeskTime, SlotRollup, StuckRun
from hubsense.rollups import range_ns
from hubsense.store.base import Store
from tests.analytics.support import MIN, REGISTRY, H, S, all_desks, at, event, sensor, settings

NOW = at(2026, 11, 25, 12)


def analyse(store: Store, kind: str, ident: str | None, first: date, end: date,
            **overrides: object) -> Analysis:
    return analytics.analyse(
        store, REGISTRY, analytics.resolve(REGISTRY, kind, ident), first, end,
        settings(**overrides), now_ns=NOW, slots=True,
    )


def stored_slots(store: Store, a: Analysis, hub_id: str) -> list[SlotRollup]:
    """The 15-minute slot rows of the analysed days (the profile reads group-days)."""
    lo, hi = range_ns(REGISTRY.hubs[hub_id], a.first, a.end)
    return store.slot_rollups(hub_id, lo, hi)


def desk_time(a: Analysis, kind: str, ident: str | None) -> DeskTime:
    return a.summary(analytics.resolve(REGISTRY, kind, ident)).time


def test_session_crossing_opening_hours(store: Store) -> None:
    # Wednesday 18 Nov, open 07:00-18:00: a01 sits 06:00-08:30 and 17:00-19:00.
    day = date(2026, 11, 18)
    store.write(all_desks("dag", at(2026, 11, 18), at(2026, 11, 19), {"a01": [
        (at(2026, 11, 18, 6), at(2026, 11, 18, 8, 30)),
        (at(2026, 11, 18, 17), at(2026, 11, 18, 19)),
    ]}), [])
    a = analyse(store, "hub", "dag", day, date(2026, 11, 19))
    assert desk_time(a, "desk", "dag/a01") == DeskTime(
        open_ns=11 * H, occupied_ns=150 * MIN, free_ns=510 * MIN, offline_ns=0, stuck_ns=0
    )
    hub = a.summary(analytics.resolve(REGISTRY, "hub", "dag"))
    assert hub.time == DeskTime(33 * H, 150 * MIN, 33 * H - 150 * MIN, 0, 0)
    assert hub.time.utilisation == pytest.approx(2.5 / 33, abs=0)
    assert hub.use == DailyUse(used=1, unused=2, undecided=0)
    (row,) = a.day_rows("dag")
    assert (row.peak, row.peak_at_ns) == (1, at(2026, 11, 18, 7))  # occupied when it opens
    # whole-day numbers: 2.5 h + 2 h occupied, four switches
    lo, hi = range_ns(REGISTRY.hubs["dag"], day, date(2026, 11, 19))
    (r,) = store.desk_day_rollups("dag", lo, hi, desks=["a01"])
    assert (r.day_occupied_ns, r.changes, r.reported_ns) == (270 * MIN, 4, 24 * H)


def test_two_hours_of_ten_is_twenty_percent_and_bands_are_exact(store: Store) -> None:
    day = date(2026, 11, 16)  # Monday, kontor open 08:00-18:00
    store.write(all_desks("kontor", at(2026, 11, 16), at(2026, 11, 17), {
        "a01": [(at(2026, 11, 16, 10), at(2026, 11, 16, 12))],
        "a02": [(at(2026, 11, 16, 8), at(2026, 11, 16, 14))],
    }), [])
    a = analyse(store, "hub", "kontor", day, date(2026, 11, 17))
    by_desk = {s.scope.item: s for s in a.desk_summaries(analytics.resolve(REGISTRY, "hub",
                                                                           "kontor"))}
    assert by_desk["a01"].time.utilisation == 0.2 and by_desk["a01"].band == "medium"
    assert by_desk["a02"].time.utilisation == 0.6 and by_desk["a02"].band == "high"
    assert by_desk["b01"].time.utilisation == 0.0 and by_desk["b01"].band == "low"
    assert a.bands(analytics.resolve(REGISTRY, "hub", "kontor")) == {
        "desks": {"low": 1, "medium": 1, "high": 0 + 1, "no_data": 0},
        "hubs": {"low": 0, "medium": 1, "high": 0, "no_data": 0},  # 8 h of 30 h
    }


def test_session_crossing_midnight_and_state_from_before_the_range(store: Store) -> None:
    store.write(all_desks("dygn", at(2026, 11, 17), at(2026, 11, 19), {
        "a01": [(at(2026, 11, 17, 22), at(2026, 11, 18, 3))],
    }), [])
    both = analyse(store, "hub", "dygn", date(2026, 11, 17), date(2026, 11, 19))
    assert desk_time(both, "desk", "dygn/a01") == DeskTime(48 * H, 5 * H, 43 * H, 0, 0)
    assert [(r.day, r.peak) for r in both.day_rows("dygn")] == [
        (date(2026, 11, 17), 1), (date(2026, 11, 18), 1)]
    # The second day alone: the desk is occupied at 00:00 because of the 22:00 message.
    second = analyse(store, "hub", "dygn", date(2026, 11, 18), date(2026, 11, 19))
    assert desk_time(second, "desk", "dygn/a01") == DeskTime(24 * H, 3 * H, 21 * H, 0, 0)
    (row,) = second.day_rows("dygn")
    assert (row.peak, row.peak_at_ns) == (1, at(2026, 11, 18, 0))


def test_state_at_opening_comes_from_a_message_before_it(store: Store) -> None:
    # Hourly heartbeats, trusted for two hours: a01's only messages are "occupied" at
    # 07:50 and "free" at 08:40; nothing falls in the 08:00-08:15 slot, yet it is occupied.
    store.write([
        event("kontor", "a01", at(2026, 11, 16, 7, 50), True, seq=1),
        event("kontor", "a01", at(2026, 11, 16, 8, 40), False, seq=2),
        *[event("kontor", "a01", at(2026, 11, 16, h, 40), False, heartbeat=True, seq=h)
          for h in range(9, 19)],
    ], [])
    a = analyse(store, "desk", "kontor/a01", date(2026, 11, 16), date(2026, 11, 17),
                offline_after_s=7200, heartbeat_s=3600)
    assert desk_time(a, "desk", "kontor/a01") == DeskTime(10 * H, 40 * MIN, 560 * MIN, 0, 0)
    slot = next(s for s in stored_slots(store, a, "kontor")
                if s.group == HUB_GROUP and s.start_ns == at(2026, 11, 16, 8))
    assert (slot.open_ns, slot.occupied_ns, slot.peak) == (15 * MIN, 15 * MIN, 1)


@pytest.mark.parametrize(
    ("day", "open_h", "a01_h"),
    [
        (date(2026, 3, 29), 23, 2),  # spring forward: 02:00-03:00 does not exist
        (date(2026, 10, 25), 25, 4),  # fall back: 02:00-03:00 happens twice
        (date(2026, 3, 30), 24, 3),
    ],
)
def test_dst_days_in_stockholm(store: Store, day: date, open_h: int, a01_h: int) -> None:
    y, m, d = day.year, day.month, day.day
    session = (at(y, m, d, 1), at(y, m, d, 4))  # 01:00 to 04:00 local, both hubs
    for hub in ("dygn", "dag"):
        store.write(all_desks(hub, at(y, m, d) - 6 * H, at(y, m, d) + 30 * H,
                              {"a01": [session if hub == "dygn" else
                                       (at(y, m, d, 9), at(y, m, d, 10))]}), [])
    end = date.fromordinal(day.toordinal() + 1)
    a = analyse(store, "hub", "dygn", day, end)
    assert desk_time(a, "desk", "dygn/a01") == DeskTime(
        open_h * H, a01_h * H, (open_h - a01_h) * H, 0, 0)
    hub = a.summary(analytics.resolve(REGISTRY, "hub", "dygn"))
    assert hub.time.open_ns == 2 * open_h * H
    assert hub.time.utilisation == a01_h / (2 * open_h)
    (row,) = a.day_rows("dygn")
    assert row.open_ns == open_h * H and row.peak == 1
    profile = a.profile(analytics.resolve(REGISTRY, "hub", "dygn"))
    weekday = day.weekday()
    assert profile[weekday][1] == 1.0 and profile[weekday][3] == 1.0
    assert profile[weekday][4] == 0.0
    # the doubled hour counts twice, the missing one not at all
    assert profile[weekday][2] == (None if open_h == 23 else 1.0)
    slots = stored_slots(store, a, "dygn")
    assert sum(s.open_ns for s in slots if s.group == HUB_GROUP) == open_h * H
    # a hub open 07:00-18:00 has its usual 11 hours on those days
    day_hub = analyse(store, "hub", "dag", day, end)
    assert desk_time(day_hub, "desk", "dag/a01") == DeskTime(11 * H, 1 * H, 10 * H, 0, 0)


def test_public_holiday_and_closed_date_have_no_open_time(store: Store) -> None:
    # Thursday 18 June open; Friday 19 June 2026 is Midsummer Eve.
    store.write(all_desks("kontor", at(2026, 6, 18), at(2026, 6, 20), {"a01": [
        (at(2026, 6, 18, 10), at(2026, 6, 18, 12)),
        (at(2026, 6, 19, 9), at(2026, 6, 19, 12)),
    ]}), [])
    a = analyse(store, "hub", "kontor", date(2026, 6, 18), date(2026, 6, 20))
    assert desk_time(a, "desk", "kontor/a01") == DeskTime(10 * H, 2 * H, 8 * H, 0, 0)
    s = a.summary(analytics.resolve(REGISTRY, "hub", "kontor"))
    assert (s.open_days, s.time.open_ns, s.time.utilisation) == (1, 30 * H, 2 / 30)
    assert [r.day for r in a.day_rows("kontor")] == [date(2026, 6, 18)]
    assert a.capacity("kontor").open_days == 1
    # the registry's closed date (Wednesday 11 Nov) likewise
    store.write(all_desks("kontor", at(2026, 11, 10), at(2026, 11, 12), {}), [])
    b = analyse(store, "hub", "kontor", date(2026, 11, 10), date(2026, 11, 12))
    assert [r.day for r in b.day_rows("kontor")] == [date(2026, 11, 10)]


def test_sensor_that_goes_silent_is_unknown_not_free(store: Store) -> None:
    # a01: occupied from 09:00, last heartbeat 10:00, then nothing: trusted until 10:15.
    # b01: last heartbeat 06:45 → offline from 07:00, the whole opening window.
    events = sensor("dag", "a01", [(at(2026, 11, 18, 9), at(2026, 11, 18, 23))],
                    at(2026, 11, 18), at(2026, 11, 18, 10) + 1)
    events += sensor("dag", "a02", [], at(2026, 11, 18), at(2026, 11, 19))
    events += sensor("dag", "b01", [], at(2026, 11, 18), at(2026, 11, 18, 6, 45) + 1)
    store.write(events, [])
    a = analyse(store, "hub", "dag", date(2026, 11, 18), date(2026, 11, 19))
    a01 = desk_time(a, "desk", "dag/a01")
    assert a01 == DeskTime(11 * H, 75 * MIN, 2 * H, 465 * MIN, 0)
    assert a01.utilisation == 75 / 195 and a01.coverage == 195 / 660
    b01 = a.summary(analytics.resolve(REGISTRY, "desk", "dag/b01"))
    assert b01.time == DeskTime(11 * H, 0, 0, 11 * H, 0)
    assert b01.time.utilisation is None and b01.band is None
    assert b01.use == DailyUse(undecided=1)
    hub = a.summary(analytics.resolve(REGISTRY, "hub", "dag"))
    assert hub.use == DailyUse(used=1, unused=1, undecided=1) and hub.use.rate == 0.5
    (row,) = a.day_rows("dag")
    assert row.time.coverage == (195 + 660) / 1980 and not row.evidence  # < 80 %
    assert a.capacity("dag").evidence_days == 0


def test_overlapping_sessions_give_a_known_peak(store: Store) -> None:
    d = (2026, 11, 19)
    store.write(all_desks("dag", at(*d), at(*d) + 24 * H, {
        "a01": [(at(*d, 8), at(*d, 12))],
        "a02": [(at(*d, 9), at(*d, 10)), (at(*d, 12), at(*d, 13))],  # 12:00 only touches
        "b01": [(at(*d, 9, 30), at(*d, 11))],
    }), [])
    a = analyse(store, "hub", "dag", date(*d), date(2026, 11, 20))
    (row,) = a.day_rows("dag")
    assert (row.peak, row.peak_at_ns, row.peak_share) == (3, at(*d, 9, 30), 1.0)
    (za,) = a.day_rows("dag", "a")
    (zb,) = a.day_rows("dag", "b")
    assert (za.peak, za.peak_at_ns, zb.peak, zb.peak_at_ns) == (2, at(*d, 9), 1, at(*d, 9, 30))
    slots = {s.start_ns: s for s in stored_slots(store, a, "dag") if s.group == HUB_GROUP}
    assert (slots[at(*d, 9, 15)].occupied_ns, slots[at(*d, 9, 15)].peak) == (2 * 15 * MIN, 2)
    assert (slots[at(*d, 9, 30)].occupied_ns, slots[at(*d, 9, 30)].peak) == (3 * 15 * MIN, 3)
    assert (slots[at(*d, 12)].occupied_ns, slots[at(*d, 12)].peak) == (15 * MIN, 1)
    profile = a.profile(analytics.resolve(REGISTRY, "hub", "dag"))
    assert profile[3][9] == 2.5 and profile[3][12] == 1.0 and profile[3][7] == 0.0
    assert profile[3][6] is None  # closed
    cap = a.capacity("dag", min_days=1)
    assert (cap.peak_at_service_level, cap.recommended_desks, cap.days_at_capacity) == (3, 4, 1)


def test_flickers_are_filtered(store: Store) -> None:
    d = (2026, 11, 20)
    sessions = [
        (at(*d, 10), at(*d, 10, 1)),  # 60 s: flicker
        (at(*d, 11), at(*d, 11, 1, 59)),  # 119 s: flicker
        (at(*d, 12), at(*d, 12, 2)),  # exactly 120 s: kept
        (at(*d, 13), at(*d, 14)),
    ]
    store.write(sensor("dag", "a01", sessions, at(*d), at(*d) + 24 * H), [])
    a = analyse(store, "desk", "dag/a01", date(*d), date(2026, 11, 21))
    s = a.summary(analytics.resolve(REGISTRY, "desk", "dag/a01"))
    assert (s.time.occupied_ns, s.flickers) == (120 * S + H, 2)
    off = analyse(store, "desk", "dag/a01", date(*d), date(2026, 11, 21), flicker_min_s=0)
    s = off.summary(analytics.resolve(REGISTRY, "desk", "dag/a01"))
    assert (s.time.occupied_ns, s.flickers) == (60 * S + 119 * S + 120 * S + H, 0)


def test_desk_occupied_longer_than_twelve_hours_is_stuck(store: Store) -> None:
    store.write(all_desks("dygn", at(2026, 11, 15), at(2026, 11, 19), {
        "a01": [(at(2026, 11, 16, 20), at(2026, 11, 17, 9))],  # 13 h: stuck
        "a02": [(at(2026, 11, 16, 20), at(2026, 11, 17, 8))],  # exactly 12 h: kept
    }), [])
    a = analyse(store, "hub", "dygn", date(2026, 11, 16), date(2026, 11, 18))
    assert desk_time(a, "desk", "dygn/a01") == DeskTime(48 * H, 0, 35 * H, 0, 13 * H)
    assert desk_time(a, "desk", "dygn/a02") == DeskTime(48 * H, 12 * H, 36 * H, 0, 0)
    assert a.suspects_in(analytics.resolve(REGISTRY, "hub", "dygn")) == [
        StuckRun("dygn", "a01", "occupied", date(2026, 11, 16), date(2026, 11, 17), 2, 13 * H)
    ]
    hub = a.summary(analytics.resolve(REGISTRY, "hub", "dygn"))
    assert hub.time.utilisation == 12 / 83 and hub.suspect_desks == 1
    assert [r.peak for r in a.day_rows("dygn")] == [1, 1]  # the stuck desk never counts


def test_desk_never_changing_for_days_is_stuck(store: Store) -> None:
    # Three weeks, Mon 2 Nov to Sun 22 Nov (14 open days: 11 Nov is closed), with the limit
    # at 10 open days (default 20). a01 reports free throughout; a02 is used every open
    # day; b01 only on Friday 13 Nov, so its idle runs have 8 and 5 open days.
    first, end = date(2026, 11, 2), date(2026, 11, 23)
    sessions: dict[str, list[tuple[int, int]]] = {"a02": [], "b01": [
        (at(2026, 11, 13, 9), at(2026, 11, 13, 10))]}
    for i in range(21):
        day = date.fromordinal(first.toordinal() + i)
        y, m, d = day.year, day.month, day.day
        sessions["a02"].append((at(y, m, d, 9), at(y, m, d, 10)))  # weekends too
    store.write(all_desks("kontor", at(2026, 11, 2), at(2026, 11, 22, 12), sessions), [])
    a = analyse(store, "hub", "kontor", first, end, stuck_unchanged_open_days=10)
    run = StuckRun("kontor", "a01", "unchanged", first, date(2026, 11, 22), 14, 140 * H)
    assert a.suspects_in(analytics.resolve(REGISTRY, "hub", "kontor")) == [run]
    assert desk_time(a, "desk", "kontor/a01") == DeskTime(140 * H, 0, 0, 0, 140 * H)
    hub = a.summary(analytics.resolve(REGISTRY, "hub", "kontor"))
    assert hub.time.utilisation == 15 / 280 and hub.suspect_desks == 1
    # a week inside the run still sees the whole run
    week = analyse(store, "hub", "kontor", date(2026, 11, 9), date(2026, 11, 16),
                   stuck_unchanged_open_days=10)
    (wrun,) = week.suspects
    assert (wrun.first_day, wrun.last_day, wrun.open_days, wrun.stuck_ns) == (
        first, date(2026, 11, 22), 14, 40 * H)
    # the default limit (20 open days) is not reached; 15 neither; 0 turns the rule off
    assert analyse(store, "hub", "kontor", first, end).suspects == []
    assert analyse(store, "hub", "kontor", first, end, stuck_unchanged_open_days=15).suspects == []
    off = analyse(store, "hub", "kontor", first, end, stuck_unchanged_open_days=0)
    assert off.suspects == [] and desk_time(off, "desk", "kontor/a01").free_ns == 140 * H


def test_saturation_minutes_at_full_and_days_at_capacity(store: Store) -> None:
    # dag (a01, a02, b01), open 07:00-18:00. Tue 17 Nov: all three taken 10:00-11:30
    # (a01 09-12, a02 10-11:30, b01 08-14), so 90 minutes at full and the peak reaches 3.
    # Wed 18 Nov: b01 is silent from 12:00 on (offline 15 min after its last message) and a01,
    # a02 are taken 13:00-14:00, so the hub is full 13:00-14:00 (every desk whose state is
    # known is occupied) although only 2 desks are taken: 60 minutes, not at capacity.
    d17, d18 = date(2026, 11, 17), date(2026, 11, 18)
    events = all_desks("dag", at(2026, 11, 17), at(2026, 11, 18), {
        "a01": [(at(2026, 11, 17, 9), at(2026, 11, 17, 12))],
        "a02": [(at(2026, 11, 17, 10), at(2026, 11, 17, 11, 30))],
        "b01": [(at(2026, 11, 17, 8), at(2026, 11, 17, 14))],
    })
    events += sensor("dag", "a01", [(at(2026, 11, 18, 13), at(2026, 11, 18, 14))],
                     at(2026, 11, 18), at(2026, 11, 19), seq0=1000)
    events += sensor("dag", "a02", [(at(2026, 11, 18, 13), at(2026, 11, 18, 14))],
                     at(2026, 11, 18), at(2026, 11, 19), seq0=1000)
    events += sensor("dag", "b01", [], at(2026, 11, 18), at(2026, 11, 18, 12), seq0=1000)
    store.write(events, [])
    a = analyse(store, "hub", "dag", d17, date(2026, 11, 19))
    rows = {r.day: r for r in a.day_rows("dag")}
    assert (rows[d17].full_ns, rows[d17].at_capacity, rows[d17].peak) == (90 * MIN, True, 3)
    assert (rows[d18].full_ns, rows[d18].at_capacity, rows[d18].peak) == (60 * MIN, False, 2)
    cap = a.capacity("dag")
    assert (cap.days_at_capacity, cap.full_ns) == (1, 150 * MIN)
    # 18 Nov: less than 6 of b01's 11 open hours unknown, over 80 % coverage: evidence
    assert cap.evidence_days == 2 and cap.days_at_capacity_share == 0.5
    # Berg adds dygn, silent throughout: no evidence day, never full
    b = analyse(store, "municipality", "berg", d17, date(2026, 11, 19))
    berg = b.scope_capacity(analytics.resolve(REGISTRY, "municipality", "berg"))
    assert (berg.days_at_capacity, berg.evidence_hub_days, berg.full_ns) == (1, 2, 150 * MIN)
    assert berg.days_at_capacity_share == 0.5
