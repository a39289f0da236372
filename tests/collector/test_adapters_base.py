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


def test_adapter_stats_count_per_adapter_and_merge_the_sensors_reported_offline():
    from collector.adapters import adapter_stats
    from collector.adapters.loader import build_adapters, parse_adapters
    from hubsense.availability import UNAVAILABLE_KEY
    from tests.collector.adapters.support import registry, settings

    text = (
        '[[adapter]]\ntype = "native"\n'
        '[[adapter]]\ntype = "zigbee2mqtt"\nname = "z2m-a"\nbase_topic = "z2m/a"\n'
        '[[adapter]]\ntype = "zigbee2mqtt"\nname = "z2m-b"\nbase_topic = "z2m/b"\n'
    )
    native, a, b = build_adapters(parse_adapters(text, "inline"), settings(), registry())
    native.parse("hubs/berg/svenstavik/z01/presence", b"{}", 1)
    a.parse("z2m/a/0x00158d0001e4e5f6/availability", b"offline", 10)
    b.parse("z2m/b/0x00158d0001e4e5f6/availability", b"offline", 20)  # the later report
    b.parse("z2m/b/z2m-desk-z02/availability", b"offline", 5)
    b.parse("z2m/b/z2m-desk-z02", b'{"occupancy": false}', 6)  # a sign of life clears it
    b.parse("z2m/b/bridge/devices", b"[" * 100_000, 7)
    stats = adapter_stats([native, a, b])
    assert stats[UNAVAILABLE_KEY] == {"0x00158d0001e4e5f6": 20}
    assert stats["sensors_unavailable"] == ["0x00158d0001e4e5f6"]
    per = stats["adapters"]
    assert isinstance(per, dict)
    assert per["native"] == {"type": "native", "accepted": 0, "rejected": {"bad_schema": 1},
                             "ignored": {}}  # fmt: skip
    assert per["z2m-b"]["accepted"] == 1 and per["z2m-b"]["rejected"] == {}
    assert per["z2m-b"]["ignored"] == {"availability offline": 2, "bridge topic": 1}


def test_ignored_reasons_are_bounded():
    from collector.adapters.base import MAX_IGNORE_REASONS, OTHER, AdapterCounts

    counts = AdapterCounts()
    for i in range(MAX_IGNORE_REASONS + 10):
        counts.ignore(f"measurement m{i}")
    counts.ignore("measurement m0")
    assert len(counts.ignored) == MAX_IGNORE_REASONS + 1
    assert counts.ignored[OTHER] == 10 and counts.ignored["measurement m0"] == 2
