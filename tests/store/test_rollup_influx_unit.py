"""InfluxStore rollup storage without a real server: the 1.x delete statement, the 2.x
delete API and the 3.x fallback (no delete), against the scripted fakes of
tests/store/test_influx_unit.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from hubsense.metrics import DeskDayRollup, GroupDayRollup, hours_text
from hubsense.store.base import StoreRejected
from hubsense.store.influx import InfluxStore
from tests.store.test_influx_unit import FakeInflux, Reply, opened, v2_routes, v2_store

D0 = 1_793_487_600 * 10**9  # 2026-11-01T00:00:00+01:00
DAY = 86_400 * 10**9
HOURS_OPEN = tuple(3600 * 10**9 if 7 <= h < 18 else 0 for h in range(24))
HOURS_OCCUPIED = tuple(h * 10**9 for h in range(24))
ROW = GroupDayRollup("svenstavik", "*", date(2026, 11, 1), D0, 39_600 * 10**9, 12, 3, D0 + 5,
                     HOURS_OPEN, HOURS_OCCUPIED)
ROW_LINE = (
    'rollup_group_day,group=*,hub=svenstavik computed_ns=0i,day="2026-11-01",desks=12i,'
    'desks_key="",full_ns="",'
    f'hour_occupied="{hours_text(HOURS_OCCUPIED)}",'
    f'hour_open="{hours_text(HOURS_OPEN)}",open_ns=39600000000000i,'
    f'params="",peak=3i,peak_at_ns={D0 + 5}i,t_days=0i,t_flickers=0i,t_free_ns=0i,'
    "t_occupied_ns=0i,t_offline_ns=0i,t_open_ns=0i,t_stuck_ns=0i,t_undecided=0i,t_unused=0i,"
    f"t_used=0i {D0}"
)


EDGE_READ = 'SELECT "sums", "idle_open_days", "day_stuck_ns" FROM "rollup_desk_day" '


def stored(*desk_keys: tuple[str, int]) -> Callable[[Any], Reply]:
    """The answer to the key queries: these desk-day rows stored, nothing else (so every
    other read, of the blocks' other days, finds nothing)."""
    desk_days: dict[str, object] = {"statement_id": 0}
    if desk_keys:
        desk_days["series"] = [
            {"name": "rollup_desk_day", "tags": {"desk": d}, "columns": ["time", "open_ns"],
             "values": [[t, 1]]}
            for d, t in desk_keys
        ]
    keys = Reply(200, {"results": [desk_days, {"statement_id": 1}, {"statement_id": 2},
                                   {"statement_id": 3}]})

    def answer(rec: Any) -> Reply:
        q = rec.params["q"]
        if q.startswith('SELECT "open_ns"'):
            return keys
        return Reply(200, {"results": [{"statement_id": i} for i in range(q.count("; ") + 1)]})

    return answer


def test_v1_deletes_with_influxql_then_writes() -> None:
    fake = FakeInflux("1.8.10")
    try:
        # a desk-day row is stored that the new rows do not replace: it must be deleted
        fake.routes[("GET", "/query")] = stored(("a09", D0))
        store = opened(InfluxStore(fake.url, "d"))
        store.write_rollups("svenstavik", D0, D0 + DAY, [], [ROW], [])
        keys, *edges = fake.find("GET", "/query")
        assert keys.params["q"] == "; ".join(
            f"SELECT \"open_ns\" FROM \"{m}\" WHERE \"hub\" = 'svenstavik' AND time >= {D0} "
            f"AND time < {D0 + DAY} GROUP BY \"{tag}\""
            for m, tag in (("rollup_desk_day", "desk"), ("rollup_group_day", "group"),
                           ("rollup_slot", "group"), ("rollup_desk_flag", "desk"))
        )
        create, delete = fake.find("POST", "/query")
        assert delete.params["q"] == "; ".join(
            f"DELETE FROM \"{m}\" WHERE \"hub\" = 'svenstavik' AND time >= {D0} "
            f"AND time < {D0 + DAY}"
            for m in ("rollup_desk_day", "rollup_group_day", "rollup_slot", "rollup_desk_flag")
        )
        # the rest of the day's 16-day block is read, to make its desk and group blocks
        # again
        desk_edges = [e for e in edges if e.params["q"].startswith(EDGE_READ)]
        (group_edges,) = [e for e in edges if e not in desk_edges]
        assert len(desk_edges) == 2
        assert group_edges.params["q"].startswith('SELECT * FROM "rollup_group_day" ')
        (write,) = fake.find("POST", "/write")
        block, group_day, group_block = write.body.decode().splitlines()
        assert block.startswith("rollup_desk_block,hub=svenstavik desks=")
        assert group_day == ROW_LINE  # it marks the day computed
        assert group_block.startswith("rollup_group_block,hub=svenstavik rows=")  # says so
        store.close()
    finally:
        fake.close()


def test_no_delete_when_the_new_rows_replace_every_stored_one() -> None:
    """Nothing stored, or only rows with the keys being written: the write alone replaces
    them (InfluxDB 1.x makes a DELETE slow on a large database)."""
    for answer in (stored(), stored(("a01", D0))):
        fake = FakeInflux("1.8.10")
        try:
            fake.routes[("GET", "/query")] = answer
            store = opened(InfluxStore(fake.url, "d"))
            row = DeskDayRollup("svenstavik", "a01", date(2026, 11, 1), D0, 1, 1, 0, 0, 0, 1, 1,
                                0, 0, 0, "v2:x", 5)
            store.write_rollups("svenstavik", D0, D0 + DAY, [row], [ROW], [])
            assert [r.params["q"] for r in fake.find("POST", "/query")
                    if r.params["q"].startswith("DELETE")] == []
            (write,) = fake.find("POST", "/write")
            assert ROW_LINE in write.body.decode()
            store.close()
        finally:
            fake.close()


def test_v2_uses_the_delete_api_per_measurement() -> None:
    fake = FakeInflux("2.7.1")
    try:
        v2_routes(fake, bucket_exists=True, dbrp_exists=True)
        fake.routes[("GET", "/query")] = stored(("a09", D0))
        fake.routes[("POST", "/api/v2/delete")] = Reply(204)
        store = opened(v2_store(fake))
        store.write_rollups("svenstavik", D0, D0 + DAY, [], [ROW], [])
        deletes = fake.find("POST", "/api/v2/delete")
        assert [d.params for d in deletes] == [{"org": "acme", "bucket": "sensors"}] * 4
        assert [json.loads(d.body) for d in deletes] == [
            {"start": "2026-10-31T23:00:00.000000000Z", "stop": "2026-11-01T22:59:59.999999999Z",
             "predicate": f'_measurement="{m}" AND hub="svenstavik"'}
            for m in ("rollup_desk_day", "rollup_group_day", "rollup_slot", "rollup_desk_flag")
        ]
        assert deletes[0].headers["authorization"] == "Token s3cret"
        (write,) = fake.find("POST", "/api/v2/write")
        assert write.body.decode().splitlines()[-2] == ROW_LINE
        # an id the delete predicate cannot carry safely is refused, not interpolated
        with pytest.raises(StoreRejected, match="predicate"):
            store.write_rollups('x" OR hub="y', D0, D0 + DAY, [], [], [])
        store.close()
    finally:
        fake.close()


def test_v3_without_delete_api_only_overwrites() -> None:
    fake = FakeInflux("3.1.0")
    try:
        fake.routes[("POST", "/api/v2/write")] = Reply(204)
        fake.routes[("GET", "/query")] = stored()  # (stored copies are rewritten, not deleted)
        store = opened(v2_store(fake))
        store.write_rollups("svenstavik", D0, D0 + DAY, [], [ROW], [])
        assert not fake.find("POST", "/api/v2/delete")
        assert len(fake.find("POST", "/api/v2/write")) == 1
        store.close()
    finally:
        fake.close()
