"""The Things Stack v3 uplinks: Milesight VS341/WS202 and Elsys ERS Desk decoded payloads."""

from __future__ import annotations

import json

import pytest

from collector.adapters.base import Heard
from collector.adapters.common import parse_timestamp
from collector.adapters.loader import parse_adapters
from collector.dedup import Deduplicator
from hubsense.config import ConfigError
from hubsense.events import PresenceEvent, Rejection
from tests.collector.adapters.support import (
    RECEIVED_NS,
    cases,
    check,
    sample_adapter,
)

CASES = cases("thethingsstack")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_documented_payloads(case):
    check(sample_adapter("thethingsstack"), case)


def by_name(name: str):
    return next(c for c in CASES if c.name == name)


def test_gateway_time_when_configured():
    adapter = sample_adapter("thethingsstack")
    object.__setattr__(adapter.config, "time_source", "gateway")
    case = by_name("milesight-vs341-occupied")
    [event] = adapter.parse(case.topic, case.payload, RECEIVED_NS)
    assert event.time_ns == parse_timestamp("2026-11-24T07:58:31.012Z")


def test_gateway_time_falls_back_to_received_at():
    adapter = sample_adapter("thethingsstack")
    object.__setattr__(adapter.config, "time_source", "gateway")
    case = by_name("milesight-vs341-occupied")
    doc = json.loads(case.payload)
    del doc["uplink_message"]["rx_metadata"][0]["time"]
    [event] = adapter.parse(case.topic, json.dumps(doc).encode(), RECEIVED_NS)
    assert event.time_ns == parse_timestamp("2026-11-24T07:58:31.268419317Z")


def test_elsys_mapping_is_configurable():
    adapter = sample_adapter("thethingsstack")
    object.__setattr__(
        adapter.config, "elsys_occupancy", {"0": "free", "1": "occupied", "2": "occupied"}
    )
    case = by_name("elsys-ers-desk-pending-is-ignored")
    [event] = adapter.parse(case.topic, case.payload, RECEIVED_NS)
    assert isinstance(event, PresenceEvent) and event.occupied is True and event.seq == 17


def test_elsys_unmapped_value_and_bool_are_rejected():
    adapter = sample_adapter("thethingsstack")
    case = by_name("elsys-ers-desk-occupied-f_cnt-omitted-when-zero")
    for bad in (3, True, "2", [2]):
        doc = json.loads(case.payload)
        doc["uplink_message"]["decoded_payload"]["occupancy"] = bad
        [result] = adapter.parse(case.topic, json.dumps(doc).encode(), RECEIVED_NS)
        assert isinstance(result, Rejection) and result.reason == "bad_schema", bad


def test_device_without_pinned_format_is_rejected():
    adapter = sample_adapter("thethingsstack")
    object.__setattr__(adapter.config, "formats", {"ws202-*": "milesight-ws202/v1"})
    [result] = adapter.parse(
        by_name("milesight-vs341-occupied").topic,
        by_name("milesight-vs341-occupied").payload,
        RECEIVED_NS,
    )
    assert isinstance(result, Rejection) and "no decoded-payload format pinned" in result.detail


def test_redelivered_uplink_has_the_same_time_so_the_collector_dedups_it():
    adapter = sample_adapter("thethingsstack")
    case = by_name("milesight-vs341-occupied")
    [a] = adapter.parse(case.topic, case.payload, RECEIVED_NS)
    [b] = adapter.parse(case.topic, case.payload, RECEIVED_NS + 5 * 10**9)
    assert (a.hub, a.desk, a.time_ns) == (b.hub, b.desk, b.time_ns) and a.seq == b.seq == 1204


def test_unknown_format_in_config():
    with pytest.raises(
        ConfigError,
        match=r"adapter\[0\] \(thethingsstack\)\.formats.*unknown"
        r" format 'milesight-vs34x/v9'",
    ):
        parse_adapters(
            '[[adapter]]\ntype = "thethingsstack"\n[adapter.formats]\n'
            '"vs341-*" = "milesight-vs34x/v9"\n',
            "adapters.toml",
        )


def test_resent_uplink_keeps_its_first_copys_time_only_while_it_is_the_last_uplink():
    adapter = sample_adapter("thethingsstack")
    first, resent, vacant = (
        by_name(n)
        for n in (
            "milesight-vs341-occupied",
            "milesight-vs341-resent-with-new-received_at",
            "milesight-vs341-vacant",
        )
    )
    [a] = adapter.parse(first.topic, first.payload, RECEIVED_NS)
    [b] = adapter.parse(resent.topic, resent.payload, RECEIVED_NS)
    assert b == a and adapter.stats()["resent_uplinks"] == 1
    [c] = adapter.parse(vacant.topic, vacant.payload, RECEIVED_NS)
    assert c.seq == 1205 and c.time_ns == vacant.time_ns(RECEIVED_NS)
    # f_cnt 1204 again after 1205: not the previous uplink, so its own time (a restarted
    # counter after a rejoin is a new frame)
    [d] = adapter.parse(resent.topic, resent.payload, RECEIVED_NS)
    assert d.time_ns == parse_timestamp("2026-11-24T07:59:12.004518731Z")


def test_same_f_cnt_beyond_the_resend_window_is_a_new_uplink():
    adapter = sample_adapter("thethingsstack")
    object.__setattr__(adapter, "_resend_ns", 10 * 10**9)  # 40 s apart > 10 s
    first = by_name("milesight-vs341-occupied")
    resent = by_name("milesight-vs341-resent-with-new-received_at")
    [a] = adapter.parse(first.topic, first.payload, RECEIVED_NS)
    [b] = adapter.parse(resent.topic, resent.payload, RECEIVED_NS)
    assert b.time_ns - a.time_ns == parse_timestamp("2026-11-24T07:59:12.004518731Z") - (
        parse_timestamp("2026-11-24T07:58:31.268419317Z")
    )


def test_elsys_pending_frame_is_heard_not_lost():
    """Through the collector's bookkeeping: frames 16 (occupied), 17 (pending), 18 (free)
    are no gap; the pending frame published twice is no restart."""
    adapter = sample_adapter("thethingsstack")
    dedup = Deduplicator(window=16)
    occupied = json.loads(by_name("elsys-ers-desk-occupied-f_cnt-omitted-when-zero").payload)
    occupied["uplink_message"]["f_cnt"] = 16
    sequence = [
        json.dumps(occupied).encode(),
        by_name("elsys-ers-desk-pending-is-ignored").payload,
        by_name("elsys-ers-desk-pending-is-ignored").payload,
        by_name("elsys-ers-desk-free-after-pending").payload,
    ]
    topic = by_name("elsys-ers-desk-free-after-pending").topic
    kinds = []
    for payload in sequence:
        for result in adapter.parse(topic, payload, RECEIVED_NS):
            kinds.append(type(result).__name__)
            if isinstance(result, Heard):
                dedup.heard(result.sensor, result.seq)
            else:
                assert isinstance(result, PresenceEvent)
                assert not dedup.is_duplicate(result)
    assert kinds == ["PresenceEvent", "Heard", "Heard", "PresenceEvent"]
    assert (dedup.seq.gaps, dedup.seq.restarts) == (0, 0)
    assert adapter.stats()["ignored"] == {"elsys-desk/v1 occupancy=1": 2}


def test_an_uplink_heard_by_many_gateways_fits_the_adapters_own_size_limit():
    case = by_name("milesight-vs341-resent-with-new-received_at")
    doc = json.loads(case.payload)
    gateways = doc["uplink_message"]["rx_metadata"]
    for i in range(12):
        gateways.append({**gateways[1], "gateway_ids": {"gateway_id": f"gw-{i}"}, "rssi": -115})
    payload = json.dumps(doc, indent=2).encode()
    assert 4096 < len(payload) < 16384
    [event] = sample_adapter("thethingsstack").parse(case.topic, payload, RECEIVED_NS)
    assert isinstance(event, PresenceEvent) and event.rssi == -87
    default = sample_adapter("thethingsstack")
    object.__setattr__(default, "max_payload_bytes", 4096)  # the collector's default
    [result] = default.parse(case.topic, payload, RECEIVED_NS)
    assert isinstance(result, Rejection) and result.reason == "oversize"


def test_other_tts_message_types_are_ignored_by_their_topic():
    adapter = sample_adapter("thethingsstack")
    for kind in ("join", "down/sent", "service/data", "location/solved"):
        topic = f"v3/hubsense-svenstavik@ttn/devices/vs341-a01/{kind}"
        assert adapter.parse(topic, b"x" * 100_000, RECEIVED_NS) == []
    assert adapter.stats()["ignored"] == {"not an uplink topic": 4}
