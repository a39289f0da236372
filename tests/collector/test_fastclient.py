from __future__ import annotations

import socket

import paho.mqtt.client as mqtt

from collector.fastclient import BufferedSocket, FastReadClient


def test_buffered_socket_serves_small_reads_from_one_recv():
    a, b = socket.socketpair()
    with a, b:
        b.sendall(b"\x30\x05hello\x40\x02\x00\x01")
        sock = BufferedSocket(a)
        assert sock.recv(1) == b"\x30"
        assert sock.pending() == 10
        assert sock.recv(1) == b"\x05"
        assert sock.recv(100) == b"hello\x40\x02\x00\x01"  # never more than is buffered
        assert sock.pending() == 0
        assert sock.fileno() == a.fileno()  # everything else goes to the real socket


def test_ack_many_queues_one_packet_of_pubacks():
    client = FastReadClient(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id="t", manual_ack=True
    )
    assert client.ack_many([1, 2, 258]) == 3
    packet = client._out_packet[-1]["packet"]
    assert packet == b"\x40\x02\x00\x01" + b"\x40\x02\x00\x02" + b"\x40\x02\x01\x02"
    before = len(client._out_packet)
    assert client.ack_many([]) == 0
    assert len(client._out_packet) == before
