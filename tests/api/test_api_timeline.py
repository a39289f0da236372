"""GET /api/hubs/{hub}/desks/{desk}/timeline (NOW = 2026-11-25T10:00:00Z)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from hubsense.events import PresenceEvent
from hubsense.store.sqlite import SqliteStore
from tests.api.api_support import HOSTILE_IDS, NOW, RecordingStore, S

URL = "/api/hubs/svenstavik/desks/a01/timeline"
Event = Callable[..., PresenceEvent]


def at(hhmm: str, day: int = 25) -> float:
    """Seconds before NOW of 2026-11-<day> <hhmm> UTC (the ``ago_s`` of ``event``)."""
    h, m = (int(x) for x in hhmm.split(":"))
    t = datetime(2026, 11, day, h, m, tzinfo=UTC)
    return (NOW - int(t.timestamp()) * S) / S


def iv(state: str, start: str, end: str, seconds: float) -> dict:
    return {
        "state": state,
        "start": f"2026-11-25T{start}:00Z",
        "end": f"2026-11-25T{end}:00Z",
        "duration_s": seconds,
    }


@pytest.fixture
def filled(sqlite_store: SqliteStore, event: Event) -> SqliteStore:
    def e(hhmm: str, occupied: bool, heartbeat: bool = False) -> PresenceEvent:
        return event("svenstavik", "a01", ago_s=at(hhmm), occupied=occupied, heartbeat=heartbeat)

    sqlite_store.write(
        [
            e("07:30", False),
            e("07:50", True),  # the last message before an 08:00 start
            e("08:05", True, heartbeat=True),
            e("08:10", False),
            e("08:15", False, heartbeat=True),
            e("08:20", False, heartbeat=True),
            e("08:25", True),
            # silent 08:25 → 09:00: unknown from 08:40 (offline_after_s = 900)
            e("09:00", False),
            e("09:05", False, heartbeat=True),
            # silent 09:05 → 09:50: unknown from 09:20
            e("09:50", True),
            # stamped 30 s after NOW (sensor clock ahead): beyond the end of the timeline
            event("svenstavik", "a01", ago_s=-30, occupied=False),
            # other desks must not leak in
            event("svenstavik", "a02", ago_s=at("08:30"), occupied=True),
            event("bracke", "a01", ago_s=at("08:30"), occupied=True),
        ],
        [],
    )
    return sqlite_store


@pytest.fixture
def tclient(make_client: Callable[..., TestClient], filled: SqliteStore) -> TestClient:
    return make_client(filled)


def test_intervals_exact(tclient: TestClient) -> None:
    r = tclient.get(URL, params={"start": "2026-11-25T08:00:00Z", "end": "2026-11-25T10:00:00Z"})
    assert r.status_code == 200
    assert r.json() == {
        "hub": "svenstavik",
        "desk": "a01",
        "start": "2026-11-25T08:00:00Z",
        "end": "2026-11-25T10:00:00Z",
        "as_of": "2026-11-25T10:00:00Z",
        "offline_after_s": 900.0,
        "event_count": 8,
        "intervals": [
            iv("occupied", "08:00", "08:10", 600),  # from the 07:50 message
            iv("free", "08:10", "08:25", 900),  # heartbeats extend
            iv("occupied", "08:25", "08:40", 900),
            iv("unknown", "08:40", "09:00", 1200),
            iv("free", "09:00", "09:20", 1200),
            iv("unknown", "09:20", "09:50", 1800),
            iv("occupied", "09:50", "10:00", 600),
        ],
        "totals_s": {"occupied": 2100.0, "free": 2100.0, "unknown": 3000.0},
    }


def test_window_starting_mid_interval_with_offsets(tclient: TestClient) -> None:
    # 09:12+01:00 = 08:12Z, 09:30+01:00 = 08:30Z
    r = tclient.get(
        URL, params={"start": "2026-11-25T09:12:00+01:00", "end": "2026-11-25T09:30:00+01:00"}
    )
    assert r.status_code == 200
    body = r.json()
    assert body["start"] == "2026-11-25T08:12:00Z"
    assert body["intervals"] == [
        iv("free", "08:12", "08:25", 780),
        iv("occupied", "08:25", "08:30", 300),
    ]
    assert body["event_count"] == 3  # 08:15, 08:20, 08:25


def test_event_exactly_at_start(tclient: TestClient) -> None:
    r = tclient.get(URL, params={"start": "2026-11-25T08:10:00Z", "end": "2026-11-25T08:20:00Z"})
    assert r.json()["intervals"] == [iv("free", "08:10", "08:20", 600)]
    assert r.json()["event_count"] == 2  # 08:10, 08:15 (end is exclusive)


def test_nothing_before_start_is_unknown(tclient: TestClient) -> None:
    r = tclient.get(URL, params={"start": "2026-11-25T07:00:00Z", "end": "2026-11-25T08:00:00Z"})
    assert r.json()["intervals"] == [
        iv("unknown", "07:00", "07:30", 1800),
        iv("free", "07:30", "07:45", 900),
        iv("unknown", "07:45", "07:50", 300),  # 20 min without a message
        iv("occupied", "07:50", "08:00", 600),
    ]


def test_desk_never_heard(tclient: TestClient) -> None:
    r = tclient.get(
        "/api/hubs/svenstavik/desks/b04/timeline",
        params={"start": "2026-11-25T08:00:00Z", "end": "2026-11-25T09:00:00Z"},
    )
    assert r.status_code == 200
    assert r.json()["intervals"] == [iv("unknown", "08:00", "09:00", 3600)]
    assert r.json()["event_count"] == 0


def test_end_after_now_stops_at_now(tclient: TestClient) -> None:
    r = tclient.get(URL, params={"start": "2026-11-25T09:40:00Z", "end": "2026-11-25T12:00:00Z"})
    body = r.json()
    assert body["end"] == "2026-11-25T12:00:00Z"
    assert body["intervals"] == [
        iv("unknown", "09:40", "09:50", 600),
        iv("occupied", "09:50", "10:00", 600),
    ]
    assert body["event_count"] == 1  # not the message stamped after NOW


def test_window_in_the_future_is_empty(
    make_client: Callable[..., TestClient], filled: SqliteStore
) -> None:
    store = RecordingStore(filled)
    r = make_client(store).get(
        URL, params={"start": "2026-11-25T11:00:00Z", "end": "2026-11-25T12:00:00Z"}
    )
    assert r.status_code == 200
    assert r.json()["intervals"] == []
    assert r.json()["event_count"] == 0
    assert store.calls == []


def test_default_is_the_last_24_hours(
    make_client: Callable[..., TestClient], filled: SqliteStore
) -> None:
    store = RecordingStore(filled)
    body = make_client(store).get(URL).json()
    assert body["start"] == "2026-11-24T10:00:00Z"
    assert body["end"] == "2026-11-25T10:00:00Z"
    assert body["intervals"][0] == {
        "state": "unknown",
        "start": "2026-11-24T10:00:00Z",
        "end": "2026-11-25T07:30:00Z",
        "duration_s": 77400.0,
    }
    assert body["intervals"][-1] == iv("occupied", "09:50", "10:00", 600)
    assert body["event_count"] == 10
    assert store.calls == [("timeline", ("svenstavik", "a01", NOW - 86400 * S, NOW))]


def test_only_end_given_means_24_hours_before_it(tclient: TestClient) -> None:
    body = tclient.get(URL, params={"end": "2026-11-25T08:00:00Z"}).json()
    assert body["start"] == "2026-11-24T08:00:00Z"


def test_only_start_given_means_until_now(tclient: TestClient) -> None:
    body = tclient.get(URL, params={"start": "2026-11-25T09:45:00Z"}).json()
    assert body["end"] == "2026-11-25T10:00:00Z"
    assert body["intervals"][-1]["end"] == "2026-11-25T10:00:00Z"


def test_unencoded_plus_in_the_offset_is_understood(tclient: TestClient) -> None:
    # A client that forgets to encode "+" sends a space; the offset is still read right.
    r = tclient.get(URL + "?start=2026-11-25T09:00:00+01:00&end=2026-11-25T10:00:00+01:00")
    assert r.status_code == 200
    assert r.json()["start"] == "2026-11-25T08:00:00Z"
    assert r.json()["end"] == "2026-11-25T09:00:00Z"


@pytest.mark.parametrize("which", ["start", "end"])
def test_naive_datetime_is_422(tclient: TestClient, which: str) -> None:
    params = {"start": "2026-11-25T08:00:00Z", "end": "2026-11-25T09:00:00Z"}
    params[which] = "2026-11-25T08:30:00"
    r = tclient.get(URL, params=params)
    assert r.status_code == 422
    assert r.json()["detail"].startswith(f"{which}: a UTC offset is required")


@pytest.mark.parametrize(
    "value",
    ["yesterday", "", "2026-13-01T00:00:00Z", "1700000000", "'", ";", "\n", "x" * 5000],
)
def test_garbage_datetime_is_422(tclient: TestClient, value: str) -> None:
    r = tclient.get(URL, params={"start": value})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("start: not an ISO 8601 datetime")


@pytest.mark.parametrize(
    "start,end",
    [
        ("1969-12-31T00:00:00Z", "1970-01-02T00:00:00Z"),
        ("0001-01-01T00:00:00+01:00", "0001-01-02T00:00:00Z"),
        ("9999-12-30T00:00:00Z", "9999-12-31T00:00:00Z"),
    ],
)
def test_out_of_range_is_422(tclient: TestClient, start: str, end: str) -> None:
    r = tclient.get(URL, params={"start": start, "end": end})
    assert r.status_code == 422
    assert "out of range" in r.json()["detail"]


@pytest.mark.parametrize(
    "start,end",
    [
        ("2026-11-25T09:00:00Z", "2026-11-25T09:00:00Z"),
        ("2026-11-25T09:00:00Z", "2026-11-25T08:00:00Z"),
    ],
)
def test_end_not_after_start_is_422(tclient: TestClient, start: str, end: str) -> None:
    r = tclient.get(URL, params={"start": start, "end": end})
    assert r.status_code == 422
    assert r.json()["detail"] == "end must be after start"


def test_range_limit(tclient: TestClient) -> None:
    ok = tclient.get(URL, params={"start": "2026-08-25T10:00:00Z", "end": "2026-11-25T10:00:00Z"})
    assert ok.status_code == 200  # exactly 92 days
    r = tclient.get(URL, params={"start": "2026-08-25T09:59:59Z", "end": "2026-11-25T10:00:00Z"})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("time range too long: 92.00 days; at most 92 days")


def test_unknown_desk_is_404_naming_it(tclient: TestClient) -> None:
    r = tclient.get("/api/hubs/svenstavik/desks/z99/timeline")
    assert r.status_code == 404
    assert r.json() == {"detail": "unknown desk 'z99' in hub 'svenstavik'"}
    # b01 exists in svenstavik, not in bracke
    r = tclient.get("/api/hubs/bracke/desks/b01/timeline")
    assert r.status_code == 404
    assert r.json() == {"detail": "unknown desk 'b01' in hub 'bracke'"}


def test_unknown_hub_is_404_before_parameters_are_checked(tclient: TestClient) -> None:
    r = tclient.get("/api/hubs/nowhere/desks/a01/timeline", params={"start": "garbage"})
    assert r.status_code == 404
    assert r.json() == {"detail": "unknown hub 'nowhere'"}


@pytest.mark.parametrize("desk", HOSTILE_IDS)
def test_hostile_desk_ids_never_reach_the_store(
    make_client: Callable[..., TestClient], filled: SqliteStore, desk: str
) -> None:
    store = RecordingStore(filled)
    r = make_client(store).get(f"/api/hubs/svenstavik/desks/{desk}/timeline")
    assert r.status_code == 404
    assert store.calls == []


def test_store_down_is_503(broken_client: TestClient) -> None:
    r = broken_client.get(URL)
    assert r.status_code == 503
    assert "connection refused (test)" in r.json()["detail"]
