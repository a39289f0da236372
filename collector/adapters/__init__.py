"""Sensor adapters: each turns one family of MQTT messages into presence events.

An adapter names the topic filters it subscribes to and parses a message on them into
accepted events and/or rejections. The collector routes every message to the first
adapter whose filter matches its topic. ``native`` is hubsense's own contract
(docs/contract.md); adapters for real sensor formats live beside it, one folder each with
its README (format, mapping, options, sources), a sample configuration and real payloads:
zigbee2mqtt, thethingsstack, homeassistant, haltian, disruptive, generic_json.
``load_adapters`` builds the list the ``adapters_file`` setting names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collector.adapters.base import Adapter, AdapterRouter, ParseResult

if TYPE_CHECKING:
    from hubsense.config import Settings
    from hubsense.registry import Registry

__all__ = ["Adapter", "AdapterRouter", "ParseResult", "adapter_stats", "load_adapters"]


def load_adapters(settings: Settings, registry: Registry) -> list[Adapter]:
    """The adapters ``settings.adapters_file`` configures (only the native one without
    it); raises hubsense.config.ConfigError with every problem of the file."""
    from collector.adapters.loader import load_adapters as load

    return load(settings, registry)


def adapter_stats(adapters: list[Adapter]) -> dict[str, object]:
    """Counters of the configured adapters and the sensors reported unavailable."""
    from collector.adapters.loader import adapter_stats as stats

    return stats(adapters)
