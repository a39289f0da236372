from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from hubsense.contract import (
    PresencePayload,
    encode_payload,
    parse_topic,
    subscription,
    topic_for,
)


def test_topic_round_trip_and_subscription():
    topic = topic_for("hubs", "berg", "svenstavik", "a01")
    assert topic == "hubs/berg/svenstavik/a01/presence"
    assert parse_topic(topic, "hubs") == ("berg", "svenstavik", "a01")
    assert subscription("hubs") == "hubs/+/+/+/presence"


def test_non_presence_topics():
    for topic in [
        "hubs/berg/svenstavik/a01",
        "x/berg/svenstavik/a01/presence",
        "hubs/berg/svenstavik/a01/presence/extra",
        "",
    ]:
        assert parse_topic(topic, "hubs") is None


@given(
    seq=st.integers(min_value=0, max_value=2**40),
    ms=st.integers(min_value=0, max_value=10**12),
    offset_min=st.integers(min_value=-12 * 60, max_value=14 * 60),
    occupied=st.booleans(),
    heartbeat=st.booleans(),
    battery=st.one_of(st.none(), st.integers(0, 100)),
    rssi=st.one_of(st.none(), st.integers(-200, 0)),
)
def test_encoded_payload_validates_and_round_trips(
    seq, ms, offset_min, occupied, heartbeat, battery, rssi
):
    zone = timezone(timedelta(minutes=offset_min))
    ts = (datetime(2020, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)).astimezone(zone)
    raw = encode_payload(
        sensor="s-1",
        seq=seq,
        ts=ts,
        occupied=occupied,
        heartbeat=heartbeat,
        battery=battery,
        rssi=rssi,
    )
    msg = PresencePayload.model_validate_json(raw)
    assert msg.seq == seq % 2**32
    assert msg.ts == ts
    assert msg.occupied is occupied
    assert msg.kind == ("heartbeat" if heartbeat else "change")
    assert (msg.battery, msg.rssi) == (battery, rssi)
