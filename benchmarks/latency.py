"""Publish-to-visible latency at 1,000 messages/s: sensor publish → Mosquitto → collector →
InfluxDB → API (uvicorn subprocess on loopback, reading the same InfluxDB).

A publisher sends live messages (timestamp = now) round-robin over the 500 desks of the
generated registry at 1,000 messages/s (QoS 1). Every 250th message (4 a second) is a
sample: a poller asks ``GET /api/hubs/{hub}/live`` every 20 ms until the desk's
``last_seen`` is at or after the sampled message's timestamp. Latency = the response that
first shows it − the moment just before ``publish``. The collector runs with its default
settings (``flush_interval_s`` 0.2 s bounds how long a message waits for its batch).

Each repeat runs twice: without the write signal (the API's live cache keeps a hub's
events for ``live_cache_s``, 0.25 s) and with it (``store_signal_file`` given to both
processes: the collector touches it after every write and the API reads the hub again
when it changed). What that costs the store is measured in the same runs: store writes
per message (the collector's batches over its stored events, from its stats file) and
influxd CPU per message (over the publishing, with the API's reads included).
"""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from benchmarks.common import (
    Servers,
    collector_env,
    cpu_seconds,
    drop_session,
    log,
    peak_rss_mb,
    percentile,
    start_api,
    start_collector,
    stop_process,
    summary,
)
from benchmarks.registry_gen import write_registry
from hubsense.contract import encode_payload, topic_for
from hubsense.statsfile import read_stats
from simulators.publisher import _close, connect

TZ = ZoneInfo("Europe/Stockholm")
RATE = 1000
SAMPLE_EVERY = 250
POLL_S = 0.02


def _poll(
    api_url: str,
    headers: dict[str, str],
    hub: str,
    desk: str,
    ts: datetime,
    t_pub: float,
    timeout: float = 30.0,
) -> tuple[float | None, list[str]]:
    """Seconds from ``t_pub`` until the live view shows ``ts`` for the desk (None: never
    within ``timeout``), and the failed requests seen meanwhile (polling goes on)."""
    errors: list[str] = []
    with httpx.Client(base_url=api_url, headers=headers, timeout=10) as http:
        deadline = t_pub + timeout
        while time.monotonic() < deadline:
            try:
                resp = http.get(f"/api/hubs/{hub}/live")
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                time.sleep(POLL_S)
                continue
            now = time.monotonic()
            if resp.status_code != 200:
                errors.append(f"HTTP {resp.status_code}: {resp.text[:200]}")
            else:
                for d in resp.json()["desks"]:
                    if d["desk"] == desk and d["last_seen"]:
                        if datetime.fromisoformat(d["last_seen"]) >= ts:
                            return now - t_pub, errors
                        break
            time.sleep(POLL_S)
    return None, errors


def _collector_stats(path: Path, events: int, timeout: float = 20.0) -> dict[str, Any]:
    """The collector's stats once they count ``events`` stored (it writes them every 5 s)."""
    deadline = time.monotonic() + timeout
    stats: dict[str, Any] = {}
    while time.monotonic() < deadline:
        stats = read_stats(path)
        if int(stats.get("written_events", 0)) >= events:
            break
        time.sleep(0.5)
    return stats


def _run_once(
    servers: Servers, registry_file: Path, work: Path, seconds: float, tag: str, signal: bool
) -> dict[str, Any]:
    registry = write_registry(registry_file)
    desks = [
        (d.municipality, hub.id, d.id, d.sensor)
        for hub in registry.hubs.values()
        for d in hub.desks
    ]
    db = f"latency_{tag}"
    cid = f"bench-latency-{tag}"
    stats_file = work / f"stats-{tag}.json"
    signal_env = {"store_signal_file": work / f"signal-{tag}"} if signal else {}
    env = collector_env(
        servers,
        db=db,
        client_id=cid,
        registry=registry_file,
        workdir=work,
        collector_stats_file=stats_file,
        **signal_env,
    )
    mark = len(servers.mosquitto_log())
    collector = start_collector(env, work / f"{cid}.log")
    api = None
    try:
        servers.wait_log(f"{cid} 1 hubs/", timeout=60, after=mark)
        api = start_api(
            registry=registry_file,
            workdir=work,
            name=tag,
            store_env={
                "HUBSENSE_STORE": "influxdb",
                "HUBSENSE_INFLUX_URL": servers.influxd.url,
                "HUBSENSE_INFLUX_DATABASE": db,
                **{f"HUBSENSE_{k.upper()}": str(v) for k, v in signal_env.items()},
            },
        )
        client, acks = connect(servers.mosquitto.url, max_inflight=0)
        pool = ThreadPoolExecutor(max_workers=32)
        futures = []
        seq = dict.fromkeys((d[3] for d in desks), 0)
        occupied = dict.fromkeys((d[3] for d in desks), False)
        total = int(seconds * RATE)
        assert servers.influxd.proc is not None
        influxd_pid = servers.influxd.proc.pid
        cpu0 = cpu_seconds(collector.pid)
        influx_cpu0 = cpu_seconds(influxd_pid)
        t0 = time.monotonic()
        sent = 0
        try:
            while sent < total:
                due = min(total, int((time.monotonic() - t0) * RATE) + 1)
                if sent >= due:
                    time.sleep(0.002)
                    continue
                while sent < due:
                    mun, hub, desk, sensor = desks[sent % len(desks)]
                    change = sent % 7 == 0
                    if change:
                        occupied[sensor] = not occupied[sensor]
                    ts = datetime.now(TZ)
                    payload = encode_payload(
                        sensor=sensor,
                        seq=seq[sensor],
                        ts=ts,
                        occupied=occupied[sensor],
                        heartbeat=not change,
                        battery=80,
                        rssi=-70,
                    )
                    seq[sensor] += 1
                    t_pub = time.monotonic()
                    client.publish(topic_for("hubs", mun, hub, desk), payload, qos=1)
                    if sent % SAMPLE_EVERY == 0:
                        ts_ms = ts.replace(microsecond=ts.microsecond // 1000 * 1000)
                        futures.append(
                            pool.submit(_poll, api.url, api.headers, hub, desk, ts_ms, t_pub)
                        )
                    sent += 1
            elapsed = time.monotonic() - t0
            influx_cpu = cpu_seconds(influxd_pid) - influx_cpu0
            acks.wait_acked(sent, 60)
        finally:
            _close(client)
        polled = [f.result() for f in futures]
        latencies = [x for x, _ in polled]
        errors = [e for _, errs in polled for e in errs]
        pool.shutdown()
        cpu = cpu_seconds(collector.pid) - cpu0
        rss = peak_rss_mb(collector.pid)
        stats = _collector_stats(stats_file, sent)
    finally:
        if api is not None:
            stop_process(api.proc)
        stop_process(collector)
        drop_session(servers.mosquitto.url, cid)
    missing = sum(1 for x in latencies if x is None)
    got = [x for x in latencies if x is not None]
    store = servers.store(db)
    stored = store.count_events()
    store.close()
    written = int(stats.get("written_events", 0))
    return {
        "write_signal": signal,
        "published": sent,
        "publish_rate": round(sent / elapsed),
        "stored": stored,
        "samples": len(latencies),
        "not_visible_in_30s": missing,
        "api_errors": len(errors),
        "api_error_examples": sorted(set(errors))[:3],
        "p50_ms": round(1000 * percentile(got, 50), 1),
        "p90_ms": round(1000 * percentile(got, 90), 1),
        "p99_ms": round(1000 * percentile(got, 99), 1),
        "max_ms": round(1000 * max(got), 1),
        "collector_cpu_pct": round(100 * cpu / elapsed),
        "collector_peak_rss_mb": round(rss, 1),
        "store_writes_per_1000_msgs": (
            round(1000 * int(stats.get("written_batches", 0)) / written, 2) if written else None
        ),
        "influxd_cpu_us_per_msg": round(1e6 * influx_cpu / sent),
        "api_auth": api.auth if api else "",
        "all_ms": [round(1000 * x, 1) for x in got],
    }


def run(quick: bool = False) -> dict[str, Any]:
    seconds = 8.0 if quick else 30.0
    repeats = 1 if quick else 3
    work = Path(tempfile.mkdtemp(prefix="hubsense-bench-latency-"))
    runs: dict[str, list[dict[str, Any]]] = {"signal": [], "no_signal": []}
    with Servers() as servers:
        for i in range(repeats):
            for signal in (False, True):
                name = "signal" if signal else "no_signal"
                r = _run_once(
                    servers, work / "registry.toml", work, seconds, f"{name}{i}", signal
                )
                log(
                    f"latency {i} ({name}): p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms over "
                    f"{r['samples']} samples at {r['publish_rate']} msg/s, stored "
                    f"{r['stored']}/{r['published']}, {r['store_writes_per_1000_msgs']} writes "
                    f"per 1,000 messages, influxd {r['influxd_cpu_us_per_msg']} µs/message"
                )
                runs[name].append(r)
    out = {name: _summarise(rs) for name, rs in runs.items()}
    return {
        "config": {
            "rate": RATE,
            "seconds": seconds,
            "repeats": repeats,
            "sample_every": SAMPLE_EVERY,
            "poll_interval_ms": POLL_S * 1000,
            "endpoint": "/api/hubs/{hub}/live",
            "store": "influxdb",
        },
        **out["signal"],  # the figures of the configuration the target is for
        "no_signal": out["no_signal"],
    }


def _summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    pooled = sorted(x for r in runs for x in r["all_ms"])
    for r in runs:
        del r["all_ms"]
    return {
        "runs": runs,
        "p50_ms": summary([r["p50_ms"] for r in runs]),
        "p99_ms": summary([r["p99_ms"] for r in runs]),
        "store_writes_per_1000_msgs": summary(
            [r["store_writes_per_1000_msgs"] for r in runs if r["store_writes_per_1000_msgs"]], 2
        ),
        "influxd_cpu_us_per_msg": summary([r["influxd_cpu_us_per_msg"] for r in runs]),
        "pooled": {
            "samples": len(pooled),
            "p50_ms": percentile(pooled, 50),
            "p99_ms": percentile(pooled, 99),
            "max_ms": pooled[-1] if pooled else None,
        },
    }
