from __future__ import annotations

import socket

import paho.mqtt.client as mqtt
from hypothesis import given, settings
from hypothesis import strategies as st
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

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


# --- the fast path for PUBLISH packets: the same messages as paho's own reading ----------


def _remaining_length(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


@st.composite
def publish_packets(draw: st.DrawFn, v5: bool) -> bytes:
    qos = draw(st.sampled_from([0, 1, 1, 2]))
    topic = draw(st.binary(min_size=0 if v5 else 1, max_size=40))
    payload = draw(st.binary(max_size=300))
    body = len(topic).to_bytes(2, "big") + topic
    if qos:
        body += draw(st.integers(1, 65535)).to_bytes(2, "big")
    if v5:
        props = Properties(PacketTypes.PUBLISH)
        if draw(st.booleans()):
            # (MQTT strings hold no control characters: paho refuses a U+0000)
            props.ContentType = draw(st.text(st.characters(exclude_categories=("Cc", "Cs")),
                                             max_size=20))  # fmt: skip
        if not topic:  # MQTT 5 allows an empty topic only with an alias
            props.TopicAlias = 1
        body += props.pack()
    flags = qos << 1 | draw(st.integers(0, 1)) << 3 | draw(st.integers(0, 1))
    return bytes([0x30 | flags]) + _remaining_length(len(body) + len(payload)) + body + payload


@st.composite
def streams(draw: st.DrawFn) -> tuple[bool, list[bytes]]:
    """A protocol version and a stream of PUBLISH packets (and PINGRESPs) cut into chunks
    at arbitrary points, as TCP may deliver them."""
    v5 = draw(st.booleans())
    packets = draw(st.lists(st.one_of(publish_packets(v5), st.just(b"\xd0\x00")), max_size=30))
    data = b"".join(packets)
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=8)))
    bounds = [0, *cuts, len(data)]
    return v5, [data[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _received(v5: bool, chunks: list[bytes], *, fast: bool) -> list[tuple[bytes, bytes, int, int]]:
    client = FastReadClient(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id="t",
        protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
        manual_ack=True,
    )
    got: list[tuple[bytes, bytes, int, int]] = []
    client.on_message = lambda c, u, m: got.append((m._topic, bytes(m.payload), m.mid, m.qos))
    if fast:
        client.on_fast_publish = lambda topic, payload, mid, qos: got.append(
            (topic, payload, mid, qos)
        )
    ours, theirs = socket.socketpair()
    with ours, theirs:
        ours.setblocking(False)
        client._sock = BufferedSocket(ours)
        for chunk in chunks:
            theirs.sendall(chunk)
            for _ in range(2 * len(chunk) + 2):  # every packet read, however small
                assert client.loop_read() == mqtt.MQTT_ERR_SUCCESS
        client._sock = None
    return got


@settings(max_examples=300, deadline=None)
@given(streams())
def test_fast_path_delivers_what_paho_delivers(stream: tuple[bool, list[bytes]]) -> None:
    v5, chunks = stream
    assert _received(v5, chunks, fast=True) == _received(v5, chunks, fast=False)


def test_fast_path_takes_plain_publishes_and_leaves_the_rest_to_paho():
    v5_plain = b"\x32\x0d\x00\x03a/b\x00\x07\x00hello"  # QoS 1, mid 7, no properties
    with_props = b"\x32\x0f\x00\x03a/b\x00\x08\x02\x01\x01hello"  # a property: paho's
    client = FastReadClient(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id="t",
        protocol=mqtt.MQTTv5,
        manual_ack=True,
    )
    fast: list[int] = []
    slow: list[int] = []
    client.on_fast_publish = lambda topic, payload, mid, qos: fast.append(mid)
    client.on_message = lambda c, u, m: slow.append(m.mid)
    ours, theirs = socket.socketpair()
    with ours, theirs:
        ours.setblocking(False)
        client._sock = BufferedSocket(ours)
        # paho reads the first packet of a read (and fills the buffer): a PINGRESP here
        theirs.sendall(b"\xd0\x00" + v5_plain + with_props + v5_plain)
        for _ in range(4):
            client.loop_read()
        client._sock = None
    assert (fast, slow) == ([7, 7], [8])
