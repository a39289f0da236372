from __future__ import annotations

from dataclasses import replace

from collector.dedup import Deduplicator
from hubsense.events import PresenceEvent

BASE = PresenceEvent("berg", "svenstavik", "a01", "svenstavik-a01", 10, 1_000, True, False)


def test_same_desk_and_time_is_duplicate_even_with_other_seq():
    d = Deduplicator(window=8)
    assert not d.is_duplicate(BASE)
    assert d.is_duplicate(BASE)
    assert d.is_duplicate(replace(BASE, seq=99))


def test_same_seq_with_new_time_is_a_new_observation():
    d = Deduplicator(window=8)
    assert not d.is_duplicate(BASE)
    assert not d.is_duplicate(replace(BASE, time_ns=2_000))
    assert d.seq.restarts == 1


def test_other_desk_same_time_is_not_duplicate():
    d = Deduplicator(window=8)
    assert not d.is_duplicate(BASE)
    assert not d.is_duplicate(replace(BASE, desk="a02", sensor="svenstavik-a02"))


def test_window_forgets_oldest():
    d = Deduplicator(window=2)
    for t in (1, 2, 3):
        assert not d.is_duplicate(replace(BASE, time_ns=t, seq=t))
    assert not d.is_duplicate(replace(BASE, time_ns=1, seq=1))  # forgotten
    assert d.is_duplicate(replace(BASE, time_ns=3, seq=3))


def test_sequence_gaps_and_wrap():
    d = Deduplicator(window=16)
    d.is_duplicate(replace(BASE, seq=2**32 - 2, time_ns=1))
    d.is_duplicate(replace(BASE, seq=2**32 - 1, time_ns=2))
    d.is_duplicate(replace(BASE, seq=0, time_ns=3))  # wrapped: no gap
    d.is_duplicate(replace(BASE, seq=4, time_ns=4))  # 1, 2, 3 missing
    d.is_duplicate(replace(BASE, seq=0, time_ns=5))  # reboot
    assert d.seq.gaps == 3
    assert d.seq.restarts == 1


def test_sensors_without_a_sequence_count_no_restarts():
    d = Deduplicator(window=16)
    for t in range(5):
        d.is_duplicate(replace(BASE, seq=0, time_ns=t))
    assert d.seq.restarts == 0 and d.seq.gaps == 0


def test_a_heard_frame_counts_for_the_sequence_and_again_is_no_restart():
    d = Deduplicator(window=8)
    d.is_duplicate(replace(BASE, seq=16, time_ns=1))
    d.heard(BASE.sensor, 17)  # arrived, no presence (an Elsys "pending" frame)
    d.heard(BASE.sensor, 17)  # the same frame published again
    d.is_duplicate(replace(BASE, seq=18, time_ns=2))
    assert (d.seq.gaps, d.seq.restarts) == (0, 0)
    d.heard(BASE.sensor, 21)  # 19 and 20 never arrived
    assert (d.seq.gaps, d.seq.restarts) == (2, 0)
