"""Run the benchmarks and write the results.

    python -m benchmarks.run                 # everything; writes results/latest.{json,md}
    python -m benchmarks.run --quick         # small sizes, ~2 min; writes results/quick.*
    python -m benchmarks.run --only api,latency   # these; merged into results/latest.*

Benchmarks: ingest (drain, naive baseline, live), latency, reports, api, pages, recompute,
demo. Each starts its own Mosquitto and InfluxDB on free loopback ports
(``hubsense.devservers``); the demo benchmark runs ``hubsense demo`` as a user would,
with no server.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import apiload, demo, ingest, latency, pages, recompute, reports
from benchmarks.common import REPO, RESULTS, fmt, loadavg, log, machine, summary

BENCHMARKS = {
    "ingest": ingest.run,
    "latency": latency.run,
    "reports": reports.run,
    "api": apiload.run,
    "pages": pages.run,
    "recompute": recompute.run,
    "demo": demo.run,
}

TARGETS = {
    "drain": "≥ 20,000 msg/s, or ≥ 60 % of the replay limit if lower",
    "rss": "< 250 MB",
    "latency": "p99 < 250 ms",
    "reports": "< 1 s each",
    "api": "≥ 1,000 req/s at p99 < 50 ms",
    "page": "≥ 200 req/s",
    "pages": "< 300 ms each, cold",
    "recompute": "< 5 s per pass",
    "demo": "every route < 1 s (p99) from the banner, also beside 2 CPU burners",
}


def _git() -> dict[str, Any]:
    def out(*argv: str) -> str:
        r = subprocess.run(["git", *argv], cwd=REPO, capture_output=True, text=True)
        return r.stdout

    dirty = [
        line[3:]
        for line in out("status", "--porcelain").splitlines()
        if not line[3:].startswith("benchmarks/")
    ]
    return {"commit": out("rev-parse", "--short", "HEAD").strip(), "uncommitted_files": dirty}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--quick", action="store_true", help="small sizes (smoke run, ~2 min)")
    ap.add_argument("--only", default="", help=f"comma-separated subset of {','.join(BENCHMARKS)}")
    args = ap.parse_args(argv)
    only = [x.strip() for x in args.only.split(",") if x.strip()] or list(BENCHMARKS)
    unknown = [x for x in only if x not in BENCHMARKS]
    if unknown:
        ap.error(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "quick" if args.quick else "latest"
    path = RESULTS / f"{name}.json"
    doc: dict[str, Any] = {}
    if not args.quick and args.only and path.exists():
        doc = json.loads(path.read_text())  # merge a partial run into the last full one
    doc.update(
        {
            "kind": "quick" if args.quick else "full",
            "finished_at": None,
            "machine": machine(),
            "git": _git(),
        }
    )
    doc.setdefault("benchmarks", {})
    started = time.monotonic()
    failed = []
    for key in only:
        load_before = loadavg()
        t0 = time.monotonic()
        log(f"=== {key} ({'quick' if args.quick else 'full'})")
        entry: dict[str, Any] = {
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "load_before": load_before,
        }
        entry["git"] = _git()["commit"]
        # every temp dir of the benchmark (logs, feeds, databases) goes under one parent:
        # removed after a success (unless HUBSENSE_BENCH_KEEP is set), kept after a failure
        parent = Path(tempfile.mkdtemp(prefix=f"hubsense-bench-{key}-"))
        tempfile.tempdir = str(parent)
        try:
            entry["result"] = BENCHMARKS[key](quick=args.quick)
        except Exception as exc:  # noqa: BLE001 - recorded, the other benchmarks still run
            entry["error"] = f"{type(exc).__name__}: {exc}"
            entry["traceback"] = traceback.format_exc()
            failed.append(key)
            log(f"{key} FAILED: {entry['error']} (logs kept in {parent})")
        finally:
            tempfile.tempdir = None
        if key not in failed and not os.environ.get("HUBSENSE_BENCH_KEEP"):
            shutil.rmtree(parent, ignore_errors=True)
        entry["load_after"] = loadavg()
        entry["duration_s"] = round(time.monotonic() - t0, 1)
        doc["benchmarks"][key] = entry
    doc["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    doc["duration_s"] = round(time.monotonic() - started, 1)
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    md = render(doc)
    (RESULTS / f"{name}.md").write_text(md)
    print(md)
    log(f"wrote {path} and {path.with_suffix('.md')} in {doc['duration_s']} s")
    return 1 if failed else 0


# --- Markdown -----------------------------------------------------------------------------


def _met(ok: bool | None) -> str:
    return "pending" if ok is None else ("**met**" if ok else "**not met**")


def headline(doc: dict[str, Any]) -> list[list[str]]:
    """Rows: figure, result, target, met/not met (and the gap)."""
    rows: list[list[str]] = []
    b = doc["benchmarks"]
    ing = b.get("ingest", {}).get("result")
    if ing:
        d = ing["drain"]
        rate = d["rate"]["median"]
        goal = ing["verdict"]["target_rate"] if "verdict" in ing else 20000
        rows.append(
            [
                f"Drain, {ing['config']['backlog']:,} msg backlog (msg/s)",
                fmt(d["rate"]),
                TARGETS["drain"],
                _met(rate >= goal) + ("" if rate >= goal else f" ({rate / goal:.0%} of target)"),
            ]
        )
        if "verdict" in ing:
            v, lim = ing["verdict"], ing["limits"]
            rows.append(
                [
                    "Drain as a share of the limits measured in the same run: influxd's replay "
                    "of the collector's line protocol / the collector's MQTT receive alone / "
                    "receive and parse",
                    f"{v['share_of_replay']:.0%} of {fmt(lim['replay']['rate'])} / "
                    f"{v['share_of_receive']:.0%} of {fmt(lim['receive']['rate'])} / "
                    f"{v['share_of_receive_and_parse']:.0%} of {fmt(lim['parse']['rate'])}",
                    "—",
                    "",
                ]
            )
        rss = d["peak_rss_mb"]["max"]
        rows.append(
            [
                "Collector peak RSS during drain (MB)",
                fmt(d["peak_rss_mb"]),
                TARGETS["rss"],
                _met(rss < 250),
            ]
        )
        rows.append(["Collector CPU during drain (% of one core)", fmt(d["cpu_pct"]), "—", ""])
        per_cpu = d.get("msg_per_cpu_s") or summary(
            [x["messages"] / x["cpu_s"] for x in d["runs"]], 0
        )
        rows.append(
            [
                "Drain messages per collector CPU-second (rate if it had a core to itself)",
                fmt(per_cpu),
                "—",
                "",
            ]
        )
        rows.append(
            [
                "Naive one-write-per-message bridge (msg/s)",
                fmt(ing["naive"]["rate"]),
                "—",
                f"collector = {ing['ratio_vs_naive']}× naive",
            ]
        )
        lv = ing["live"]
        rows.append(
            [
                f"Live, 500 sensors, highest publish rate kept up with (msg/s, steps "
                f"{', '.join(f'{s:,}' for s in lv['steps'])})",
                fmt(lv["sustained"]),
                "—",
                "",
            ]
        )
    lat = b.get("latency", {}).get("result")
    if lat:
        p99 = lat["p99_ms"]["median"]
        rows.append(
            ["Publish → visible in API at 1,000 msg/s, p50 (ms)", fmt(lat["p50_ms"]), "—", ""]
        )
        rows.append(
            [
                "Publish → visible in API at 1,000 msg/s, p99 (ms)",
                fmt(lat["p99_ms"]),
                TARGETS["latency"],
                _met(p99 < 250),
            ]
        )
        before = lat.get("no_signal")
        if before:
            rows.append(
                [
                    "… the same without the write signal (live cache only), p99 (ms)",
                    fmt(before["p99_ms"]),
                    TARGETS["latency"],
                    _met(before["p99_ms"]["median"] < 250),
                ]
            )
            rows.append(
                [
                    "… store writes per 1,000 messages; influxd CPU µs per message "
                    "(with signal / without)",
                    f"{fmt(lat['store_writes_per_1000_msgs'])} / "
                    f"{fmt(before['store_writes_per_1000_msgs'])}; "
                    f"{fmt(lat['influxd_cpu_us_per_msg'])} / "
                    f"{fmt(before['influxd_cpu_us_per_msg'])}",
                    "not raised",
                    "",
                ]
            )
    pg = b.get("pages", {}).get("result")
    if pg:
        for p in pg["pages"]:
            rows.append(
                [
                    f"Page {p['page']}, cold (ms)",
                    f"{p['cold_ms']} (warm {p['warm_ms']['median']})",
                    TARGETS["pages"],
                    _met(p["cold_ms"] < 300 and p["status"] == 200),
                ]
            )
    dm = b.get("demo", {}).get("result")
    if dm:
        for r in dm["runs"]:
            rows.append(
                [
                    f"Demo, {r['backfill_days']} days of history loading, {r['burners']} CPU "
                    f"burners: every route, p99 (s; max; first live change s)",
                    f"{r['p99_s']} (max {r['max_s']}, n {r['requests']}; history "
                    f"{r['history_s']} s; first change {r['first_live_change_s']} s)",
                    TARGETS["demo"],
                    _met(r["p99_s"] < 1 and not r["not_200"]),
                ]
            )
    rep = b.get("reports", {}).get("result")
    if rep:
        top_desks = max(m["registry_desks"] for m in rep["measurements"])
        top_months = max(m["months"] for m in rep["measurements"])
        for m in rep["measurements"]:
            if m["months"] != top_months or m["registry_desks"] != top_desks:
                continue
            label = f"Report {m['scope']} ({m['desks']} desks, {m['months']} months) (s)"
            if "total_s" in m:
                v = m["total_s"]["median"]
                rows.append(
                    [
                        label,
                        fmt(m["total_s"]),
                        TARGETS["reports"],
                        _met(v < 1) + ("" if v < 1 else f" ({v:.1f}× the target)"),
                    ]
                )
                if "xlsx_s" in m:
                    x = m["xlsx_s"]["median"]
                    rows.append(
                        [
                            f"Report {m['scope']} as XLSX with planning sheets (s; CPU s)",
                            f"{fmt(m['xlsx_s'])}; CPU {fmt(m['xlsx_cpu_s'])}",
                            TARGETS["reports"],
                            _met(x < 1) + ("" if x < 1 else f" ({x:.1f}× the target)"),
                        ]
                    )
            else:
                rows.append(
                    [
                        label,
                        f"pending (analysis alone {fmt(m['analyse_s'])})",
                        TARGETS["reports"],
                        "pending",
                    ]
                )
    rc = b.get("recompute", {}).get("result")
    if rc:
        for p in rc["passes"]:
            rows.append(
                [
                    f"Rollup recompute, {rc['config']['desks']} desks, {p['pass']} (s)",
                    f"{p['s']} (CPU {p['cpu_s']} s here, {p['influxd_cpu_s']} s influxd)",
                    TARGETS["recompute"],
                    _met(p["s"] < 5),
                ]
            )
    api = b.get("api", {}).get("result")
    if api and "skipped" not in api:
        for store in ("influxdb", "sqlite"):
            if store not in api:
                continue
            for ep in ("live", "page"):
                r = api[store][ep]
                rps, p99 = r["rps"]["median"], r["p99_ms"]["median"]
                target = TARGETS["api"] if ep == "live" else TARGETS["page"]
                met = _met(rps >= 1000 and p99 < 50) if ep == "live" else _met(rps >= 200)
                if ep == "live" and not (rps >= 1000 and p99 < 50):
                    met += f" ({rps / 1000:.0%} of the rate, p99 {p99 / 50:.0f}× the bound)"
                rows.append(
                    [
                        f"API {ep} (`{r['path']}`), {store}: req/s; p99 ms",
                        f"{fmt(r['rps'])}; p99 {fmt(r['p99_ms'])}",
                        target,
                        met,
                    ]
                )
    return rows


def _table(rows: list[list[str]], header: list[str]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return out


def render(doc: dict[str, Any]) -> str:
    m = doc["machine"]
    v = m["versions"]
    lines = [
        f"# hubsense benchmarks ({doc['kind']} run)",
        "",
        f"Finished {doc['finished_at']} in {doc.get('duration_s', 0):.0f} s, commit "
        f"{doc['git']['commit']}"
        + (
            f" (working tree also had uncommitted changes in: "
            f"{', '.join(doc['git']['uncommitted_files'][:12])})"
            if doc["git"]["uncommitted_files"]
            else ""
        )
        + ".",
        "",
        f"Machine: {m['cores']} cores ({m['cpu_model']}), {m['memory_gib']} GiB memory, "
        f"Linux {m['kernel']}. Python {v['python']}, Mosquitto {v['mosquitto']}, "
        f"{v['influxd']}, {v['wrk']}, paho-mqtt {v['paho-mqtt']}, FastAPI {v['fastapi']}, "
        f"uvicorn {v['uvicorn']}. Broker, database, collector, API and load generators all "
        "run on this machine, and other work may share it, so the load average is given for "
        "each benchmark.",
        "",
        "Figures are median (min, max, n = runs).",
        "",
        "## Headline",
        "",
        *_table(headline(doc), ["figure", "result", "target", "verdict"]),
        "",
        "Load average (1, 5, 15 min) before → after each benchmark:",
        "",
    ]
    for key, e in doc["benchmarks"].items():
        lines.append(
            f"- {key}: {e['load_before']} → {e['load_after']} ({e['duration_s']} s"
            + (f", commit {e['git']}" if e.get("git") else "")
            + ")"
            + (f" — FAILED: {e['error']}" if "error" in e else "")
        )
    b = doc["benchmarks"]
    if "ingest" in b and "result" in b["ingest"]:
        lines += _ingest_md(b["ingest"]["result"])
    if "latency" in b and "result" in b["latency"]:
        lines += _latency_md(b["latency"]["result"])
    if "reports" in b and "result" in b["reports"]:
        lines += _reports_md(b["reports"]["result"])
    if "api" in b and "result" in b["api"]:
        lines += _api_md(b["api"]["result"])
    if "pages" in b and "result" in b["pages"]:
        lines += _pages_md(b["pages"]["result"])
    if "recompute" in b and "result" in b["recompute"]:
        lines += _recompute_md(b["recompute"]["result"])
    return "\n".join(lines) + "\n"


def _recompute_md(r: dict[str, Any]) -> list[str]:
    c = r["config"]
    return [
        "",
        "## Rollup recompute",
        "",
        f"`RollupUpdater.flush` over InfluxDB holding {c['events']:,} messages of {c['desks']} "
        f"desks in {c['hubs']} hubs ({c['day']} and the day before, written in {c['write_s']} "
        "s), after marking them as the collector marks stored batches.",
        "",
        *_table(
            [[p["pass"], p["s"], p["cpu_s"], p["influxd_cpu_s"], f"{p['desk_days_written']:,}"]
             for p in r["passes"]],
            ["pass", "s", "CPU s (process)", "CPU s (influxd)", "desk-days written"],
        ),
    ]


def _pages_md(r: dict[str, Any]) -> list[str]:
    c = r["config"]
    return [
        "",
        "## Dashboard pages",
        "",
        f"`python -m launch.cli api` (auth {c['auth']}) over InfluxDB holding the rollups of "
        f"{c['desks']} desks in {c['hubs']} hubs, {c['backfill_days']} (backfilled in "
        f"{c['backfill_s']} s); period {c['period']}. Cold = the first request after the "
        f"backfill; warm = median of the next {c['warm_requests']}.",
        "",
        *_table(
            [
                [p["page"], p["status"], f"{p['bytes']:,}", p["cold_ms"], fmt(p["warm_ms"])]
                for p in r["pages"]
            ],
            ["page", "status", "bytes", "cold (ms)", "warm (ms)"],
        ),
    ]


def _limits_md(r: dict[str, Any]) -> list[str]:
    lim, v, d = r["limits"], r["verdict"], r["drain"]
    rows = [
        [
            "influxd's replay of the collector's line protocol (one writer, "
            f"{lim['batch_size']:,}-point bodies, pre-built)",
            fmt(lim["replay"]["rate"]),
            f"influxd {fmt(lim['replay']['influxd_cpu_us_per_point'])} µs per point",
            f"{v['share_of_replay']:.0%}",
        ],
        [
            "the collector's MQTT transport alone (receive and PUBACK, nothing stored)",
            fmt(lim["receive"]["rate"]),
            f"receiver {fmt(lim['receive']['cpu_us_per_message'])} µs per message",
            f"{v['share_of_receive']:.0%}",
        ],
        [
            "… and the collector's parser",
            fmt(lim["parse"]["rate"]),
            f"receiver {fmt(lim['parse']['cpu_us_per_message'])} µs per message",
            f"{v['share_of_receive_and_parse']:.0%}",
        ],
        [
            "the drain (above)",
            fmt(d["rate"]),
            f"influxd {fmt(d['influxd_cpu_us_per_point'])} µs per point",
            "",
        ],
    ]
    return [
        "",
        "### The limits, measured in the same run",
        "",
        f"The same {r['config']['backlog']:,}-message backlog taken by each half alone, so a "
        "slower or busier machine moves the limits and the drain together. Target: "
        f"{v['target_rate']:,} msg/s (20,000, or 60 % of the replay limit if that is lower): "
        f"{_met(v['met'])}.",
        "",
        *_table(rows, ["limit", "msg/s", "CPU", "drain as a share of it"]),
    ]


def _ingest_md(r: dict[str, Any]) -> list[str]:
    d, n = r["drain"], r["naive"]
    out = [
        "",
        "## Ingest",
        "",
        "Mosquitto → collector (`python -m launch.cli collector`, "
        f"{r['config']['collector_settings']}) → InfluxDB, QoS 1; {r['config']['registry']}. "
        "Every run checks that InfluxDB holds "
        "exactly as many points as were published (and no rejections).",
        "",
        "### Drain",
        "",
        f"A backlog of {r['config']['backlog']:,} messages queued in the collector's persistent "
        "session while it was stopped; rate = messages / (all in InfluxDB − collector "
        "connected).",
        "",
        *_table(
            [
                [
                    i,
                    x["drain_s"],
                    f"{x['rate']:,}",
                    f"{x['rate_incl_startup']:,}",
                    x["startup_s"],
                    x["cpu_s"],
                    x["cpu_pct"],
                    f"{x['messages'] / x['cpu_s']:,.0f}",
                    x["peak_rss_mb"],
                    ", ".join(f"{k} {v}" for k, v in x["server_cpu_s"].items()),
                    f"{x['publish_rate']:,}",
                ]
                for i, x in enumerate(d["runs"])
            ],
            [
                "run",
                "drain s",
                "msg/s",
                "msg/s incl. start-up",
                "start-up s",
                "collector CPU s",
                "CPU %",
                "msg per CPU-s",
                "peak RSS MB",
                "server CPU s",
                "backlog published at msg/s",
            ],
        ),
        "",
        f"Naive bridge (`benchmarks/naive_bridge.py`: paho auto-ack, one HTTP write per "
        f"message), {r['config']['naive_backlog']:,}-message backlog: {fmt(n['rate'], 'msg/s')}, "
        f"CPU {fmt(n['cpu_pct'], '%')}, peak RSS {fmt(n['peak_rss_mb'], 'MB')}. "
        f"The collector drains **{r['ratio_vs_naive']}×** faster.",
    ]
    if "limits" in r:
        out += _limits_md(r)
    if "drain_profile" in r:
        p = r["drain_profile"]
        out += [
            "",
            f"Profile of the collector during a drain (py-spy `record -f raw --threads`, "
            f"8 s; {p['rate_while_profiled']:,} msg/s while profiled, not counted above):",
            "",
            "```",
            *p["lines"],
            "```",
        ]
    lv = r["live"]
    out += [
        "",
        "### Live",
        "",
        f"The collector running while a load-generator process publishes the 500 simulated "
        f"sensors' messages at a fixed offered rate for {lv['step_s']:.0f} s per step; a step "
        "is kept up with when everything was in InfluxDB within 2 s after the step; the "
        "ladder stops at the first step not kept up with or when the generator fell >10 % "
        "short of the offered rate (then the figure is a lower bound). Highest publish rate "
        "kept up with: "
        f"{fmt(lv['sustained'], 'msg/s')}; collector peak RSS "
        f"{fmt(lv['collector_peak_rss_mb'], 'MB')}.",
        "",
    ]
    rows = []
    for i, run in enumerate(lv["runs"]):
        for s in run["steps"]:
            rows.append(
                [
                    i,
                    f"{s['offered']:,}",
                    f"{s['achieved_publish_rate']:,}",
                    s["lag_at_end"],
                    s["caught_up_s"],
                    s["collector_cpu_pct"],
                    ("yes" if s["kept_up"] else "no")
                    + (" (generator short)" if s.get("generator_short") else ""),
                ]
            )
    out += _table(
        rows,
        [
            "run",
            "offered msg/s",
            "published msg/s",
            "not yet stored at step end",
            "caught up after s",
            "collector CPU %",
            "kept up",
        ],
    )
    return out


def _latency_md(doc: dict[str, Any]) -> list[str]:
    c = doc["config"]
    out: list[str] = []
    for title, r in (("with the write signal", doc), ("without it", doc.get("no_signal"))):
        if r is not None:
            out += _latency_runs_md(c, r, title if "no_signal" in doc else "")
    return out


def _latency_runs_md(c: dict[str, Any], r: dict[str, Any], title: str) -> list[str]:
    errs = sorted({e for x in r["runs"] for e in x.get("api_error_examples", [])})
    out = [
        "",
        f"## Latency{', ' + title if title else ''}",
        "",
        f"Publish → visible in `GET {c['endpoint']}` (uvicorn subprocess, InfluxDB) at "
        f"{c['rate']:,} msg/s for {c['seconds']:.0f} s per run; every {c['sample_every']}th "
        f"message sampled, polled every {c['poll_interval_ms']:.0f} ms (so figures include up "
        "to one poll interval of slack).",
        "",
        *_table(
            [
                [
                    i,
                    x["samples"],
                    x["p50_ms"],
                    x["p90_ms"],
                    x["p99_ms"],
                    x["max_ms"],
                    x["not_visible_in_30s"],
                    x.get("api_errors", 0),
                    f"{x['stored']}/{x['published']}",
                    x["collector_cpu_pct"],
                    x.get("store_writes_per_1000_msgs", "—"),
                    x.get("influxd_cpu_us_per_msg", "—"),
                    x["api_auth"],
                ]
                for i, x in enumerate(r["runs"])
            ],
            [
                "run",
                "samples",
                "p50 ms",
                "p90 ms",
                "p99 ms",
                "max ms",
                "never visible",
                "failed requests",
                "stored/published",
                "collector CPU %",
                "store writes / 1,000 msgs",
                "influxd µs / msg",
                "API auth",
            ],
        ),
        "",
        f"All samples pooled ({r['pooled']['samples']}): p50 {r['pooled']['p50_ms']} ms, "
        f"p99 {r['pooled']['p99_ms']} ms, max {r['pooled']['max_ms']} ms.",
    ]
    if errs:
        out += [
            "",
            f"Requests that failed while polling ({sum(x.get('api_errors', 0) for x in r['runs'])}"
            " in all; polling went on), e.g.:",
            "",
            *[f"- `{e}`" for e in errs[:5]],
        ]
    return out


def _reports_md(r: dict[str, Any]) -> list[str]:
    out = [
        "",
        "## Reports",
        "",
        f"`hubsense/reports.py`: {r['reports_module']}. Backfill: {r['config']['backfill']}, "
        f"days {r['config']['backfill_days']}.",
        "",
    ]
    out += _table(
        [
            [
                k,
                f"{v['desk_days']:,}",
                f"{v['group_days']:,}",
                f"{v['slots']:,}",
                v["compute_s"],
                v["write_s"],
            ]
            for k, v in r["backfill"].items()
        ],
        ["desks", "desk-day rows", "group-day rows", "slot rows", "compute s", "write s"],
    )
    out += [
        "",
        "Report = `analytics.analyse(..., slots=True)` (InfluxDB reads + analysis) + "
        "`reports.build_report` + `reports.csv_bytes`, in-process; XLSX = the download "
        "route's `query.report.report_file` (analysis again, sheets and planning sheets).",
        "",
    ]
    rows = []
    for m in r["measurements"]:
        total = fmt(m["total_s"], "s") if "total_s" in m else f"pending: {m.get('pending', '')}"
        rows.append(
            [
                m["scope"],
                m["desks"],
                m["hubs"],
                m["months"],
                total,
                fmt(m["analyse_s"], "s"),
                fmt(m["build_s"], "s") if "build_s" in m else "—",
                fmt(m["xlsx_s"], "s") if "xlsx_s" in m else "—",
                m.get("warning", ""),
            ]
        )
    out += _table(
        rows,
        [
            "scope",
            "desks",
            "hubs",
            "months",
            "report",
            "of which analyse",
            "of which build",
            "XLSX",
            "note",
        ],
    )
    out += ["", *_growth(r)]
    if "profile" in r and "lines" in r["profile"]:
        p = r["profile"]
        out += [
            "",
            f"Profile of a region report ({p['first']} … {p['end']}, {p['total_s']} s while "
            "profiled; py-spy on the benchmark process, first 15 s; not counted above):",
            "",
            "```",
            *p["lines"],
            "```",
        ]
    return out


def _growth(r: dict[str, Any]) -> list[str]:
    by = {(m["scope"], m["desks"], m["months"]): m for m in r["measurements"]}

    def t(key: tuple[str, int, int]) -> float | None:
        m = by.get(key)
        if not m:
            return None
        return (m.get("total_s") or m["analyse_s"])["median"]

    sizes = sorted({m["desks"] for m in r["measurements"] if m["scope"] == "region"})
    months = sorted({m["months"] for m in r["measurements"] if m["scope"] == "region"})
    out = []
    if len(sizes) >= 2:
        big, small = sizes[-1], sizes[0]
        a, b = t(("region", big, months[-1])), t(("region", small, months[-1]))
        if a and b:
            out.append(
                f"Growth with desks: region report {small} → {big} desks ({big / small:.1f}×) "
                f"took {b:.2f} → {a:.2f} s ({a / b:.2f}×)."
            )
    if len(months) >= 2:
        big_m, small_m = months[-1], months[0]
        a, b = t(("region", sizes[-1], big_m)), t(("region", sizes[-1], small_m))
        if a and b:
            out.append(
                f"Growth with months: region report {small_m} → {big_m} months "
                f"({big_m / small_m:.1f}×) took {b:.2f} → {a:.2f} s ({a / b:.2f}×)."
            )
    return out


def _api_md(r: dict[str, Any]) -> list[str]:
    if "skipped" in r:
        return ["", "## API", "", f"Skipped: {r['skipped']}"]
    c = r["config"]
    out = [
        "",
        "## API",
        "",
        f"wrk ({c['wrk_threads']} threads, {c['connections']} connections, {c['duration_s']} s "
        f"per run, after a 2 s warm-up) → uvicorn (`python -m launch.cli api`, one process, "
        f"auth {c.get('auth', '?')}), hub of {c['hub_desks']} desks; stores hold "
        f"{c['history_days']} days of the 500 desks' messages ({c['events']:,} events).",
        "",
    ]
    rows = []
    for store in ("influxdb", "sqlite"):
        for ep in ("live", "page"):
            if store not in r:
                continue
            x = r[store][ep]
            rows.append(
                [
                    store,
                    f"`{x['path']}`",
                    fmt(x["rps"]),
                    fmt(x["p50_ms"]),
                    fmt(x["p99_ms"]),
                    "/".join(str(run["api_cpu_pct"]) for run in x["runs"]),
                ]
            )
    out += _table(rows, ["store", "endpoint", "req/s", "p50 ms", "p99 ms", "API CPU % per run"])
    for store in ("influxdb", "sqlite"):
        for ep in ("live", "page"):
            x = r.get(store, {}).get(ep, {})
            if "profile_lines" in x:
                out += [
                    "",
                    f"Profile of the API process, {ep} on {store} (py-spy, 6 s, "
                    f"{x['rps_while_profiled']:.0f} req/s while profiled):",
                    "",
                    "```",
                    *x["profile_lines"],
                    "```",
                ]
    return out


if __name__ == "__main__":
    sys.exit(main())
