"""The Store contract for rollups (write_rollups, rewrite_desk_days and the readers, sums
included), on every backend:
SQLite and a real influxd (one fresh database per test)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

import pytest

from hubsense.metrics import (
    DailyUse,
    DeskDayRollup,
    DeskTime,
    DeskTotals,
    GroupDayRollup,
    SlotRollup,
)
from hubsense.store.base import Store

DAY = 86_400 * 10**9
D0 = 1_793_487_600 * 10**9  # 2026-11-01T00:00:00+01:00 (local midnight)
H = 3600 * 10**9


@pytest.fixture(params=["sqlite", pytest.param("influxdb", marks=pytest.mark.integration)])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    yield request.getfixturevalue("sqlite_store" if request.param == "sqlite" else "influx")


def dd(
    hub: str, desk: str, i: int, *, occupied: int = 2 * H, params: str = "v1:x"
) -> DeskDayRollup:
    return DeskDayRollup(
        hub=hub, desk=desk, day=date(2026, 11, 1 + i), day_start_ns=D0 + i * DAY,
        open_ns=11 * H, occupied_ns=occupied, free_ns=11 * H - occupied - 7, offline_ns=5,
        stuck_ns=2, reported_ns=24 * H - 1, day_occupied_ns=occupied + 1, day_stuck_ns=2,
        changes=4, flickers=1, params=params, computed_ns=1_800_000_000_123_456_789,
    )


def gd(hub: str, group: str, i: int, peak: int = 3) -> GroupDayRollup:
    return GroupDayRollup(hub, group, date(2026, 11, 1 + i), D0 + i * DAY, 11 * H, 12, peak,
                          D0 + i * DAY + 9 * H + 123,
                          tuple(H if 7 <= h < 18 else 0 for h in range(24)),
                          tuple(h * peak * 60 * 10**9 for h in range(24)))


def sl(hub: str, group: str, i: int, k: int, peak: int = 2) -> SlotRollup:
    return SlotRollup(hub, group, D0 + i * DAY + 7 * H + k * 900 * 10**9, 900 * 10**9,
                      1_234_567_890_123, peak)


def write(store: Store, hub: str, first: int, end: int, *rows: list) -> None:
    desk_days, group_days, slots = rows
    store.write_rollups(hub, D0 + first * DAY, D0 + end * DAY, desk_days, group_days, slots)


def read(store: Store, hub: str) -> tuple[list, list, list]:
    lo, hi = D0 - 10 * DAY, D0 + 40 * DAY
    return (store.desk_day_rollups(hub, lo, hi), store.group_day_rollups(hub, lo, hi),
            store.slot_rollups(hub, lo, hi))


def test_empty(store: Store) -> None:
    assert read(store, "svenstavik") == ([], [], [])
    write(store, "svenstavik", 0, 3, [], [], [])
    assert read(store, "svenstavik") == ([], [], [])


def test_write_and_read_back_exactly_in_order(store: Store) -> None:
    desk_days = [dd("svenstavik", d, i) for i in (1, 0) for d in ("b01", "a01")]
    group_days = [gd("svenstavik", g, i) for i in (0, 1) for g in ("b", "*", "a")]
    slots = [sl("svenstavik", g, i, k) for i in (0, 1) for k in (1, 0) for g in ("a", "*")]
    write(store, "svenstavik", 0, 2, desk_days, group_days, slots)
    got = read(store, "svenstavik")
    assert got[0] == sorted(desk_days, key=lambda r: (r.day_start_ns, r.desk))
    assert [r.computed_ns for r in got[0]] == [1_800_000_000_123_456_789] * 4
    assert got[1] == sorted(group_days, key=lambda r: (r.day_start_ns, r.group))
    assert got[2] == sorted(slots, key=lambda r: (r.start_ns, r.group))
    assert store.slot_rollups("svenstavik", D0, D0 + DAY, group="*") == [
        sl("svenstavik", "*", 0, 0), sl("svenstavik", "*", 0, 1)]
    # ranges are half-open on the row's time
    assert store.desk_day_rollups("svenstavik", D0 + DAY, D0 + 2 * DAY) == [
        dd("svenstavik", "a01", 1), dd("svenstavik", "b01", 1)]
    assert store.group_day_rollups("svenstavik", D0, D0 + DAY) == [
        gd("svenstavik", g, 0) for g in ("*", "a", "b")]


def test_write_replaces_the_range_and_only_the_range(store: Store) -> None:
    write(store, "svenstavik", 0, 3,
          [dd("svenstavik", d, i) for i in range(3) for d in ("a01", "a02")],
          [gd("svenstavik", "*", i) for i in range(3)],
          [sl("svenstavik", "*", i, 0) for i in range(3)])
    write(store, "bracke", 0, 3, [dd("bracke", "a01", 1)], [gd("bracke", "*", 1)],
          [sl("bracke", "*", 1, 0)])
    # day 1 again: a02 gone (e.g. removed from the registry), a01 and the group changed
    write(store, "svenstavik", 1, 2, [dd("svenstavik", "a01", 1, occupied=5 * H)],
          [gd("svenstavik", "*", 1, peak=9)], [])
    desk_days, group_days, slots = read(store, "svenstavik")
    assert desk_days == [
        dd("svenstavik", "a01", 0), dd("svenstavik", "a02", 0),
        dd("svenstavik", "a01", 1, occupied=5 * H),
        dd("svenstavik", "a01", 2), dd("svenstavik", "a02", 2),
    ]
    assert [g.peak for g in group_days] == [3, 9, 3]
    assert slots == [sl("svenstavik", "*", 0, 0), sl("svenstavik", "*", 2, 0)]
    assert read(store, "bracke") == (
        [dd("bracke", "a01", 1)], [gd("bracke", "*", 1)], [sl("bracke", "*", 1, 0)])
    # the same rows written again: no duplicates
    write(store, "svenstavik", 0, 1, [dd("svenstavik", "a01", 0), dd("svenstavik", "a02", 0)],
          [gd("svenstavik", "*", 0)], [sl("svenstavik", "*", 0, 0)])
    assert read(store, "svenstavik")[0] == desk_days
    # the same keys with other values (nothing to remove): the new values, once each
    write(store, "svenstavik", 2, 3,
          [dd("svenstavik", "a01", 2, occupied=1 * H), dd("svenstavik", "a02", 2)],
          [gd("svenstavik", "*", 2, peak=7)], [sl("svenstavik", "*", 2, 0)])
    desk_days, group_days, slots = read(store, "svenstavik")
    assert desk_days[3:] == [dd("svenstavik", "a01", 2, occupied=1 * H),
                             dd("svenstavik", "a02", 2)]
    assert [g.peak for g in group_days] == [3, 9, 7]
    assert slots == [sl("svenstavik", "*", 0, 0), sl("svenstavik", "*", 2, 0)]


def test_rows_outside_the_range_or_of_another_hub_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="outside"):
        write(store, "svenstavik", 0, 1, [dd("svenstavik", "a01", 1)], [], [])
    with pytest.raises(ValueError, match="hub"):
        write(store, "svenstavik", 0, 1, [], [gd("bracke", "*", 0)], [])
    assert read(store, "svenstavik") == ([], [], [])


def test_hostile_ids_round_trip(store: Store) -> None:
    odd = "o'neil \\ \"x\", y=1 --"
    row = replace(dd(odd, odd, 0), params="p'\"\\,= x")
    write(store, odd, 0, 1, [row], [gd(odd, odd, 0)], [sl(odd, odd, 0, 0)])
    assert read(store, odd) == ([row], [gd(odd, odd, 0)], [sl(odd, odd, 0, 0)])
    assert store.slot_rollups(odd, D0, D0 + DAY, group=odd) == [sl(odd, odd, 0, 0)]
    for injection in ["x' OR 1=1 --", "' OR ''='", f"{odd}' OR 'a'='a"]:
        assert read(store, injection) == ([], [], [])
        assert store.slot_rollups(odd, D0, D0 + DAY, group=injection) == []
    write(store, odd, 0, 1, [], [], [])  # the delete is quoted too
    assert read(store, odd) == ([], [], [])


def test_version_3_fields_round_trip(store: Store) -> None:
    desk = replace(dd("svenstavik", "a01", 0), use="undecided", idle_since=date(2026, 10, 20),
                   idle_open_days=9)
    closed = replace(dd("svenstavik", "a01", 1), open_ns=0, use=None)
    totals = DeskTotals(DeskTime(11 * H, 2 * H, 9 * H - 7, 5, 2), DailyUse(1, 4, 2), 3, 7)
    group = replace(gd("svenstavik", "*", 0), totals=totals, params="v3:x", desks_key="k",
                    computed_ns=42)
    write(store, "svenstavik", 0, 2, [desk, closed], [group], [])
    desk_days, group_days, _ = read(store, "svenstavik")
    assert desk_days == [desk, closed]
    assert group_days == [group] and group_days[0].computed_ns == 42


def test_time_at_full_round_trips_and_is_unknown_when_not_stored(store: Store) -> None:
    full = replace(gd("svenstavik", "*", 0), full_ns=37 * 60 * 10**9 + 5)
    none = replace(gd("svenstavik", "*", 1), full_ns=None)  # a row from before version 4
    zero = replace(gd("svenstavik", "*", 2), full_ns=0)
    write(store, "svenstavik", 0, 3, [], [full, none, zero], [])
    assert [g.full_ns for g in read(store, "svenstavik")[1]] == [37 * 60 * 10**9 + 5, None, 0]


def test_desk_day_totals_sum_each_desk_over_the_range(store: Store) -> None:
    rows = [replace(dd("svenstavik", d, i, occupied=(i + 1) * H), use=u)
            for i, u in ((0, "used"), (1, "unused"), (2, "undecided")) for d in ("a01", "b01")]
    write(store, "svenstavik", 0, 3, rows, [], [])
    write(store, "fjallhubben", 0, 1, [dd("fjallhubben", "a01", 0)], [], [])
    got = store.desk_day_totals("svenstavik", D0, D0 + 2 * DAY)  # days 0 and 1
    want = DeskTotals.total(DeskTotals.of(r) for r in rows if r.desk == "a01" and r.day.day < 3)
    assert got == {"a01": want, "b01": want}
    assert want.days == 2 and want.use == DailyUse(1, 1, 0) and want.flickers == 2
    assert store.desk_day_totals("svenstavik", D0 + 5 * DAY, D0 + 9 * DAY) == {}


def test_flagged_desk_days_are_idle_runs_at_the_threshold_or_stuck(store: Store) -> None:
    base = replace(dd("svenstavik", "a01", 0), day_stuck_ns=0)
    rows = [
        replace(base, desk="a01", idle_since=date(2026, 11, 1), idle_open_days=20),
        replace(base, desk="b01", idle_since=date(2026, 11, 1), idle_open_days=19),
        replace(base, desk="c01", day_stuck_ns=3),
        replace(base, desk="d01"),
    ]
    write(store, "svenstavik", 0, 1, rows, [], [])
    lo, hi = D0, D0 + DAY
    assert [r.desk for r in store.flagged_desk_days("svenstavik", lo, hi, 20)] == ["a01", "c01"]
    assert [r.desk for r in store.flagged_desk_days("svenstavik", lo, hi, 19)] == [
        "a01", "b01", "c01"]
    assert [r.desk for r in store.flagged_desk_days("svenstavik", lo, hi, 0)] == ["c01"]


def test_desk_day_windows_are_each_desks_rows_in_its_window(store: Store) -> None:
    rows = [dd("svenstavik", d, i) for i in range(5) for d in ("a01", "b01", "x'y")]
    write(store, "svenstavik", 0, 5, rows, [], [])
    write(store, "bracke", 0, 1, [dd("bracke", "a01", 0)], [], [])
    windows = [("a01", D0 + DAY, D0 + 3 * DAY), ("x'y", D0 + 2 * DAY, D0 + 4 * DAY),
               ("b01", D0 + 9 * DAY, D0 + 12 * DAY), ("a01", D0 + 2 * DAY, D0 + 2 * DAY)]
    got = store.desk_day_windows("svenstavik", windows)
    assert [(r.desk, r.day.day) for r in got] == [("a01", 2), ("a01", 3), ("x'y", 3), ("x'y", 4)]
    many = [(f"d{i}", D0, D0 + 5 * DAY) for i in range(400)] + windows[:1]
    assert len(store.desk_day_windows("svenstavik", many)) == 2
    assert store.desk_day_windows("svenstavik", []) == []


def test_reads_by_desk_and_by_group(store: Store) -> None:
    desks = [f"d{i:02}" for i in range(60)]  # more than a query names one by one
    write(store, "svenstavik", 0, 2, [dd("svenstavik", d, i) for i in (0, 1) for d in desks],
          [gd("svenstavik", g, 0) for g in ("*", "a", "b")], [])
    lo, hi = D0, D0 + 2 * DAY
    assert [(r.desk, r.day.day) for r in store.desk_day_rollups("svenstavik", lo, hi,
                                                                desks=["d07", "d03"])] == [
        ("d03", 1), ("d07", 1), ("d03", 2), ("d07", 2)]
    assert len(store.desk_day_rollups("svenstavik", lo, hi, desks=desks[:55])) == 110
    assert store.desk_day_rollups("svenstavik", lo, hi, desks=[]) == []
    assert [g.group for g in store.group_day_rollups("svenstavik", lo, hi, group="a")] == ["a"]


def test_rewrite_desk_days_replaces_those_rows_only(store: Store) -> None:
    rows = [dd("svenstavik", d, i) for i in (0, 1) for d in ("a01", "b01")]
    groups = [gd("svenstavik", "*", 0)]
    slots = [sl("svenstavik", "*", 0, 0)]
    write(store, "svenstavik", 0, 2, rows, groups, slots)
    new = replace(rows[1], idle_since=date(2026, 11, 1), idle_open_days=3)
    store.rewrite_desk_days("svenstavik", [new])
    assert read(store, "svenstavik") == ([rows[0], new, rows[2], rows[3]], groups, slots)
    with pytest.raises(ValueError):
        store.rewrite_desk_days("fjallhubben", [new])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_totals_and_flags_follow_every_write_over_any_range(store: Store, seed: int) -> None:
    """Writes of overlapping day ranges and rewrites, in a random order over seven weeks
    (so over several of InfluxStore's 16-day desk blocks, hubsense.store.desk_blocks):
    after each, the sums and flagged rows over random ranges are those of the rows stored."""
    rng = random.Random(seed)
    hub, desks = "svenstavik", ["a01", "a02", "b01", "x'y"]
    model: dict[tuple[str, int], DeskDayRollup] = {}

    def row(desk: str, i: int) -> DeskDayRollup:
        base = dd(hub, desk, 0, occupied=rng.randrange(0, 10) * H)
        return replace(
            base, day=date(2026, 11, 1) + timedelta(days=i), day_start_ns=D0 + i * DAY,
            day_stuck_ns=rng.choice([0, 0, 0, 5]), flickers=rng.randrange(3),
            use=rng.choice(["used", "unused", "undecided", None]),
            idle_open_days=rng.choice([0, 0, 3, 19, 20, 25]),
        )

    for _ in range(8):
        if rng.random() < 0.7:
            first = rng.randrange(-10, 40)
            end = first + rng.choice([1, 1, 3, 17, 30])
            rows = [row(d, i) for i in range(first, end) for d in desks if rng.random() < 0.8]
            write(store, hub, first, end, rows, [], [])
            for key in [k for k in model if first <= k[1] < end]:
                del model[key]
        else:
            rows = [replace(r, idle_open_days=rng.choice([0, 20, 30]), day_stuck_ns=0)
                    for r in rng.sample(sorted(model.values(), key=lambda r: r.day),
                                        min(len(model), 5))]
            store.rewrite_desk_days(hub, rows)
        model.update({(r.desk, (r.day_start_ns - D0) // DAY): r for r in rows})
        for _ in range(4):
            a = rng.randrange(-12, 45)
            b = a + rng.randrange(0, 50)
            lo, hi = D0 + a * DAY, D0 + b * DAY
            inside = [r for (_, i), r in model.items() if a <= i < b]
            want: dict[str, DeskTotals] = {}
            for r in inside:
                want[r.desk] = want.get(r.desk, DeskTotals()) + DeskTotals.of(r)
            assert store.desk_day_totals(hub, lo, hi) == want
            n = rng.choice([0, 20])
            flagged = sorted((r for r in inside if r.day_stuck_ns > 0
                              or (n > 0 and r.idle_open_days >= n)),
                             key=lambda r: (r.day_start_ns, r.desk))
            assert store.flagged_desk_days(hub, lo, hi, n) == flagged


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_group_days_follow_every_write_over_any_range(store: Store, seed: int) -> None:
    """Writes of overlapping day ranges of group-days (hub and zones), in a random order
    over seven weeks (so over several of InfluxStore's 16-day group blocks,
    hubsense.store.group_blocks): after each, the group-days over random ranges, of every
    group and of one, are those stored last."""
    rng = random.Random(seed)
    hub, groups = "svenstavik", ["*", "a", "b'c"]
    model: dict[tuple[str, int], GroupDayRollup] = {}

    def row(group: str, i: int) -> GroupDayRollup:
        base = gd(hub, group, 0, peak=rng.randrange(0, 12))
        return replace(base, day=date(2026, 11, 1) + timedelta(days=i),
                       day_start_ns=D0 + i * DAY, computed_ns=rng.randrange(10**18),
                       full_ns=rng.choice([None, 0, 5 * H]), params=rng.choice(["v4:a", "v4:b"]))

    for _ in range(8):
        first = rng.randrange(-10, 40)
        end = first + rng.choice([1, 1, 3, 17, 30])
        rows = [row(g, i) for i in range(first, end) for g in groups if rng.random() < 0.8]
        write(store, hub, first, end, [], rows, [])
        for key in [k for k in model if first <= k[1] < end]:
            del model[key]
        model.update({(r.group, (r.day_start_ns - D0) // DAY): r for r in rows})
        for _ in range(4):
            a = rng.randrange(-12, 45)
            b = a + rng.randrange(0, 50)
            lo, hi = D0 + a * DAY, D0 + b * DAY
            want = sorted((r for (_, i), r in model.items() if a <= i < b),
                          key=lambda r: (r.day_start_ns, r.group))
            assert store.group_day_rollups(hub, lo, hi) == want
            g = rng.choice(groups)
            assert store.group_day_rollups(hub, lo, hi, group=g) == [
                r for r in want if r.group == g]
