"""Load generator: publish a pickled list of ``(topic, payload)`` at a fixed rate, QoS 1.

    python -m benchmarks.loadgen MQTT_URL FEED.pickle RATE

Paced in 5 ms ticks (behind schedule it sends what is due at once), at most 5,000
messages unacknowledged; returns after every PUBACK. Prints one JSON line: sent,
elapsed_s (first publish to last PUBACK).
"""

from __future__ import annotations

import json
import pickle
import sys
import time

import paho.mqtt.client as mqtt

from simulators.publisher import PublishError, _close, connect

WINDOW = 5000


def main(argv: list[str]) -> int:
    url, feed, rate_s = argv
    rate = float(rate_s)
    with open(feed, "rb") as f:
        messages: list[tuple[str, bytes]] = pickle.load(f)  # noqa: S301 - our own file
    client, acks = connect(url, max_inflight=0)
    sent = 0
    t0 = time.monotonic()
    try:
        n = len(messages)
        while sent < n:
            due = min(n, int((time.monotonic() - t0) * rate) + 1)
            if sent >= due:
                time.sleep(0.005)
                continue
            while sent < due:
                if sent - acks.acked >= WINDOW:
                    acks.wait_acked(sent - WINDOW // 2, 60)
                topic, payload = messages[sent]
                info = client.publish(topic, payload, qos=1)
                if info.rc == mqtt.MQTT_ERR_QUEUE_SIZE:
                    raise PublishError("outgoing queue full")
                sent += 1
        acks.wait_acked(sent, 120)
    finally:
        _close(client)
    elapsed = time.monotonic() - t0
    print(json.dumps({"sent": sent, "elapsed_s": round(elapsed, 3), "refused": acks.rejected}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
