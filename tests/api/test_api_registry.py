"""GET /api/registry and /api/municipalities."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_registry(client: TestClient) -> None:
    r = client.get("/api/registry")
    assert r.status_code == 200
    assert r.json() == {
        "region": "Region Jämtland Härjedalen",
        "version": "2026-11-25.1",
        "municipalities": 8,
        "hubs": 11,
        "desks": 126,
    }


def test_municipalities(client: TestClient) -> None:
    r = client.get("/api/municipalities")
    assert r.status_code == 200
    by_id = {m["id"]: m for m in r.json()}
    assert len(by_id) == 8
    assert by_id["berg"] == {
        "id": "berg",
        "name": "Berg",
        "code": "2326",
        "hubs": ["svenstavik"],
        "desk_count": 12,
    }
    assert by_id["harjedalen"]["hubs"] == ["sveg", "funasdalen"]
    assert by_id["bracke"]["desk_count"] == 8
    assert sum(m["desk_count"] for m in by_id.values()) == 126


def test_registry_needs_no_store(broken_client: TestClient) -> None:
    assert broken_client.get("/api/registry").status_code == 200
    assert broken_client.get("/api/municipalities").status_code == 200
