"""Soak: the collector under sustained load, for memory that grows.

    python -m benchmarks.soak --minutes 60 --rate 1500 --desks 2000

Real Mosquitto and InfluxDB (private, loopback), the collector as a subprocess with its
default settings; a publisher thread sends conforming messages (QoS 1, stamped now, each
desk in turn) at ``--rate`` messages per second over ``--desks`` desks for ``--minutes``.
Each message flips its desk's state; with ``--change-every N`` only every N-th does and
the others are heartbeats (a real sensor changes state a few dozen times a day: the
rollups keep one span per change of the day, so flips at 0.75 a second per desk grow
them all day).
Every ``--sample-s`` the collector's RSS (VmRSS), the load average and how far storing
lags behind publishing (published − stored, from the collector's stats file) are
recorded. The result says RSS after warm-up (``--warmup-min``), at the end, RSS at each
whole minute, the slope after warm-up (least squares, MB per minute; flat means about 0)
and over the second half, and whether every published message was stored. Not a test:
run it on a quiet machine and state the load it shows.

With ``--trace DIR`` the collector runs under tracemalloc (``benchmarks.traced``: slower,
so use a lower rate) and ``DIR/growth.txt`` lists, every ``--trace-every-s``, the
allocation sites that grew most since warm-up.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.common import (
    Servers,
    collector_env,
    loadavg,
    log,
    start_collector,
    stop_process,
)
from benchmarks.registry_gen import write_registry
from hubsense.contract import encode_payload, topic_for
from hubsense.registry import load_registry
from simulators.publisher import connect


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _publisher(url: str, desks: list[tuple[str, str, str, str]], rate: float,
               seconds: float, counter: list[int], done: threading.Event,
               change_every: int = 1) -> None:  # fmt: skip
    client, acks = connect(url, max_inflight=0)
    t0 = time.monotonic()
    seq = 0
    try:
        while not done.is_set():
            elapsed = time.monotonic() - t0
            if elapsed >= seconds:
                break
            due = int(elapsed * rate) + 1
            if counter[0] >= due or counter[0] - acks.acked >= 5000:
                time.sleep(0.005)
                continue
            while counter[0] < due:
                muni, hub, desk, sensor = desks[counter[0] % len(desks)]
                nth = seq // len(desks)  # this desk's message count
                body = encode_payload(
                    sensor=sensor,
                    seq=nth,
                    ts=datetime.now(UTC),
                    occupied=(nth // change_every) % 2 == 0,
                    heartbeat=nth % change_every != 0,
                )
                client.publish(topic_for("hubs", muni, hub, desk), body, qos=1)
                counter[0] += 1
                seq += 1
        while acks.acked < counter[0]:
            time.sleep(0.01)
    finally:
        client.disconnect()
        client.loop_stop()


def slope_mb_per_min(samples: list[dict[str, float]]) -> float:
    """Least-squares slope of RSS over time: the endpoints alone follow the noise."""
    if len(samples) < 2:
        return 0.0
    xs = [s["minute"] for s in samples]
    ys = [s["rss_mb"] for s in samples]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


def per_minute(samples: list[dict[str, float]]) -> dict[int, float]:
    """RSS at each whole minute (the first sample at or after it)."""
    out: dict[int, float] = {}
    for s in samples:
        out.setdefault(int(s["minute"]), s["rss_mb"])
    return out


def run(
    minutes: float,
    rate: float,
    n_desks: int,
    sample_s: float,
    warmup_min: float,
    trace: tuple[Path, float] | None = None,
    settings: dict[str, str] | None = None,
    change_every: int = 1,
) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="hubsense-soak-"))
    registry_file = work / "registry.toml"
    write_registry(registry_file, desks=n_desks)
    registry = load_registry(registry_file)
    desks = [(d.municipality, d.hub, d.id, d.sensor) for h in registry.hubs.values()
             for d in h.desks]  # fmt: skip
    samples: list[dict[str, float]] = []
    with Servers() as servers:
        stats_file = work / "stats.json"
        env = collector_env(servers, db="soak", client_id="soak", registry=registry_file,
                            workdir=work, collector_stats_file=stats_file,
                            **(settings or {}))  # fmt: skip
        proc = start_collector(env, work / "collector.log", trace=trace)
        servers.wait_log("soak", timeout=60)
        store = servers.store("soak")
        counter = [0]
        done = threading.Event()
        seconds = minutes * 60
        pub = threading.Thread(target=_publisher, args=(servers.mosquitto.url, desks, rate,
                               seconds, counter, done, change_every), daemon=True)  # fmt: skip
        t0 = time.monotonic()
        pub.start()
        try:
            while pub.is_alive():
                time.sleep(sample_s)
                try:
                    stats = json.loads(stats_file.read_text())["stats"]
                except (OSError, ValueError, KeyError):
                    stats = {}
                stored = int(stats.get("written_events", 0))
                sample = {
                    "minute": round((time.monotonic() - t0) / 60, 2),
                    "rss_mb": round(rss_mb(proc.pid), 1),
                    "published": counter[0],
                    "lag_messages": counter[0] - stored,
                    "load1": loadavg()[0],
                }
                samples.append(sample)
                log(f"soak {sample}")
            pub.join()
            deadline = time.monotonic() + 120
            while store.count_events() < counter[0] and time.monotonic() < deadline:
                time.sleep(1)
            stored_all = store.count_events()
        finally:
            done.set()
            stop_process(proc)
            store.close()
    after = [s for s in samples if s["minute"] >= warmup_min] or samples
    half = after[len(after) // 2 :] or after
    return {
        "minutes": minutes,
        "rate": rate,
        "desks": n_desks,
        "settings": settings or {},
        "change_every": change_every,
        "published": counter[0],
        "stored": stored_all,
        "nothing_lost": stored_all == counter[0],
        "rss_after_warmup_mb": after[0]["rss_mb"] if after else None,
        "rss_end_mb": samples[-1]["rss_mb"] if samples else None,
        "rss_peak_mb": max(s["rss_mb"] for s in samples) if samples else None,
        "rss_by_minute_mb": per_minute(samples),
        "rss_slope_after_warmup_mb_per_min": round(slope_mb_per_min(after), 2),
        "rss_slope_second_half_mb_per_min": round(slope_mb_per_min(half), 2),
        "max_lag_messages": max(s["lag_messages"] for s in samples) if samples else None,
        "load1": [min(s["load1"] for s in samples), max(s["load1"] for s in samples)]
        if samples
        else None,
        "samples": samples,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--rate", type=float, default=1500.0, help="messages per second")
    ap.add_argument("--desks", type=int, default=2000)
    ap.add_argument("--sample-s", type=float, default=30.0)
    ap.add_argument("--warmup-min", type=float, default=3.0, help="dedup fills, first passes")
    ap.add_argument("--out", type=Path, default=None, help="write the result as JSON here")
    ap.add_argument(
        "--trace", type=Path, default=None, help="tracemalloc on; growth report in this directory"
    )
    ap.add_argument("--trace-every-s", type=float, default=60.0)
    ap.add_argument(
        "--change-every", type=int, default=1, metavar="N",
        help="a desk's state changes every N-th message, heartbeats between (1: every one)",
    )  # fmt: skip
    ap.add_argument(
        "--setting", action="append", default=[], metavar="NAME=VALUE",
        help="a collector setting (e.g. rollup_refresh_s=3600); repeatable",
    )  # fmt: skip
    args = ap.parse_args(argv)
    settings = dict(item.split("=", 1) for item in args.setting)
    trace = (args.trace.resolve(), args.trace_every_s) if args.trace else None
    result = run(args.minutes, args.rate, args.desks, args.sample_s, args.warmup_min, trace,
                 settings, max(1, args.change_every))  # fmt: skip
    text = json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=2)
    print(text)
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))
    return 0 if result["nothing_lost"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
