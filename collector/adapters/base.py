"""The adapter interface and the router that picks an adapter per topic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from paho.mqtt.client import topic_matches_sub

from collector.parser import TOPIC_PREVIEW_CHARS, decode_topic, preview, printable
from hubsense.events import PresenceEvent, Rejection, RejectReason

ParseResult = list[PresenceEvent | Rejection]


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

    def subscriptions(self) -> list[str]:
        return [t for a in self.adapters for t in a.topics()]

    def route(self, raw_topic: bytes, payload: bytes, received_ns: int) -> ParseResult:
        topic = decode_topic(raw_topic)
        if topic is None:
            return [self._reject(raw_topic, payload, received_ns, "topic is not valid UTF-8")]
        for adapter in self.adapters:
            if any(topic_matches_sub(f, topic) for f in adapter.topics()):
                return adapter.parse(topic, payload, received_ns)
        return [self._reject(raw_topic, payload, received_ns, "no adapter for this topic")]

    @staticmethod
    def _reject(raw_topic: bytes, payload: bytes, received_ns: int, why: str) -> Rejection:
        return Rejection(
            reason=RejectReason.BAD_TOPIC,
            detail=why,
            topic=printable(raw_topic.decode("utf-8", "backslashreplace"), TOPIC_PREVIEW_CHARS),
            payload=preview(payload),
            received_ns=received_ns,
        )
