"""Two simulated weeks of Berg (hub svenstavik, 12 desks) through real Mosquitto →
collector → real InfluxDB; then ``hubsense report --format xlsx`` and the API must show the
numbers that the same metrics give on the simulator's ground truth
(``GroundTruth.intervals(..., reported=True)``), and plain interval arithmetic on the ground
truth must agree with both.

The period, 19 October – 1 November 2026, contains the autumn DST change (Sunday 25
October, a closed day for svenstavik). Faults are off, so sensors report every moment and
every open day is evidence.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from collector import Collector
from hubsense import analytics
from hubsense.calendar import opening_window
from hubsense.config import Settings
from hubsense.metrics import NS, clean_hub, hub_days, intervals_from_occupied
from hubsense.rollups import HubRollups, clean_params
from hubsense.store.influx import InfluxStore
from launch.app import create_app
from launch.cli import main
from simulators import BehaviourParams, FaultParams, GroundTruth, simulate, to_ns
from tests.helpers import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.dated]

HUB = "svenstavik"
FIRST, END = date(2026, 10, 19), date(2026, 11, 2)
TZ = "Europe/Stockholm"


def local_midnight(registry, day: date) -> datetime:  # noqa: ANN001
    return datetime.combine(day, time(0), tzinfo=registry.hubs[HUB].tz)


def truth_analysis(registry, truth: GroundTruth, settings: Settings,  # noqa: ANN001
                   start_ns: int, end_ns: int) -> analytics.Analysis:
    """The metrics computed from the ground truth: every desk's reported occupancy as the
    step function (known from the start of the simulation until a little after its end, as
    the sensors' last heartbeats are trusted for offline_after_s), cleaned and cut into
    rollups in memory."""
    hub = registry.hubs[HUB]
    params = analytics.MetricParams.from_settings(settings)
    cp = clean_params(settings)
    m_first, m_end = analytics.margin(registry, [hub], FIRST, END, params)
    lo = local_midnight(registry, m_first)
    hi = local_midnight(registry, m_end)
    c_lo, c_hi = to_ns(lo) - cp.context_ns, to_ns(hi) + cp.context_ns
    steps = (
        (desk.id, intervals_from_occupied(
            truth.intervals(HUB, desk.id, max(c_lo, start_ns), min(c_hi, end_ns), reported=True),
            start_ns, end_ns + 600 * NS, c_lo, c_hi,
        ))
        for desk in hub.desks
    )
    spans, flickers = clean_hub(hub, m_first, m_end, steps, flicker_ns=cp.flicker_ns,
                                stuck_ns=cp.stuck_ns)
    desk_rows, group_rows, slot_rows = hub_days(hub, m_first, m_end, spans, flickers, cp)
    data = HubRollups.from_rows(hub, FIRST, END, desk_rows, group_rows, slot_rows,
                                window=(m_first, m_end),
                                min_idle_open_days=params.unchanged_open_days,
                                min_use_ns=cp.min_use_ns)
    return analytics.Analysis(registry, FIRST, END, params, {HUB: data}, with_profile=True)


def test_two_weeks_of_berg_match_the_ground_truth(registry, mosquitto, influxd_server,
                                                     influx_db_name, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    start, end = local_midnight(registry, FIRST), local_midnight(registry, END)
    now_ns = to_ns(end) + 3600 * NS
    settings = Settings(mqtt_url=mosquitto.url, store="influxdb", influx_url=influxd_server.url,
                        influx_database=influx_db_name, flush_interval_s=0.05, batch_size=5000,
                        auth_enabled=False)
    store = InfluxStore(influxd_server.url, influx_db_name, timeout_s=30)
    store.open()
    try:
        collector = Collector(settings, registry, store, clock_ns=lambda: now_ns)
        collector.start()
        try:
            assert collector.wait_until_subscribed(10)
            report = simulate(registry, mosquitto.url, start, end, hubs=[HUB], seed=7,
                              params=BehaviourParams(faults=FaultParams.none()))
            wait_for(lambda: collector.acked == report.total, timeout=60, what="all acked")
        finally:
            collector.stop()
        assert collector.stats()["rejected"] == {} and collector.duplicates == 0
        truth = report.truth
        assert truth is not None
        want = truth_analysis(registry, truth, settings, to_ns(start), to_ns(end))

        # --- the command a planner runs: rollups are computed on the way -----------------
        out = tmp_path / "berg.xlsx"
        monkeypatch.setenv("HUBSENSE_INFLUX_DATABASE", influx_db_name)
        monkeypatch.setenv("HUBSENSE_STORE", "influxdb")
        assert main(["--log-level", "WARNING", "report", "--municipality", "berg",
                     "--from", FIRST.isoformat(), "--to", END.isoformat(), "--format", "xlsx",
                     "--out", str(out), "--influx-url", influxd_server.url],
                    clock=lambda: now_ns) == 0

        got = analytics.analyse(store, registry, analytics.resolve(registry, "municipality",
                                                                   "berg"),
                                FIRST, END, settings, now_ns=now_ns, slots=True, ensure=False)
        app = create_app(settings, registry, store, clock=lambda: now_ns)
        with TestClient(app) as client:
            api = {
                path: client.get(f"/api/reports/{path}", params={
                    "scope": scope, "id": ident, "from": FIRST.isoformat(),
                    "to": END.isoformat()}).json()
                for path, scope, ident in [("utilisation", "municipality", "berg"),
                                           ("capacity", "municipality", "berg"),
                                           ("daily", "hub", HUB), ("profile", "hub", HUB)]
            }
    finally:
        store.close()

    hub_scope = analytics.resolve(registry, "hub", HUB)
    w, g = want.summary(hub_scope), got.summary(hub_scope)
    # --- stored rollups give exactly the ground truth's numbers -------------------------
    assert g.time == w.time and g.use == w.use and g.band == w.band
    assert w.time.unknown_ns == 0 and w.time.occupied_ns > 0
    assert got.day_rows(HUB) == want.day_rows(HUB)
    assert got.capacity(HUB) == want.capacity(HUB)
    assert got.profile(hub_scope) == want.profile(hub_scope)
    assert got.desk_summaries(hub_scope) == want.desk_summaries(hub_scope)
    assert got.suspects == want.suspects
    cap = want.capacity(HUB)
    assert cap.evidence_days == cap.open_days == 10  # two weeks of weekdays, no holiday
    assert cap.too_few_days  # 10 < 20

    # --- plain arithmetic on the ground truth agrees ------------------------------------
    hub = registry.hubs[HUB]
    occupied = open_ns = 0
    peaks = []
    for i in range((END - FIRST).days):
        window = opening_window(hub, FIRST + timedelta(days=i))
        if window is None:
            continue
        open_ns += len(hub.desks) * (window[1] - window[0])
        per_desk = [truth.intervals(HUB, d.id, *window, reported=True) for d in hub.desks]
        occupied += sum(e - s for ivs in per_desk for s, e in ivs)
        times = {s for ivs in per_desk for s, _ in ivs} | {window[0]}
        peaks.append(max(sum(1 for ivs in per_desk for s, e in ivs if s <= t < e)
                         for t in times))
    assert (w.time.open_ns, w.time.occupied_ns) == (open_ns, occupied)
    assert [r.peak for r in want.day_rows(HUB)] == peaks
    assert cap.peak_at_service_level == sorted(peaks)[-(-9 * len(peaks) // 10) - 1]

    # --- the workbook shows the same numbers --------------------------------------------
    wb = load_workbook(out)
    rows = [list(r) for r in wb["Hubbar"].iter_rows(values_only=True)]
    header = next(r for r in rows if r and r[0] == "Kommun")
    (row,) = [r for r in rows if r and r[1] == HUB]
    col = {name: i for i, name in enumerate(header)}
    assert row[col["Nyttjandegrad (%)"]] == pytest.approx(w.time.utilisation, rel=1e-12)
    assert row[col["Upptagen tid (h)"]] == pytest.approx(w.time.occupied_ns / 3.6e12, rel=1e-12)
    assert row[col["Topp vid servicenivån (platser)"]] == cap.peak_at_service_level
    assert row[col["Rekommenderat antal platser (platser)"]] == cap.recommended_desks
    assert row[col["Underlagsdagar (dagar)"]] == cap.evidence_days
    assert row[col["Högsta samtidiga topp (platser)"]] == max(peaks)
    day_rows = [list(r) for r in wb["Dagar"].iter_rows(values_only=True)]
    dh = next(r for r in day_rows if r and r[0] == "Hubb")
    assert [r[dh.index("Samtidig topp (platser)")] for r in day_rows
            if r and r[0] == HUB] == peaks

    # --- and so does the API ------------------------------------------------------------
    summary = next(b for b in api["utilisation"]["breakdown"] if b["scope"]["id"] == HUB)
    assert summary["utilisation"] == w.time.utilisation
    assert summary["peak_concurrency"] == max(peaks)
    (hub_cap,) = api["capacity"]["hubs"]
    assert (hub_cap["peak_at_service_level"], hub_cap["recommended_desks"],
            hub_cap["evidence_days"]) == (cap.peak_at_service_level, cap.recommended_desks,
                                          cap.evidence_days)
    assert [d["peak_concurrency"] for d in api["daily"]["days"]] == peaks
    assert api["profile"]["mean_concurrency"] == want.profile(hub_scope)
