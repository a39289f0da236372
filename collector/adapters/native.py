"""hubsense's own message contract (docs/contract.md) as an adapter."""

from __future__ import annotations

from collector.adapters.base import ParseResult
from collector.parser import MessageParser
from hubsense.contract import subscription


class NativeAdapter:
    name = "native"

    def __init__(self, parser: MessageParser) -> None:
        self.parser = parser
        self._topics = [subscription(parser.topic_root)]

    def topics(self) -> list[str]:
        return self._topics

    def parse(self, topic: str, payload: bytes, received_ns: int) -> ParseResult:
        return [self.parser.parse(topic, payload, received_ns)]
