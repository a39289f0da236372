"""Haltian Thingsee PRESENCE through the Haltian IoT MQTT stream (README.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from collector.adapters.common import (
    AdapterConfig,
    BaseAdapter,
    Ignore,
    Limits,
    Reject,
    battery_pct,
    json_object,
)
from hubsense.events import PresenceEvent, RejectReason
from hubsense.registry import Registry


class HaltianConfig(AdapterConfig):
    type: Literal["haltian"]
    topics: list[str] = Field(
        default_factory=lambda: [
            "haltian-iot/events/+/+/measurements/occupancyStatus/+",
            "haltian-iot/events/+/+/measurements/batteryPercentage/+",
        ],
        description="Haltian IoT measurement topics: …/measurements/<type>/<device-uuid>.",
    )


class HaltianAdapter(BaseAdapter):
    type_name = "haltian"
    config: HaltianConfig

    def __init__(self, registry: Registry, limits: Limits, config: HaltianConfig) -> None:
        super().__init__(registry, limits, config)

    def convert(self, topic: str, payload: bytes, received_ns: int) -> list[PresenceEvent]:
        parts = topic.split("/")
        if len(parts) < 3 or parts[-3] != "measurements" or not parts[-1]:
            raise Reject(RejectReason.BAD_TOPIC, "expected …/measurements/<type>/<device-uuid>")
        measurement, device = parts[-2], parts[-1]
        if measurement not in ("occupancyStatus", "batteryPercentage"):
            raise Ignore(f"measurement {measurement}")
        desk = self.desk_for(device)
        doc = json_object(payload)
        if measurement == "batteryPercentage":
            try:
                self.remember_battery(desk.sensor, battery_pct(doc.get("batteryPercentage")))
            except ValueError as exc:
                raise Reject(RejectReason.BAD_SCHEMA, f"batteryPercentage: {exc}") from None
            raise Ignore("battery report")  # kept for this sensor's next presence event
        occupied = doc.get("isOccupied")
        if not isinstance(occupied, bool):
            raise Reject(RejectReason.BAD_SCHEMA, f"isOccupied is {occupied!r}, not true/false")
        if "measured_at" not in doc:
            raise Reject(RejectReason.BAD_SCHEMA, "measured_at is missing")
        time_ns = self.timestamp(doc["measured_at"], "measured_at", received_ns)
        return [self.event(desk, time_ns=time_ns, occupied=occupied)]
