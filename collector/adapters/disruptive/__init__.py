"""Disruptive Technologies desk occupancy / proximity sensors (README.md).

Events arrive as HTTPS pushes from a DT Data Connector at the API's webhook
(``api/webhooks.py``), which verifies the connector's signature and republishes the
verified body unchanged to ``<dt_topic_root>/<project>/<device>/<eventType>`` with QoS 1.
This adapter turns those messages into presence events, so they share the collector's
validation, dedup, rejection records and acknowledge-after-store path with every other
sensor.
"""

from __future__ import annotations

from typing import Any, Literal

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

STATES = {
    "deskOccupancy": {"OCCUPIED": True, "NOT_OCCUPIED": False},
    "objectPresent": {"PRESENT": True, "NOT_PRESENT": False},
}
EVENT_TYPES = (*STATES, "batteryStatus")


class DisruptiveConfig(AdapterConfig):
    type: Literal["disruptive"]
    topics: list[str] = Field(
        default_factory=lambda: ["disruptive/#"],
        description="Where the API's webhook republishes verified events (dt_topic_root).",
    )
    object_present: Literal["occupied", "free"] = Field(
        "occupied",
        description="What an objectPresent PRESENT means for the desk (a proximity sensor "
        "under a chair: occupied).",
    )


def device_of(target_name: object) -> str:
    """The device id of ``projects/<project>/devices/<device>``."""
    parts = target_name.split("/") if isinstance(target_name, str) else []
    if len(parts) != 4 or parts[0] != "projects" or parts[2] != "devices" or not parts[3]:
        raise Reject(RejectReason.BAD_SCHEMA, "event.targetName is not projects/<p>/devices/<d>")
    return parts[3]


class DisruptiveAdapter(BaseAdapter):
    type_name = "disruptive"
    config: DisruptiveConfig

    def __init__(self, registry: Registry, limits: Limits, config: DisruptiveConfig) -> None:
        super().__init__(registry, limits, config)

    def convert(self, topic: str, payload: bytes, received_ns: int) -> list[PresenceEvent]:
        doc = json_object(payload)
        event = doc.get("event")
        if not isinstance(event, dict):
            raise Reject(RejectReason.BAD_SCHEMA, "no event object")
        kind = event.get("eventType")
        if kind not in EVENT_TYPES:
            raise Ignore(f"eventType {str(kind)[:40]}")
        desk = self.desk_for(device_of(event.get("targetName")))
        data: Any = (
            (event.get("data") or {}).get(kind) if isinstance(event.get("data"), dict) else None
        )
        if not isinstance(data, dict):
            raise Reject(RejectReason.BAD_SCHEMA, f"event.data.{kind} is missing")
        if kind == "batteryStatus":
            try:
                self.remember_battery(desk.sensor, battery_pct(data.get("percentage")))
            except ValueError as exc:
                raise Reject(RejectReason.BAD_SCHEMA, f"batteryStatus.percentage: {exc}") from None
            raise Ignore("battery report")  # kept for this sensor's next presence event
        state = data.get("state")
        occupied = STATES[kind].get(state) if isinstance(state, str) else None
        if occupied is None:
            raise Reject(
                RejectReason.BAD_SCHEMA,
                f"{kind}.state is {state!r}, expected one of {', '.join(STATES[kind])}",
            )
        if kind == "objectPresent" and self.config.object_present == "free":
            occupied = not occupied
        stamp = data.get("updateTime", event.get("timestamp"))
        time_ns = self.timestamp(stamp, f"{kind}.updateTime", received_ns)
        return [self.event(desk, time_ns=time_ns, occupied=occupied)]
