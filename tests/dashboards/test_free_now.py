"""The employees' view (``/free``, ``GET /api/free-now``): off by default, public when
on, counts per hub only, a small hub as a level only, one computation for many callers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from api.answer_cache import AnswerCache
from hubsense.keys import KeyEntry, KeyRing, Role, key_digest, new_key
from hubsense.query.free_now import BUSY_SHARE, busy_hours, level_of
from hubsense.registry import Registry
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from tests.api.api_support import NOW, settings

RING = KeyRing(
    [KeyEntry("v", Role.VIEWER, key_digest(new_key()).hex(), datetime(2026, 11, 1, tzinfo=UTC))]
)


def app_client(registry: Registry, store: SqliteStore, **overrides: object) -> TestClient:
    app = create_app(
        settings(auth_enabled=True, **overrides), registry, store, clock=lambda: NOW, keys=RING
    )
    return TestClient(app)


@pytest.fixture
def enabled(registry: Registry, filled_store: SqliteStore) -> Iterator[TestClient]:
    with app_client(registry, filled_store, employee_view=True) as c:
        yield c


def test_off_by_default(registry: Registry, filled_store: SqliteStore) -> None:
    with app_client(registry, filled_store) as c:
        assert c.get("/free").status_code == 404
        assert c.get("/api/free-now").status_code == 404


def test_on_it_needs_no_account_and_counts_the_free_desks(enabled: TestClient) -> None:
    r = enabled.get("/api/free-now")
    assert r.status_code == 200
    hubs = {h["hub"]: h for h in r.json()["hubs"]}
    registry: Registry = enabled.app.state.registry  # type: ignore[attr-defined]
    assert list(hubs) == list(registry.hubs)
    live = enabled.get("/api/hubs/svenstavik/live")  # the viewer's API needs a key
    assert live.status_code == 401
    sven = hubs["svenstavik"]
    # KNOWN (tests/dashboards/support.py): 2 of the 12 desks free now, hours 07-18
    assert (sven["free"], sven["desks"], sven["level"]) == (2, 12, "few")
    assert (sven["opens"], sven["closes"]) == ("07:00:00", "18:00:00")
    page = enabled.get("/free")
    assert page.status_code == 200
    card = page.text[page.text.index('data-hub="svenstavik"') :]
    assert "2 av 12 platser lediga" in card[: card.index("</li>")]
    assert enabled.get("/dashboards/static/dashboard.css").status_code == 200
    assert enabled.get("/dashboards/static/live.js").status_code == 401  # only the stylesheet


def test_it_never_reveals_a_desk_or_a_time_of_one(enabled: TestClient) -> None:
    registry: Registry = enabled.app.state.registry  # type: ignore[attr-defined]
    body = enabled.get("/api/free-now").json()
    assert set(body) == {"as_of", "min_group_size", "hubs"}
    allowed = {"hub", "name", "municipality", "level", "free", "desks", "open_now", "opens",
               "closes", "busy"}  # fmt: skip
    for hub in body["hubs"]:
        assert set(hub) == allowed
    texts = [json.dumps(body), enabled.get("/free").text, enabled.get("/free?lang=en").text]
    for hub in registry.hubs.values():
        for desk in hub.desks:
            for text in texts:
                assert f'"{desk.sensor}"' not in text and desk.sensor not in text
                assert f"{hub.id}/{desk.id}" not in text
                assert f'"{desk.id}"' not in text and f">{desk.id}<" not in text


def test_a_small_hub_shows_a_level_only(registry: Registry, filled_store: SqliteStore) -> None:
    # min_group_size above every hub's desks: no hub shows a number
    with app_client(registry, filled_store, employee_view=True, min_group_size=100) as c:
        hubs = c.get("/api/free-now").json()["hubs"]
        assert all(h["free"] is None and h["desks"] is None for h in hubs)
        assert {h["level"] for h in hubs} <= {"free", "few", "full", "unknown"}
        page = c.get("/free").text
        sven = page[page.index('data-hub="svenstavik"') :]
        sven = sven[: sven.index("</li>")]
        assert "Få lediga platser" in sven
        assert not re.search(r"\d+ av \d+", sven)


def test_many_callers_cost_one_computation(enabled: TestClient) -> None:
    cache: AnswerCache[object] = enabled.app.state.free_now_cache  # type: ignore[attr-defined]
    for _ in range(5):
        assert enabled.get("/api/free-now").status_code == 200
        assert enabled.get("/free").status_code == 200
    assert cache.computed == 1


def test_the_cache_expires() -> None:
    now = [0.0]
    cache: AnswerCache[int] = AnswerCache(30, monotonic=lambda: now[0])
    answers = iter(range(10))
    assert cache.get(lambda: next(answers)) == 0
    now[0] = 29.9
    assert cache.get(lambda: next(answers)) == 0
    now[0] = 30.0
    assert cache.get(lambda: next(answers)) == 1
    assert cache.computed == 2


def test_levels() -> None:
    assert [level_of(f, 12) for f in (0, 1, 3, 4, 12)] == ["full", "few", "few", "free", "free"]
    assert [level_of(f, 2) for f in (0, 1, 2)] == ["full", "few", "free"]


@given(st.lists(st.one_of(st.none(), st.floats(0, 20)), min_size=24, max_size=24),
       st.integers(1, 20))  # fmt: skip
def test_busy_hours_are_the_runs_of_busy_hours(mean: list[float | None], desks: int) -> None:
    runs = busy_hours(mean, desks)
    covered = {h for start, end in runs for h in range(start, end)}
    assert covered == {h for h, v in enumerate(mean) if v is not None and v / desks >= BUSY_SHARE}
    for (_, end), (start, _) in zip(runs, runs[1:], strict=False):
        assert end < start  # separate runs never touch
