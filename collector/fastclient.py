"""A paho client that reads the socket in large chunks.

paho reads each packet with several small ``recv`` calls (command byte, each length byte,
body) and handles one packet per ``select``. At tens of thousands of small QoS 1 messages a
second that is most of the collector's network thread. This client wraps the socket so one
``recv`` fetches up to 256 KiB and paho's small reads are served from memory, and reads
every packet already buffered before going back to ``select``. paho itself checks a
socket's ``pending()`` before it waits in ``select`` (as it does for TLS), so no buffered
byte is left waiting.

It also acknowledges a whole batch in one write (``ack_many``): paho's ``ack`` queues one
4-byte PUBACK packet per message, wakes the network thread and sends it with its own
``send`` call. PUBACKs are plain bytes on the stream, so a batch of them is queued as one
out-packet through paho's own queue, in order with everything else it sends.

And it takes the common PUBLISH packets straight from that buffer (``on_fast_publish``):
for a QoS 0 or 1 message with no MQTT 5 properties, paho builds a ``Properties`` object,
an ``MQTTMessage`` and a log line, matches the topic against per-filter callbacks and
takes two locks, about two thirds of the network thread's time per message. Such a packet
is a fixed header, a topic, a packet id and the payload, so its fields are sliced out of
the buffer and handed to ``on_fast_publish`` in arrival order. Anything else (another
packet type, QoS 2, properties, an empty topic, a packet not yet wholly buffered, a
malformed length) goes to paho's own reading, so its checks and errors stay paho's.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable, Iterable
from typing import Any

import paho.mqtt.client as mqtt

CHUNK = 256 * 1024
MAX_PACKETS_PER_READ = 1000
HOLD_WAIT_S = 0.01

FastPublish = Callable[[bytes, bytes, int, int], None]
"""(topic, payload, packet id, QoS) of a message taken from the buffer."""


class BufferedSocket:
    def __init__(self, sock: Any) -> None:
        self._sock = sock
        self._buf = b""
        self._pos = 0

    def recv(self, size: int) -> bytes:
        if self._pos >= len(self._buf):
            data = self._sock.recv(CHUNK)
            if not data:
                return data
            self._buf, self._pos = data, 0
        end = min(self._pos + size, len(self._buf))
        out = self._buf[self._pos : end]
        self._pos = end
        return out

    def pending(self) -> int:
        inner = self._sock.pending() if hasattr(self._sock, "pending") else 0
        return len(self._buf) - self._pos + inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class FastReadClient(mqtt.Client):
    # Returns True while the application wants no more messages: reading pauses and TCP
    # flow control holds the broker back (a broker may send more than Receive Maximum).
    hold_reading: Callable[[], bool] = staticmethod(lambda: False)

    def _create_socket(self) -> Any:
        return BufferedSocket(super()._create_socket())

    # Set to take QoS 0/1 messages without properties straight from the read buffer
    # (called on the network thread, like on_message, which then sees only the others).
    on_fast_publish: FastPublish | None = None

    def loop_read(self, max_packets: int = 1) -> mqtt.MQTTErrorCode:
        if self.hold_reading():
            time.sleep(HOLD_WAIT_S)
            return mqtt.MQTT_ERR_SUCCESS
        rc = super().loop_read(max_packets)
        reads = 1
        while (
            rc == mqtt.MQTT_ERR_SUCCESS
            and reads < MAX_PACKETS_PER_READ
            and not self.hold_reading()
        ):
            sock = self._sock
            if not isinstance(sock, BufferedSocket) or sock.pending() <= 0:
                break
            taken = self._take_buffered(sock, MAX_PACKETS_PER_READ - reads)
            if taken:
                reads += taken
                continue
            rc = super().loop_read(max_packets)  # the next packet is not one for the fast path
            reads += 1
        return rc

    def _take_buffered(self, sock: BufferedSocket, limit: int) -> int:
        """Hand the wholly buffered QoS 0/1 PUBLISH packets without properties at the
        front of the buffer to ``on_fast_publish``; how many. Stops at the first packet
        that is not one (paho reads that one)."""
        deliver = self.on_fast_publish
        if deliver is None or self._in_packet["command"] != 0:  # paho is mid-packet
            return 0
        buf, pos, end = sock._buf, sock._pos, len(sock._buf)
        v5 = self._protocol == mqtt.MQTTv5
        taken = 0
        while taken < limit and not self.hold_reading():
            packet = _buffered_publish(buf, pos, end, v5)
            if packet is None:
                break
            pos, topic, payload, mid, qos = packet
            sock._pos = pos
            deliver(topic, payload, mid, qos)
            taken += 1
        if taken:
            with self._msgtime_mutex:  # what paho's keepalive reads
                self._last_bytes_received = mqtt.time_func()
        return taken

    def ack_many(self, mids: Iterable[int]) -> int:
        """PUBACK every QoS 1 message id in ``mids`` with one queued write."""
        packet = b"".join(_PUBACK.pack(0x40, 2, mid) for mid in mids)
        if packet:
            self._packet_queue(mqtt.PUBACK, packet, 0, 1)
        return len(packet) // 4


_PUBACK = struct.Struct("!BBH")
_PUBLISH = 0x30


def _buffered_publish(
    buf: bytes, pos: int, end: int, v5: bool
) -> tuple[int, bytes, bytes, int, int] | None:
    """(position after it, topic, payload, packet id, QoS) of the packet at ``pos`` if it
    is a PUBLISH of QoS 0 or 1, wholly in ``buf[:end]``, with a topic and (MQTT 5) no
    properties; else None."""
    if end - pos < 2:
        return None
    command = buf[pos]
    qos = (command & 0x06) >> 1
    if command & 0xF0 != _PUBLISH or qos > 1:
        return None
    length, shift, i = 0, 0, pos + 1
    while True:  # remaining length: up to four 7-bit groups, least significant first
        if i >= end or shift > 21:
            return None
        byte = buf[i]
        length |= (byte & 0x7F) << shift
        shift += 7
        i += 1
        if not byte & 0x80:
            break
    after = i + length
    if after > end or length < 2:
        return None
    topic_end = i + 2 + ((buf[i] << 8) | buf[i + 1])
    body = topic_end + (2 if qos else 0)
    if topic_end == i + 2 or body + v5 > after:
        return None
    mid = (buf[topic_end] << 8) | buf[topic_end + 1] if qos else 0
    if v5:
        if buf[body] != 0:  # properties present (their length is not zero)
            return None
        body += 1
    return after, buf[i + 2 : topic_end], buf[body:after], mid, qos
