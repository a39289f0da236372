"""Publish simulated sensor messages to an MQTT broker (paho-mqtt 2.x, QoS 1).

Two modes:

* backfill (``speed=None``): every message as fast as the broker acknowledges it, with its
  historical timestamp;
* paced (``speed`` > 0): each message when the simulated clock reaches its timestamp. The
  clock is a ``SimClock`` (default: starts at ``start`` now, running ``speed`` times real
  time) or any callable returning an aware datetime, so the demo can share one simulated
  clock between simulator, collector and API. Messages already due are sent at once.

Both stop early when ``stop_event`` is set, and return only after every message sent has
been acknowledged (PUBACK) by the broker.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import paho.mqtt.client as mqtt

from hubsense.calendar import NS, from_ns, to_ns
from hubsense.mqtt import new_client, parse_mqtt_url
from hubsense.registry import Registry

from .behaviour import BehaviourParams, GroundTruth
from .sensors import LOCAL_TZ, Message, MessageStream


class PublishError(RuntimeError):
    """The broker refused the connection, went away, or did not acknowledge in time."""


class SimClock:
    """Simulated time: ``start`` when created, then running ``speed`` times real time.

    ``now()`` is in ``start``'s zone (computed via UTC, so it is right across DST changes);
    ``time_ns()`` is UTC epoch nanoseconds. A SimClock is also callable (same as ``now``).
    """

    def __init__(
        self,
        start: datetime,
        speed: float = 1.0,
        *,
        monotonic_ns: Callable[[], int] = time.monotonic_ns,
    ) -> None:
        if start.tzinfo is None or start.utcoffset() is None:
            raise ValueError("SimClock start must be an aware datetime")
        if not speed > 0:
            raise ValueError("speed must be positive")
        self.start = start
        self.speed = float(speed)
        self._start_ns = to_ns(start)
        self._mono = monotonic_ns
        self._t0 = monotonic_ns()

    def time_ns(self) -> int:
        return self._start_ns + round((self._mono() - self._t0) * self.speed)

    def time(self) -> float:
        return self.time_ns() / NS

    def now(self) -> datetime:
        return from_ns(self.time_ns(), self.start.tzinfo)

    __call__ = now

    def real_seconds_until(self, t_ns: int) -> float:
        """Real seconds until the simulated clock reaches ``t_ns`` (<= 0: already past)."""
        return (t_ns - self.time_ns()) / NS / self.speed

    def __repr__(self) -> str:
        return f"SimClock(start={self.start.isoformat()}, speed={self.speed})"


Clock = SimClock | Callable[[], datetime]


@dataclass
class PublishReport:
    total: int = 0
    changes: int = 0
    heartbeats: int = 0
    per_hub: dict[str, int] = field(default_factory=dict)
    rejected: int = 0  # PUBACK with a failure reason code (MQTT 5 only)
    stopped: bool = False  # stop_event ended the run early
    elapsed_s: float = 0.0
    first_ns: int | None = None  # timestamp of the first and last message published
    last_ns: int | None = None

    @property
    def rate(self) -> float:
        """Messages per real second."""
        return self.total / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def __str__(self) -> str:
        hubs = ", ".join(f"{h} {n}" for h, n in sorted(self.per_hub.items()))
        span = ""
        if self.first_ns is not None and self.last_ns is not None:
            span = (
                f", stamped {from_ns(self.first_ns, LOCAL_TZ):%Y-%m-%d %H:%M}"
                f" … {from_ns(self.last_ns, LOCAL_TZ):%Y-%m-%d %H:%M %Z}"
            )
        return (
            f"published {self.total} messages ({self.changes} changes, {self.heartbeats} "
            f"heartbeats) in {self.elapsed_s:.1f}s{span}"
            f"{' — stopped early' if self.stopped else ''}"
            f"{f'; {self.rejected} rejected by the broker' if self.rejected else ''}"
            f"\nper hub: {hubs}"
        )


@dataclass
class SimulationReport(PublishReport):
    start_ns: int = 0
    end_ns: int | None = None
    # what really happened (and what the sensors reported)
    truth: GroundTruth | None = field(default=None, repr=False)
    # per sensor, the seq its next message would carry: seq_start for a follow-up run
    next_seq: dict[str, int] = field(default_factory=dict, repr=False)


class _Acks:
    """Counts PUBACKs so the publisher can bound what is in flight and wait for the rest."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.acked = 0  # only paho's network thread writes it
        self._target = 1 << 62  # wake the waiter when acked reaches this
        self.rejected = 0
        self.connected = threading.Event()
        self.connect_rc: Any = None
        self.disconnected_rc: Any = None

    def on_connect(self, client: Any, userdata: Any, flags: Any, rc: Any, props: Any) -> None:
        self.connect_rc = rc
        self.connected.set()

    def on_disconnect(self, client: Any, userdata: Any, flags: Any, rc: Any, props: Any) -> None:
        self.disconnected_rc = rc

    def on_publish(self, client: Any, userdata: Any, mid: int, rc: Any, props: Any) -> None:
        self.acked += 1
        if getattr(rc, "is_failure", False):
            self.rejected += 1
        if self.acked >= self._target:  # the waiter holds cond from setting it to waiting
            with self.cond:
                self.cond.notify_all()

    def wait_acked(self, count: int, timeout_s: float) -> None:
        """Until at least ``count`` PUBACKs have arrived."""
        deadline = time.monotonic() + timeout_s
        with self.cond:
            self._target = count
            try:
                while self.acked < count:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        why = (
                            f" (disconnected: {self.disconnected_rc})"
                            if self.disconnected_rc is not None
                            else ""
                        )
                        raise PublishError(
                            f"{count - self.acked} messages not acknowledged within "
                            f"{timeout_s}s{why}"
                        )
                    self.cond.wait(min(left, 0.5))
            finally:
                self._target = 1 << 62


def connect(
    mqtt_url: str,
    *,
    client_id: str | None = None,
    protocol: str = "3.1.1",
    timeout_s: float = 10.0,
    max_inflight: int = 1000,
) -> tuple[mqtt.Client, _Acks]:
    """A connected, looping paho client publishing as a sensor gateway would."""
    address = parse_mqtt_url(mqtt_url)
    acks = _Acks()
    client = new_client(
        address,
        client_id or f"hubsense-sim-{os.getpid()}-{uuid.uuid4().hex[:8]}",
        protocol=protocol,
    )
    client.on_connect = acks.on_connect
    client.on_disconnect = acks.on_disconnect
    client.on_publish = acks.on_publish
    client.max_inflight_messages_set(max_inflight)
    where = f"{address.host}:{address.port}"
    try:
        client.connect(address.host, address.port, keepalive=30)
    except OSError as exc:
        raise PublishError(f"cannot connect to MQTT broker at {where}: {exc}") from exc
    client.loop_start()
    if not acks.connected.wait(timeout_s):
        _close(client)
        raise PublishError(f"no CONNACK from {where} in {timeout_s}s")
    if getattr(acks.connect_rc, "is_failure", False):
        _close(client)
        raise PublishError(f"broker refused the connection: {acks.connect_rc}")
    return client, acks


def _close(client: mqtt.Client) -> None:
    client.disconnect()
    client.loop_stop()


def _clock_ns(clock: Clock) -> int:
    if isinstance(clock, SimClock):
        return clock.time_ns()
    return to_ns(clock())


def publish(
    messages: Iterable[Message],
    mqtt_url: str,
    *,
    speed: float | None = None,
    clock: Clock | None = None,
    stop_event: threading.Event | None = None,
    client_id: str | None = None,
    protocol: str = "3.1.1",
    window: int = 5000,
    ack_timeout_s: float = 60.0,
    report: PublishReport | None = None,
) -> PublishReport:
    """Publish ``messages`` (time-ordered) with QoS 1; return once all are acknowledged.

    ``speed=None`` is backfill. With ``speed`` the run is paced by ``clock`` (default: a
    SimClock starting at the first message's time). ``window`` bounds messages sent but
    not yet acknowledged. ``report`` is filled in (and returned) if given.
    """
    if speed is not None and not speed > 0:
        raise ValueError("speed must be positive (or None for backfill)")
    if not 0 < window < 60000:
        raise ValueError("window must be between 1 and 59999")
    stop = stop_event or threading.Event()
    rep = report if report is not None else PublishReport()
    t0 = time.monotonic()
    # paho's own in-flight limit re-scans its whole queue on every PUBACK (slow with a
    # long queue), so it is switched off and ``window`` bounds what is in flight instead
    client, acks = connect(mqtt_url, client_id=client_id, protocol=protocol, max_inflight=0)
    sent = 0
    per_hub = rep.per_hub
    try:
        it = iter(messages)
        for msg in it:
            if stop.is_set():
                rep.stopped = True
                break
            if speed is not None:
                if clock is None:
                    clock = SimClock(from_ns(msg.time_ns), speed)
                if _wait_until(msg.time_ns, clock, speed, stop):
                    rep.stopped = True
                    break
            if sent - acks.acked >= window:
                acks.wait_acked(sent - window // 2, ack_timeout_s)
            info = client.publish(msg.topic, msg.payload, qos=1)
            if info.rc == mqtt.MQTT_ERR_QUEUE_SIZE:
                raise PublishError("paho refused the message: outgoing queue full")
            sent += 1
            if msg.heartbeat:
                rep.heartbeats += 1
            else:
                rep.changes += 1
            hub = msg.hub
            per_hub[hub] = per_hub.get(hub, 0) + 1
            if rep.first_ns is None:
                rep.first_ns = msg.time_ns
            rep.last_ns = msg.time_ns
        acks.wait_acked(sent, ack_timeout_s)
    finally:
        _close(client)
    rep.total += sent
    rep.rejected += acks.rejected
    rep.elapsed_s = time.monotonic() - t0
    return rep


def _as_datetime(t: datetime | date) -> datetime:
    if isinstance(t, datetime):
        return t
    return datetime(t.year, t.month, t.day, tzinfo=LOCAL_TZ)


def _wait_until(t_ns: int, clock: Clock, speed: float, stop: threading.Event) -> bool:
    """Sleep until the clock reaches ``t_ns``; True if stopped first."""
    while True:
        ahead_ns = t_ns - _clock_ns(clock)
        if ahead_ns <= 0:
            return stop.is_set()
        # re-read the clock at least every 0.25 s: an injected clock may jump
        if stop.wait(min(ahead_ns / NS / speed, 0.25)):
            return True


def simulate(
    registry: Registry,
    mqtt_url: str,
    start: datetime | date | None,
    end: datetime | date | None,
    *,
    speed: float | None = None,
    seed: int = 0,
    hubs: Iterable[str] | None = None,
    heartbeat_s: float = 300.0,
    stop_event: threading.Event | None = None,
    clock: Clock | None = None,
    params: BehaviourParams | None = None,
    root: str = "hubs",
    seq_start: int | Mapping[str, int] = 0,
    client_id: str | None = None,
    protocol: str = "3.1.1",
) -> SimulationReport:
    """Simulate the sensors of ``hubs`` (default: all) over ``[start, end)`` and publish.

    ``start``/``end`` are aware datetimes, or dates (local midnight, Europe/Stockholm);
    ``start=None`` is now (the clock's now if a clock is given).
    ``speed=None``: backfill as fast as possible. ``speed=60``: one simulated minute per
    real second, on ``clock`` (default ``SimClock(start, speed)``); ``end=None`` runs until
    ``stop_event`` is set. The report counts what was published and acknowledged, and
    carries the ground truth (``report.truth``) and ``next_seq`` for a follow-up run.
    """
    if end is None and speed is None:
        raise ValueError("a backfill needs an end")
    if start is None:
        start = clock() if clock is not None else datetime.now(LOCAL_TZ)
    start_dt = _as_datetime(start)
    end_dt = None if end is None else _as_datetime(end)
    stream = MessageStream(
        registry, start_dt, end_dt, seed=seed, hubs=hubs, heartbeat_s=heartbeat_s, root=root,
        seq_start=seq_start, params=params,
    )
    if speed is not None and clock is None:
        clock = SimClock(start_dt, speed)
    rep = SimulationReport(start_ns=stream.start_ns, end_ns=stream.end_ns, truth=stream.truth)
    for hub in stream.hubs:
        rep.per_hub[hub.id] = 0
    publish(
        stream, mqtt_url, speed=speed, clock=clock, stop_event=stop_event,
        client_id=client_id, protocol=protocol, report=rep,
    )
    rep.next_seq = dict(stream.next_seq)
    return rep
