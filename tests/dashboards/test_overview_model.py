"""dashboards.overview: municipalities in Swedish order with a card per hub."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from typing import Any

from fastapi.testclient import TestClient

from dashboards.live import LiveCounts
from dashboards.overview import region_groups, region_totals, swedish_key
from hubsense.calendar import to_ns
from hubsense.registry import Registry, parse_registry

NO_HUB = """
schema_version = 1
version = "t"
region = "Test"
[municipalities]
ostersund = { name = "Östersund", code = "2380" }
are = { name = "Åre", code = "2321" }
[[hubs]]
id = "h"
municipality = "are"
name = "H"
opening_hours = { mon = "08:00-17:00" }
desks = [{ id = "a01", zone = "a", sensor = "s1" }]
"""


def test_swedish_alphabetical_order() -> None:
    names = ["Östersund", "Åre", "Ärla", "berg", "Zinkgruvan", "Éke", "Bräcke", "Öland"]
    assert sorted(names, key=swedish_key) == [
        "berg", "Bräcke", "Éke", "Zinkgruvan", "Åre", "Ärla", "Öland", "Östersund",
    ]  # fmt: skip


def lives(client: TestClient, registry: Registry) -> dict[str, Any]:
    return {h: client.get(f"/api/hubs/{h}/live").json() for h in registry.hubs}


def test_groups_of_the_region(client: TestClient, registry: Registry) -> None:
    groups = region_groups(registry, lives(client, registry))
    assert [g.name for g in groups] == [
        "Berg", "Bräcke", "Härjedalen", "Krokom", "Ragunda", "Strömsund", "Åre", "Östersund",
    ]  # fmt: skip
    hubs = {g.id: [c.hub for c in g.cards] for g in groups}
    assert hubs["harjedalen"] == ["funasdalen", "sveg"]
    assert hubs["are"] == ["jarpen", "are"]
    assert hubs["ostersund"] == ["ostersund-campus", "ostersund-centrum"]
    berg = groups[0]
    assert berg.code == "2326"
    card = berg.cards[0]
    assert card.name == "Fjällhubben Svenstavik"
    assert card.counts == LiveCounts(2, 2, 2, 6, 2, 12)
    assert card.total == 12
    assert card.stale is False
    assert card.offline_after_s == 900
    bracke = groups[1].cards[0]
    assert bracke.stale is True  # nothing heard at all
    krokom = groups[3]
    assert (krokom.occupied, krokom.total) == (2, 14)
    assert region_totals(groups) == (5, 126)


def test_missing_live_data_is_not_a_zero(registry: Registry) -> None:
    groups = region_groups(registry, {"svenstavik": None})
    card = groups[0].cards[0]
    assert card.counts is None
    assert card.total == 12  # from the registry
    assert groups[0].occupied is None
    assert region_totals(groups) == (None, 126)


def test_municipality_without_a_hub_is_listed_empty() -> None:
    registry = parse_registry(NO_HUB)
    groups = region_groups(registry, {})
    assert [(g.name, len(g.cards)) for g in groups] == [("Åre", 1), ("Östersund", 0)]
    assert groups[1].occupied == 0
    assert groups[1].total == 0


# --- what a card says besides the counts --------------------------------------------------

ONE_DESK = NO_HUB  # one hub "h" with one desk, open Mondays 08:00-17:00


def _live(occupied: bool, as_of: str = "2026-11-23T09:15:00+00:00") -> dict[str, Any]:
    state = "occupied" if occupied else "free"
    return {
        "as_of": as_of,
        "stale": False,
        "open": True,
        "offline_after_s": 900,
        "counts": {"occupied": int(occupied), "free": int(not occupied), "offline": 0,
                   "unknown": 0, "low_battery": 0},
        "desks": [{"desk": "a01", "zone": "a", "state": state}],
    }


def test_a_full_hub_is_marked_in_text(client: TestClient) -> None:
    from dashboards.render import Ctx, hub_card_html

    registry = parse_registry(ONE_DESK)
    monday = to_ns(datetime(2026, 11, 23, 10, tzinfo=UTC))
    (group,) = [g for g in region_groups(registry, {"h": _live(True)}, monday) if g.cards]
    card = group.cards[0]
    assert card.full is True
    html = hub_card_html(Ctx("sv"), card, "/api/hubs/h/live")
    assert 'class="card card-full"' in html
    assert re.search(r'<span class="badge-full" data-field="full" [^>]*>fullt</span>', html)
    (free,) = [g for g in region_groups(registry, {"h": _live(False)}, monday) if g.cards]
    assert free.cards[0].full is False
    html = hub_card_html(Ctx("en"), free.cards[0], "/api/hubs/h/live")
    assert "card-full" not in html and 'data-field="full" ' in html and " hidden>full<" in html


def test_a_card_says_todays_opening_hours(client: TestClient) -> None:
    from dashboards.render import Ctx, hub_card_html

    registry = parse_registry(ONE_DESK)
    monday = to_ns(datetime(2026, 11, 23, 10, tzinfo=UTC))
    tuesday = to_ns(datetime(2026, 11, 24, 10, tzinfo=UTC))
    (on_monday,) = [g for g in region_groups(registry, {"h": _live(False)}, monday) if g.cards]
    (on_tuesday,) = [g for g in region_groups(registry, {"h": _live(False)}, tuesday) if g.cards]
    assert on_monday.cards[0].hours_today == (time(8), time(17))
    assert on_tuesday.cards[0].hours_today is None
    assert "Öppet i dag 08:00–17:00" in hub_card_html(Ctx("sv"), on_monday.cards[0], "/x")
    assert "Closed today" in hub_card_html(Ctx("en"), on_tuesday.cards[0], "/x")
    # in the hub's local time: 09:15 UTC is 10:15 in Stockholm
    assert on_monday.cards[0].updated is not None
    assert on_monday.cards[0].updated.strftime("%H:%M") == "10:15"


def test_the_overview_says_when_its_numbers_were_read(client: TestClient) -> None:
    html = client.get("/").text
    m = re.search(r'<p class="overview-updated">Uppdaterad: <time id="overview-updated" '
                  r'datetime="([^"]+)" data-tz="Europe/Stockholm">(\d\d:\d\d)</time></p>', html)
    assert m is not None
    assert datetime.fromisoformat(m.group(1)).strftime("%H:%M") == m.group(2)
    hubs = client.app.state.registry.hubs  # type: ignore[attr-defined]
    assert html.count('class="card-hours"') == len(hubs)
