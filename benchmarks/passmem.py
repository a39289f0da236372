"""Memory of one rollup pass against the events of the day it reads.

    python -m benchmarks.passmem --desks 2000 --steps 200,400,800

A private InfluxDB; one hub of a generated registry (``--desks`` over 25 hubs) gets, step
by step, that many events per desk today (each a state change, 2 s apart), and after
each step one ``RollupUpdater`` pass recomputes today. tracemalloc gives the pass's peak
of Python allocations and what it left behind. A pass whose peak grows with the events
of the day makes the collector's RSS rise all day (RSS keeps the high-water mark).
"""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
import time
import tracemalloc
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.common import Servers, loadavg
from benchmarks.registry_gen import write_registry
from hubsense.config import Settings
from hubsense.events import PresenceEvent
from hubsense.metrics import NS
from hubsense.rollups import RollupUpdater, clean_params

WRITE_BATCH = 5000


def run(n_desks: int, steps: list[int]) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="hubsense-passmem-"))
    registry = write_registry(work / "registry.toml", desks=n_desks)
    hub = registry.hubs[sorted(registry.hubs)[0]]
    params = clean_params(Settings())
    now = time.time_ns()
    start = now - 3600 * NS
    rows: list[dict[str, float]] = []
    with Servers() as servers:
        store = servers.store("passmem")
        # a first pass untraced: imports and caches (calendars) are not the pass's growth
        warm = RollupUpdater(store, registry, params, clock_ns=lambda: now)
        warm.mark_days(hub.id, [datetime.fromtimestamp(now / NS, hub.tz).date()])
        warm.flush()
        written = 0
        for per_desk in steps:
            events = [
                PresenceEvent(d.municipality, hub.id, d.id, d.sensor, i, start + i * 2 * NS,
                              i % 2 == 0, False, None, None)  # fmt: skip
                for i in range(written, per_desk)
                for d in hub.desks
            ]
            for i in range(0, len(events), WRITE_BATCH):
                store.write(events[i : i + WRITE_BATCH], [])
            written = per_desk
            del events
            gc.collect()
            updater = RollupUpdater(store, registry, params, clock_ns=lambda: now)
            updater.mark_days(hub.id, [datetime.fromtimestamp(now / NS, hub.tz).date()])
            tracemalloc.start()
            updater.flush()
            left, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rows.append({
                "events_per_desk": per_desk,
                "events_in_hub": per_desk * len(hub.desks),
                "peak_mib": round(peak / 2**20, 1),
                "left_mib": round(left / 2**20, 1),
            })  # fmt: skip
        store.close()
    return {"hub": hub.id, "desks_in_hub": len(hub.desks), "load1": loadavg()[0], "passes": rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--desks", type=int, default=2000)
    ap.add_argument("--steps", default="200,400,800", help="events per desk after each step")
    args = ap.parse_args(argv)
    result = run(args.desks, [int(x) for x in args.steps.split(",")])
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
