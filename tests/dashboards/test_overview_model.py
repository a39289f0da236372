"""dashboards.overview: municipalities in Swedish order with a card per hub."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from dashboards.live import LiveCounts
from dashboards.overview import region_groups, region_totals, swedish_key
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
