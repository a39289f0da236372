"""The Store contract against a real InfluxDB 2.x (opt-in; tests/store/test_contract.py).

Runs only when HUBSENSE_TEST_INFLUX2_URL and HUBSENSE_TEST_INFLUX2_TOKEN are set, e.g.
against the compose stack's InfluxDB (deploy/README.md, "Testing against InfluxDB 2"):

    HUBSENSE_TEST_INFLUX2_URL=http://127.0.0.1:8086 HUBSENSE_TEST_INFLUX2_TOKEN=... \
    HUBSENSE_TEST_INFLUX2_ORG=region-jamtland-harjedalen python -m pytest tests/store -k influx2

Each test writes to a fresh bucket (and DBRP database) that it leaves behind: use a
throwaway InfluxDB, not production.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

import tests.store.test_contract as contract
from hubsense.config import Settings
from hubsense.store.influx import InfluxStore

URL = os.environ.get("HUBSENSE_TEST_INFLUX2_URL", "")
TOKEN = os.environ.get("HUBSENSE_TEST_INFLUX2_TOKEN", "")
ORG = os.environ.get("HUBSENSE_TEST_INFLUX2_ORG", "hubsense")

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not (URL and TOKEN), reason="no real InfluxDB 2 configured"),
]


@pytest.fixture
def store() -> Iterator[InfluxStore]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    settings = Settings(
        store="influxdb",
        influx_url=URL,
        influx_token=TOKEN,
        influx_org=ORG,
        influx_bucket=name,
        influx_database=name,
    )
    s = InfluxStore.from_settings(settings)
    s.open()
    try:
        yield s
    finally:
        s.close()


for _name in dir(contract):
    if _name.startswith("test_"):
        globals()[f"{_name}_influx2"] = getattr(contract, _name)
