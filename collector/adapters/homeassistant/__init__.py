"""Home Assistant MQTT binary_sensor state topics: plain ON/OFF payloads (README.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from collector.adapters.common import AdapterConfig, BaseAdapter, Ignore, Limits, Reject
from hubsense.events import PresenceEvent, RejectReason
from hubsense.registry import Registry


class HomeAssistantConfig(AdapterConfig):
    type: Literal["homeassistant"]
    topics: list[str] = Field(
        default_factory=lambda: ["homeassistant/binary_sensor/+/state"],
        description="State topics (the binary_sensor's state_topic).",
    )
    device_level: int | None = Field(
        2,
        description="Which topic level (0-based; negative counts from the end) names the "
        "device; None: only topic_map is used.",
    )
    topic_map: dict[str, str] = Field(
        default_factory=dict,
        description="Exact state topic → device id, for topics that do not name the device.",
    )
    payload_on: str = Field("ON", description="The binary_sensor's payload_on (occupied).")
    payload_off: str = Field("OFF", description="The binary_sensor's payload_off (free).")
    case_sensitive: bool = Field(
        False,
        description="Compare payloads in their exact case. Off by default: an MQTT "
        "binary_sensor publishes ON/OFF, mqtt_statestream publishes the state as on/off.",
    )
    ignore_payloads: list[str] = Field(
        default_factory=lambda: ["unavailable", "unknown", "None"],
        description="Payloads that say nothing about presence (Home Assistant's own "
        "'unavailable'/'unknown' states): counted as ignored.",
    )

    @model_validator(mode="after")
    def _distinct(self) -> HomeAssistantConfig:
        if self.same(self.payload_on, self.payload_off):
            raise ValueError("payload_on and payload_off must differ")
        if self.device_level is None and not self.topic_map:
            raise ValueError("set device_level or topic_map: something must name the device")
        return self

    def same(self, a: str, b: str) -> bool:
        return a == b if self.case_sensitive else a.casefold() == b.casefold()

    def matching(self, text: str, options: list[str]) -> str | None:
        """The first of ``options`` that ``text`` is (by ``same``), or None."""
        return next((option for option in options if self.same(text, option)), None)


class HomeAssistantAdapter(BaseAdapter):
    type_name = "homeassistant"
    config: HomeAssistantConfig

    def __init__(self, registry: Registry, limits: Limits, config: HomeAssistantConfig) -> None:
        super().__init__(registry, limits, config)

    def device_of(self, topic: str) -> str:
        mapped = self.config.topic_map.get(topic)
        if mapped is not None:
            return mapped
        level = self.config.device_level
        parts = topic.split("/")
        if level is None or not -len(parts) <= level < len(parts) or not parts[level]:
            raise Reject(
                RejectReason.BAD_TOPIC, "no device in this topic (topic_map or device_level)"
            )
        return parts[level]

    def convert(self, topic: str, payload: bytes, received_ns: int) -> list[PresenceEvent]:
        desk = self.desk_for(self.device_of(topic))
        try:
            text = payload.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise Reject(RejectReason.BAD_SCHEMA, "payload is not UTF-8 text") from None
        cfg = self.config
        if cfg.same(text, cfg.payload_on):
            occupied = True
        elif cfg.same(text, cfg.payload_off):
            occupied = False
        elif (ignored := cfg.matching(text, cfg.ignore_payloads)) is not None:
            raise Ignore(f"state {ignored}")  # as configured: one count whatever the case
        else:
            spelling = "" if cfg.case_sensitive else " (in any case)"
            raise Reject(
                RejectReason.BAD_SCHEMA,
                f"expected {cfg.payload_on!r} or {cfg.payload_off!r}{spelling}",
            )
        # State topics carry no timestamp: the time the collector received the message.
        return [self.event(desk, time_ns=received_ns, occupied=occupied)]
