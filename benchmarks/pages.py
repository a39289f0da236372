"""Dashboard pages over HTTP at region scale: the server time of every page a facility
manager or planner opens, cold (the first request after a backfill, nothing cached) and
warm (the median of the next requests).

Data: the reports benchmark's backfill (rollups from the simulator's ground truth for 500
desks in 25 hubs in 8 municipalities, 12 months plus the margin the "unchanged for days"
rule reads) in a real InfluxDB. The API runs as ``python -m launch.cli api`` (uvicorn, one
process, authentication off so one client sees every page; the access checks cost the
same for every page and are measured by the API benchmark). Time = request sent to last
byte received, on loopback (httpx): the server's time plus well under a millisecond.

The pages ask for the periods a user would: the utilisation explorer (the region, a
municipality, a hub) and the comparison over the benchmarked 12 months, the overview and
the planning page with their defaults (the last 30 and 90 days up to today). The backfill
reaches today, as the collector's rollup updater keeps a live system's rollups; today's
rows are recomputed on the first request, as they are live.
"""

from __future__ import annotations

import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx

from benchmarks.backfill import backfill_rollups
from benchmarks.common import Servers, log, start_api, stop_process, summary
from benchmarks.registry_gen import write_registry
from benchmarks.reports import report_end
from hubsense import analytics
from hubsense.config import Settings
from hubsense.rollups import clean_params

TZ = ZoneInfo("Europe/Stockholm")
WARM = 5


def _time_get(client: httpx.Client, url: str) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    r = client.get(url)
    return time.perf_counter() - t0, r.status_code, len(r.content)


def pages(registry: Any, first: str, end: str) -> list[tuple[str, str]]:
    """(label, path) of every page, with the benchmarked period where a page takes one."""
    hub = next(h for h in registry.hubs.values() if h.municipality == "berg")
    year = {"from": first, "to": end}

    def explorer(**q: str) -> str:
        return "/utilisation?" + urlencode({**q, **year})

    return [
        ("overview /", "/"),
        (f"hub live /hubs/{hub.id}", f"/hubs/{hub.id}"),
        ("explorer region, 12 months", explorer(scope="region")),
        ("explorer municipality berg, 12 months", explorer(scope="municipality", id="berg")),
        (f"explorer hub {hub.id}, 12 months", explorer(scope="hub", id=hub.id)),
        ("compare, 12 months", "/compare?" + urlencode(year)),
        ("planning (default 90 days)", "/planning"),
    ]


def run(quick: bool = False) -> dict[str, Any]:
    settings = Settings()
    desks, hubs, munis = (100, 10, 8) if quick else (500, 25, 8)
    months = 3 if quick else 12
    work = Path(tempfile.mkdtemp(prefix="hubsense-bench-pages-"))
    registry_file = work / "registry.toml"
    registry = write_registry(registry_file, desks, hubs, munis)
    end = report_end(registry, settings, datetime.now(TZ).date())
    first = end - timedelta(days=round(months * 30.44))
    mp = analytics.MetricParams.from_settings(settings)
    back_first, back_end = analytics.margin(registry, list(registry.hubs.values()), first, end, mp)
    # Up to today, as a live system's collector keeps them (RollupUpdater): the overview and
    # the planning page ask for days up to today. Only today's rows, made before the day
    # is over, are recomputed by the first request after rollup_refresh_s, as they are live.
    back_end = max(back_end, datetime.now(TZ).date() + timedelta(days=1))
    out: dict[str, Any] = {
        "config": {
            "desks": desks,
            "hubs": hubs,
            "municipalities": munis,
            "period": f"{first} … {end} (exclusive)",
            "backfill_days": f"{back_first} … {back_end} (exclusive)",
            "warm_requests": WARM,
        },
        "pages": [],
    }
    with Servers() as servers:
        store = servers.store("pages")
        try:
            log(f"pages: backfilling {desks} desks {back_first} … {back_end}")
            t0 = time.perf_counter()
            backfill_rollups(store, registry, back_first, back_end, clean_params(settings))
            out["config"]["backfill_s"] = round(time.perf_counter() - t0, 1)
        finally:
            store.close()
        api = start_api(
            registry=registry_file,
            workdir=work,
            name="pages",
            auth=False,
            store_env={
                "HUBSENSE_STORE": "influxdb",
                "HUBSENSE_INFLUX_URL": servers.influxd.url,
                "HUBSENSE_INFLUX_DATABASE": "pages",
            },
        )
        out["config"]["auth"] = api.auth
        try:
            with httpx.Client(base_url=api.url, headers=api.headers, timeout=300) as client:
                for label, path in pages(registry, first.isoformat(), end.isoformat()):
                    cold, status, size = _time_get(client, path)
                    warm = [_time_get(client, path)[0] for _ in range(WARM)]
                    row = {
                        "page": label,
                        "path": path,
                        "status": status,
                        "bytes": size,
                        "cold_ms": round(cold * 1000, 1),
                        "warm_ms": summary([w * 1000 for w in warm], 1),
                    }
                    out["pages"].append(row)
                    log(
                        f"pages: {label}: {status}, cold {row['cold_ms']} ms, "
                        f"warm {row['warm_ms']['median']} ms"
                    )
        finally:
            stop_process(api.proc)
    return out
