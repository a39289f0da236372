"""A store with known hub use, shared by the planning tests (rollups warmed once).

Ten open days, Monday 9 – Friday 20 November 2026 (no holidays). Each day ``used(day)``
desks are occupied 09:00–15:00 at once, so visits = peak = used(day):

* svenstavik (Berg):   4 5 6 3 4 | 3 4 5 6 3 → V = 43/10 = 4.3; P90 (nearest rank 9 of
  [3,3,3,4,4,4,5,5,6,6]) = 6; recommended 6 + 1 = 7
* krokom (Krokom):    10 6 7 8 9 | 7 8 9 10 6 → V = 80/10 = 8.0; P90 (rank 9 of
  [6,6,7,7,8,8,9,9,10,10]) = 10; recommended 11
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from hubsense.config import Settings
from hubsense.planning.model import Assumptions
from hubsense.planning.service import make_plan
from hubsense.registry import Registry
from hubsense.store.sqlite import SqliteStore
from tests.api.api_support import NOW
from tests.api.api_support import settings as api_settings
from tests.planning.support import EXAMPLE, fill

FIRST, END = date(2026, 11, 9), date(2026, 11, 21)
USED = {
    "svenstavik": lambda d: d.day % 4 + 3,
    "krokom": lambda d: d.day % 5 + 6,
}


def planning_settings(**overrides: object) -> Settings:
    """Test settings: the example facts; five evidence days make a measurement count."""
    values: dict[str, object] = {"planning_facts_file": EXAMPLE, "capacity_min_days": 5}
    values.update(overrides)
    return api_settings(**values)


@pytest.fixture(scope="session")
def measured_store(
    tmp_path_factory: pytest.TempPathFactory, registry: Registry
) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path_factory.mktemp("planning") / "store.sqlite3")
    store.open()
    fill(store, registry, FIRST, END, USED)
    # compute and keep the rollups of the period once
    make_plan(store, registry, planning_settings(), FIRST, END, Assumptions(), now_ns=NOW)
    try:
        yield store
    finally:
        store.close()
