"""The collector's MQTT half alone: how fast it can take a backlog in with nothing stored.

The ingest benchmark's receive limit. The collector's own transport (``MqttTransport``:
paho with its buffered reader, MQTT 5, persistent session, Receive Maximum and inbox bound
from the settings) receives ``count`` messages and acknowledges them in the collector's
batch sizes as soon as they are taken, so the broker keeps sending as it does for the
collector. With ``--parse`` each message also goes through the collector's parser (topic,
schema, registry), so the difference between the two is the parser's cost. Settings come
from the same ``HUBSENSE_*`` environment as the collector's.

    python -m benchmarks.receive_only COUNT [--parse]

Prints one JSON line: messages, seconds from connected to the last message taken, and the
process's CPU seconds over that time.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import threading
import time

from collector.parser import MessageParser, decode_topic
from collector.service import shared
from collector.transport import MqttTransport
from hubsense.config import Settings
from hubsense.events import PresenceEvent
from hubsense.registry import load_registry

SUBSCRIPTION = "hubs/+/+/+/presence"


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str]) -> int:
    count, parse = int(argv[0]), "--parse" in argv[1:]
    settings = Settings()
    parser = None
    if parse:
        assert settings.registry is not None
        parser = MessageParser(
            load_registry(settings.registry),
            topic_root=settings.mqtt_topic_root,
            max_payload_bytes=settings.max_payload_bytes,
            max_future_s=settings.max_future_s,
            max_age_s=settings.max_age_s,
        )
    transport = MqttTransport(
        settings.mqtt_url,
        client_id=settings.mqtt_client_id,
        subscriptions=[shared(settings, SUBSCRIPTION)],
        protocol=settings.mqtt_protocol,
        session_expiry_s=settings.mqtt_session_expiry_s,
        receive_maximum=settings.mqtt_receive_maximum,
        max_buffered=settings.mqtt_max_buffered,
    )
    stop = threading.Event()  # SIGTERM: disconnect cleanly, so the broker keeps the session
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    transport.start()
    if not transport.connected.wait(60):
        raise SystemExit("not connected within 60 s")
    t0, cpu0 = time.monotonic(), cpu_s()
    taken, accepted = 0, 0
    batch = []
    while taken < count and not stop.is_set():
        item = transport.inbox.get(timeout=0.1)
        if item is not None:
            batch.append(item)
            taken += 1
            if parser is not None:
                topic = decode_topic(item.topic)
                if topic is not None:
                    result = parser.parse(topic, item.payload, item.received_ns)
                    accepted += isinstance(result, PresenceEvent)
        if batch and (len(batch) >= settings.batch_size or item is None or taken >= count):
            transport.ack(batch)
            batch = []
    elapsed, cpu = time.monotonic() - t0, cpu_s() - cpu0
    time.sleep(0.2)  # let the last PUBACKs go out before disconnecting
    transport.stop()
    out = {"messages": taken, "seconds": round(elapsed, 3), "cpu_s": round(cpu, 2)}
    if parser is not None:
        out["accepted"] = accepted
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
