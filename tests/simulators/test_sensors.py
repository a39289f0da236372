from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from hubsense.contract import SEQ_MODULUS, PresencePayload, parse_topic
from hubsense.registry import Registry
from simulators import (
    NS,
    BehaviourParams,
    Fault,
    FaultParams,
    GroundTruth,
    Message,
    MessageStream,
    SensorState,
    sensor_events,
    to_ns,
)
from simulators.behaviour import merge_intervals
from simulators.sensors import SensorProfile, encode_events, mark_lost, transitions

TZ = ZoneInfo("Europe/Stockholm")
HB = 300 * NS


def _day(d: date) -> tuple[datetime, datetime]:
    nxt = d + timedelta(days=1)
    return datetime(d.year, d.month, d.day, tzinfo=TZ), datetime(nxt.year, nxt.month, nxt.day,
                                                                 tzinfo=TZ)


def _decode(messages: list[Message]) -> dict[str, list[tuple[int, PresencePayload]]]:
    by_topic: dict[str, list[tuple[int, PresencePayload]]] = defaultdict(list)
    for m in messages:
        assert parse_topic(m.topic, "hubs") is not None
        p = PresencePayload.model_validate_json(m.payload)
        assert to_ns(p.ts) == m.time_ns
        assert p.kind == ("heartbeat" if m.heartbeat else "change")
        by_topic[m.topic].append((m.time_ns, p))
    return by_topic


def _implied(msgs: list[tuple[int, PresencePayload]], t: int) -> bool | None:
    times = [m[0] for m in msgs]
    i = bisect.bisect_right(times, t)
    return None if i == 0 else msgs[i - 1][1].occupied


def test_one_hub_day_stream_is_a_conforming_sensor_stream(registry: Registry) -> None:
    start, end = _day(date(2026, 5, 6))
    truth = GroundTruth(registry, seed=2, params=BehaviourParams(faults=FaultParams.none()))
    stream = MessageStream(registry, start, end, hubs=["ostersund-centrum"], truth=truth)
    messages = list(stream)
    times = [m.time_ns for m in messages]
    assert times == sorted(times)
    assert to_ns(start) <= times[0] and times[-1] < to_ns(end)
    by_topic = _decode(messages)
    hub = registry.hubs["ostersund-centrum"]
    assert len(by_topic) == len(hub.desks)
    hd = truth.day(hub.id, date(2026, 5, 6))
    changes = 0
    for topic, msgs in by_topic.items():
        _, _, desk = parse_topic(topic, "hubs") or ("", "", "")
        dd = hd.desks[desk]
        assert {p.sensor for _, p in msgs} == {dd.sensor}
        seqs = [p.seq for _, p in msgs]
        assert seqs == list(range(len(msgs)))  # +1 per message from 0
        assert stream.next_seq[dd.sensor] == len(msgs)
        assert msgs[0][0] - to_ns(start) < HB  # first heartbeat within one period
        for (t1, p1), (t2, p2) in zip(msgs, msgs[1:], strict=False):
            assert 0 < t2 - t1 <= HB
            if p2.kind == "change":
                assert p2.occupied != p1.occupied
            else:
                assert t2 - t1 == HB and p2.occupied == p1.occupied
        assert all(str(p.ts.utcoffset()) == "2:00:00" for _, p in msgs)  # CEST in May
        batteries = [p.battery for _, p in msgs]
        assert all(b is not None and 0 <= b <= 100 for b in batteries)
        assert batteries == sorted(batteries, reverse=True) or max(batteries) == 100
        assert all(p.rssi is not None and -120 <= p.rssi <= -30 for _, p in msgs)
        changes += sum(p.kind == "change" for _, p in msgs)
        # the state the messages imply is the truth, from the first message on
        for t in range(msgs[0][0], to_ns(end), 60 * NS):
            assert _implied(msgs, t) == dd.occupied(t)
    assert changes == sum(2 * len(d.actual) for d in hd.desks.values())


def test_dst_day_offsets_and_heartbeat_count(week_registry: Registry) -> None:
    start, end = _day(date(2026, 10, 25))  # 25 hours
    truth = GroundTruth(week_registry, seed=1, params=BehaviourParams(faults=FaultParams.none()))
    messages = list(MessageStream(week_registry, start, end, hubs=["daily"], truth=truth))
    by_topic = _decode(messages)
    for msgs in by_topic.values():
        offsets = [p.ts.utcoffset() for _, p in msgs]
        assert offsets[0] == timedelta(hours=2) and offsets[-1] == timedelta(hours=1)
        assert offsets == sorted(offsets, reverse=True)
        beats = sum(p.kind == "heartbeat" for _, p in msgs)
        changes = len(msgs) - beats
        # 25 h of heartbeats; each change restarts the period, so at most one extra per change
        assert 25 * 12 - changes - 1 <= beats <= 25 * 12
        local_hours = {p.ts.hour for _, p in msgs}
        assert local_hours == set(range(24))
    spring_start, spring_end = _day(date(2026, 3, 29))  # 23 hours
    spring = list(MessageStream(week_registry, spring_start, spring_end, hubs=["daily"],
                                truth=truth))
    for msgs in _decode(spring).values():
        assert 2 not in {p.ts.hour for _, p in msgs}  # 02:xx does not exist that night


def test_silent_sensor_sends_nothing_and_leaves_a_sequence_gap(registry: Registry) -> None:
    params = BehaviourParams(faults=FaultParams(silent_prob=1.0, flicker_prob=0, stuck_prob=0))
    truth = GroundTruth(registry, seed=3, params=params)
    start, end = _day(date(2026, 5, 6))
    messages = list(MessageStream(registry, start, end, hubs=["funasdalen"], truth=truth))
    hd = truth.day("funasdalen", date(2026, 5, 6))
    for topic, msgs in _decode(messages).items():
        _, _, desk = parse_topic(topic, "hubs") or ("", "", "")
        ((a, b),) = hd.desks[desk].silent
        assert not any(a <= t < b for t, _ in msgs)
        seqs = [p.seq for _, p in msgs]
        steps = [s2 - s1 for s1, s2 in zip(seqs, seqs[1:], strict=False)]
        if b - a > HB and b < to_ns(end) - HB:
            assert max(steps) > 1  # lost messages used up sequence numbers
        for (t1, _), (t2, _) in zip(msgs, msgs[1:], strict=False):
            if not (t1 < b and a < t2):  # no silence between them
                assert t2 - t1 <= HB


def test_stuck_sensor_releases_at_midnight(registry: Registry) -> None:
    params = BehaviourParams(faults=FaultParams(silent_prob=0, flicker_prob=0, stuck_prob=1.0))
    truth = GroundTruth(registry, seed=3, params=params)
    start, _ = _day(date(2026, 5, 6))
    _, end = _day(date(2026, 5, 7))
    messages = list(MessageStream(registry, start, end, hubs=["jarpen"], truth=truth))
    midnight = to_ns(_day(date(2026, 5, 7))[0])
    hd = truth.day("jarpen", date(2026, 5, 6))
    assert all(d.fault is Fault.STUCK for d in hd.desks.values())
    at_midnight = [m for m in messages if m.time_ns == midnight]
    released = [PresencePayload.model_validate_json(m.payload) for m in at_midnight]
    # every desk that is not stuck again from midnight says "free" exactly at midnight
    nd = truth.day("jarpen", date(2026, 5, 7))
    expect = sum(not d.occupied(midnight, reported=True) for d in nd.desks.values())
    assert sum(p.kind == "change" and not p.occupied for p in released) == expect > 0


def test_sequence_continues_and_wraps(registry: Registry) -> None:
    start, end = _day(date(2026, 5, 6))
    mid = start + timedelta(hours=12)
    first = MessageStream(registry, start, mid, hubs=["bracke"], seed=1)
    a = list(first)
    second = MessageStream(registry, mid, end, hubs=["bracke"], seed=1,
                           seq_start=first.next_seq)
    b = list(second)
    for msgs in _decode(a + b).values():
        seqs = [p.seq for _, p in sorted(msgs, key=lambda x: x[0])]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    wrapped = list(MessageStream(registry, start, start + timedelta(hours=1), hubs=["bracke"],
                                 seq_start=SEQ_MODULUS - 2))
    for msgs in _decode(wrapped).values():
        assert [p.seq for _, p in msgs][:4] == [SEQ_MODULUS - 2, SEQ_MODULUS - 1, 0, 1]


def test_whole_registry_week_is_a_lazy_ordered_stream(registry: Registry) -> None:
    start, _ = _day(date(2026, 5, 4))
    stream = MessageStream(registry, start, None, seed=0)  # endless
    it = iter(stream)
    first = [next(it) for _ in range(2000)]
    assert [m.time_ns for m in first] == sorted(m.time_ns for m in first)
    assert {m.hub for m in first} == set(registry.hubs)


# --- property tests on the sensor logic ---------------------------------------------------

T0 = 1_780_000_000 * NS

intervals_st = st.lists(
    st.tuples(st.integers(0, 20_000), st.integers(1, 3_000)).map(
        lambda p: (T0 + p[0] * NS, T0 + (p[0] + p[1]) * NS)
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(
    intervals=intervals_st,
    start_off=st.integers(0, 5_000),
    length=st.integers(1, 30_000),
    hb_s=st.sampled_from([1, 7, 60, 300, 900]),
    phase=st.integers(0, 899),
)
def test_messages_imply_the_interval_state(
    intervals: list[tuple[int, int]], start_off: int, length: int, hb_s: int, phase: int
) -> None:
    start = T0 + start_off * NS
    end = start + length * NS
    first_hb = start + (phase % hb_s) * NS
    events = list(sensor_events(intervals, start, end, heartbeat_s=hb_s,
                                first_heartbeat_ns=first_hb))
    merged = merge_intervals(intervals)

    def truth(t: int) -> bool:
        return any(s <= t < e for s, e in merged)

    times = [e[0] for e in events]
    assert times == sorted(set(times))  # strictly increasing
    assert all(start <= t < end for t in times)
    if first_hb < end:
        assert events and events[0][0] <= first_hb
    state = truth(start)
    last = None
    for t, occupied, heartbeat in events:
        if heartbeat:
            assert occupied == state
            if last is not None:
                assert t - last == hb_s * NS
        else:
            assert occupied != state  # a change message is a real change
        state = occupied
        assert occupied == truth(t)
        last = t
    # at any time after the first message, the latest message tells the true state
    probes = sorted({start, end - 1, *(x for iv in merged for x in iv), *times})
    for t in probes:
        if events and events[0][0] <= t < end:
            i = bisect.bisect_right(times, t) - 1
            assert events[i][1] == truth(t)
    # heartbeats keep gaps bounded
    assert all(b - a <= hb_s * NS for a, b in zip(times, times[1:], strict=False))
    if times:
        assert end - times[-1] <= hb_s * NS


@settings(max_examples=100, deadline=None)
@given(
    chunks=st.lists(st.integers(1, 4_000), min_size=1, max_size=6),
    intervals=intervals_st,
)
def test_feeding_in_chunks_equals_feeding_at_once(
    chunks: list[int], intervals: list[tuple[int, int]]
) -> None:
    merged = merge_intervals(intervals)
    end = T0 + sum(chunks) * NS
    whole = list(sensor_events(merged, T0, end, heartbeat_s=60))
    machine = SensorState(any(s <= T0 < e for s, e in merged), T0, 60 * NS)
    lo = T0
    pieces = []
    for n in chunks:
        hi = lo + n * NS
        changes = transitions(merged, lo, hi)
        if lo != T0:
            changes.insert(0, (lo, any(s <= lo < e for s, e in merged)))
        pieces.extend(machine.run(changes, hi))
        lo = hi
    assert pieces == whole


@settings(max_examples=60, deadline=None)
@given(
    intervals=intervals_st,
    silent=st.lists(
        st.tuples(st.integers(0, 20_000), st.integers(1, 3_000)).map(
            lambda p: (T0 + p[0] * NS, T0 + (p[0] + p[1]) * NS)
        ),
        max_size=4,
    ),
    seq0=st.integers(0, SEQ_MODULUS - 1),
)
def test_encoded_stream_validates_and_loses_only_silent_messages(
    intervals: list[tuple[int, int]], silent: list[tuple[int, int]], seq0: int
) -> None:
    windows = merge_intervals(silent)
    end = T0 + 24_000 * NS
    events = list(sensor_events(intervals, T0, end, heartbeat_s=300))
    messages = list(
        encode_events(
            mark_lost(events, windows), topic="hubs/berg/svenstavik/a01/presence",
            sensor="svenstavik-a01", profile=SensorProfile("svenstavik-a01"), seq_start=seq0,
        )
    )
    kept = [e for e in events if not any(a <= e[0] < b for a, b in windows)]
    assert [m.time_ns for m in messages] == [e[0] for e in kept]
    index = {e[0]: i for i, e in enumerate(events)}
    for m in messages:
        p = PresencePayload.model_validate_json(m.payload)
        assert p.seq == (seq0 + index[m.time_ns]) % SEQ_MODULUS
        assert p.occupied == events[index[m.time_ns]][1]
        assert to_ns(p.ts) == m.time_ns
