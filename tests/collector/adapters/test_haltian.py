"""Haltian Thingsee PRESENCE: occupancyStatus and batteryPercentage measurements."""

from __future__ import annotations

import pytest

from tests.collector.adapters.support import RECEIVED_NS, cases, check, sample_adapter

CASES = cases("haltian")


def test_cases_in_order_share_one_adapter():
    adapter = sample_adapter("haltian")  # the battery report is kept for the next event
    for case in CASES:
        check(adapter, case)


@pytest.mark.parametrize("case", [c for c in CASES if c.reject], ids=lambda c: c.name)
def test_bad_cases_alone(case):
    check(sample_adapter("haltian"), case)


def test_without_a_battery_report_the_event_has_none():
    adapter = sample_adapter("haltian")
    case = next(c for c in CASES if c.name == "occupancy-status-occupied")
    [event] = adapter.parse(case.topic, case.payload, RECEIVED_NS)
    assert event.battery is None


def test_other_measurements_are_ignored():
    adapter = sample_adapter("haltian")
    from tests.collector.adapters.support import ADAPTERS_DIR

    payload = (ADAPTERS_DIR / "haltian/testdata/movement-detections.json").read_bytes()
    topic = (
        "haltian-iot/events/i/k/measurements/movementDetections/"
        "5c0c7a94-4b0e-4a53-9d1b-2f3a6d8e7c10"
    )
    assert adapter.parse(topic, payload, RECEIVED_NS) == []
    assert adapter.ignored["measurement movementDetections"] == 1
