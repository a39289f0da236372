"""What every sensor-format adapter shares: limits, desk lookup, time checks, rejections.

An adapter subclasses ``BaseAdapter`` and implements ``convert``, which either returns
events (possibly none: a message that carries no presence, e.g. an availability report) or
raises ``Reject``/``Ignore``. ``parse`` turns those into the collector's results and never
raises for bad input. The order of its checks matters on real networks: topics the adapter
ignores whole (``ignored_topic``, e.g. zigbee2mqtt's retained ``bridge/devices`` of tens to
hundreds of KB) are recognised by their topic before the payload's size is even looked at,
so they are counted as ignored, not rejected as ``oversize`` after every restart.

Mapping to desks: a device id from the message becomes a registry sensor id through the
adapter's ``device_map`` (explicit) or, by default, ``sensor_prefix`` + the id in lower
case. A device the registry does not know is rejected as ``unknown_desk`` with a hint.
"""

from __future__ import annotations

import fnmatch
import logging
import re
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from collector.adapters.base import AdapterCounts, Heard, ParseResult
from collector.parser import TOPIC_PREVIEW_CHARS, preview, printable
from hubsense import strictjson
from hubsense.events import PresenceEvent, Rejection, RejectReason
from hubsense.registry import ID_PATTERN, Desk, Registry

log = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ISO = re.compile(r"(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d)(?:[.,](\d{1,9}))?(Z|z|[+-]\d\d:?\d\d)")
_SENSOR_ID = re.compile(ID_PATTERN)
AVAILABILITY_MEMORY = 100_000  # sensors remembered; beyond that the oldest are forgotten


# --- limits and errors ------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """The collector's acceptance limits (from Settings), shared by every adapter."""

    max_payload_bytes: int = 4096
    max_future_s: float = 120.0
    max_age_s: float = 400 * 24 * 3600.0


class Reject(Exception):
    """Raised inside ``convert``: the message is refused for ``reason``."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class Ignore(Exception):
    """Raised inside ``convert``: the message is not presence data; counted, not stored.
    ``heard``: the frame still came from that sensor with that sequence number (``Heard``)."""

    def __init__(self, why: str, heard: Heard | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.heard = heard


# --- configuration shared by adapters ---------------------------------------------------


class AdapterConfig(BaseModel):
    """Options every adapter accepts (each adapter adds its own)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field("", description="Instance name in logs and metrics (default: the type).")
    topics: list[str] = Field(
        default_factory=list, description="MQTT topic filters (default: the adapter's own)."
    )
    device_map: dict[str, str] = Field(
        default_factory=dict,
        description="Device id as the message names it → registry sensor id.",
    )
    sensor_prefix: str = Field(
        "", description="Prepended to the lower-cased device id when it is not in device_map."
    )
    ignore_devices: list[str] = Field(
        default_factory=list,
        description="Glob patterns of device ids that are not desk sensors (lamps, "
        "switches): their messages are counted as ignored, not rejected.",
    )
    max_payload_bytes: int | None = Field(
        None,
        ge=64,
        le=16 * 1024 * 1024,
        description="Largest payload accepted from this adapter's topics (default: the "
        "collector's max_payload_bytes), for formats whose messages are larger.",
    )

    @field_validator("topics")
    @classmethod
    def _valid_filters(cls, value: list[str]) -> list[str]:
        for topic in value:
            problem = topic_filter_problem(topic)
            if problem:
                raise ValueError(f"{topic!r}: {problem}")
        return value

    @field_validator("device_map")
    @classmethod
    def _sensor_ids(cls, value: dict[str, str]) -> dict[str, str]:
        for device, sensor in value.items():
            if not _SENSOR_ID.match(sensor):
                raise ValueError(
                    f"{device!r} → {sensor!r}: a registry sensor id is lower case letters, "
                    "digits and '-' (at most 48)"
                )
        return value


def topic_filter_problem(topic: str) -> str | None:
    """Why an MQTT topic filter is invalid, or None."""
    if not topic:
        return "empty topic filter"
    if topic.startswith("$share/"):
        return "shared subscriptions are set with mqtt_share_group, not per adapter"
    levels = topic.split("/")
    for i, level in enumerate(levels):
        if "#" in level and (level != "#" or i != len(levels) - 1):
            return "'#' must be a whole level and the last one"
        if "+" in level and level != "+":
            return "'+' must be a whole level"
    return None


# --- values -----------------------------------------------------------------------------


def parse_timestamp(value: object) -> int:
    """UTC nanoseconds of an ISO 8601 string with a time zone; ValueError otherwise."""
    if not isinstance(value, str):
        raise ValueError(f"timestamp must be an ISO 8601 string, got {type(value).__name__}")
    m = _ISO.fullmatch(value.strip())
    if not m:
        raise ValueError(f"not an ISO 8601 timestamp with a time zone: {value[:64]!r}")
    base, frac, zone = m.groups()
    zone = "+00:00" if zone in ("Z", "z") else zone
    if len(zone) == 5:  # +0100
        zone = zone[:3] + ":" + zone[3:]
    try:
        moment = datetime.fromisoformat(base.replace(" ", "T") + zone)
    except ValueError as exc:
        raise ValueError(f"bad timestamp {value[:64]!r}: {exc}") from None
    seconds = (moment - EPOCH) // timedelta(seconds=1)
    return seconds * 10**9 + int((frac or "0").ljust(9, "0"))


def epoch_to_ns(value: object, unit: Literal["s", "ms", "us", "ns"]) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"epoch time must be a number, got {type(value).__name__}")
    scale = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[unit]
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("epoch time is not finite")
    return int(round(value * scale)) if isinstance(value, float) else value * scale


def get_path(obj: object, path: str) -> object:
    """``a.b.0.c`` in nested objects/arrays; KeyError naming the missing part."""
    current = obj
    for part in path.split("."):
        if isinstance(current, Mapping) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.lstrip("-").isdigit():
            try:
                current = current[int(part)]
            except IndexError:
                raise KeyError(path) from None
        else:
            raise KeyError(path)
    return current


def battery_pct(value: object) -> int | None:
    """A battery percentage 0–100 (rounded), or None when absent; ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"battery must be a number, got {value!r}")
    if not 0 <= value <= 100:
        raise ValueError(f"battery {value!r} is not a percentage 0–100")
    return int(round(value))


def rssi_dbm(value: object) -> int | None:
    """An RSSI in dBm within the contract's range, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not -200 <= value <= 0:
        return None
    return int(round(value))


def load_json(payload: bytes) -> Any:
    """The payload's document; a key repeated in any object is refused (``duplicate_key``):
    which of the values a sensor meant cannot be known."""
    try:
        return strictjson.loads(payload)
    except strictjson.DuplicateKey as exc:
        raise Reject(
            RejectReason.DUPLICATE_KEY,
            f"key {exc.key!r} appears more than once; the payload is ambiguous",
        ) from None
    except strictjson.NotJson:
        raise Reject(RejectReason.BAD_JSON, "payload is not valid JSON") from None


def json_object(payload: bytes) -> dict[str, Any]:
    doc = load_json(payload)
    if not isinstance(doc, dict):
        raise Reject(
            RejectReason.BAD_SCHEMA, f"payload is a JSON {type(doc).__name__}, expected an object"
        )
    return doc


# --- sensor availability ----------------------------------------------------------------


@dataclass
class Availability:
    """The latest availability each sensor's network reported (e.g. zigbee2mqtt's
    ``…/availability``), with when the collector received it. It produces no presence
    event; the collector's stats carry it to the live view, which shows a desk whose sensor
    is reported offline as offline at once (``hubsense.availability``). Any later message
    from the sensor is a sign of life and clears it (``heard``): a network that says
    "offline" and then delivers the sensor's frames is wrong about it."""

    _latest: dict[str, tuple[bool, int]] = field(default_factory=dict)
    reports: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def report(self, sensor: str, online: bool, received_ns: int) -> None:
        with self._lock:
            self.reports["online" if online else "offline"] += 1
            self._set(sensor, online, received_ns)

    def heard(self, sensor: str, received_ns: int) -> None:
        """A message from ``sensor``: online again if it was reported offline."""
        with self._lock:
            known = self._latest.get(sensor)
            if known is not None and not known[0]:
                self.reports["cleared by a message"] += 1
                self._set(sensor, True, received_ns)

    def _set(self, sensor: str, online: bool, received_ns: int) -> None:
        self._latest.pop(sensor, None)
        self._latest[sensor] = (online, received_ns)
        if len(self._latest) > AVAILABILITY_MEMORY:
            self._latest.pop(next(iter(self._latest)))

    def latest(self) -> dict[str, tuple[bool, int]]:
        with self._lock:
            return dict(self._latest)

    def offline(self) -> list[str]:
        with self._lock:
            return sorted(s for s, (online, _) in self._latest.items() if not online)

    def offline_since(self) -> dict[str, int]:
        """Sensors reported offline → when the report was received (UTC ns)."""
        with self._lock:
            return {s: t for s, (online, t) in self._latest.items() if not online}


# --- the base adapter -------------------------------------------------------------------


class BaseAdapter:
    """Shared plumbing; subclasses set ``type_name``/``default_topics`` and ``convert``."""

    type_name = "base"
    default_topics: Sequence[str] = ()

    def __init__(self, registry: Registry, limits: Limits, config: AdapterConfig) -> None:
        self.registry = registry
        self.limits = limits
        self.config = config
        self.name = config.name or self.type_name
        self._topics = list(config.topics or self.default_topics)
        self._max_future_ns = int(limits.max_future_s * 1e9)
        self._max_age_ns = int(limits.max_age_s * 1e9)
        self.max_payload_bytes = config.max_payload_bytes or limits.max_payload_bytes
        self.counts = AdapterCounts()
        self.ignored = self.counts.ignored
        self.availability = Availability()
        self._batteries: dict[str, int] = {}

    def topics(self) -> list[str]:
        return self._topics

    def ignored_topic(self, topic: str) -> str | None:
        """Why a message on ``topic`` is ignored whatever its payload (None: read it)."""
        return None

    def convert(self, topic: str, payload: bytes, received_ns: int) -> list[PresenceEvent]:
        raise NotImplementedError

    def parse(self, topic: str, payload: bytes, received_ns: int) -> ParseResult:
        results = self._parse(topic, payload, received_ns)
        self.counts.add(results)
        for result in results:
            if isinstance(result, PresenceEvent | Heard):
                self.availability.heard(result.sensor, received_ns)
        return results

    def _parse(self, topic: str, payload: bytes, received_ns: int) -> ParseResult:
        def reject(reason: RejectReason, detail: str) -> ParseResult:
            return [
                Rejection(
                    reason=reason,
                    detail=printable(f"[{self.name}] {detail}", 1000),
                    topic=printable(topic, TOPIC_PREVIEW_CHARS),
                    payload=preview(payload),
                    received_ns=received_ns,
                )
            ]

        why = self.ignored_topic(topic)
        if why is not None:
            self.counts.ignore(why)
            return []
        if len(payload) > self.max_payload_bytes:
            return reject(
                RejectReason.OVERSIZE,
                f"payload is {len(payload)} bytes, limit {self.max_payload_bytes}",
            )
        try:
            return list(self.convert(topic, payload, received_ns))
        except Reject as exc:
            return reject(exc.reason, exc.detail)
        except Ignore as exc:
            self.counts.ignore(exc.why)
            return [exc.heard] if exc.heard is not None else []
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the collector
            log.exception("adapter %s failed on %s", self.name, printable(topic, 200))
            return reject(RejectReason.BAD_SCHEMA, f"adapter error: {type(exc).__name__}")

    # --- helpers for convert ------------------------------------------------------------
    def sensor_id(self, device: str) -> str:
        mapped = self.config.device_map.get(device)
        return mapped if mapped is not None else self.config.sensor_prefix + device.lower()

    def desk_for(self, device: str) -> Desk:
        """The registry desk of a device, or Reject(unknown_desk) / Ignore."""
        if any(fnmatch.fnmatchcase(device, p) for p in self.config.ignore_devices):
            raise Ignore("ignored device")
        sensor = self.sensor_id(device)
        desk = self.registry.desk_by_sensor(sensor)
        if desk is None:
            raise Reject(
                RejectReason.UNKNOWN_DESK,
                f"device {device[:80]!r} (sensor id {sensor[:90]!r}) is not in registry "
                f"{self.registry.version}; add a desk with sensor = {sensor[:90]!r} to the "
                "registry file, map the device in the adapters file (device_map), or list "
                "it in ignore_devices if it is not a desk sensor",
            )
        return desk

    def checked_time(self, time_ns: int, received_ns: int) -> int:
        if time_ns > received_ns + self._max_future_ns:
            raise Reject(
                RejectReason.FUTURE,
                f"timestamp {_iso(time_ns)} is more than {self._max_future_ns // 10**9}s "
                "ahead of the collector's clock",
            )
        if time_ns < received_ns - self._max_age_ns:
            raise Reject(
                RejectReason.TOO_OLD,
                f"timestamp {_iso(time_ns)} is older than {self._max_age_ns // 10**9}s",
            )
        return time_ns

    def timestamp(self, value: object, what: str, received_ns: int) -> int:
        try:
            return self.checked_time(parse_timestamp(value), received_ns)
        except ValueError as exc:
            raise Reject(RejectReason.BAD_SCHEMA, f"{what}: {exc}") from None

    def remember_battery(self, sensor: str, pct: int | None) -> None:
        """Formats that report battery apart from presence: kept for the next event."""
        if pct is not None:
            self._batteries.pop(sensor, None)
            self._batteries[sensor] = pct
            if len(self._batteries) > AVAILABILITY_MEMORY:
                self._batteries.pop(next(iter(self._batteries)))

    def event(
        self,
        desk: Desk,
        *,
        time_ns: int,
        occupied: bool,
        seq: int = 0,
        battery: int | None = None,
        rssi: int | None = None,
    ) -> PresenceEvent:
        if battery is None:
            battery = self._batteries.get(desk.sensor)
        return PresenceEvent(
            municipality=desk.municipality,
            hub=desk.hub,
            desk=desk.id,
            sensor=desk.sensor,
            seq=seq % 2**32,
            time_ns=time_ns,
            occupied=occupied,
            heartbeat=False,  # real formats do not tell a change from a repeat
            battery=battery,
            rssi=rssi,
        )

    def stats(self) -> dict[str, object]:
        return {
            "type": self.type_name,
            **self.counts.as_dict(),
            "availability_reports": dict(self.availability.reports),
            "sensors_unavailable": self.availability.offline(),
            "availability": {
                sensor: "online" if online else "offline"
                for sensor, (online, _) in self.availability.latest().items()
            },
        }


def _iso(time_ns: int) -> str:
    try:
        return (EPOCH + timedelta(microseconds=time_ns // 1000)).isoformat()
    except OverflowError:
        return f"{time_ns} ns"
