"""Conforming desk sensors: reported occupancy → the MQTT messages a sensor sends.

A sensor sends a ``change`` message whenever its state changes and a ``heartbeat`` with its
current state whenever ``heartbeat_s`` has passed since its last message. Each message
carries the next sequence number (uint32, wraps), a battery level that drains slowly
(integer percent, a new battery when it reaches 5 %) and an rssi. Timestamps are written
in Europe/Stockholm local time with the UTC offset of that instant.

A sensor's first heartbeat comes at ``start + phase`` (a per-sensor phase in
``[0, heartbeat_s)`` whole seconds, so 126 sensors do not all speak at once); before it
only changes are sent. During a ``silent`` window the radio link is down: messages are
built but lost, so sequence numbers keep counting and the collector sees a gap, and the
sensor keeps its heartbeat schedule (the first message after the window is the next
change or the next scheduled heartbeat, at most ``heartbeat_s`` after the last lost one).

Everything is a generator: messages are produced as they are consumed, day by day.
"""

from __future__ import annotations

import heapq
import itertools
import random
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from hubsense.calendar import NS, Interval, to_ns
from hubsense.contract import SEQ_MODULUS, encode_payload, topic_for
from hubsense.registry import Desk, Hub, Registry

from .behaviour import BehaviourParams, GroundTruth, merge_intervals

LOCAL_TZ = ZoneInfo("Europe/Stockholm")
_HEARTBEAT_MARK = b'"kind":"heartbeat"'

Event = tuple[int, bool, bool]
"""``(time_ns, occupied, heartbeat)``: one message a sensor sends (before encoding)."""


class Message(NamedTuple):
    """One MQTT message: publish ``payload`` on ``topic``; ``time_ns`` is its timestamp."""

    time_ns: int
    topic: str
    payload: bytes

    @property
    def heartbeat(self) -> bool:
        return _HEARTBEAT_MARK in self.payload

    @property
    def hub(self) -> str:
        return self.topic.split("/", 3)[2]

    @property
    def time(self) -> datetime:
        return _local_dt(self.time_ns)


def _local_dt(t_ns: int) -> datetime:
    # whole second via the zone (DST-correct), then the sub-second part: cannot cross an
    # offset change because those happen on whole seconds
    s, rest = divmod(t_ns, NS)
    dt = datetime.fromtimestamp(s, LOCAL_TZ)
    return dt.replace(microsecond=rest // 1000) if rest else dt


class SensorState:
    """The part of a sensor that decides when to speak. Feed it changes chunk by chunk."""

    __slots__ = ("heartbeat_ns", "next_heartbeat_ns", "occupied")

    def __init__(self, occupied: bool, first_heartbeat_ns: int, heartbeat_ns: int) -> None:
        if heartbeat_ns <= 0:
            raise ValueError("heartbeat interval must be positive")
        self.occupied = occupied
        self.next_heartbeat_ns = first_heartbeat_ns
        self.heartbeat_ns = heartbeat_ns

    def run(self, changes: Iterable[tuple[int, bool]], until_ns: int | None) -> Iterator[Event]:
        """Messages before ``until_ns`` (None: forever); ``changes`` are ``(time_ns, state)``
        in time order, all before ``until_ns``. A "change" to the current state is ignored."""
        hb = self.heartbeat_ns
        for t, state in changes:
            while self.next_heartbeat_ns < t:
                yield self.next_heartbeat_ns, self.occupied, True
                self.next_heartbeat_ns += hb
            if state != self.occupied:
                self.occupied = state
                yield t, state, False
                self.next_heartbeat_ns = t + hb
        while until_ns is None or self.next_heartbeat_ns < until_ns:
            yield self.next_heartbeat_ns, self.occupied, True
            self.next_heartbeat_ns += hb


def transitions(intervals: Sequence[Interval], lo: int, hi: int) -> list[tuple[int, bool]]:
    """State changes strictly inside ``(lo, hi)`` of sorted, merged intervals."""
    out: list[tuple[int, bool]] = []
    for s, e in intervals:
        if e <= lo:
            continue
        if s >= hi:
            break
        if s > lo:
            out.append((s, True))
        if e < hi:
            out.append((e, False))
    return out


def sensor_events(
    reported: Iterable[Interval],
    start_ns: int,
    end_ns: int | None,
    *,
    heartbeat_s: float = 300.0,
    first_heartbeat_ns: int | None = None,
) -> Iterator[Event]:
    """Every message a sensor sends in ``[start_ns, end_ns)`` for these occupied intervals.

    The sensor's state at ``start_ns`` is taken as known (no change message for it); its
    first heartbeat is at ``first_heartbeat_ns`` (default ``start_ns``).
    """
    merged = merge_intervals(reported)
    state0 = any(s <= start_ns < e for s, e in merged)
    hi = end_ns if end_ns is not None else max([start_ns + 1, *(e + 1 for _, e in merged)])
    machine = SensorState(
        state0,
        start_ns if first_heartbeat_ns is None else first_heartbeat_ns,
        round(heartbeat_s * NS),
    )
    return machine.run(transitions(merged, start_ns, hi), end_ns)


def mark_lost(events: Iterable[Event], silent: Sequence[Interval]) -> Iterator[tuple[Event, bool]]:
    """Pair each event with whether it falls in a silent window (sorted windows)."""
    i, n = 0, len(silent)
    for ev in events:
        t = ev[0]
        while i < n and silent[i][1] <= t:
            i += 1
        yield ev, (i < n and silent[i][0] <= t)


class SensorProfile:
    """Battery and radio of one sensor (deterministic from seed and sensor id)."""

    __slots__ = ("_drain", "_life_days", "_offset_days", "_rng", "rssi_base")

    def __init__(self, sensor: str, seed: int = 0) -> None:
        rng = random.Random(f"{seed}:{sensor}:profile")
        self._drain = rng.uniform(0.1, 0.35)  # percent per day
        # Staff swap a battery soon after it is flagged low (20 %): 100 % → 18 %, then new.
        self._life_days = 82.0 / self._drain
        self._offset_days = rng.uniform(0, self._life_days)
        self.rssi_base = rng.randint(-92, -55)
        self._rng = random.Random(f"{seed}:{sensor}:radio")

    def battery(self, t_ns: int) -> int:
        age = (t_ns / (86400 * NS) + self._offset_days) % self._life_days
        return max(0, min(100, 100 - int(age * self._drain)))

    def rssi(self) -> int:
        return max(-120, min(-30, self.rssi_base + int(self._rng.random() * 7) - 3))


def heartbeat_phase_ns(sensor: str, heartbeat_s: float) -> int:
    """Deterministic per-sensor offset of the first heartbeat, whole seconds."""
    whole = max(1, int(heartbeat_s))
    return (zlib.crc32(sensor.encode()) % whole) * NS


def encode_events(
    events: Iterable[tuple[Event, bool]],
    *,
    topic: str,
    sensor: str,
    profile: SensorProfile,
    seq_start: int = 0,
    next_seq: dict[str, int] | None = None,
) -> Iterator[Message]:
    """Encode ``(event, lost)`` pairs; lost ones use up a sequence number but are not sent."""
    seq = seq_start % SEQ_MODULUS
    battery = profile.battery
    rssi = profile.rssi
    fromtimestamp = datetime.fromtimestamp
    tz = LOCAL_TZ
    for (t, occupied, heartbeat), lost in events:
        this = seq
        seq = (seq + 1) % SEQ_MODULUS
        if next_seq is not None:
            next_seq[sensor] = seq
        if lost:
            continue
        sec, rest = divmod(t, NS)
        ts = fromtimestamp(sec, tz)
        if rest:
            ts = ts.replace(microsecond=rest // 1000)
        payload = encode_payload(
            sensor=sensor,
            seq=this,
            ts=ts,
            occupied=occupied,
            heartbeat=heartbeat,
            battery=battery(t),
            rssi=rssi(),
        )
        yield Message(t, topic, payload)


def _desk_events(
    truth: GroundTruth, hub: Hub, desk: Desk, start_ns: int, end_ns: int | None,
    heartbeat_s: float,
) -> Iterator[tuple[Event, bool]]:
    """A desk's sensor over many days: reported intervals and silences from ground truth."""
    machine: SensorState | None = None
    first = datetime.fromtimestamp(start_ns // NS, hub.tz).date()
    for i in itertools.count():
        day = first + timedelta(days=i)
        hd = truth.day(hub.id, day)
        lo = max(start_ns, hd.day_start_ns)
        hi = hd.day_end_ns if end_ns is None else min(end_ns, hd.day_end_ns)
        if lo >= hi:
            if end_ns is not None and lo >= end_ns:
                return
            continue
        dd = hd.desks[desk.id]
        state = dd.occupied(lo, reported=True)
        changes = transitions(dd.reported, lo, hi)
        if machine is None:
            # heartbeats on whole seconds even if the run starts at an odd instant
            first_hb = -(-start_ns // NS) * NS + heartbeat_phase_ns(desk.sensor, heartbeat_s)
            machine = SensorState(state, first_hb, round(heartbeat_s * NS))
        else:
            changes.insert(0, (lo, state))  # e.g. a stuck sensor releasing at midnight
        yield from mark_lost(machine.run(changes, hi), dd.silent)


def select_hubs(registry: Registry, hubs: Iterable[str] | None) -> list[Hub]:
    if hubs is None:
        return list(registry.hubs.values())
    wanted = list(hubs)
    unknown = [h for h in wanted if h not in registry.hubs]
    if unknown:
        raise ValueError(f"unknown hub(s): {', '.join(unknown)}")
    return [registry.hubs[h] for h in wanted]


class MessageStream:
    """Time-ordered messages of every sensor of the chosen hubs in ``[start, end)``.

    Iterate it (once) for ``Message`` items (``time_ns, topic, payload``). ``truth`` is the ground
    truth used (days are added as the stream reaches them; pass one to share it, and then
    its seed and params are the ones used); ``next_seq`` maps each sensor
    to the sequence number its next message would carry (pass it as ``seq_start`` to
    continue the same sensors in a later run). ``end=None`` streams forever.
    """

    def __init__(
        self,
        registry: Registry,
        start: datetime | int,
        end: datetime | int | None,
        *,
        seed: int = 0,
        hubs: Iterable[str] | None = None,
        heartbeat_s: float = 300.0,
        root: str = "hubs",
        seq_start: int | Mapping[str, int] = 0,
        params: BehaviourParams | None = None,
        truth: GroundTruth | None = None,
    ) -> None:
        if heartbeat_s < 1:
            raise ValueError("heartbeat_s must be at least 1 second")
        self.start_ns = to_ns(start)
        self.end_ns = None if end is None else to_ns(end)
        if self.end_ns is not None and self.end_ns < self.start_ns:
            raise ValueError("end is before start")
        self.truth = truth or GroundTruth(registry, seed=seed, params=params)
        self.hubs = select_hubs(registry, hubs)
        self.next_seq: dict[str, int] = {}
        gens: list[Iterator[Message]] = []
        for hub in self.hubs:
            for desk in hub.desks:
                s0 = seq_start if isinstance(seq_start, int) else seq_start.get(desk.sensor, 0)
                self.next_seq[desk.sensor] = s0 % SEQ_MODULUS
                events = _desk_events(
                    self.truth, hub, desk, self.start_ns, self.end_ns, heartbeat_s
                )
                gens.append(
                    encode_events(
                        events,
                        topic=topic_for(root, desk.municipality, hub.id, desk.id),
                        sensor=desk.sensor,
                        profile=SensorProfile(desk.sensor, self.truth.seed),
                        seq_start=s0,
                        next_seq=self.next_seq,
                    )
                )
        self._it: Iterator[Message] = heapq.merge(*gens)

    def __iter__(self) -> Iterator[Message]:
        return self._it
