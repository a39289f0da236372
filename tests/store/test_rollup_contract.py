"""The Store contract for rollups (write_rollups and the three readers), on every backend:
SQLite and a real influxd (one fresh database per test)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest

from hubsense.metrics import DeskDayRollup, GroupDayRollup, SlotRollup
from hubsense.store.base import Store
from hubsense.store.influx import InfluxStore

DAY = 86_400 * 10**9
D0 = 1_793_487_600 * 10**9  # 2026-11-01T00:00:00+01:00 (local midnight)
H = 3600 * 10**9


@pytest.fixture(params=["sqlite", pytest.param("influxdb", marks=pytest.mark.integration)])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_store")
        return
    server = request.getfixturevalue("influxd_server")
    influx = InfluxStore(server.url, request.getfixturevalue("influx_db_name"))
    influx.open()
    try:
        yield influx
    finally:
        influx.close()


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
