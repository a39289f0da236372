"""Sensors reported offline by their network, read from the collector's stats."""

from __future__ import annotations

import json
import os

from hypothesis import given
from hypothesis import strategies as st

from hubsense.availability import UNAVAILABLE_KEY, Unavailable, UnavailableFile, from_stats
from hubsense.statsfile import write_stats

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


def test_a_report_holds_until_the_sensor_is_heard_after_it():
    u = Unavailable({"z01": 1_000})
    assert u.reported_offline("z01", 999) and u.reported_offline("z01", 1_000)
    assert not u.reported_offline("z01", 1_001)
    assert not u.reported_offline("z02", 0)


@given(JSON)
def test_any_stats_document_gives_sensor_ids_and_integer_times(raw):
    found = from_stats({UNAVAILABLE_KEY: raw})
    assert all(isinstance(s, str) for s in found.since_ns)
    assert all(type(t) is int for t in found.since_ns.values())
    if isinstance(raw, dict):
        assert found.since_ns == {
            k: v for k, v in raw.items() if isinstance(v, int) and not isinstance(v, bool)
        }


def test_the_file_is_read_again_only_when_it_changed(tmp_path):
    path = tmp_path / "collector-stats.json"
    read = UnavailableFile(path)
    assert read() == Unavailable()  # no file yet: none reported
    write_stats(path, {UNAVAILABLE_KEY: {"z01": 5, "bad": "x", "flag": True}})
    assert read().since_ns == {"z01": 5}
    st_before = path.stat()
    # the same size and time: not read again (a changed body would show otherwise)
    body = json.loads(path.read_text())
    body["stats"][UNAVAILABLE_KEY] = {"z09": 7}
    path.write_text(json.dumps(body).ljust(st_before.st_size))
    os.utime(path, ns=(st_before.st_atime_ns, st_before.st_mtime_ns))
    assert read().since_ns == {"z01": 5}
    os.utime(path, ns=(st_before.st_atime_ns, st_before.st_mtime_ns + 1))
    assert read().since_ns == {"z09": 7}
    path.write_text("{not json")
    assert read() == Unavailable()
    assert UnavailableFile(None)() == Unavailable()
