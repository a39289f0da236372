"""The baseline: a generic MQTT → InfluxDB bridge writing one point per message.

paho-mqtt with its default automatic acknowledgement (PUBACK as soon as ``on_message``
returns), a persistent session (MQTT 3.1.1, clean_session=False) and one HTTP
``POST /write`` per message, the way a simple bridge script does it. Same measurement and
tags as hubsense's store, so ``InfluxStore.count_events`` counts its points.

    python -m benchmarks.naive_bridge MQTT_URL INFLUX_URL DATABASE CLIENT_ID
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from datetime import datetime

import httpx
import paho.mqtt.client as mqtt

from hubsense.mqtt import parse_mqtt_url


def main(argv: list[str]) -> int:
    mqtt_url, influx_url, db, client_id = argv
    http = httpx.Client(base_url=influx_url, timeout=30)
    http.post("/query", params={"q": f'CREATE DATABASE "{db}"'}).raise_for_status()
    stop = threading.Event()

    def on_connect(client, userdata, flags, rc, props):
        client.subscribe("hubs/+/+/+/presence", qos=1)

    def on_message(client, userdata, msg):
        _, municipality, hub, desk, _ = msg.topic.split("/")
        p = json.loads(msg.payload)
        t = int(datetime.fromisoformat(p["ts"]).timestamp() * 1000) * 1_000_000
        line = (
            f"presence,desk={desk},hub={hub},municipality={municipality} "
            f"occupied={int(p['occupied'])}i,heartbeat={str(p['kind'] == 'heartbeat').lower()},"
            f'seq={p["seq"]}i,sensor="{p["sensor"]}",battery={p["battery"]}i,'
            f"rssi={p['rssi']}i {t}"
        )
        http.post("/write", params={"db": db, "precision": "ns"}, content=line).raise_for_status()

    addr = parse_mqtt_url(mqtt_url)
    client = mqtt.Client(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=False,
        protocol=mqtt.MQTTv311,
    )
    client.on_connect = on_connect
    client.on_message = on_message
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    client.connect(addr.host, addr.port, keepalive=30)
    client.loop_start()
    stop.wait()
    client.disconnect()
    client.loop_stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
