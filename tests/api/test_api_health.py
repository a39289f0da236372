"""GET /api/health and /api/ready."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from hubsense.registry import Registry
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from tests.api.api_support import settings

pytestmark = pytest.mark.dated


def test_health(client: TestClient) -> None:
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_health_does_not_touch_the_store(broken_client: TestClient) -> None:
    assert broken_client.get("/api/health").status_code == 200


def test_ready_when_every_check_passes(
    make_client: Callable[..., TestClient], sqlite_store: SqliteStore
) -> None:
    calls: list[str] = []
    client = make_client(sqlite_store, checks={"broker": lambda: calls.append("broker")})
    r = client.get("/api/ready")
    assert r.status_code == 200
    assert r.json() == {
        "status": "ready",
        "checks": {"store": {"ok": True, "error": None}, "broker": {"ok": True, "error": None}},
        "failing": [],
    }
    assert calls == ["broker"]


def test_not_ready_names_the_failing_check_and_its_error(
    make_client: Callable[..., TestClient], sqlite_store: SqliteStore
) -> None:
    def broker() -> None:
        raise ConnectionError("broker 127.0.0.1:1883 not connected")

    client = make_client(sqlite_store, checks={"broker": broker})
    r = client.get("/api/ready")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "not_ready"
    assert body["failing"] == ["broker"]
    assert body["checks"]["store"] == {"ok": True, "error": None}
    assert body["checks"]["broker"] == {
        "ok": False,
        "error": "ConnectionError: broker 127.0.0.1:1883 not connected",
    }


def test_not_ready_when_the_store_is_down(broken_client: TestClient) -> None:
    r = broken_client.get("/api/ready")
    assert r.status_code == 503
    body = r.json()
    assert body["failing"] == ["store"]
    assert "connection refused (test)" in body["checks"]["store"]["error"]


def test_not_ready_when_the_store_is_closed(client: TestClient, sqlite_store: SqliteStore) -> None:
    sqlite_store.close()
    r = client.get("/api/ready")
    assert r.status_code == 503
    assert r.json()["checks"]["store"]["error"] == "StoreUnavailable: sqlite store is not open"


def test_long_check_errors_are_cut(
    make_client: Callable[..., TestClient], sqlite_store: SqliteStore
) -> None:
    def noisy() -> None:
        raise RuntimeError("x" * 10_000)

    r = make_client(sqlite_store, checks={"noisy": noisy}).get("/api/ready")
    assert r.status_code == 503
    assert len(r.json()["checks"]["noisy"]["error"]) < 600


def test_default_clock_is_wall_time(registry: Registry, sqlite_store: SqliteStore) -> None:
    app = create_app(settings(), registry, sqlite_store)
    assert app.state.clock is time.time_ns
    assert set(app.state.readiness_checks) == {"store"}


def test_openapi_docs(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/api/health",
        "/api/ready",
        "/api/registry",
        "/api/municipalities",
        "/api/hubs",
        "/api/hubs/{hub}",
        "/api/hubs/{hub}/live",
        "/api/hubs/{hub}/desks/{desk}/timeline",
        "/api/rejections",
    } <= set(paths)
