"""The adapter interface and the router that picks an adapter per topic."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from paho.mqtt.client import topic_matches_sub

from collector.parser import TOPIC_PREVIEW_CHARS, decode_topic, preview, printable
from hubsense.events import PresenceEvent, Rejection, RejectReason


@dataclass(frozen=True, slots=True)
class Heard:
    """A frame from a sensor that arrived but carries no presence (an Elsys "pending"
    frame): nothing is stored, but its sequence number counts (the next frame is no gap)
    and it is a sign of life."""

    sensor: str
    seq: int


ParseResult = list[PresenceEvent | Rejection | Heard]
MAX_IGNORE_REASONS = 32
"""Distinct reasons an adapter counts ignored messages by; later new ones are counted as
``OTHER`` (some reasons name what a message said, e.g. Haltian's measurement type from the
topic: a flood of invented ones must not grow the counters or /metrics' series)."""
OTHER = "other"
ROUTE_CACHE = 100_000  # distinct topics remembered; a flood of random topics just resets it
_UNKNOWN: Any = object()


@dataclass
class AdapterCounts:
    """What one adapter made of the messages routed to it, so an operator sees which
    integration misbehaves: events it produced (before the collector's duplicate check),
    rejections by reason, and messages it ignored by why (the adapter counts those: only
    it knows why)."""

    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    ignored: Counter[str] = field(default_factory=Counter)

    def ignore(self, why: str) -> None:
        if why not in self.ignored and len(self.ignored) >= MAX_IGNORE_REASONS:
            why = OTHER
        self.ignored[why] += 1

    def add(self, results: ParseResult) -> None:
        for result in results:
            if isinstance(result, PresenceEvent):
                self.accepted += 1
            elif isinstance(result, Rejection):
                self.rejected[str(result.reason)] += 1

    def as_dict(self) -> dict[str, object]:
        return {
            "accepted": self.accepted,
            "rejected": dict(self.rejected),
            "ignored": dict(self.ignored),
        }


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
