"""Fixtures of the store tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hubsense.store.influx import InfluxStore


@pytest.fixture
def influx(request: pytest.FixtureRequest) -> Iterator[InfluxStore]:
    """An open InfluxStore on the session's real influxd, in a database of its own."""
    server = request.getfixturevalue("influxd_server")
    store = InfluxStore(server.url, request.getfixturevalue("influx_db_name"))
    store.open()
    try:
        yield store
    finally:
        store.close()
