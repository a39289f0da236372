"""hubsense's own message contract (docs/contract.md) as an adapter."""

from __future__ import annotations

from collector.adapters.base import AdapterCounts, ParseResult
from collector.parser import MessageParser
from hubsense.contract import subscription


class NativeAdapter:
    name = "native"

    def __init__(self, parser: MessageParser) -> None:
        self.parser = parser
        self._topics = [subscription(parser.topic_root)]
        self.counts = AdapterCounts()

    def topics(self) -> list[str]:
        return self._topics

    def parse(self, topic: str, payload: bytes, received_ns: int) -> ParseResult:
        results: ParseResult = [self.parser.parse(topic, payload, received_ns)]
        self.counts.add(results)
        return results

    def stats(self) -> dict[str, object]:
        return {"type": self.name, **self.counts.as_dict()}
