"""The parser turns every input into an event or a counted, explained rejection."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collector.parser import MessageParser, preview
from hubsense.contract import encode_payload
from hubsense.events import PresenceEvent, Rejection, RejectReason

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
NOW_NS = int(NOW.timestamp()) * 10**9
TOPIC = "hubs/berg/svenstavik/a01/presence"


@pytest.fixture(scope="module")
def parser(registry):
    return MessageParser(
        registry,
        topic_root="hubs",
        max_payload_bytes=4096,
        max_future_s=120,
        max_age_s=400 * 86400,
    )


def good(**overrides) -> dict:
    body = json.loads(
        encode_payload(
            sensor="svenstavik-a01",
            seq=7,
            ts=NOW - timedelta(seconds=3),
            occupied=True,
            heartbeat=False,
            battery=88,
            rssi=-70,
        )
    )
    body.update(overrides)
    return body


def parse(parser, body, topic=TOPIC) -> PresenceEvent | Rejection:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return parser.parse(topic, raw, NOW_NS)


def test_valid_message_becomes_event(parser):
    event = parse(parser, good())
    assert event == PresenceEvent(
        municipality="berg",
        hub="svenstavik",
        desk="a01",
        sensor="svenstavik-a01",
        seq=7,
        time_ns=NOW_NS - 3 * 10**9,
        occupied=True,
        heartbeat=False,
        battery=88,
        rssi=-70,
    )


def test_timestamp_keeps_milliseconds_and_zone(parser):
    event = parse(parser, good(ts="2026-11-25T09:59:58.123+01:00"))
    assert isinstance(event, PresenceEvent)
    assert event.time_ns == NOW_NS - 1_877_000_000  # 08:59:58.123 UTC


def test_heartbeat_and_optional_fields(parser):
    body = good(kind="heartbeat")
    del body["battery"], body["rssi"]
    event = parse(parser, body)
    assert isinstance(event, PresenceEvent)
    assert event.heartbeat and event.battery is None and event.rssi is None


CASES = [
    ("not json", b"{not json", RejectReason.BAD_JSON),
    ("binary garbage", b"\x00\xff\xfe\x81", RejectReason.BAD_JSON),
    ("empty", b"", RejectReason.BAD_JSON),
    ("json array", b"[1,2]", RejectReason.BAD_SCHEMA),
    (
        "missing occupied",
        {k: v for k, v in good().items() if k != "occupied"},
        RejectReason.BAD_SCHEMA,
    ),
    ("occupied as string", good(occupied="true"), RejectReason.BAD_SCHEMA),
    ("occupied as int", good(occupied=1), RejectReason.BAD_SCHEMA),
    ("seq negative", good(seq=-1), RejectReason.BAD_SCHEMA),
    ("seq too big", good(seq=2**32), RejectReason.BAD_SCHEMA),
    ("seq float", good(seq=1.5), RejectReason.BAD_SCHEMA),
    ("naive timestamp", good(ts="2026-11-25T08:59:00"), RejectReason.BAD_SCHEMA),
    ("garbage timestamp", good(ts="yesterday"), RejectReason.BAD_SCHEMA),
    ("schema version 2", good(v=2), RejectReason.BAD_SCHEMA),
    ("unknown field", good(extra=1), RejectReason.BAD_SCHEMA),
    ("battery 101", good(battery=101), RejectReason.BAD_SCHEMA),
    ("bad kind", good(kind="boot"), RejectReason.BAD_SCHEMA),
    ("hostile sensor id", good(sensor='a,b=c "d"\n'), RejectReason.BAD_SCHEMA),
    ("future", good(ts=(NOW + timedelta(minutes=10)).isoformat()), RejectReason.FUTURE),
    ("too old", good(ts=(NOW - timedelta(days=500)).isoformat()), RejectReason.TOO_OLD),
    ("other desk's sensor", good(sensor="svenstavik-a02"), RejectReason.SENSOR_MISMATCH),
    ("oversize", b"{" + b" " * 5000 + b"}", RejectReason.OVERSIZE),
    (
        "occupied twice",
        json.dumps(good(occupied=False))[:-1].encode() + b',"occupied":true}',
        RejectReason.DUPLICATE_KEY,
    ),
    (
        "same value twice",
        json.dumps(good())[:-1].encode() + b',"seq":7}',
        RejectReason.DUPLICATE_KEY,
    ),
    (
        "repeat spelt with an escape",
        json.dumps(good(occupied=False))[:-1].encode() + b',"occ\\u0075pied":true}',
        RejectReason.DUPLICATE_KEY,
    ),
]


@pytest.mark.parametrize(("name", "body", "reason"), CASES, ids=[c[0] for c in CASES])
def test_bad_payloads_are_rejected_with_reason(parser, name, body, reason):
    result = parse(parser, body)
    assert isinstance(result, Rejection), name
    assert result.reason == reason
    assert result.detail
    assert result.topic == TOPIC


TOPICS = [
    ("hubs/berg/svenstavik/zz99/presence", RejectReason.UNKNOWN_DESK),
    ("hubs/krokom/svenstavik/a01/presence", RejectReason.UNKNOWN_DESK),
    ("hubs/berg/nowhere/a01/presence", RejectReason.UNKNOWN_DESK),
    ("hubs/berg/svenstavik/a01/battery", RejectReason.BAD_TOPIC),
    ("hubs/berg/svenstavik/a01/presence/x", RejectReason.BAD_TOPIC),
    ("other/berg/svenstavik/a01/presence", RejectReason.BAD_TOPIC),
]


@pytest.mark.parametrize(("topic", "reason"), TOPICS)
def test_bad_topics_are_rejected(parser, topic, reason):
    result = parse(parser, good(), topic=topic)
    assert isinstance(result, Rejection)
    assert result.reason == reason


def test_unknown_desk_rejection_hints_at_registry(parser):
    result = parse(parser, good(), topic="hubs/berg/svenstavik/zz99/presence")
    assert isinstance(result, Rejection)
    assert "registry" in result.detail


def test_preview_is_printable_and_bounded():
    shown = preview(b"line1\nline2\r\x00\x1b[31m" + b"x" * 2000)
    assert "\n" not in shown and "\r" not in shown and "\x00" not in shown
    assert shown.startswith("line1\\nline2\\r\\x00\\x1b[31m")
    assert "(+" in shown and len(shown) < 2200


@settings(max_examples=300, deadline=None)
@given(topic=st.text(max_size=80), payload=st.binary(max_size=300))
def test_arbitrary_input_never_crashes(parser, topic, payload):
    result = parser.parse(topic, payload, NOW_NS)
    assert isinstance(result, Rejection | PresenceEvent)
    if isinstance(result, Rejection):
        assert result.payload.isprintable()
        assert result.topic.isprintable()


@settings(max_examples=200, deadline=None)
@given(
    body=st.dictionaries(
        st.sampled_from(["v", "sensor", "seq", "ts", "occupied", "kind", "battery", "rssi", "x"]),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(allow_nan=False),
            st.text(max_size=30),
        ),
    )
)
def test_arbitrary_json_objects_never_crash(parser, body):
    result = parse(parser, body)
    assert isinstance(result, Rejection | PresenceEvent)
