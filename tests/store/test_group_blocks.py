"""InfluxStore's group blocks (hubsense.store.group_blocks): the stored form, group-days
stored before blocks were kept, and blocks too large for a field, on a real influxd."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubsense.metrics import GroupDayRollup
from hubsense.store import group_blocks
from hubsense.store.desk_blocks import BLOCK_NS, block_of
from hubsense.store.group_blocks import StoredGroupDay, pack, unpack
from hubsense.store.influx import GROUP_BLOCK, InfluxStore, group_day_point
from tests.store.test_rollup_contract import D0, DAY, gd

values = st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1), st.text(max_size=40))


@given(st.lists(st.tuples(st.text(min_size=1, max_size=20), st.integers(0, 2**62),
                          st.lists(values, min_size=3, max_size=3)), max_size=40))
def test_a_block_round_trips_any_group_and_value(rows: list) -> None:
    names = ("peak", "params", "full_ns")
    stored = [StoredGroupDay(g, t, dict(zip(names, v, strict=True))) for g, t, v in rows]
    text = pack(stored, names)
    assert text.isascii() and "\n" not in text
    assert unpack(text) == sorted(stored, key=lambda r: (r.time_ns, r.group))


def test_a_block_too_long_for_a_field_is_stored_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [StoredGroupDay("*", i, {"params": f"v4:{i}"}) for i in range(50)]
    assert unpack(pack(rows, ["params"])) is not None
    monkeypatch.setattr(group_blocks, "MAX_TEXT", 100)
    assert pack(rows, ["params"]) == ""
    assert unpack("") is None


def _on_day(row: GroupDayRollup, i: int) -> GroupDayRollup:
    return replace(row, day=date(2026, 11, 1) + timedelta(days=i), day_start_ns=D0 + i * DAY)


def _block_rows(influx: InfluxStore, hub: str) -> list[str]:
    q = f"SELECT \"rows\" FROM \"{GROUP_BLOCK}\" WHERE \"hub\" = '{hub}'"
    return [str(r["rows"]) for r in influx._rows(influx._query(q)[0])]


@pytest.mark.integration
def test_group_days_stored_before_blocks_are_read_and_then_kept(influx: InfluxStore) -> None:
    """Group-days written without blocks (as an earlier version stored them) are read as
    rows; once one day of their block is written again, its block holds them all, and the
    block is what a read of the whole block uses."""
    hub = "svenstavik"
    first = block_of(D0) + BLOCK_NS
    i0 = (first - D0) // DAY + 1  # the first local midnight in the block
    old = [_on_day(gd(hub, g, 0, peak=i % 7), i0 + i) for i in range(12) for g in ("*", "a")]
    influx._send([group_day_point(r) for r in old])
    lo, hi = first, first + BLOCK_NS
    key = lambda r: (r.day_start_ns, r.group)  # noqa: E731
    assert _block_rows(influx, hub) == []
    assert influx.group_day_rollups(hub, lo, hi) == sorted(old, key=key)
    new = _on_day(gd(hub, "*", 0, peak=11), i0 + 13)
    influx.write_rollups(hub, new.day_start_ns, new.day_start_ns + DAY, [], [new], [])
    (text,) = _block_rows(influx, hub)
    assert sorted((r.group, r.time_ns) for r in unpack(text) or []) == sorted(
        (r.group, r.day_start_ns) for r in [*old, new])
    assert influx.group_day_rollups(hub, lo, hi) == sorted([*old, new], key=key)
    assert influx.group_day_rollups(hub, lo, hi, group="a") == sorted(
        (r for r in old if r.group == "a"), key=key)


@pytest.mark.integration
def test_a_block_too_large_leaves_its_days_to_their_rows(
    influx: InfluxStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(group_blocks, "MAX_TEXT", 10)
    hub = "svenstavik"
    first = block_of(D0) + BLOCK_NS
    i0 = (first - D0) // DAY + 1
    rows = [_on_day(gd(hub, "*", 0, peak=i), i0 + i) for i in range(14)]
    influx.write_rollups(hub, rows[0].day_start_ns, rows[-1].day_start_ns + DAY, [], rows, [])
    assert _block_rows(influx, hub) == [""]
    assert influx.group_day_rollups(hub, first, first + BLOCK_NS) == rows
