"""HTTP API under concurrent clients: ``wrk`` on loopback against a uvicorn subprocess
(``python -m launch.cli api``, one process, auth on with a viewer key).

Endpoints: the live hub JSON (``/api/hubs/{hub}/live``) and the live hub page
(``/hubs/{hub}``, server-rendered HTML), for a 20-desk hub. Stores: InfluxDB 1.x and
SQLite, each holding the last ``days`` days of the generated 500-desk registry's messages
(heartbeat every 5 minutes plus changes, ending now, so every desk is live), written
directly through the store's ``write``. wrk: 2 threads, ``connections`` connections,
``duration`` seconds per run after a 2 s warm-up; requests/s and latency percentiles
from ``wrk --latency``. wrk shares the 2 cores with uvicorn and the database.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.common import (
    Api,
    Servers,
    cpu_seconds,
    log,
    profile_lines,
    start_api,
    start_profile,
    stop_process,
    summarise_profile,
    summary,
)
from benchmarks.registry_gen import write_registry
from hubsense.events import PresenceEvent
from hubsense.registry import Registry
from hubsense.store.sqlite import SqliteStore
from simulators import MessageStream

TZ = ZoneInfo("Europe/Stockholm")


def history(registry: Registry, days: float, seed: int = 3) -> list[PresenceEvent]:
    """The registry's sensor messages of the last ``days`` days, as stored events."""
    end = datetime.now(TZ)
    out = []
    for m in MessageStream(registry, end - timedelta(days=days), end, seed=seed):
        _, mun, hub, desk, _ = m.topic.split("/")
        p = json.loads(m.payload)
        out.append(
            PresenceEvent(
                municipality=mun,
                hub=hub,
                desk=desk,
                sensor=p["sensor"],
                seq=p["seq"],
                time_ns=m.time_ns,
                occupied=p["occupied"],
                heartbeat=p["kind"] == "heartbeat",
                battery=p.get("battery"),
                rssi=p.get("rssi"),
            )
        )
    return out


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    if not m:
        return float("nan")
    v = float(m.group(1))
    return {"us": v / 1000, "ms": v, "s": v * 1000}[m.group(2)]


def wrk(url: str, headers: dict[str, str], connections: int, duration: int) -> dict[str, Any]:
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    for k, v in headers.items():
        argv += ["-H", f"{k}: {v}"]
    out = subprocess.run(argv + [url], capture_output=True, text=True, timeout=duration + 60)
    text = out.stdout
    res: dict[str, Any] = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    res["rps"] = float(m.group(1)) if m else float("nan")
    for p in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{p}%\s+(\S+)", text, re.M)
        res[f"p{p}_ms"] = round(_ms(m.group(1)), 2) if m else float("nan")
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    res["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors:(.*)", text)
    res["socket_errors"] = m.group(1).strip() if m else ""
    m = re.search(r"(\d+) requests in", text)
    res["requests"] = int(m.group(1)) if m else 0
    return res


def _bench_api(
    api: Api, hub: str, connections: int, duration: int, repeats: int, profile_dir: Path | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, path in (("live", f"/api/hubs/{hub}/live"), ("page", f"/hubs/{hub}")):
        wrk(api.url + path, api.headers, connections, 2)  # warm-up
        runs = []
        for _ in range(repeats):
            cpu0 = cpu_seconds(api.proc.pid)
            r = wrk(api.url + path, api.headers, connections, duration)
            r["api_cpu_pct"] = round(100 * (cpu_seconds(api.proc.pid) - cpu0) / duration)
            if r["non_2xx"] or r["socket_errors"] or not r["requests"]:
                raise RuntimeError(f"wrk {path}: {r}")
            runs.append(r)
            log(
                f"  {name}: {r['rps']:.0f} req/s, p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, "
                f"api cpu {r['api_cpu_pct']}%"
            )
        out[name] = {
            "path": path,
            "runs": runs,
            "rps": summary([r["rps"] for r in runs], 0),
            "p50_ms": summary([r["p50_ms"] for r in runs], 2),
            "p99_ms": summary([r["p99_ms"] for r in runs], 2),
        }
        if profile_dir is not None:
            raw = profile_dir / f"pyspy-{api.proc.pid}-{name}.txt"
            prof = start_profile(api.proc.pid, 6, raw)
            if prof is not None:
                r = wrk(api.url + path, api.headers, connections, 7)
                prof.wait(60)
                p = summarise_profile(raw)
                out[name]["profile"] = p
                out[name]["profile_lines"] = profile_lines(p)
                out[name]["rps_while_profiled"] = r["rps"]
    return out


def run(quick: bool = False) -> dict[str, Any]:
    if not shutil.which("wrk"):
        return {"skipped": "wrk is not installed (apt-get install wrk; scripts/setup does it)"}
    days = 0.25 if quick else 2.0
    duration = 3 if quick else 10
    repeats = 1 if quick else 3
    connections = 32
    work = Path(tempfile.mkdtemp(prefix="hubsense-bench-api-"))
    registry_file = work / "registry.toml"
    registry = write_registry(registry_file)
    hub = next(h.id for h in registry.hubs.values() if len(h.desks) == 20)
    log(f"api: generating {days} days of history")
    events = history(registry, days)
    result: dict[str, Any] = {
        "config": {
            "history_days": days,
            "events": len(events),
            "hub_desks": 20,
            "connections": connections,
            "wrk_threads": 2,
            "duration_s": duration,
            "repeats": repeats,
        },
    }
    with Servers() as servers:
        influx = servers.store("api")
        for i in range(0, len(events), 5000):
            influx.write(events[i : i + 5000], [])
        influx.close()
        sqlite_path = work / "api.sqlite3"
        sq = SqliteStore(sqlite_path)
        sq.open()
        for i in range(0, len(events), 5000):
            sq.write(events[i : i + 5000], [])
        sq.close()
        for store_name, store_env in (
            (
                "influxdb",
                {
                    "HUBSENSE_STORE": "influxdb",
                    "HUBSENSE_INFLUX_URL": servers.influxd.url,
                    "HUBSENSE_INFLUX_DATABASE": "api",
                },
            ),
            ("sqlite", {"HUBSENSE_STORE": "sqlite", "HUBSENSE_SQLITE_PATH": str(sqlite_path)}),
        ):
            api = start_api(
                registry=registry_file, workdir=work, name=store_name, store_env=store_env
            )
            try:
                log(f"api on {store_name} (auth {api.auth})")
                result[store_name] = _bench_api(
                    api, hub, connections, duration, repeats, None if quick else work
                )
                result["config"]["auth"] = api.auth
            finally:
                stop_process(api.proc)
    return result
