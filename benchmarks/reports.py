"""Planner reports from InfluxDB: a region report and a municipality report over a year of
backfilled data for 500 desks in 25 hubs in 8 municipalities, and how the time grows with
desks (500 vs 250 desks, same 25 hubs) and with months (12 vs 6).

Backfill: rollups only, computed from the simulator's ground truth (``benchmarks/backfill``;
reports read rollups, never raw events), covering the report range plus the margin the
"unchanged for days" rule reads (``analytics.margin``); the range ends so that this margin
ends 2 days before today, so no row is stale and nothing is recomputed on read (checked:
``recomputed_days`` must be 0, else the result carries a warning).

A report is timed as the API's download route makes it (``api/routers/reports.py``):
``analytics.analyse(..., slots=True)`` (reads the rollups from InfluxDB and analyses them)
then ``reports.build_report`` and ``reports.csv_bytes``; in-process, so the figure is the
report's own time without HTTP. Then the XLSX download as its route makes it (the analysis
again, from a new context, the sheets and the planning sheets), with its CPU time. If
``hubsense.reports`` is not there (or fails), only the analysis is timed and the report
figure is marked pending.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
import traceback
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.backfill import backfill_rollups
from benchmarks.common import (
    REPO,
    Servers,
    log,
    profile_lines,
    start_profile,
    summarise_profile,
    summary,
)
from benchmarks.registry_gen import write_registry
from hubsense import analytics
from hubsense.calendar import from_ns
from hubsense.config import Settings
from hubsense.query.context import region_tz
from hubsense.registry import Registry
from hubsense.rollups import clean_params
from hubsense.store.base import Store

TZ = ZoneInfo("Europe/Stockholm")
LONG_S = 20.0


def _reports_status() -> str:
    """Whether hubsense/reports.py is committed, only in the working tree, or missing."""
    path = REPO / "hubsense" / "reports.py"
    if not path.exists():
        return "missing"
    tracked = (
        subprocess.run(
            ["git", "ls-files", "--error-unmatch", "hubsense/reports.py"],
            cwd=REPO,
            capture_output=True,
        ).returncode
        == 0
    )
    dirty = (
        subprocess.run(["git", "diff", "--quiet", "--", "hubsense/reports.py"], cwd=REPO).returncode
        != 0
    )
    if not tracked:
        return "uncommitted (working tree of the analytics engineer)"
    return "committed, with local changes" if dirty else "committed"


def _one_report(
    store: Store,
    registry: Registry,
    settings: Settings,
    scope: analytics.Scope,
    first: date,
    end: date,
) -> dict[str, Any]:
    now_ns = time.time_ns()
    t0 = time.perf_counter()
    a = analytics.analyse(store, registry, scope, first, end, settings, now_ns=now_ns, slots=True)
    t1 = time.perf_counter()
    out: dict[str, Any] = {
        "analyse_s": round(t1 - t0, 3),
        "recomputed_days": a.recomputed_days,
    }
    try:
        from hubsense import reports

        rep = reports.build_report(
            a,
            scope,
            "sv",
            generated=from_ns(now_ns, region_tz(registry)),
            offline_after_s=settings.offline_after_s,
            flicker_s=settings.flicker_min_s,
            stuck_s=settings.stuck_occupied_s,
        )
        t2 = time.perf_counter()
        body = reports.csv_bytes(rep)
        t3 = time.perf_counter()
        out.update(
            build_s=round(t2 - t1, 3),
            csv_s=round(t3 - t2, 3),
            total_s=round(t3 - t0, 3),
            csv_bytes=len(body),
        )
        out.update(_one_workbook(store, registry, settings, scope, first, end, now_ns))
    except Exception as exc:  # noqa: BLE001 - the report code is still being written
        out["report_error"] = f"{type(exc).__name__}: {exc}"
        out["report_traceback"] = traceback.format_exc(limit=3)
    return out


def _one_workbook(
    store: Store,
    registry: Registry,
    settings: Settings,
    scope: analytics.Scope,
    first: date,
    end: date,
    now_ns: int,
) -> dict[str, Any]:
    """The XLSX download as its route makes it (``hubsense.query.report.report_file``:
    the analysis again, from a new context, the report's sheets and the planning
    sheets), with the process's CPU time beside the wall time."""
    from hubsense.query.context import QueryContext
    from hubsense.query.period import Period
    from hubsense.query.report import report_file

    ctx = QueryContext(store, registry, settings, now_ns)
    t0, c0 = time.perf_counter(), time.process_time()
    f = report_file(ctx, scope, Period(first, end), "sv", "xlsx")
    return {
        "xlsx_s": round(time.perf_counter() - t0, 3),
        "xlsx_cpu_s": round(time.process_time() - c0, 3),
        "xlsx_bytes": len(f.body),
    }


def _measure(
    store: Store,
    registry: Registry,
    settings: Settings,
    kind: str,
    ident: str | None,
    first: date,
    end: date,
    repeats: int,
    label: str,
) -> dict[str, Any]:
    scope = analytics.resolve(registry, kind, ident)
    runs = [_one_report(store, registry, settings, scope, first, end)]
    # a report slower than LONG_S is repeated twice only (said in the result)
    n = repeats if runs[0].get("total_s", runs[0]["analyse_s"]) < LONG_S else min(repeats, 2)
    runs += [_one_report(store, registry, settings, scope, first, end) for _ in range(n - 1)]
    res: dict[str, Any] = {
        "scope": f"{kind}{':' + ident if ident else ''}",
        "registry_desks": sum(len(h.desks) for h in registry.hubs.values()),
        "desks": len(analytics.scope_desks(registry, scope)),
        "hubs": len(analytics.scope_hubs(registry, scope)),
        "first": first.isoformat(),
        "end": end.isoformat(),
        "months": round((end - first).days / 30.44),
        "runs": runs,
        "analyse_s": summary([r["analyse_s"] for r in runs], 3),
    }
    if any(r["recomputed_days"] for r in runs):
        res["warning"] = "rollups were recomputed on read: the figure includes raw reads"
    if all("total_s" in r for r in runs):
        res["total_s"] = summary([r["total_s"] for r in runs], 3)
        res["build_s"] = summary([r["build_s"] for r in runs], 3)
        res["xlsx_s"] = summary([r["xlsx_s"] for r in runs], 3)
        res["xlsx_cpu_s"] = summary([r["xlsx_cpu_s"] for r in runs], 3)
        log(
            f"reports {label}: {res['scope']} {res['desks']} desks {res['months']} months: "
            f"total {res['total_s']['median']} s (analyse {res['analyse_s']['median']} s)"
        )
    else:
        res["pending"] = next(r["report_error"] for r in runs if "report_error" in r)
        log(
            f"reports {label}: analyse {res['analyse_s']['median']} s; report pending: "
            f"{res['pending']}"
        )
    return res


def _profile(
    store: Store, registry: Registry, settings: Settings, first: date, end: date, work: Path
) -> dict[str, Any]:
    """py-spy on this process during one more region report (not counted above)."""
    raw = work / "pyspy-report.txt"
    prof = start_profile(os.getpid(), 15, raw)
    if prof is None:
        return {"error": "py-spy not installed"}
    time.sleep(0.5)
    scope = analytics.resolve(registry, "region", None)
    r = _one_report(store, registry, settings, scope, first, end)
    prof.wait(120)
    p = summarise_profile(raw)
    return {
        "scope": "region",
        "first": first.isoformat(),
        "end": end.isoformat(),
        "total_s": r.get("total_s"),
        "profile": p,
        "lines": profile_lines(p),
    }


def report_end(registry: Registry, settings: Settings, today: date) -> date:
    """The end (exclusive) of a benchmarked report range: early enough that the days the
    "unchanged for days" rule reads after it (``analytics.margin``) have all been complete
    for 2 days, so every row a report reads is backfilled and none is stale."""
    mp = analytics.MetricParams.from_settings(settings)
    hubs = list(registry.hubs.values())
    end = today - timedelta(days=2)
    while analytics.margin(registry, hubs, end - timedelta(days=1), end, mp)[1] > (
        today - timedelta(days=2)
    ):
        end -= timedelta(days=1)
    return end


def run(quick: bool = False) -> dict[str, Any]:
    settings = Settings()
    params = clean_params(settings)
    sizes = [(100, 10, 8), (50, 10, 8)] if quick else [(500, 25, 8), (250, 25, 8)]
    months_full, months_half = (3, 1) if quick else (12, 6)
    repeats = 1 if quick else 3
    probe = write_registry(Path(tempfile.mkdtemp()) / "probe.toml", *sizes[0])
    end = report_end(probe, settings, datetime.now(TZ).date())
    first_full = end - timedelta(days=round(months_full * 30.44))
    first_half = end - timedelta(days=round(months_half * 30.44))
    mp = analytics.MetricParams.from_settings(settings)
    back_first, back_end = analytics.margin(probe, list(probe.hubs.values()), first_full, end, mp)
    work = Path(tempfile.mkdtemp(prefix="hubsense-bench-reports-"))
    out: dict[str, Any] = {
        "reports_module": _reports_status(),
        "config": {
            "backfill": "rollups from simulator ground truth via hubsense.metrics "
            "(clean, hub_days) → store.write_rollups; no raw events",
            "backfill_days": f"{back_first} … {back_end} (exclusive)",
            "repeats": repeats,
        },
        "backfill": {},
        "measurements": [],
    }
    with Servers() as servers:
        for desks, hubs, munis in sizes:
            registry = write_registry(work / f"registry-{desks}.toml", desks, hubs, munis)
            store = servers.store(f"reports_{desks}")
            try:
                log(f"reports: backfilling {desks} desks {back_first} … {back_end}")
                t0 = time.perf_counter()
                counts = backfill_rollups(store, registry, back_first, back_end, params)
                counts = {k: round(v, 1) if isinstance(v, float) else v for k, v in counts.items()}
                counts["wall_s"] = round(time.perf_counter() - t0, 1)
                out["backfill"][str(desks)] = counts
                log(f"reports: backfill {counts}")
                muni = "berg"
                plan = [("region", None, first_full), ("municipality", muni, first_full)]
                if desks == sizes[0][0]:
                    plan += [("region", None, first_half), ("municipality", muni, first_half)]
                for kind, ident, first in plan:
                    out["measurements"].append(
                        _measure(
                            store,
                            registry,
                            settings,
                            kind,
                            ident,
                            first,
                            end,
                            repeats,
                            f"{desks} desks",
                        )
                    )
                if desks == sizes[0][0] and not quick:
                    log("reports: profiled region report (6 months; not counted)")
                    out["profile"] = _profile(store, registry, settings, first_half, end, work)
            finally:
                store.close()
    return out
