"""/metrics: the collector's numbers (from a source or the stats file) and desk states."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from hubsense.config import Settings
from hubsense.events import PresenceEvent
from hubsense.statsfile import read_stats, write_stats
from launch.app import create_app

pytestmark = pytest.mark.dated

NOW_NS = int(datetime(2026, 11, 25, 9, 0, tzinfo=UTC).timestamp()) * 10**9
STATS = {
    "connected": True,
    "received": 120,
    "accepted": 100,
    "duplicates": 5,
    "acked": 120,
    "rejected": {"unknown_desk": 10, "bad_json": 5},
    "pending": 3,
    "queued": 7,
    "spool_items": 0,
    "spool_bytes": 0,
    "written_events": 100,
    "written_rejections": 15,
    "last_write_s": 0.0123,
    "sensors_unavailable": ["0x00158d0001e4e5f6"],
    "adapters": {
        "z2m": {
            "accepted": 40,
            "rejected": {"unknown_desk": 4, "bad_schema": 1},
            "ignored": {"availability offline": 2, "bridge topic": 1},
            "availability": {"0x00158d0001e4e5f6": "offline", "0x00158d0001e4e5f7": "online"},
        }
    },
}


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_metrics_from_a_source_and_the_store(registry, sqlite_store):
    sqlite_store.write(
        [
            PresenceEvent(
                "berg", "svenstavik", "a01", "svenstavik-a01", 1, NOW_NS - 60 * 10**9, True, False
            ),
            PresenceEvent(
                "berg",
                "svenstavik",
                "a02",
                "svenstavik-a02",
                1,
                NOW_NS - 3600 * 10**9,
                False,
                False,
            ),
        ],
        [],
    )
    app = create_app(
        Settings(auth_enabled=False),
        registry,
        sqlite_store,
        clock=lambda: NOW_NS,
        metrics_source=lambda: STATS,
    )
    resp = TestClient(app).get("/metrics")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/plain")
    got = samples(resp.text)
    assert got[("hubsense_messages_received_total", ())] == 120
    assert got[("hubsense_messages_rejected_total", (("reason", "unknown_desk"),))] == 10
    assert got[("hubsense_messages_buffered", (("where", "inbox"),))] == 7
    assert got[("hubsense_store_last_write_seconds", ())] == 0.0123
    assert got[("hubsense_sensors_unavailable", ())] == 1
    z2m = (("adapter", "z2m"),)
    assert got[("hubsense_adapter_messages_accepted_total", z2m)] == 40
    assert got[("hubsense_adapter_messages_rejected_total", (*z2m, ("reason", "bad_schema")))] == 1
    ignored = "hubsense_adapter_messages_ignored_total"
    assert got[(ignored, (*z2m, ("why", "bridge topic")))] == 1
    assert got[(ignored, (*z2m, ("why", "availability offline")))] == 2
    assert got[("hubsense_collector_connected", ())] == 1
    offline = (("adapter", "z2m"), ("sensor", "0x00158d0001e4e5f6"))
    assert got[("hubsense_sensor_available", offline)] == 0
    assert (
        got[("hubsense_sensor_available", (("adapter", "z2m"), ("sensor", "0x00158d0001e4e5f7")))]
        == 1
    )
    desks = len(registry.hubs["svenstavik"].desks)
    assert got[("hubsense_desks", (("hub", "svenstavik"), ("state", "occupied")))] == 1
    assert got[("hubsense_desks", (("hub", "svenstavik"), ("state", "offline")))] == 1
    assert got[("hubsense_desks", (("hub", "svenstavik"), ("state", "unknown")))] == desks - 2
    assert got[("hubsense_store_up", ())] == 1


def test_a_sensor_its_network_reports_offline_is_an_offline_desk_at_once(registry, sqlite_store):
    """zigbee2mqtt said offline 30 s after the desk's last message: the desk counts as
    offline (and needs attention) long before offline_after_s has passed; a report older
    than the desk's last message is overtaken by that sign of life."""
    heard_ns = NOW_NS - 60 * 10**9
    sqlite_store.write(
        [
            PresenceEvent("berg", "svenstavik", "a01", "svenstavik-a01", 1, heard_ns, True, False),
            PresenceEvent("berg", "svenstavik", "a02", "svenstavik-a02", 1, heard_ns, True, False),
        ],
        [],
    )
    stats = {
        **STATS,
        "sensors_unavailable_since": {
            "svenstavik-a01": heard_ns + 30 * 10**9,
            "svenstavik-a02": heard_ns - 30 * 10**9,
        },
    }
    app = create_app(
        Settings(auth_enabled=False),
        registry,
        sqlite_store,
        clock=lambda: NOW_NS,
        metrics_source=lambda: stats,
    )
    got = samples(TestClient(app).get("/metrics").text)
    assert got[("hubsense_desks", (("hub", "svenstavik"), ("state", "offline")))] == 1
    assert got[("hubsense_desks", (("hub", "svenstavik"), ("state", "occupied")))] == 1
    assert got[("hubsense_desk_offline_seconds", (("desk", "a01"), ("hub", "svenstavik")))] == 60


def test_metrics_from_the_stats_file(registry, sqlite_store, tmp_path):
    path = tmp_path / "collector-stats.json"
    write_stats(path, STATS, now_s=1000.0)
    assert read_stats(path, now_s=1012.5)["stats_age_s"] == 12.5
    app = create_app(
        Settings(auth_enabled=False, collector_stats_file=path),
        registry,
        sqlite_store,
        clock=lambda: NOW_NS,
    )
    got = samples(TestClient(app).get("/metrics").text)
    assert got[("hubsense_collector_stats_available", ())] == 1
    assert got[("hubsense_messages_accepted_total", ())] == 100
    assert got[("hubsense_collector_stats_age_seconds", ())] > 0


def test_without_collector_numbers_metrics_still_answer(registry, sqlite_store, tmp_path):
    app = create_app(
        Settings(auth_enabled=False, collector_stats_file=tmp_path / "missing.json"),
        registry,
        sqlite_store,
        clock=lambda: NOW_NS,
    )
    got = samples(TestClient(app).get("/metrics").text)
    assert got[("hubsense_collector_stats_available", ())] == 0
    assert ("hubsense_messages_received_total", ()) not in got


def test_per_desk_series_only_for_desks_that_need_attention(registry, sqlite_store):
    """The attention families carry exactly the needs-attention list's desks (one
    definition), and no family carries a desk's occupancy."""
    from hubsense.query.attention import region_attention
    from hubsense.query.context import QueryContext

    def at(desk: str, age_s: int, occupied: bool, battery: int | None) -> PresenceEvent:
        sensor = f"svenstavik-{desk}"
        t = NOW_NS - age_s * 10**9
        return PresenceEvent("berg", "svenstavik", desk, sensor, 1, t, occupied, False, battery)

    sqlite_store.write(
        [at("a01", 60, True, 90), at("a02", 3600, False, 80), at("a03", 30, False, 12)], []
    )
    settings = Settings(auth_enabled=False)
    app = create_app(settings, registry, sqlite_store, clock=lambda: NOW_NS)
    got = samples(TestClient(app).get("/metrics").text)
    # 10:00 on a Wednesday in Svenstavik: open.
    assert got[("hubsense_hub_open", (("hub", "svenstavik"),))] == 1
    assert got[("hubsense_hub_silent", (("hub", "svenstavik"),))] == 0
    desk = lambda d: (("desk", d), ("hub", "svenstavik"))  # noqa: E731
    assert got[("hubsense_desk_offline_seconds", desk("a02"))] == 3600
    assert got[("hubsense_desk_low_battery_percent", desk("a03"))] == 12
    assert ("hubsense_desk_offline_seconds", desk("a01")) not in got
    # Every hub's other desks were never heard: listed offline for at least live_lookback_s.
    assert got[("hubsense_desk_offline_seconds", desk("a04"))] == settings.live_lookback_s
    ctx = QueryContext(sqlite_store, registry, settings, NOW_NS)
    expected = {(i.hub, i.desk, i.kind) for h in region_attention(ctx) for i in h.items}
    kinds = {
        "hubsense_desk_offline_seconds": "offline",
        "hubsense_desk_low_battery_percent": "low_battery",
        "hubsense_desk_stuck_since_timestamp_seconds": "stuck",
    }
    exported = {
        (dict(labels)["hub"], dict(labels)["desk"], kinds[name])
        for name, labels in got
        if name in kinds
    }
    assert exported == expected
    assert all("desk" not in dict(labels) for name, labels in got if name not in kinds)
    assert got[("hubsense_setting", (("name", "low_battery_pct"),))] == 20
    assert got[("hubsense_setting", (("name", "offline_after_s"),))] == 900


def test_every_metric_the_rules_read_is_exposed(registry, sqlite_store):
    """The rules name metrics as /metrics spells them (counters with ``_total``): each
    ``hubsense_*`` name in an alerting or recording rule is in a real scrape."""
    import re

    from hubsense.alerting import AlertTimings, alert_rules, recording_rules

    sqlite_store.write(
        [PresenceEvent("berg", "svenstavik", "a01", "svenstavik-a01", 1, NOW_NS, True, False, 5)],
        [],
    )
    stats = {**STATS, "stats_age_s": 1.0, "write_retries": 0, "refused_events": 0}
    app = create_app(
        Settings(auth_enabled=False),
        registry,
        sqlite_store,
        clock=lambda: NOW_NS,
        metrics_source=lambda: stats,
    )
    exposed = {name for name, _ in samples(TestClient(app).get("/metrics").text)}
    t = AlertTimings()
    exprs = [a.expr for a in alert_rules(Settings(), t)] + [r.expr for r in recording_rules(t)]
    used = {m for e in exprs for m in re.findall(r"\bhubsense_[a-z_]+", e)}
    # Stuck desks are exported only when there is one; the family is declared all the same.
    stuck = "hubsense_desk_stuck_since_timestamp_seconds"
    assert used - exposed == {stuck}
    assert f"# TYPE {stuck} gauge" in TestClient(app).get("/metrics").text
