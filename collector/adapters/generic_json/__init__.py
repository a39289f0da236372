"""Any JSON presence message, described by field paths in the configuration (README.md)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from collector.adapters.common import (
    AdapterConfig,
    BaseAdapter,
    Limits,
    Reject,
    battery_pct,
    epoch_to_ns,
    get_path,
    json_object,
    parse_timestamp,
    rssi_dbm,
)
from hubsense.events import PresenceEvent, RejectReason
from hubsense.registry import Registry

Scalar = bool | int | float | str


class DeviceFrom(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    topic_level: int | None = Field(
        None, description="0-based topic level naming the device (negative: from the end)."
    )
    path: str | None = Field(None, description="Payload field naming the device, e.g. 'dev.id'.")

    @model_validator(mode="after")
    def _exactly_one(self) -> DeviceFrom:
        if (self.topic_level is None) == (self.path is None):
            raise ValueError("set exactly one of topic_level or path")
        return self


class TimestampSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    path: str
    format: Literal["iso8601", "epoch_s", "epoch_ms", "epoch_us", "epoch_ns"] = "iso8601"


class GenericJsonConfig(AdapterConfig):
    type: Literal["json"]
    device: DeviceFrom
    state_path: str = Field(description="Field holding the presence state, e.g. 'occupied'.")
    true_values: list[Scalar] = Field(
        default_factory=lambda: list[Scalar]([True]), description="State values that mean occupied."
    )
    false_values: list[Scalar] = Field(
        default_factory=lambda: list[Scalar]([False]), description="State values that mean free."
    )
    timestamp: TimestampSpec | None = Field(
        None, description="Where the observation time is; none: the time received."
    )
    battery_path: str | None = None
    rssi_path: str | None = None
    seq_path: str | None = None

    @model_validator(mode="after")
    def _checks(self) -> GenericJsonConfig:
        if not self.topics:
            raise ValueError("topics: a generic adapter needs its topic filters")
        both = {_key(v) for v in self.true_values} & {_key(v) for v in self.false_values}
        if both:
            raise ValueError(f"values both true and false: {sorted(map(str, both))}")
        if not self.true_values or not self.false_values:
            raise ValueError("true_values and false_values must not be empty")
        return self


def _key(value: object) -> tuple[str, object]:
    """Compare JSON values by type too: true is not 1, "1" is not 1."""
    return (type(value).__name__ if not isinstance(value, float) else "int", value)


class GenericJsonAdapter(BaseAdapter):
    type_name = "json"
    config: GenericJsonConfig

    def __init__(self, registry: Registry, limits: Limits, config: GenericJsonConfig) -> None:
        super().__init__(registry, limits, config)
        self._true = {_key(v) for v in config.true_values}
        self._false = {_key(v) for v in config.false_values}

    def _field(self, doc: dict[str, Any], path: str) -> object:
        try:
            return get_path(doc, path)
        except KeyError:
            raise Reject(RejectReason.BAD_SCHEMA, f"{path!r} is missing") from None

    def _device(self, topic: str, doc: dict[str, Any]) -> str:
        spec = self.config.device
        if spec.topic_level is not None:
            parts = topic.split("/")
            if not -len(parts) <= spec.topic_level < len(parts) or not parts[spec.topic_level]:
                raise Reject(RejectReason.BAD_TOPIC, f"no topic level {spec.topic_level}")
            return parts[spec.topic_level]
        assert spec.path is not None
        device = self._field(doc, spec.path)
        if isinstance(device, bool) or not isinstance(device, str | int) or device == "":
            raise Reject(RejectReason.BAD_SCHEMA, f"{spec.path!r} is not a device id")
        return str(device)

    def convert(self, topic: str, payload: bytes, received_ns: int) -> list[PresenceEvent]:
        doc = json_object(payload)
        desk = self.desk_for(self._device(topic, doc))
        value = self._field(doc, self.config.state_path)
        key = _key(value) if isinstance(value, Scalar) else None
        if key in self._true:
            occupied = True
        elif key in self._false:
            occupied = False
        else:
            raise Reject(
                RejectReason.BAD_SCHEMA,
                f"{self.config.state_path} is {value!r}: neither a true_value nor a false_value",
            )
        time_ns = self._time(doc, received_ns)
        try:
            battery = battery_pct(self._optional(doc, self.config.battery_path))
        except ValueError as exc:
            raise Reject(RejectReason.BAD_SCHEMA, f"{self.config.battery_path}: {exc}") from None
        seq = self._optional(doc, self.config.seq_path)
        if seq is None:
            seq = 0
        elif isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            raise Reject(RejectReason.BAD_SCHEMA, f"{self.config.seq_path} is {seq!r}")
        rssi = rssi_dbm(self._optional(doc, self.config.rssi_path))
        return [
            self.event(
                desk, time_ns=time_ns, occupied=occupied, seq=seq, battery=battery, rssi=rssi
            )
        ]

    def _optional(self, doc: dict[str, Any], path: str | None) -> Any:
        if path is None:
            return None
        try:
            return get_path(doc, path)
        except KeyError:
            return None

    def _time(self, doc: dict[str, Any], received_ns: int) -> int:
        spec = self.config.timestamp
        if spec is None:
            return received_ns
        value = self._field(doc, spec.path)
        try:
            if spec.format == "iso8601":
                time_ns = parse_timestamp(value)
            else:
                time_ns = epoch_to_ns(value, spec.format.removeprefix("epoch_"))  # type: ignore[arg-type]
        except ValueError as exc:
            raise Reject(RejectReason.BAD_SCHEMA, f"{spec.path}: {exc}") from None
        return self.checked_time(time_ns, received_ns)
