"""LoRaWAN desk/PIR sensors through The Things Stack v3 MQTT uplinks (README.md).

The decoded payload is whatever the device's payload formatter (the vendor's decoder)
produced, and vendors change their decoders. So each device is pinned to one known
decoded-payload format, named with a version (``milesight-vs34x/v1``); a payload that does
not match its pinned format is rejected as ``bad_schema`` instead of being guessed at.

An uplink's identity is its device and frame counter (``f_cnt``), not its ``received_at``:
an uplink published again (an application server reconnecting, a replay) carries a new
``received_at``, so it is given its first copy's time and the collector's duplicate check
(same desk, same time) stores it once and counts no sequence restart.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from typing import Any, Literal

from pydantic import Field, field_validator

from collector.adapters.base import Heard
from collector.adapters.common import (
    AVAILABILITY_MEMORY,
    AdapterConfig,
    BaseAdapter,
    Ignore,
    Limits,
    Reject,
    battery_pct,
    json_object,
    rssi_dbm,
)
from hubsense.events import PresenceEvent, RejectReason
from hubsense.registry import Registry

Meaning = Literal["occupied", "free", "ignore"]
DEFAULT_ELSYS: dict[str, Meaning] = {"0": "free", "1": "ignore", "2": "occupied"}


def _state(
    decoded: Mapping[str, Any], key: str, values: Mapping[object, Meaning], fmt: str
) -> bool:
    if key not in decoded:
        raise Reject(RejectReason.BAD_SCHEMA, f"decoded_payload has no {key!r} (format {fmt})")
    value = decoded[key]
    meaning = None
    if not isinstance(value, bool):  # True == 1 in Python: never let a bool match 1
        try:
            meaning = values.get(value)
        except TypeError:  # unhashable (a list or object)
            meaning = None
    if meaning is None:
        allowed = ", ".join(repr(v) for v in values)
        raise Reject(
            RejectReason.BAD_SCHEMA,
            f"decoded_payload.{key} is {value!r}, format {fmt} expects one of {allowed} "
            "(did the device's decoder change? pin another format)",
        )
    if meaning == "ignore":
        raise Ignore(f"{fmt} {key}={value!r}")
    return meaning == "occupied"


def _battery(decoded: Mapping[str, Any], key: str = "battery") -> int | None:
    try:
        return battery_pct(decoded.get(key))
    except ValueError as exc:
        raise Reject(RejectReason.BAD_SCHEMA, f"decoded_payload.{key}: {exc}") from None


Decoder = Callable[[Mapping[str, Any], "TheThingsStackConfig"], tuple[bool, int | None]]


def _milesight_vs34x(
    decoded: Mapping[str, Any], cfg: TheThingsStackConfig
) -> tuple[bool, int | None]:
    values: dict[object, Meaning] = {"occupied": "occupied", "vacant": "free"}
    return _state(decoded, "occupancy", values, "milesight-vs34x/v1"), _battery(decoded)


def _milesight_ws202(
    decoded: Mapping[str, Any], cfg: TheThingsStackConfig
) -> tuple[bool, int | None]:
    values: dict[object, Meaning] = {"trigger": "occupied", "idle": "free"}
    return _state(decoded, "pir", values, "milesight-ws202/v1"), _battery(decoded)


def _elsys_desk(decoded: Mapping[str, Any], cfg: TheThingsStackConfig) -> tuple[bool, int | None]:
    values: dict[object, Meaning] = {int(k): v for k, v in cfg.elsys_occupancy.items()}
    # Elsys reports the supply voltage (vdd, mV), not a percentage: no battery value.
    return _state(decoded, "occupancy", values, "elsys-desk/v1"), None


FORMATS: dict[str, Decoder] = {
    "milesight-vs34x/v1": _milesight_vs34x,
    "milesight-ws202/v1": _milesight_ws202,
    "elsys-desk/v1": _elsys_desk,
}


class TheThingsStackConfig(AdapterConfig):
    type: Literal["thethingsstack"]
    formats: dict[str, str] = Field(
        description="Device id glob → pinned decoded-payload format; the first match in "
        f"file order wins. Formats: {', '.join(FORMATS)}.",
    )
    time_source: Literal["received_at", "gateway"] = Field(
        "received_at",
        description="received_at: when the network server received the uplink (always "
        "present); gateway: the first gateway's own time if it has one, else received_at.",
    )
    resend_window_s: float = Field(
        3600.0,
        ge=0,
        description="An uplink with the same device and f_cnt as that device's previous one, "
        "received_at within this many seconds of it, is the same uplink published again.",
    )
    elsys_occupancy: dict[str, Meaning] = Field(
        default_factory=lambda: dict(DEFAULT_ELSYS),
        description="Elsys occupancy value → meaning (0 unoccupied, 1 pending = someone "
        "entering or leaving, 2 occupied).",
    )

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("pin at least one device pattern to a format")
        for pattern, fmt in value.items():
            if fmt not in FORMATS:
                raise ValueError(
                    f"{pattern!r}: unknown format {fmt!r} (known: {', '.join(FORMATS)})"
                )
        return value

    @field_validator("elsys_occupancy")
    @classmethod
    def _int_keys(cls, value: dict[str, Meaning]) -> dict[str, Meaning]:
        for key in value:
            if not key.lstrip("-").isdigit():
                raise ValueError(f"{key!r}: keys are the integer values the sensor sends")
        return value


class TheThingsStackAdapter(BaseAdapter):
    type_name = "thethingsstack"
    default_topics = ("v3/+/devices/+/up",)
    config: TheThingsStackConfig

    def __init__(self, registry: Registry, limits: Limits, config: TheThingsStackConfig) -> None:
        super().__init__(registry, limits, config)
        # per sensor its last uplink: (f_cnt, the time its first copy was given)
        self._last_uplink: dict[str, tuple[int, int]] = {}
        self._resend_ns = round(config.resend_window_s * 1e9)
        self.resends = 0

    def format_of(self, device: str) -> str:
        for pattern, fmt in self.config.formats.items():
            if fmt and fnmatch.fnmatchcase(device, pattern):
                return fmt
        raise Reject(
            RejectReason.BAD_SCHEMA,
            f"no decoded-payload format pinned for device {device[:80]!r}: add it to formats",
        )

    def ignored_topic(self, topic: str) -> str | None:
        """TTS's other message types (join, downlink, service data, location), should a
        subscription reach them, are told by the topic alone."""
        return None if topic.endswith("/up") else "not an uplink topic"

    def convert(self, topic: str, payload: bytes, received_ns: int) -> list[PresenceEvent]:
        doc = json_object(payload)
        ids = doc.get("end_device_ids")
        device = ids.get("device_id") if isinstance(ids, dict) else None
        if not isinstance(device, str) or not device:
            raise Reject(RejectReason.BAD_SCHEMA, "end_device_ids.device_id is missing")
        desk = self.desk_for(device)
        up = doc.get("uplink_message")
        if not isinstance(up, dict):
            raise Reject(RejectReason.BAD_SCHEMA, "uplink_message is missing")
        decoded = up.get("decoded_payload")
        if not isinstance(decoded, dict):
            raise Reject(
                RejectReason.BAD_SCHEMA,
                "uplink_message.decoded_payload is missing: the device needs a payload "
                "formatter (the vendor's decoder) in The Things Stack",
            )
        f_cnt = up.get("f_cnt", 0)  # The Things Stack omits fields that are 0
        if isinstance(f_cnt, bool) or not isinstance(f_cnt, int) or f_cnt < 0:
            raise Reject(RejectReason.BAD_SCHEMA, f"uplink_message.f_cnt is {f_cnt!r}")
        decode = FORMATS[self.format_of(device)]
        rx = [m for m in up.get("rx_metadata") or [] if isinstance(m, dict)]
        time_ns = self._first_copy(desk.sensor, f_cnt, self._time(doc, up, rx, received_ns))
        try:
            occupied, battery = decode(decoded, self.config)
        except Ignore as exc:  # the frame arrived: its f_cnt is no gap
            raise Ignore(exc.why, heard=Heard(desk.sensor, f_cnt)) from None
        rssis = [
            r for r in (rssi_dbm(m.get("rssi", m.get("channel_rssi"))) for m in rx) if r is not None
        ]
        return [
            self.event(
                desk,
                time_ns=time_ns,
                occupied=occupied,
                seq=f_cnt,
                battery=battery,
                rssi=max(rssis) if rssis else None,
            )
        ]

    def _first_copy(self, sensor: str, f_cnt: int, time_ns: int) -> int:
        """The time of the uplink's first copy if this is the device's previous uplink
        again (same f_cnt within resend_window_s), else ``time_ns``, remembered."""
        last = self._last_uplink.get(sensor)
        if last is not None and last[0] == f_cnt and 0 <= time_ns - last[1] <= self._resend_ns:
            self.resends += 1
            return last[1]
        self._last_uplink.pop(sensor, None)
        self._last_uplink[sensor] = (f_cnt, time_ns)
        if len(self._last_uplink) > AVAILABILITY_MEMORY:
            self._last_uplink.pop(next(iter(self._last_uplink)))
        return time_ns

    def stats(self) -> dict[str, object]:
        return {**super().stats(), "resent_uplinks": self.resends}

    def _time(
        self, doc: dict[str, Any], up: dict[str, Any], rx: list[dict[str, Any]], received_ns: int
    ) -> int:
        if self.config.time_source == "gateway":
            for meta in rx:
                if meta.get("time"):
                    return self.timestamp(meta["time"], "rx_metadata.time", received_ns)
        stamp = up.get("received_at") or doc.get("received_at")
        if stamp is None:
            raise Reject(RejectReason.BAD_SCHEMA, "uplink_message.received_at is missing")
        return self.timestamp(stamp, "received_at", received_ns)
