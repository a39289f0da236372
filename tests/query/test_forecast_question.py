"""The forecast use case over a store: ten weeks of a hub whose use is known become 13
weeks of its open days with intervals; a shorter period says why there is none; and the
API serves the same answer."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient

from hubsense.analytics import Scope
from hubsense.calendar import is_open
from hubsense.query.context import QueryContext
from hubsense.query.forecast import forecast
from hubsense.query.period import Period
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from tests.analytics.support import REGISTRY, all_desks, at, settings

FIRST, END = date(2026, 8, 31), date(2026, 11, 9)  # ten weeks
NOW = at(2026, 11, 25, 12)


def fill(store: SqliteStore) -> None:
    """Kontor (3 desks, Mon–Fri): a01 every morning, a02 on Tuesdays to Thursdays from
    10:00, b01 every afternoon (so no desk is idle long enough to be flagged)."""
    events = []
    day = FIRST
    while day < END:
        t = (day.year, day.month, day.day)
        sessions = {"a01": [(at(*t, 9), at(*t, 12))], "b01": [(at(*t, 15), at(*t, 17))]}
        if day.weekday() in (1, 2, 3):
            sessions["a02"] = [(at(*t, 10), at(*t, 15))]
        events += all_desks("kontor", at(*t), at(*t) + 24 * 3600 * 10**9, sessions)
        day += timedelta(days=1)
    store.write(events, [])


def test_ten_weeks_forecast_thirteen(sqlite_store: SqliteStore) -> None:
    fill(sqlite_store)
    ctx = QueryContext(sqlite_store, REGISTRY, settings(), NOW)
    got = forecast(ctx, Scope("hub", "kontor", hub="kontor"), Period(FIRST, END))
    (hub,) = got.hubs
    assert (got.first_day, got.weeks, hub.reason) == (END, 13, None)
    open_days = [FIRST + timedelta(days=i) for i in range((END - FIRST).days)]
    assert hub.history_days == sum(is_open(REGISTRY.hubs["kontor"], d) for d in open_days)
    expected_days = [END + timedelta(days=i) for i in range(91)]
    assert [d.date for d in hub.days] == [
        d for d in expected_days if is_open(REGISTRY.hubs["kontor"], d)]
    for d in hub.days:
        want = 2 if d.weekday in (1, 2, 3) else 1
        assert abs(d.peak_concurrency - want) < 0.3, d
        assert d.peak_low <= d.peak_concurrency <= d.peak_high


def test_a_short_period_says_why(sqlite_store: SqliteStore) -> None:
    fill(sqlite_store)
    ctx = QueryContext(sqlite_store, REGISTRY, settings(), NOW)
    got = forecast(ctx, Scope("hub", "kontor", hub="kontor"), Period(END - timedelta(days=30),
                                                                      END))
    assert [(h.reason, h.days) for h in got.hubs] == [("short_history", ())]  # 30 days < 8 weeks


def test_the_api_serves_the_forecast(sqlite_store: SqliteStore) -> None:
    fill(sqlite_store)
    app = create_app(settings(auth_enabled=False), REGISTRY, sqlite_store, clock=lambda: NOW)
    with TestClient(app) as client:
        r = client.get("/api/reports/forecast", params={
            "scope": "hub", "id": "kontor", "from": FIRST.isoformat(), "to": END.isoformat()})
        assert r.status_code == 200, r.text
        body = r.json()
        ctx = QueryContext(sqlite_store, REGISTRY, settings(), NOW)
        want = forecast(ctx, Scope("hub", "kontor", hub="kontor"), Period(FIRST, END))
        assert len(body["hubs"][0]["days"]) == len(want.hubs[0].days)
        first = body["hubs"][0]["days"][0]
        assert first["peak_concurrency"] == want.hubs[0].days[0].peak_concurrency
        bad = client.get("/api/reports/forecast", params={"scope": "desk", "id": "kontor/a01"})
        assert bad.status_code == 422
