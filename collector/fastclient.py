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
            rc = super().loop_read(max_packets)
            reads += 1
        return rc

    def ack_many(self, mids: Iterable[int]) -> int:
        """PUBACK every QoS 1 message id in ``mids`` with one queued write."""
        packet = b"".join(_PUBACK.pack(0x40, 2, mid) for mid in mids)
        if packet:
            self._packet_queue(mqtt.PUBACK, packet, 0, 1)
        return len(packet) // 4


_PUBACK = struct.Struct("!BBH")
