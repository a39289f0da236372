"""Rollup recompute of one day at region scale: what the collector's rollup updater does
every ``rollup_refresh_s`` for the day in progress.

Data: a registry of 5,000 desks in 100 hubs (``registry_gen``), one simulated working day of
every desk's sensor messages (a heartbeat every 5 minutes plus each change, from the
simulator's ground truth, no faults) and the day before, written to a real InfluxDB. Then
``RollupUpdater.flush`` after marking every message, as the collector marks stored batches:
the first pass (the day and the one before, with their context) and a second pass of the
same day (what every later pass of the updater costs). Measured: wall time and the CPU
seconds of this process and of influxd per pass, and the events read.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from benchmarks.common import Servers, cpu_seconds, log, server_pids
from benchmarks.registry_gen import write_registry
from hubsense.config import Settings
from hubsense.events import PresenceEvent
from hubsense.rollups import RollupUpdater, clean_params
from simulators import BehaviourParams, FaultParams, GroundTruth, sensor_events, to_ns

_WRITE_BATCH = 20_000


def _day_events(registry: Any, day: date) -> list[PresenceEvent]:
    truth = GroundTruth(registry, seed=3, params=BehaviourParams(faults=FaultParams.none()))
    out: list[PresenceEvent] = []
    for hub in registry.hubs.values():
        lo = to_ns(datetime.combine(day - timedelta(days=1), dtime(0), tzinfo=hub.tz))
        hi = to_ns(datetime.combine(day, dtime(18), tzinfo=hub.tz))
        for desk in hub.desks:
            reported = truth.intervals(hub.id, desk.id, lo, hi, reported=True)
            for i, (t, occupied, heartbeat) in enumerate(sensor_events(reported, lo, hi)):
                out.append(
                    PresenceEvent(
                        hub.municipality, hub.id, desk.id, desk.sensor, i, t, occupied, heartbeat
                    )
                )
    return out


def run(quick: bool = False) -> dict[str, Any]:
    desks, hubs = (500, 10) if quick else (5000, 100)
    settings = Settings()
    work = Path(tempfile.mkdtemp(prefix="hubsense-bench-recompute-"))
    registry = write_registry(work / "registry.toml", desks, hubs, 8)
    # a Tuesday not long ago: the hubs are open, and no holiday
    day = date.today() - timedelta(days=7)
    while day.weekday() != 1:
        day -= timedelta(days=1)
    log(f"recompute: simulating {desks} desks, {day - timedelta(days=1)} and {day} until 18:00")
    events = _day_events(registry, day)
    out: dict[str, Any] = {
        "config": {"desks": desks, "hubs": hubs, "day": day.isoformat(), "events": len(events)},
        "passes": [],
    }
    with Servers() as servers:
        store = servers.store("recompute")
        try:
            t0 = time.perf_counter()
            for i in range(0, len(events), _WRITE_BATCH):
                store.write(events[i : i + _WRITE_BATCH], [])
            out["config"]["write_s"] = round(time.perf_counter() - t0, 1)
            influxd = server_pids(servers)["influxd"]
            tz = next(iter(registry.hubs.values())).tz  # every generated hub's
            now = to_ns(datetime.combine(day, dtime(18), tzinfo=tz))
            updater = RollupUpdater(store, registry, clean_params(settings), clock_ns=lambda: now)
            start = to_ns(datetime.combine(day, dtime(0), tzinfo=tz))
            today = [e for e in events if e.time_ns >= start]
            for label in ("first pass (the day and the one before)", "next pass (the day)"):
                updater.mark(events if not out["passes"] else today)
                c_self, c_db = time.process_time(), cpu_seconds(influxd)
                t = time.perf_counter()
                written = updater.flush()
                row = {
                    "pass": label,
                    "s": round(time.perf_counter() - t, 2),
                    "cpu_s": round(time.process_time() - c_self, 2),
                    "influxd_cpu_s": round(cpu_seconds(influxd) - c_db, 2),
                    "desk_days_written": written,
                }
                out["passes"].append(row)
                log(f"recompute: {label}: {row}")
        finally:
            store.close()
    return out
