"""The adapter interface and the router that picks an adapter per topic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from paho.mqtt.client import topic_matches_sub

from collector.parser import TOPIC_PREVIEW_CHARS, decode_topic, preview, printable
from hubsense.events import PresenceEvent, Rejection, RejectReason

ParseResult = list[PresenceEvent | Rejection]
ROUTE_CACHE = 100_000  # distinct topics remembered; a flood of random topics just resets it
_UNKNOWN: Any = object()


class Adapter(Protocol):
    name: str

    def topics(self) -> list[str]:
        """MQTT topic filters this adapter subscribes to."""

    def parse(self, topic: str, payload: bytes, received_ns: int) -> ParseResult:
        """Events and/or rejections for one message; never raises for bad input."""


class AdapterRouter:
    def __init__(self, adapters: Sequence[Adapter]) -> None:
        if not adapters:
            raise ValueError("at least one adapter is needed")
        self.adapters = list(adapters)
        # Topics repeat (one per desk): remember which adapter each one goes to.
        self._routes: dict[str, Adapter | None] = {}

    def subscriptions(self) -> list[str]:
        return [t for a in self.adapters for t in a.topics()]

    def route(self, raw_topic: bytes, payload: bytes, received_ns: int) -> ParseResult:
        topic = decode_topic(raw_topic)
        if topic is None:
            return [self._reject(raw_topic, payload, received_ns, "topic is not valid UTF-8")]
        adapter = self._routes.get(topic, _UNKNOWN)
        if adapter is _UNKNOWN:
            adapter = self._match(topic)
            if len(self._routes) >= ROUTE_CACHE:
                self._routes.clear()
            self._routes[topic] = adapter
        if adapter is None:
            return [self._reject(raw_topic, payload, received_ns, "no adapter for this topic")]
        return adapter.parse(topic, payload, received_ns)

    def _match(self, topic: str) -> Adapter | None:
        for adapter in self.adapters:
            if any(topic_matches_sub(f, topic) for f in adapter.topics()):
                return adapter
        return None

    @staticmethod
    def _reject(raw_topic: bytes, payload: bytes, received_ns: int, why: str) -> Rejection:
        return Rejection(
            reason=RejectReason.BAD_TOPIC,
            detail=why,
            topic=printable(raw_topic.decode("utf-8", "backslashreplace"), TOPIC_PREVIEW_CHARS),
            payload=preview(payload),
            received_ns=received_ns,
        )
