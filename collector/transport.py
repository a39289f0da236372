"""Transport: the collector's MQTT session (paho-mqtt 2.x, callback API v2).

- QoS 1 subscription on a persistent session (MQTT 5 clean_start=False with a session
  expiry; MQTT 3.1.1 clean_session=False), so the broker queues what arrives while the
  collector is away and redelivers what it never acknowledged.
- Manual acknowledgement: paho sends no PUBACK by itself; ``ack`` is called only after the
  store confirmed the write.
- Each received message carries the connection generation it arrived on: a PUBACK for a
  message of an earlier connection is never sent (its packet id may now mean another
  message); the broker redelivers such messages on the new connection instead.
- Reconnects with exponential backoff (1 s … 30 s), also when the first connect fails.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from collector.fastclient import FastReadClient
from collector.inbox import Inbox
from hubsense.mqtt import new_client, parse_mqtt_url

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Inbound:
    topic: bytes
    payload: bytes
    mid: int
    qos: int
    generation: int
    received_ns: int


class MqttTransport:
    def __init__(
        self,
        url: str,
        *,
        client_id: str,
        subscriptions: list[str],
        protocol: str = "5",
        session_expiry_s: int = 7 * 24 * 3600,
        receive_maximum: int = 2000,
        max_buffered: int = 5000,
        ca_file: Path | None = None,
        clock_ns=time.time_ns,
    ) -> None:
        self.address = parse_mqtt_url(url)
        self.subscriptions = subscriptions
        self.protocol = protocol
        self.session_expiry_s = session_expiry_s
        self.receive_maximum = receive_maximum
        self.clock_ns = clock_ns
        self.inbox: Inbox[Inbound] = Inbox()
        self.generation = 0
        self.connected = threading.Event()
        self.subscribed = threading.Event()
        self.last_error = ""
        self._lock = threading.Lock()
        self._network: threading.Thread | None = None
        self._client: FastReadClient = new_client(  # type: ignore[assignment]
            self.address,
            client_id,
            protocol=protocol,
            persistent=True,
            manual_ack=True,
            ca_file=ca_file,
            client_class=FastReadClient,
        )
        # Mosquitto 2.0 can send more than Receive Maximum after a PUBACK (its issue #3002 and
        # emqx#12922 describe it): the inbox bound is enforced here, by not reading.
        self._client.hold_reading = lambda: len(self.inbox) >= max_buffered
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_subscribe = self._on_subscribe
        self._client.on_message = self._on_message
        self._client.on_fast_publish = self._received

    # --- lifecycle ------------------------------------------------------------------
    def start(self) -> None:
        props = None
        if self.protocol == "5":
            props = Properties(PacketTypes.CONNECT)
            props.SessionExpiryInterval = self.session_expiry_s
            props.ReceiveMaximum = self.receive_maximum
            self._client.connect_async(
                self.address.host,
                self.address.port,
                keepalive=30,
                clean_start=False,
                properties=props,
            )
        else:
            self._client.connect_async(self.address.host, self.address.port, keepalive=30)
        self._client.loop_start()
        # paho forgets its loop thread when it ends, however it ends: keep a handle
        self._network = self._client._thread

    def stop(self) -> None:
        self._network = None
        self._client.disconnect()
        self._client.loop_stop()
        self.connected.clear()

    # --- callbacks (paho's network thread: never raise, never block) -----------------
    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            self.last_error = f"connect refused: {reason_code}"
            log.error("MQTT %s", self.last_error)
            return
        with self._lock:
            self.generation += 1
        self.subscribed.clear()
        client.subscribe([(topic, 1) for topic in self.subscriptions])
        self.connected.set()
        log.info(
            "MQTT connected to %s:%s (session present: %s)",
            self.address.host,
            self.address.port,
            flags.session_present,
        )

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self.connected.clear()
        self.subscribed.clear()
        if reason_code != 0:
            self.last_error = f"disconnected: {reason_code}"
            log.warning("MQTT %s; reconnecting", self.last_error)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        failed = [rc for rc in reason_codes if rc.is_failure]
        if failed:
            self.last_error = f"subscription to {self.subscriptions} refused: {failed[0]}"
            log.error("MQTT %s", self.last_error)
            return
        self.subscribed.set()

    def _on_message(self, client, userdata, message: mqtt.MQTTMessage) -> None:
        # raw bytes: .topic would raise on invalid UTF-8
        self._received(message._topic, bytes(message.payload), message.mid, message.qos)

    def _received(self, topic: bytes, payload: bytes, mid: int, qos: int) -> None:
        """A received message into the inbox: those the client takes from its buffer, and
        (through ``_on_message``) those paho reads."""
        self.inbox.put(
            Inbound(
                topic=topic,
                payload=payload,
                mid=mid,
                qos=qos,
                generation=self.generation,
                received_ns=self.clock_ns(),
            )
        )

    # --- acknowledgement ------------------------------------------------------------
    def ack(self, messages: list[Inbound]) -> int:
        """PUBACK messages of the current connection, in arrival order. Returns how many."""
        generation = self.generation
        if not self.connected.is_set():
            return 0
        mids = [m.mid for m in messages if m.qos == 1 and m.generation == generation]
        return self._client.ack_many(mids)

    def alive(self) -> bool:
        """False once the network thread ended without ``stop`` (an exception in paho or a
        callback): nothing is received any more."""
        thread = self._network
        return thread is None or thread.is_alive()

    def check(self) -> None:
        """Raise if not connected (readiness check)."""
        if not self.connected.is_set():
            raise ConnectionError(self.last_error or "not connected to the MQTT broker")
