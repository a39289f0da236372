"""Dashboard test fixtures: the bundled registry's app over a SQLite store of known data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from hubsense.registry import Registry
from hubsense.store.sqlite import SqliteStore
from tests.dashboards.support import EventMaker, fill_known, make_app


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "browser: drives real headless Chromium with Playwright; skips when either is "
        "missing, fails instead with CI=true",
    )


@pytest.fixture
def filled_store(sqlite_store: SqliteStore, registry: Registry) -> SqliteStore:
    fill_known(sqlite_store, EventMaker(registry))
    return sqlite_store


@pytest.fixture
def client(registry: Registry, filled_store: SqliteStore) -> Iterator[TestClient]:
    with TestClient(make_app(registry, filled_store)) as c:
        yield c
