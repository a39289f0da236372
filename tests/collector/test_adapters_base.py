"""Routing messages to adapters by topic."""

from __future__ import annotations

from collector.adapters.base import AdapterRouter
from hubsense.events import PresenceEvent, Rejection, RejectReason

EVENT = PresenceEvent("berg", "svenstavik", "a01", "svenstavik-a01", 1, 5, True, False)


class Fake:
    def __init__(self, name: str, topics: list[str]) -> None:
        self.name = name
        self._topics = topics
        self.seen: list[str] = []

    def topics(self) -> list[str]:
        return self._topics

    def parse(self, topic: str, payload: bytes, received_ns: int):
        self.seen.append(topic)
        return [EVENT]


def test_first_matching_adapter_gets_the_message():
    a, b = Fake("a", ["hubs/+/+/+/presence"]), Fake("b", ["zigbee2mqtt/#"])
    router = AdapterRouter([a, b])
    assert router.subscriptions() == ["hubs/+/+/+/presence", "zigbee2mqtt/#"]
    assert router.route(b"zigbee2mqtt/desk-1", b"{}", 1) == [EVENT]
    assert b.seen == ["zigbee2mqtt/desk-1"] and a.seen == []


def test_unroutable_and_non_utf8_topics_are_rejected():
    router = AdapterRouter([Fake("a", ["hubs/#"])])
    for topic in (b"other/x", b"hubs/\xff"):
        [result] = router.route(topic, b"payload\n", 7)
        assert isinstance(result, Rejection)
        assert result.reason == RejectReason.BAD_TOPIC
        assert result.topic.isprintable() and result.payload.isprintable()
