"""The Store contract (hubsense.store.base), run against every backend on a real server.

The InfluxDB variant talks to a real influxd (fixture ``influxd_server``), one fresh
database per test; with CI=true a missing influxd fails instead of skipping.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from hubsense.config import Settings
from hubsense.events import PresenceEvent, Rejection, RejectReason
from hubsense.store import open_store
from hubsense.store.base import Store
from hubsense.store.influx import InfluxStore

T0 = 1_764_057_600_000_000_000  # 2025-11-25T08:00:00Z
S = 1_000_000_000  # one second in ns


@pytest.fixture(params=["sqlite", pytest.param("influxdb", marks=pytest.mark.integration)])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_store")
        return
    server = request.getfixturevalue("influxd_server")
    database = request.getfixturevalue("influx_db_name")
    influx = InfluxStore(server.url, database, timeout_s=10.0)
    influx.open()
    try:
        yield influx
    finally:
        influx.close()


def ev(
    desk: str,
    t: int,
    *,
    occupied: bool = True,
    hub: str = "svenstavik",
    municipality: str = "berg",
    seq: int = 0,
    heartbeat: bool = False,
    battery: int | None = 87,
    rssi: int | None = -71,
) -> PresenceEvent:
    return PresenceEvent(
        municipality=municipality, hub=hub, desk=desk, sensor=f"{hub}-{desk}", seq=seq,
        time_ns=t, occupied=occupied, heartbeat=heartbeat, battery=battery, rssi=rssi,
    )


def rej(reason: RejectReason, t: int, payload: str = "{}", *, detail: str = "bad",
        topic: str = "hubs/berg/svenstavik/a01/presence") -> Rejection:
    return Rejection(reason=reason, detail=detail, topic=topic, payload=payload, received_ns=t)


def test_ping(store: Store) -> None:
    store.ping()


def test_empty_store_reads(store: Store) -> None:
    assert store.latest("svenstavik", 0) == {}
    assert store.timeline("svenstavik", "a01", T0, T0 + 3600 * S) == []
    assert store.count_events() == 0
    assert store.count_events("svenstavik") == 0
    assert store.rejections() == []
    assert store.rejection_counts() == {}
    store.write([], [])  # an empty batch is a no-op
    assert store.count_events() == 0


def test_write_then_read_back_exactly(store: Store) -> None:
    events = [
        ev("a01", T0, occupied=True, seq=1),
        ev("a01", T0 + 1, occupied=False, seq=2, heartbeat=True, battery=None, rssi=None),
        ev("a01", T0 + 90 * S + 123_456_789, occupied=True, seq=4_294_967_295, battery=0,
           rssi=-200),
        ev("a02", T0 + 5 * S, occupied=False, seq=0, heartbeat=True, battery=100, rssi=0),
        ev("k1", T0 + 7 * S, hub="klovsjo", municipality="berg", battery=None, rssi=-50),
    ]
    store.write(events, [])
    assert store.count_events() == 5
    assert store.timeline("svenstavik", "a01", T0, T0 + 3600 * S) == events[:3]
    assert store.timeline("svenstavik", "a02", T0, T0 + 3600 * S) == [events[3]]
    assert store.timeline("klovsjo", "k1", T0, T0 + 3600 * S) == [events[4]]
    assert store.latest("svenstavik", T0) == {"a01": events[2], "a02": events[3]}


def test_writes_are_idempotent(store: Store) -> None:
    batch = [ev(d, T0 + i * S, seq=i, occupied=i % 2 == 0) for d in ("a01", "a02")
             for i in range(10)]
    store.write(batch, [])
    store.write(batch, [])
    store.write(batch[3:7], [])
    assert store.count_events() == 20
    assert store.count_events("svenstavik") == 20
    assert store.timeline("svenstavik", "a01", T0, T0 + 60 * S) == batch[:10]

    # The same (hub, desk, time) written with other values replaces the event.
    changed = replace(batch[0], occupied=not batch[0].occupied, seq=99, battery=5)
    store.write([changed], [])
    assert store.count_events() == 20
    assert store.timeline("svenstavik", "a01", T0, T0 + 1)[0] == changed


def test_latest_is_newest_per_desk_since_and_per_hub(store: Store) -> None:
    store.write(
        [
            ev("a01", T0, seq=1, occupied=True),
            ev("a01", T0 + 10 * S, seq=2, occupied=False),
            ev("a02", T0 + 5 * S, seq=1),
            ev("a03", T0 - 3600 * S, seq=1),  # silent since long before `since`
            ev("a01", T0 + 20 * S, hub="klovsjo", seq=7),  # same desk id, other hub
        ],
        [],
    )
    latest = store.latest("svenstavik", T0)
    assert set(latest) == {"a01", "a02"}
    assert latest["a01"].time_ns == T0 + 10 * S
    assert latest["a01"].seq == 2 and latest["a01"].occupied is False
    assert latest["a02"].time_ns == T0 + 5 * S
    assert all(e.hub == "svenstavik" for e in latest.values())

    # since_ns is inclusive, and an older event never stands in for a desk.
    assert set(store.latest("svenstavik", T0 + 5 * S)) == {"a01", "a02"}
    assert set(store.latest("svenstavik", T0 + 5 * S + 1)) == {"a01"}
    assert store.latest("svenstavik", T0 + 10 * S + 1) == {}
    assert set(store.latest("svenstavik", T0 - 7200 * S)) == {"a01", "a02", "a03"}

    assert store.latest("klovsjo", 0) == {"a01": ev("a01", T0 + 20 * S, hub="klovsjo", seq=7)}
    assert store.latest("nowhere", 0) == {}


def test_timeline_window(store: Store) -> None:
    events = [ev("a01", T0 + i * 10 * S, seq=i, occupied=i % 2 == 0) for i in range(5)]
    store.write(
        events + [ev("a02", T0 + 15 * S), ev("a01", T0 + 15 * S, hub="klovsjo")], []
    )
    # The last event before the window comes first; an event at `end` is excluded.
    assert store.timeline("svenstavik", "a01", T0 + 15 * S, T0 + 30 * S) == events[1:3]
    # An event exactly at `start` belongs to the window; the one before still comes first.
    assert store.timeline("svenstavik", "a01", T0 + 10 * S, T0 + 20 * S) == events[0:2]
    # Nothing before the first event.
    assert store.timeline("svenstavik", "a01", T0, T0 + 10 * S) == events[0:1]
    # A window after the last event: only the state at its start.
    assert store.timeline("svenstavik", "a01", T0 + 100 * S, T0 + 200 * S) == events[4:5]
    # A window before everything: nothing.
    assert store.timeline("svenstavik", "a01", T0 - 100 * S, T0) == []
    assert store.timeline("svenstavik", "a09", T0, T0 + 100 * S) == []


def test_hub_timelines_are_each_desks_timeline(store: Store) -> None:
    a01 = [ev("a01", T0 + i * 10 * S, seq=i, occupied=i % 2 == 0) for i in range(5)]
    a02 = [ev("a02", T0 + 15 * S), ev("a02", T0 + 25 * S, occupied=False)]
    other_hub = [ev("a01", T0 + 15 * S, hub="klovsjo")]
    store.write(a01 + a02 + other_hub, [])
    desks = ["a01", "a02", "a03"]
    for lo, hi in [(T0 + 15 * S, T0 + 30 * S), (T0, T0 + 10 * S), (T0 + 100 * S, T0 + 200 * S),
                   (T0 - 100 * S, T0), (T0 - 100 * S, T0 + 100 * S)]:
        got = store.hub_timelines("svenstavik", desks, lo, hi)
        assert got == {d: store.timeline("svenstavik", d, lo, hi) for d in desks}, (lo, hi)
    # the state before the window, inside it, and a desk with nothing stored
    assert store.hub_timelines("svenstavik", desks, T0 + 20 * S, T0 + 30 * S) == {
        "a01": a01[1:3], "a02": a02, "a03": []}
    assert store.hub_timelines("svenstavik", [], T0, T0 + 100 * S) == {}


def test_hub_timelines_of_many_desks(store: Store) -> None:
    """More desks than one compound query may hold (SQLite allows 500 SELECTs)."""
    desks = [f"d{i:03d}" for i in range(450)]
    store.write([ev(d, T0 + i * S, seq=i) for i, d in enumerate(desks)], [])
    got = store.hub_timelines("svenstavik", desks, T0 + 400 * S, T0 + 1000 * S)
    assert [len(got[d]) for d in desks] == [1] * 450
    assert got["d449"][0].time_ns == T0 + 449 * S and got["d000"][0].time_ns == T0


def test_each_timeline_streams_every_desk_once(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Desk by desk, the same as ``hub_timelines``, also when a desk's events span chunks
    of the streamed response (InfluxDB: a few points a chunk here)."""
    monkeypatch.setattr("hubsense.store.influx.STREAM_ROWS", 7)
    desks = ["a01", "a02", "a03", "a04"]
    store.write([ev(d, T0 + i * S, seq=i, occupied=i % 3 == 0)
                 for d in desks[:3] for i in range(25)], [])  # fmt: skip
    store.write([ev("a05", T0 + 5 * S)], [])  # a desk not asked for
    for lo, hi in [(T0 + 10 * S, T0 + 20 * S), (T0, T0 + 100 * S), (T0 + 50 * S, T0 + 60 * S)]:
        # each desk's events taken before the next desk is asked for, as the contract says
        streamed = [(d, list(events))
                    for d, events in store.each_timeline("svenstavik", [*desks, "a01"], lo, hi)]
        assert sorted(d for d, _ in streamed) == desks, (lo, hi)
        assert dict(streamed) == {d: store.timeline("svenstavik", d, lo, hi) for d in desks}
        for _, events in streamed:  # in time order
            assert [e.time_ns for e in events] == sorted(e.time_ns for e in events)
    assert list(store.each_timeline("svenstavik", [], T0, T0 + 100 * S)) == []


def test_count_events_per_hub(store: Store) -> None:
    store.write(
        [ev("a01", T0 + i) for i in range(3)] + [ev("k1", T0, hub="klovsjo")], []
    )
    assert store.count_events() == 4
    assert store.count_events("svenstavik") == 3
    assert store.count_events("klovsjo") == 1
    assert store.count_events("nowhere") == 0


def test_rejections_newest_first_and_counted(store: Store) -> None:
    store.write(
        [ev("a01", T0)],
        [
            rej(RejectReason.BAD_JSON, T0 + 1 * S, "one"),
            rej(RejectReason.UNKNOWN_DESK, T0 + 3 * S, "three"),
            rej(RejectReason.BAD_JSON, T0 + 2 * S, "two"),
        ],
    )
    store.write([], [rej(RejectReason.FUTURE, T0 + 4 * S, "four")])
    assert [r.payload for r in store.rejections()] == ["four", "three", "two", "one"]
    assert [r.payload for r in store.rejections(limit=2)] == ["four", "three"]
    assert store.rejections()[1] == rej(RejectReason.UNKNOWN_DESK, T0 + 3 * S, "three")
    assert store.rejection_counts() == {"bad_json": 2, "unknown_desk": 1, "future": 1}
    assert store.count_events() == 1


def test_rejections_with_the_same_time_are_all_kept(store: Store) -> None:
    t = T0 + 5 * S
    same = rej(RejectReason.BAD_SCHEMA, t, "same")
    store.write([], [rej(RejectReason.BAD_SCHEMA, t, "a"), rej(RejectReason.BAD_SCHEMA, t, "b"),
                     same, same, rej(RejectReason.BAD_TOPIC, t, "c")])
    store.write([], [rej(RejectReason.BAD_SCHEMA, t, "d")])
    got = store.rejections()
    assert sorted(r.payload for r in got) == ["a", "b", "c", "d", "same", "same"]
    assert store.rejection_counts() == {"bad_schema": 5, "bad_topic": 1}
    # Stores may move a colliding time by a few ns to keep both, no further.
    assert all(t <= r.received_ns < t + 10 for r in got)
    # The one written last is listed first.
    assert got[0].payload == "d"


HOSTILE = [
    "comma, equals= space",
    'double "quotes" and \'single\'',
    "back\\slash \\n \\\\ trailing\\",
    "new\nline and\r\ncrlf\n",
    "tab\tand unicode: Östersund ☃ 😀 é",
    "x' OR 1=1 --",
    'm,tag=v field="x" 123\nevil,tag=1 f=1i 1',
    "",
]


def test_hostile_rejection_strings_round_trip(store: Store) -> None:
    written = [
        Rejection(
            reason=RejectReason.BAD_JSON,
            detail=f"detail {text}",
            topic=f"hubs/{text}/x",
            payload=text,
            received_ns=T0 + i * S,
        )
        for i, text in enumerate(HOSTILE)
    ]
    store.write([ev("a01", T0)], written)
    assert store.rejections() == written[::-1]
    assert store.rejection_counts() == {"bad_json": len(HOSTILE)}
    assert store.count_events() == 1


def test_hostile_ids_are_quoted_safely_in_queries(store: Store) -> None:
    odd = "o'neil \\ \"x\", y=1 --"
    store.write([ev("a01", T0, hub=odd), ev(odd, T0 + 1, hub="svenstavik"),
                 ev("a01", T0 + 2, hub="svenstavik")], [])
    assert store.count_events(odd) == 1
    assert store.latest(odd, 0) == {"a01": ev("a01", T0, hub=odd)}
    assert store.timeline("svenstavik", odd, 0, T0 + S) == [ev(odd, T0 + 1, hub="svenstavik")]
    for injection in ["x' OR 1=1 --", "' OR ''='", "svenstavik' OR 'a'='a", "\\' OR 1=1"]:
        assert store.count_events(injection) == 0
        assert store.latest(injection, 0) == {}
        assert store.timeline("svenstavik", injection, 0, T0 + S) == []


@pytest.mark.integration
def test_open_store_builds_influx_from_settings(influxd_server, influx_db_name: str) -> None:
    settings = Settings.model_validate({
        "store": "influxdb", "influx_url": influxd_server.url, "influx_database": influx_db_name,
    })
    store = open_store(settings)
    try:
        assert isinstance(store, InfluxStore)
        store.write([ev("a01", T0)], [])
        store.open()  # opening again (CREATE DATABASE) is harmless
        assert store.count_events() == 1
    finally:
        store.close()


def test_retention_deletes_old_raw_events_and_rejections_only(store: Store) -> None:
    store.write(
        [ev("a01", T0), ev("a01", T0 + 10 * S), ev("a02", T0 + 20 * S)],
        [rej(RejectReason.BAD_JSON, T0 + 1), rej(RejectReason.BAD_JSON, T0 + 30 * S)],
    )
    store.delete_before(T0 + 10 * S, T0 + 30 * S)
    assert store.count_events() == 2
    assert [e.time_ns for e in store.timeline("svenstavik", "a01", 0, T0 + 99 * S)] == [
        T0 + 10 * S
    ]
    assert [r.received_ns for r in store.rejections()] == [T0 + 30 * S]
    store.delete_before(None, None)  # retention off: nothing happens
    assert store.count_events() == 2
