"""Outside opening hours the overview cards and the hub page say "stängd"/"closed", and a
simulated clock (the demo) is shown with its time and speed on every page."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from hubsense.registry import Registry
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from tests.api.api_support import NOW, S, settings
from tests.dashboards.support import make_app

EVENING = NOW + 10 * 3600 * S  # Wednesday 21:00 local: every hub has closed
CLOSED_BADGE = re.compile(r'<span class="badge-closed" data-field="closed"[^>]*?(hidden)?>')


def badges(html: str) -> list[bool]:
    """For each closed badge on the page: whether it is shown."""
    return [m.group(1) is None for m in CLOSED_BADGE.finditer(html)]


@pytest.mark.parametrize(("clock", "shown"), [(NOW, False), (EVENING, True)])
def test_hub_page_says_closed_only_outside_opening_hours(
    registry: Registry, filled_store: SqliteStore, clock: int, shown: bool
):
    with TestClient(make_app(registry, filled_store, clock=lambda: clock)) as c:
        page = c.get("/hubs/svenstavik").text
        en = c.get("/hubs/svenstavik?lang=en").text
        live = c.get("/api/hubs/svenstavik/live").json()
    assert badges(page) == [shown]
    assert ">stängd</span>" in page and ">closed</span>" in en
    assert live["open"] is (not shown)


@pytest.mark.parametrize(("clock", "shown"), [(NOW, False), (EVENING, True)])
def test_overview_cards_say_closed_outside_opening_hours(
    registry: Registry, filled_store: SqliteStore, clock: int, shown: bool
):
    with TestClient(make_app(registry, filled_store, clock=lambda: clock)) as c:
        page = c.get("/").text
    assert badges(page) == [shown] * len(registry.hubs)


def test_a_hub_open_on_saturday_is_the_only_one_not_closed(
    registry: Registry, filled_store: SqliteStore
):
    saturday_noon = NOW + 3 * 24 * 3600 * S + 3600 * S  # 2026-11-28 12:00 local
    open_hubs = [h.id for h in registry.hubs.values() if 5 in h.opening_hours]
    assert open_hubs, "the example registry has a hub open on Saturdays"
    with TestClient(make_app(registry, filled_store, clock=lambda: saturday_noon)) as c:
        opened = {h: c.get(f"/api/hubs/{h}/live").json()["open"] for h in registry.hubs}
    assert sorted(h for h, o in opened.items() if o) == sorted(open_hubs)


def test_a_simulated_clock_is_shown_with_its_time_and_speed_on_every_page(
    registry: Registry, filled_store: SqliteStore
):
    app = create_app(settings(), registry, filled_store, clock=lambda: NOW, simulated_speed=240.0)
    with TestClient(app) as c:
        for path in ("/", "/hubs/svenstavik", "/utilisation", "/compare", "/planning"):
            page = c.get(path).text
            assert "Simulerad klocka" in page, path
            assert "240× verklig tid" in page, path
            assert 'datetime="2026-11-25T11:00:00+01:00"' in page, path
            assert ">2026-11-25 11:00</time>" in page, path
        assert "Simulated clock" in c.get("/?lang=en").text
        assert c.get("/dashboards/static/simclock.js").status_code == 200


def test_a_real_clock_is_not_called_simulated(client: TestClient):
    for path in ("/", "/hubs/svenstavik", "/planning"):
        page = client.get(path).text
        assert "Simulerad klocka" not in page and "simclock.js" not in page, path
