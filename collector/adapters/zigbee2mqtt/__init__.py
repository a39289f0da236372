"""zigbee2mqtt occupancy/presence sensors and their availability (README.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from collector.adapters.common import (
    AdapterConfig,
    BaseAdapter,
    Ignore,
    Limits,
    Reject,
    battery_pct,
    epoch_to_ns,
    json_object,
)
from hubsense.events import PresenceEvent, RejectReason
from hubsense.registry import Registry

# Topics zigbee2mqtt uses for commands to a device, not for its state.
_COMMANDS = ("set", "get")


class Zigbee2MqttConfig(AdapterConfig):
    type: Literal["zigbee2mqtt"]
    base_topic: str = Field("zigbee2mqtt", description="zigbee2mqtt's mqtt.base_topic.")
    state_field: str = Field(
        "occupancy",
        description="Boolean field that means occupied: 'occupancy' (PIR) or 'presence' "
        "(mmWave presence sensors).",
    )

    @field_validator("base_topic")
    @classmethod
    def _plain(cls, value: str) -> str:
        if not value or any(c in value for c in "#+") or value.endswith("/"):
            raise ValueError("a topic prefix without wildcards or a trailing '/'")
        return value


class Zigbee2MqttAdapter(BaseAdapter):
    type_name = "zigbee2mqtt"
    config: Zigbee2MqttConfig

    def __init__(self, registry: Registry, limits: Limits, config: Zigbee2MqttConfig) -> None:
        super().__init__(registry, limits, config)
        self._prefix = config.base_topic + "/"
        if not config.topics:
            self._topics = [config.base_topic + "/#"]

    def ignored_topic(self, topic: str) -> str | None:
        """The bridge's own topics (``bridge/devices`` and ``bridge/definitions`` are
        retained and can be hundreds of KB) and commands to devices (``…/set``, ``…/get``),
        told by the topic alone."""
        if not topic.startswith(self._prefix):
            return None
        rest = topic[len(self._prefix) :]
        if rest == "bridge" or rest.startswith("bridge/"):
            return "bridge topic"
        device, _, last = rest.rpartition("/")
        if last in _COMMANDS and device:
            return f"{last} topic"
        return None

    def convert(self, topic: str, payload: bytes, received_ns: int) -> list[PresenceEvent]:
        if not topic.startswith(self._prefix):
            raise Reject(RejectReason.BAD_TOPIC, f"expected {self._prefix}<friendly_name>")
        rest = topic[len(self._prefix) :]
        device, _, last = rest.rpartition("/")
        if last == "availability" and device:
            return self._availability(device, payload, received_ns)
        device = rest  # a friendly name may contain '/'
        if not device:
            raise Reject(RejectReason.BAD_TOPIC, "no friendly name in the topic")
        desk = self.desk_for(device)
        doc = json_object(payload)
        field = self.config.state_field
        state = doc.get(field)
        if not isinstance(state, bool):
            what = "missing" if field not in doc else f"{state!r}, not true/false"
            raise Reject(
                RejectReason.BAD_SCHEMA,
                f"{field!r} is {what} (is {device!r} an occupancy sensor? state_field "
                "selects the field)",
            )
        try:
            battery = battery_pct(doc.get("battery"))
        except ValueError as exc:
            raise Reject(RejectReason.BAD_SCHEMA, str(exc)) from None
        time_ns = self._time(doc.get("last_seen"), received_ns)
        return [self.event(desk, time_ns=time_ns, occupied=state, battery=battery)]

    def _time(self, last_seen: object, received_ns: int) -> int:
        """zigbee2mqtt sends no timestamp unless ``advanced.last_seen`` is on (ISO 8601 or
        epoch milliseconds); without it, the time the collector received the message."""
        if last_seen is None or last_seen == "disable":
            return received_ns
        if isinstance(last_seen, str):
            return self.timestamp(last_seen, "last_seen", received_ns)
        try:
            return self.checked_time(epoch_to_ns(last_seen, "ms"), received_ns)
        except ValueError as exc:
            raise Reject(RejectReason.BAD_SCHEMA, f"last_seen: {exc}") from None

    def _availability(self, device: str, payload: bytes, received_ns: int) -> list[PresenceEvent]:
        desk = self.desk_for(device)
        text = payload.strip()
        if text in (b"online", b"offline"):  # legacy availability payload
            state = text.decode()
        else:
            doc = json_object(payload)
            state = doc.get("state")  # type: ignore[assignment]
            if state not in ("online", "offline"):
                raise Reject(
                    RejectReason.BAD_SCHEMA,
                    'availability must be "online"/"offline" or {"state": "online"|"offline"}',
                )
        self.availability.report(desk.sensor, state == "online", received_ns)
        raise Ignore(f"availability {state}")
