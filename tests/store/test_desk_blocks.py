"""InfluxStore's desk blocks (hubsense.store.desk_blocks): the block arithmetic, the stored
form, and rows stored before blocks and copies were kept, on a real influxd."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubsense.metrics import DeskDayRollup, DeskTotals
from hubsense.store.desk_blocks import (
    BLOCK_NS,
    DeskInBlock,
    block_from_text,
    block_of,
    block_text,
    blocks_between,
    consecutive,
    full_blocks,
    uncovered,
)
from hubsense.store.influx import InfluxStore, desk_day_point
from tests.store.test_rollup_contract import D0, DAY, dd

times = st.integers(min_value=-(10**18), max_value=10**18)


@given(times, st.integers(min_value=0, max_value=200 * BLOCK_NS))
def test_full_blocks_and_what_they_leave_partition_the_range(start: int, length: int) -> None:
    end = start + length
    full = full_blocks(start, end)
    assert all(start <= b and b + BLOCK_NS <= end and b == block_of(b) for b in full)
    assert set(full) <= set(blocks_between(start, end))
    assert all(b < end and b + BLOCK_NS > start for b in blocks_between(start, end))
    rest = uncovered(start, end, set(full))
    pieces = sorted([(b, b + BLOCK_NS) for b in full] + rest)
    assert sum(b - a for a, b in pieces) == length
    assert all(a < b for a, b in rest)
    assert all(p[1] <= q[0] for p, q in zip(pieces, pieces[1:], strict=False))
    assert not pieces or (pieces[0][0] == start and pieces[-1][1] == end)


@given(st.sets(st.integers(min_value=-50, max_value=50)))
def test_consecutive_days_group_into_runs(days: set[int]) -> None:
    starts = [D0 + d * DAY + (3600 * 10**9 if d > 10 else 0) for d in days]  # a DST shift
    runs = consecutive(starts, 22 * 3600 * 10**9)
    assert sum(1 for t in starts for a, b in runs if a <= t < b) == len(days)
    assert len(runs) == sum(1 for d in days if d - 1 not in days)


@given(st.dictionaries(st.text(), st.lists(st.integers(0, 10**15), min_size=12, max_size=12)))
def test_block_text_round_trips_any_desk_id(data: dict[str, list[int]]) -> None:
    block = {d: DeskInBlock(v[:10], v[10], v[11]) for d, v in data.items()}
    assert block_from_text(block_text(block)) == block
    assert block_from_text(block_text(None)) is None


def _on_day(row: DeskDayRollup, i: int) -> DeskDayRollup:
    return replace(row, day=date(2026, 11, 1) + timedelta(days=i), day_start_ns=D0 + i * DAY)


@pytest.mark.integration
def test_rows_stored_before_blocks_are_summed_and_flagged(influx: InfluxStore) -> None:
    """Desk-days written without blocks or copies (as an earlier version stored them), then
    one day of their block written again: its block row sums them and vouches for copies of
    the flagged ones, so a flagged reader finds them."""
    hub = "svenstavik"
    first = block_of(D0) + BLOCK_NS  # a block that starts after D0
    i0 = (first - D0) // DAY + 1
    old = [_on_day(replace(dd(hub, "a01", 0), idle_open_days=12 + i, day_stuck_ns=0), i0 + i)
           for i in range(10)]
    old += [_on_day(replace(dd(hub, "b01", 0), day_stuck_ns=4), i0 + 3)]
    influx._send([desk_day_point(r) for r in old])
    lo, hi = first, first + BLOCK_NS
    assert influx.flagged_desk_days(hub, lo, hi, 20) == sorted(
        (r for r in old if r.day_stuck_ns or r.idle_open_days >= 20),
        key=lambda r: (r.day_start_ns, r.desk))  # scanned: no block row yet
    new = _on_day(replace(dd(hub, "c01", 0), day_stuck_ns=0), i0 + 12)
    influx.write_rollups(hub, new.day_start_ns, new.day_start_ns + DAY, [new], [], [])
    rows = [*old, new]
    for n in (0, 5, 15, 20):
        want = sorted((r for r in rows if r.day_stuck_ns or (n and r.idle_open_days >= n)),
                      key=lambda r: (r.day_start_ns, r.desk))
        assert influx.flagged_desk_days(hub, lo, hi, n) == want
    totals: dict[str, DeskTotals] = {}
    for r in rows:
        totals[r.desk] = totals.get(r.desk, DeskTotals()) + DeskTotals.of(r)
    assert influx.desk_day_totals(hub, lo, hi) == totals
