"""Fixtures of the fault tests."""

from __future__ import annotations

import pytest

from hubsense.devservers import Influxd
from tests.conftest import _missing


@pytest.fixture
def own_influxd(tmp_path):
    """An influxd of this test's own, so the test may stop and restart it."""
    server = Influxd(workdir=tmp_path / "influxd")
    server.workdir.mkdir()
    try:
        server.start()
    except Exception as exc:  # ServerMissing → skip or fail (CI)
        from hubsense.devservers import ServerMissing

        if isinstance(exc, ServerMissing):
            _missing(exc)
        raise
    yield server
    server.close()
