"""The stored form of a group-day's per-hour numbers (``hours_text``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hubsense.metrics import hours_from_text, hours_text

hours = st.lists(st.integers(min_value=0, max_value=3600 * 10**9 * 500), min_size=24,
                 max_size=24)


@given(hours)
def test_round_trips_exactly(values: list[int]) -> None:
    assert hours_from_text(hours_text(values)) == tuple(values)


@given(hours.map(lambda vs: [v // 10**9 * 10**9 for v in vs]))
def test_whole_seconds_are_written_in_seconds(values: list[int]) -> None:
    text = hours_text(values)
    assert text.startswith("9:") and hours_from_text(text) == tuple(values)
    assert len(text) <= len(",".join(map(str, values))) + len("9:")


def test_rows_written_before_the_prefix_still_read() -> None:
    old = ",".join(["3600000000000"] * 11 + ["0"] * 13)
    assert hours_from_text(old) == (3600 * 10**9,) * 11 + (0,) * 13


@given(st.text())
def test_anything_else_is_no_profile_never_an_error(text: str) -> None:
    got = hours_from_text(text)
    assert got == () or len(got) == 24
    assert hours_from_text("99:" + ",".join(["1"] * 24)) == ()
    assert hours_from_text("9:1,2") == ()
    assert hours_from_text("-3:" + ",".join(["1"] * 24)) == ()
