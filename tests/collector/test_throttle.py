"""Log throttling: one line per kind and period, with the number left out."""

from __future__ import annotations

from collector.throttle import Throttle


def test_one_line_per_kind_and_period_with_the_count_left_out():
    clock = [0.0]
    t = Throttle(10.0, lambda: clock[0])
    assert t.due("bad_json") == 0  # the first is logged
    assert [t.due("bad_json") for _ in range(5)] == [None] * 5
    assert t.due("unknown_desk") == 0  # another kind has its own period
    clock[0] = 9.9
    assert t.due("bad_json") is None
    clock[0] = 10.0
    assert t.due("bad_json") == 6  # logged again, saying six were left out
    assert t.due("bad_json") is None
    clock[0] = 25.0
    assert t.due("bad_json") == 1
    assert t.due("unknown_desk") == 0
