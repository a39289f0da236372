"""The utilisation and report routes (/api/reports/...): parameter validation with 4xx that
say what is wrong, and the same numbers as hubsense.analytics."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from hubsense import analytics
from hubsense.store.base import StoreUnavailable
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from tests.analytics.support import REGISTRY, all_desks, at
from tests.api.api_support import HOSTILE_IDS, settings

NOW = at(2026, 11, 25, 11)
FIRST, END = date(2026, 11, 2), date(2026, 11, 21)
PERIOD = {"from": FIRST.isoformat(), "to": END.isoformat()}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path_factory.mktemp("api") / "store.sqlite3")
    s.open()
    events = []
    for d in range(2, 21):
        day = (2026, 11, d)
        sessions = {
            "a01": [(at(*day, 8), at(*day, 12))],
            "a02": [(at(*day, 9), at(*day, 10 + d % 3))],
            "b01": [(at(*day, 9, 30), at(*day, 11))] if d % 2 else [],
        }
        events += all_desks("dag", at(*day), at(*day) + 24 * 3600 * 10**9, sessions)
        events += all_desks("kontor", at(*day), at(*day) + 24 * 3600 * 10**9,
                            {"a01": [(at(*day, 10), at(*day, 12))]})
    s.write(events, [])
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(store: SqliteStore) -> Iterator[TestClient]:
    app = create_app(settings(stuck_unchanged_open_days=0), REGISTRY, store, clock=lambda: NOW)
    with TestClient(app) as c:
        yield c


def analysis(store: SqliteStore, kind: str, ident: str | None, *, slots: bool = False
             ) -> analytics.Analysis:
    return analytics.analyse(store, REGISTRY, analytics.resolve(REGISTRY, kind, ident), FIRST,
                             END, settings(stuck_unchanged_open_days=0), now_ns=NOW, slots=slots)


def get(client: TestClient, path: str, **params: object) -> dict:
    r = client.get(f"/api/reports/{path}", params=params)
    assert r.status_code == 200, r.text
    return r.json()


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "status", "says"),
    [
        ("utilisation", {"scope": "planet"}, 422, "scope: must be one of"),
        ("utilisation", {}, 422, "scope"),
        ("utilisation", {"scope": "municipality", "id": "atlantis"}, 404,
         "unknown municipality 'atlantis' (known: berg, ost)"),
        ("utilisation", {"scope": "hub", "id": "nowhere"}, 404, "unknown hub 'nowhere'"),
        ("utilisation", {"scope": "hub"}, 422, "scope=hub needs an id"),
        ("utilisation", {"scope": "region", "id": "x"}, 422, "scope=region takes no id"),
        ("utilisation", {"scope": "zone", "id": "dag"}, 422, "an id like 'svenstavik/a'"),
        ("utilisation", {"scope": "zone", "id": "dag/q"}, 404, "unknown zone 'q' in hub 'dag'"),
        ("utilisation", {"scope": "desk", "id": "dag/z99"}, 404, "unknown desk 'z99'"),
        ("utilisation", {"scope": "hub", "id": "dag", "from": "2026-13-01"}, 422,
         "from: not a date (YYYY-MM-DD): '2026-13-01'"),
        ("utilisation", {"scope": "hub", "id": "dag", "to": "tomorrow"}, 422, "to: not a date"),
        ("utilisation", {"scope": "hub", "id": "dag", "from": "2026-11-10", "to": "2026-11-10"},
         422, "to must be after from"),
        ("utilisation", {"scope": "hub", "id": "dag", "from": "2025-01-01", "to": "2026-11-01"},
         422, "date range too long: 669 days; at most 400"),
        ("utilisation", {"scope": "hub", "id": "dag", "from": "2026-11-01", "to": "2026-11-28"},
         422, "to: 2026-11-28 is in the future; the latest allowed is 2026-11-26"),
        ("daily", {"scope": "municipality", "id": "berg"}, 422, "must be one of hub, zone"),
        ("capacity", {"scope": "desk", "id": "dag/a01"}, 422, "hub, municipality, region"),
        ("capacity", {"scope": "hub", "id": "dag", "service_level": 0}, 422, "service_level"),
        ("capacity", {"scope": "hub", "id": "dag", "service_level": 1.5}, 422, "service_level"),
        ("capacity", {"scope": "hub", "id": "dag", "service_level": "NaN"}, 422,
         "query.service_level: Input should be a finite number"),
        ("profile", {"scope": "desk", "id": "dag/a01"}, 422, "must be one of"),
        ("desks", {"scope": "hub", "id": "dag", "limit": 0}, 422, "limit"),
        ("memo", {}, 422, "municipality"),
        ("memo", {"municipality": "atlantis"}, 404, "unknown municipality 'atlantis'"),
        ("download", {"municipality": "berg", "format": "xlsx"}, 422, "from"),
        ("download", {**PERIOD, "format": "pdf"}, 422, "format"),
        ("download", {**PERIOD, "format": "csv", "municipality": "x'y"}, 404, "unknown"),
    ],
)
def test_bad_parameters_say_what_is_wrong(client: TestClient, path: str, params: dict,
                                          status: int, says: str) -> None:
    r = client.get(f"/api/reports/{path}", params=params)
    assert r.status_code == status, r.text
    assert says in r.json()["detail"]


@pytest.mark.parametrize("hostile", HOSTILE_IDS, ids=range(len(HOSTILE_IDS)))
def test_hostile_ids_never_reach_the_store(client: TestClient, hostile: str) -> None:
    for kind in ("municipality", "hub", "zone", "desk"):
        ident = hostile if kind in ("municipality", "hub") else f"dag/{hostile}"
        r = client.get("/api/reports/utilisation", params={"scope": kind, "id": ident})
        assert r.status_code in (404, 422), r.text
        assert len(r.json()["detail"]) < 300


def test_store_down_is_503(store: SqliteStore) -> None:
    class Down(SqliteStore):
        def desk_day_rollups(self, *args: object) -> list:  # type: ignore[override]
            raise StoreUnavailable("connection refused (test)", retry_after_s=5)

    down = Down(store.path)
    down.open()
    try:
        app = create_app(settings(), REGISTRY, down, clock=lambda: NOW)
        with TestClient(app) as c:
            r = c.get("/api/reports/utilisation", params={"scope": "hub", "id": "dag"})
        assert r.status_code == 503 and r.headers["Retry-After"] == "5"
    finally:
        down.close()


# --- the same numbers -----------------------------------------------------------------------


def test_utilisation_serves_the_analytics_numbers(client: TestClient,
                                                  store: SqliteStore) -> None:
    body = get(client, "utilisation", scope="municipality", id="berg", **PERIOD)
    a = analysis(store, "municipality", "berg")
    s = a.summary(analytics.resolve(REGISTRY, "municipality", "berg"))
    assert body["period"] == {"from": "2026-11-02", "to": "2026-11-21", "last_day": "2026-11-20",
                              "days": 19}
    out = body["summary"]
    assert out["utilisation"] == s.time.utilisation and out["coverage"] == s.time.coverage
    assert out["occupied_hours"] == s.time.occupied_ns / 3.6e12
    assert out["daily_usage_rate"] == s.use.rate and out["usage_band"] == s.band
    assert [b["scope"]["id"] for b in body["breakdown"]] == ["dag", "dygn"]
    dag = body["breakdown"][0]
    hub = a.summary(analytics.resolve(REGISTRY, "hub", "dag"))
    assert (dag["utilisation"], dag["peak_concurrency"], dag["peak_share"]) == (
        hub.time.utilisation, 3, 1.0)
    assert body["bands"]["hubs"]["no_data"] == 1  # dygn has no sensor data
    assert sum(body["bands"]["desks"].values()) == 5
    desk = get(client, "utilisation", scope="desk", id="dag/a01", **PERIOD)["summary"]
    assert desk["utilisation"] == 4 / 11 and desk["usage_band"] == "medium"


def test_daily_capacity_profile_ranking_and_sensors(client: TestClient,
                                                    store: SqliteStore) -> None:
    a = analysis(store, "hub", "dag", slots=True)
    days = get(client, "daily", scope="hub", id="dag", **PERIOD)["days"]
    rows = a.day_rows("dag")
    assert [(d["date"], d["peak_concurrency"], d["utilisation"]) for d in days] == [
        (r.day.isoformat(), r.peak, r.time.utilisation) for r in rows]
    # local times; b01 sits only on odd dates
    assert (days[0]["peak_at"], days[0]["peak_concurrency"]) == ("2026-11-02T09:00:00+01:00", 2)
    assert (days[1]["peak_at"], days[1]["peak_concurrency"]) == ("2026-11-03T09:30:00+01:00", 3)

    cap = get(client, "capacity", scope="municipality", id="berg", min_days=5, **PERIOD)
    c = a.capacity("dag", min_days=5)
    (hub,) = [h for h in cap["hubs"] if h["hub"] == "dag"]
    assert (hub["peak_at_service_level"], hub["recommended_desks"], hub["evidence_days"]) == (
        c.peak_at_service_level, c.recommended_desks, c.evidence_days) == (3, 4, 19)
    assert [p["days_exceeding"] for p in hub["curve"]] == [p.days_exceeding for p in c.curve]
    assert cap["recommended_desks"] is None  # dygn has no evidence: no total
    assert cap["too_few_days"] is True
    assert get(client, "capacity", scope="hub", id="dag", service_level=0.5, buffer=0,
               **PERIOD)["recommended_desks"] == a.capacity("dag", service_level=0.5,
                                                            buffer_desks=0).recommended_desks

    prof = get(client, "profile", scope="hub", id="dag", **PERIOD)
    assert prof["mean_concurrency"] == a.profile(analytics.resolve(REGISTRY, "hub", "dag"))
    assert len(prof["mean_concurrency"]) == 7 and len(prof["mean_concurrency"][0]) == 24

    rank = get(client, "desks", scope="municipality", id="berg", **PERIOD)["desks"]
    assert [r["desk"] for r in rank][:3] == ["a01", "a02", "b01"]
    assert [r["rank"] for r in rank] == [1, 2, 3, 4, 5]
    assert rank[-1]["utilisation"] is None  # dygn desks last
    asc = get(client, "desks", scope="hub", id="dag", order="asc", limit=1, **PERIOD)["desks"]
    assert [r["desk"] for r in asc] == ["b01"]

    health = get(client, "sensors", scope="municipality", id="berg", **PERIOD)
    assert {d["hub"] for d in health["desks"]} == {"dygn"}  # never heard: offline
    assert health["suspects"] == []


def test_memo_and_downloads(client: TestClient, store: SqliteStore) -> None:
    r = client.get("/api/reports/memo", params={"municipality": "berg", **PERIOD})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert r.text.startswith("Berg kommun, 2 november 2026 – 20 november 2026")
    assert "Daghubben har i dag 3 platser" in r.text
    en = client.get("/api/reports/memo", params={"municipality": "berg", "lang": "en", **PERIOD})
    assert "Daghubben has 3 desks now" in en.text

    x = client.get("/api/reports/download", params={"municipality": "berg", "format": "xlsx",
                                                    **PERIOD})
    assert x.status_code == 200
    assert x.headers["content-disposition"] == (
        'attachment; filename="hubsense-berg-2026-11-02-2026-11-21.xlsx"')
    wb = load_workbook(io.BytesIO(x.content))
    assert wb.sheetnames[:4] == ["Sammanfattning", "Hubbar", "Platser", "Timme × veckodag"]
    assert "Planering" in wb.sheetnames[4:]  # the planning sheets travel with the report
    c = client.get("/api/reports/download", params={"format": "csv", "lang": "en", **PERIOD})
    assert c.status_code == 200 and c.headers["content-type"] == "text/csv; charset=utf-8"
    assert c.content.startswith(b'\xef\xbb\xbf"Hub utilisation \xe2\x80\x93 Testregion')
