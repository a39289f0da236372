"""The adapters file (``adapters_file`` setting): which formats on which topics.

TOML, one ``[[adapter]]`` table per adapter instance; the first adapter whose topic
filter matches a message gets it. Example (every adapter's README has its options)::

    [[adapter]]
    type = "native"                       # hubsense's own contract, hubs/+/+/+/presence

    [[adapter]]
    type = "zigbee2mqtt"
    name = "z2m-svenstavik"
    base_topic = "zigbee2mqtt/svenstavik"

Validated as a whole with pydantic; every problem is reported with where it is, e.g.
``adapters.toml: adapter[2] (thethingsstack).formats: 'vs341-*': unknown format 'x'``.
Without an adapters file the collector runs the native adapter only.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from collector.adapters.base import Adapter
from collector.adapters.common import AdapterConfig, BaseAdapter, Limits
from collector.adapters.disruptive import DisruptiveAdapter, DisruptiveConfig
from collector.adapters.generic_json import GenericJsonAdapter, GenericJsonConfig
from collector.adapters.haltian import HaltianAdapter, HaltianConfig
from collector.adapters.homeassistant import HomeAssistantAdapter, HomeAssistantConfig
from collector.adapters.native import NativeAdapter
from collector.adapters.thethingsstack import TheThingsStackAdapter, TheThingsStackConfig
from collector.adapters.zigbee2mqtt import Zigbee2MqttAdapter, Zigbee2MqttConfig
from collector.parser import MessageParser
from hubsense.availability import UNAVAILABLE_KEY
from hubsense.config import ConfigError, Settings
from hubsense.registry import Registry


class NativeConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    type: Literal["native"]
    name: str = "native"


ANY_CONFIG = Annotated[
    NativeConfig
    | Zigbee2MqttConfig
    | TheThingsStackConfig
    | HomeAssistantConfig
    | HaltianConfig
    | DisruptiveConfig
    | GenericJsonConfig,
    Field(discriminator="type"),
]
ADAPTERS: dict[str, type[BaseAdapter]] = {
    "zigbee2mqtt": Zigbee2MqttAdapter,
    "thethingsstack": TheThingsStackAdapter,
    "homeassistant": HomeAssistantAdapter,
    "haltian": HaltianAdapter,
    "disruptive": DisruptiveAdapter,
    "json": GenericJsonAdapter,
}
TYPES = ("native", *ADAPTERS)


class AdaptersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    adapter: list[ANY_CONFIG] = Field(min_length=1)


def _where(loc: Sequence[int | str], raw: dict[str, Any]) -> str:
    parts = list(loc)
    if len(parts) >= 2 and parts[0] == "adapter" and isinstance(parts[1], int):
        index = parts[1]
        try:
            kind = raw["adapter"][index].get("type", "?")
        except (KeyError, IndexError, AttributeError, TypeError):
            kind = "?"
        rest = [str(p) for p in parts[3:]]  # parts[2] is the union tag
        return f"adapter[{index}] ({kind})" + ("." + ".".join(rest) if rest else "")
    return ".".join(str(p) for p in parts) or "file"


def parse_adapters(text: str, source: str = "adapters") -> list[NativeConfig | AdapterConfig]:
    """Validated adapter configurations; ConfigError listing every problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    try:
        doc = AdaptersFile.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            msg = err["msg"]
            if err["type"] == "union_tag_invalid":
                msg = f"unknown adapter type; known: {', '.join(TYPES)}"
            elif err["type"] == "union_tag_not_found":
                msg = f"type is missing; one of {', '.join(TYPES)}"
            problems.append(f"{_where(err['loc'], raw)}: {msg}")
        raise ConfigError(f"{source}: " + "; ".join(problems)) from None
    names = [c.name or c.type for c in doc.adapter]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(
            f"{source}: adapter names must be unique (set name = ...): {', '.join(duplicates)}"
        )
    return list(doc.adapter)


def build_adapters(
    configs: Sequence[NativeConfig | AdapterConfig], settings: Settings, registry: Registry
) -> list[Adapter]:
    limits = Limits(
        max_payload_bytes=settings.max_payload_bytes,
        max_future_s=settings.max_future_s,
        max_age_s=settings.max_age_s,
    )
    adapters: list[Adapter] = []
    for config in configs:
        if isinstance(config, NativeConfig):
            adapters.append(NativeAdapter(native_parser(settings, registry)))
        else:
            kind: str = getattr(config, "type")  # noqa: B009 - every config has its tag
            adapters.append(ADAPTERS[kind](registry, limits, config))
    return adapters


def native_parser(settings: Settings, registry: Registry) -> MessageParser:
    return MessageParser(
        registry,
        topic_root=settings.mqtt_topic_root,
        max_payload_bytes=settings.max_payload_bytes,
        max_future_s=settings.max_future_s,
        max_age_s=settings.max_age_s,
    )


def load_adapters(settings: Settings, registry: Registry) -> list[Adapter]:
    """The adapters ``settings.adapters_file`` lists; only the native one without a file."""
    path: Path | None = settings.adapters_file
    if path is None:
        return build_adapters([NativeConfig(type="native")], settings, registry)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"adapters_file {path}: cannot read: {exc}") from None
    return build_adapters(parse_adapters(text, str(path)), settings, registry)


def adapter_stats(adapters: Sequence[Adapter]) -> dict[str, object]:
    """Per-adapter counters (accepted, rejected by reason, ignored by why), and the sensors
    their networks report unavailable with when the report came (``UNAVAILABLE_KEY``, read
    by the live view through ``hubsense.availability``)."""
    per: dict[str, object] = {}
    since: dict[str, int] = {}
    for adapter in adapters:
        if isinstance(adapter, BaseAdapter):
            per[adapter.name] = adapter.stats()
            for sensor, t in adapter.availability.offline_since().items():
                since[sensor] = max(t, since.get(sensor, t))
        elif isinstance(adapter, NativeAdapter):
            per[adapter.name] = adapter.stats()
    return {
        "adapters": per,
        "sensors_unavailable": sorted(since),
        UNAVAILABLE_KEY: dict(sorted(since.items())),
    }


_CONFIG_ADAPTER: TypeAdapter[Any] = TypeAdapter(ANY_CONFIG)


def config_for(table: dict[str, Any]) -> NativeConfig | AdapterConfig:
    """One ``[[adapter]]`` table validated (for tests and tools)."""
    result: NativeConfig | AdapterConfig = _CONFIG_ADAPTER.validate_python(table)
    return result
