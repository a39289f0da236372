"""A store fixture parametrized over both backends (SQLite, and a real influxd)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hubsense.store.base import Store
from hubsense.store.influx import InfluxStore


@pytest.fixture(params=["sqlite", pytest.param("influxdb", marks=pytest.mark.integration)])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_store")
        return
    server = request.getfixturevalue("influxd_server")
    database = request.getfixturevalue("influx_db_name")
    influx = InfluxStore(server.url, database, timeout_s=30.0)
    influx.open()
    try:
        yield influx
    finally:
        influx.close()
