from __future__ import annotations

import pytest

from collector.spool import Spool, SpoolFull
from hubsense.events import PresenceEvent, Rejection, RejectReason

EVENTS = [
    PresenceEvent("berg", "svenstavik", "a01", "svenstavik-a01", i, 10**18 + i, i % 2 == 0,
                  i % 3 == 0, battery=None if i % 2 else 50, rssi=-70)
    for i in range(10)
]
REJECTION = Rejection(RejectReason.BAD_JSON, "not JSON", "hubs/x", "\\x00 ünïcode \"q\"", 123)


def test_round_trip_in_order_and_remove(tmp_path):
    spool = Spool(tmp_path / "s.sqlite3", max_bytes=10**6)
    spool.append(EVENTS[:5], [REJECTION])
    spool.append(EVENTS[5:], [])
    assert len(spool) == 11 and spool.bytes > 0
    last, events, rejections = spool.peek(6)
    assert events == EVENTS[:5] and rejections == [REJECTION]
    spool.remove_upto(last)
    assert len(spool) == 5
    _, events, _ = spool.peek(100)
    assert events == EVENTS[5:]


def test_contents_survive_reopening(tmp_path):
    path = tmp_path / "s.sqlite3"
    spool = Spool(path, max_bytes=10**6)
    spool.append(EVENTS, [REJECTION])
    spool.close()
    again = Spool(path, max_bytes=10**6)
    assert len(again) == 11
    assert again.peek(100)[1] == EVENTS


def test_size_bound(tmp_path):
    spool = Spool(tmp_path / "s.sqlite3", max_bytes=1024)
    with pytest.raises(SpoolFull):
        for _ in range(100):
            spool.append(EVENTS, [])
    assert spool.bytes <= 1024
    last, _, _ = spool.peek(10)
    spool.remove_upto(last)
    spool.append(EVENTS[:1], [])  # room again
