"""API test fixtures: the bundled registry, a real SQLite store, a fixed fake clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import pytest
from fastapi.testclient import TestClient

from hubsense.events import PresenceEvent
from hubsense.registry import Registry
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from tests.api.api_support import NOW, BrokenStore, S, settings


@pytest.fixture
def make_client(
    registry: Registry,
) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def make(
        store: object,
        clock: Callable[[], int] | None = None,
        checks: Mapping[str, Callable[[], object]] | None = None,
    ) -> TestClient:
        app = create_app(
            settings(),
            registry,
            store,  # type: ignore[arg-type]
            clock=clock or (lambda: NOW),
            readiness_checks=checks,
        )
        client = TestClient(app)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., TestClient], sqlite_store: SqliteStore) -> TestClient:
    return make_client(sqlite_store)


@pytest.fixture
def broken_client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(BrokenStore())


@pytest.fixture
def event(registry: Registry) -> Callable[..., PresenceEvent]:
    """``event("svenstavik", "a01", ago_s=60, occupied=True, ...)``: a registry desk's
    message ``ago_s`` seconds before NOW (negative: after it)."""

    seq = iter(range(1, 10**6))

    def make(
        hub: str,
        desk: str,
        *,
        ago_s: float,
        occupied: bool,
        heartbeat: bool = False,
        battery: int | None = None,
        rssi: int | None = None,
    ) -> PresenceEvent:
        d = registry.desk(hub, desk)
        assert d is not None, (hub, desk)
        return PresenceEvent(
            municipality=d.municipality,
            hub=hub,
            desk=desk,
            sensor=d.sensor,
            seq=next(seq),
            time_ns=NOW - int(ago_s * S),
            occupied=occupied,
            heartbeat=heartbeat,
            battery=battery,
            rssi=rssi,
        )

    return make


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No configuration from the environment: the CLI tests pass what they mean."""
    for name in ("HUBSENSE_CONFIG", "HUBSENSE_API_KEYS_FILE", "HUBSENSE_AUTH_ENABLED"):
        monkeypatch.delenv(name, raising=False)
