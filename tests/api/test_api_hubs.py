"""GET /api/hubs and /api/hubs/{hub}."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.api_support import HOSTILE_IDS


def test_all_hubs(client: TestClient) -> None:
    r = client.get("/api/hubs")
    assert r.status_code == 200
    hubs = r.json()
    assert len(hubs) == 11
    assert hubs[0] == {
        "id": "svenstavik",
        "name": "Fjällhubben Svenstavik",
        "municipality": "berg",
        "timezone": "Europe/Stockholm",
        "zones": ["a", "b"],
        "desk_count": 12,
    }


def test_hubs_of_one_municipality(client: TestClient) -> None:
    r = client.get("/api/hubs", params={"municipality": "harjedalen"})
    assert r.status_code == 200
    assert [h["id"] for h in r.json()] == ["sveg", "funasdalen"]


@pytest.mark.parametrize("municipality", ["nowhere", "Berg", "", *HOSTILE_IDS])
def test_unknown_municipality_is_404(client: TestClient, municipality: str) -> None:
    r = client.get("/api/hubs", params={"municipality": municipality})
    assert r.status_code == 404
    detail = r.json()["detail"]
    assert detail.startswith("unknown municipality ")
    assert "known: are, berg," in detail
    assert len(detail) < 300


def test_one_hub(client: TestClient) -> None:
    r = client.get("/api/hubs/svenstavik")
    assert r.status_code == 200
    hub = r.json()
    weekday = {"opens": "07:00", "closes": "18:00"}
    assert hub["opening_hours"] == {
        "mon": weekday,
        "tue": weekday,
        "wed": weekday,
        "thu": weekday,
        "fri": weekday,
        "sat": None,
        "sun": None,
    }
    assert hub["closed_dates"] == ["2026-12-28", "2026-12-29", "2026-12-30"]
    assert hub["zones"] == [
        {"id": "a", "desks": [f"a0{i}" for i in range(1, 9)]},
        {"id": "b", "desks": ["b01", "b02", "b03", "b04"]},
    ]
    assert len(hub["desks"]) == 12
    assert hub["desks"][0] == {"id": "a01", "zone": "a", "sensor": "svenstavik-a01"}
    assert {k: hub[k] for k in ("id", "name", "municipality", "timezone")} == {
        "id": "svenstavik",
        "name": "Fjällhubben Svenstavik",
        "municipality": "berg",
        "timezone": "Europe/Stockholm",
    }


def test_unknown_hub_is_404_naming_it(client: TestClient) -> None:
    r = client.get("/api/hubs/nowhere")
    assert r.status_code == 404
    assert r.json() == {"detail": "unknown hub 'nowhere'"}


@pytest.mark.parametrize("hub", HOSTILE_IDS)
def test_hostile_hub_ids_are_404(client: TestClient, hub: str) -> None:
    r = client.get(f"/api/hubs/{hub}")
    assert r.status_code == 404
    assert len(r.json()["detail"]) < 300


def test_very_long_id_is_cut_in_the_message(client: TestClient) -> None:
    r = client.get("/api/hubs/" + "x" * 5000)
    assert r.status_code == 404
    assert r.json()["detail"] == f"unknown hub {'x' * 64!r}... (5000 characters)"
