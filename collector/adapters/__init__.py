"""Sensor adapters: each turns one family of MQTT messages into presence events.

An adapter names the topic filters it subscribes to and parses a message on them into
accepted events and/or rejections. The collector routes every message to the first
adapter whose filter matches its topic. ``native`` is hubsense's own contract
(docs/contract.md); adapters for real sensor formats live beside it, one folder each.
"""

from collector.adapters.base import Adapter, AdapterRouter, ParseResult

__all__ = ["Adapter", "AdapterRouter", "ParseResult"]
