"""Collector: MQTT presence messages → validated, deduplicated batches → store.

Transport (collector.transport), parsing (collector.parser), dedup (collector.dedup) and the
store sink (collector.sink) are separate and testable alone; collector.service wires them.
"""

from collector.parser import MessageParser
from collector.service import Collector
from collector.transport import MqttTransport

__all__ = ["Collector", "MessageParser", "MqttTransport"]
