"""Ingest throughput through real Mosquitto → collector → real InfluxDB, QoS 1, zero loss.

drain
    The collector (``python -m launch.cli collector``, a subprocess, default settings)
    connects once so the broker keeps its persistent session, and is stopped; a backlog of
    ``backlog`` messages is published (QoS 1, every PUBACK received) and waits in the
    session; then the collector is started and timed until InfluxDB holds every message
    (``COUNT`` polled every 0.2 s, then checked exactly). The load generator is idle while
    the collector drains, so this is the collector's own speed with broker and database on
    the same 2 cores. Rate = messages / (all stored − collector connected); the figure
    from process start (Python start-up included) is reported too. CPU is the collector
    process's user+system seconds, RSS its peak (VmHWM), both from /proc.

naive
    The same drain with ``benchmarks/naive_bridge.py`` (paho auto-ack, one HTTP write per
    message) on a smaller backlog, for the ratio.

live
    The collector running while a load-generator process (``benchmarks/loadgen.py``)
    publishes the simulated sensors' messages at a fixed offered rate, stepping the rate
    up. A step is kept up with when everything published was in InfluxDB within 2 s of the
    step's end; the figure is the highest publish rate (achieved, not offered) kept up
    with. The ladder stops at the first step not kept up with, or when the load generator
    fell more than 10 % short of the offered rate (then the generator is the limit, and
    the figure a lower bound).
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from benchmarks.common import (
    REPO,
    Servers,
    collector_env,
    cpu_seconds,
    drop_session,
    log,
    peak_rss_mb,
    profile_lines,
    server_pids,
    start_collector,
    start_profile,
    stop_process,
    summarise_profile,
    summary,
)
from benchmarks.registry_gen import write_registry
from collector.parser import MessageParser
from hubsense.config import Settings
from hubsense.events import PresenceEvent
from hubsense.registry import Registry
from hubsense.store.influx import presence_line
from simulators import MessageStream, publish
from simulators.sensors import Message

TZ = ZoneInfo("Europe/Stockholm")
SUBSCRIPTION = "hubs/+/+/+/presence"


def backlog_messages(
    registry: Registry, n: int, *, seed: int, days_back: float = 3
) -> list[Message]:
    """The first ``n`` messages of the registry's sensors from ``days_back`` days ago
    (time-ordered, as the simulated sensors send them)."""
    start = datetime.now(TZ).replace(microsecond=0) - timedelta(days=days_back)
    out: list[Message] = []
    for msg in MessageStream(registry, start, None, seed=seed):
        out.append(msg)
        if len(out) >= n:
            break
    return out


def _make_session(servers: Servers, start: Any, client_id: str) -> None:
    """Start the bridge/collector once so the broker keeps its subscribed session; stop it."""
    mark = len(servers.mosquitto_log())
    proc = start()
    try:
        servers.wait_log(f"{client_id} 1 {SUBSCRIPTION}", timeout=60, after=mark)
    finally:
        stop_process(proc)
    servers.wait_log(f"Client {client_id} disconnected", timeout=30, after=mark)


def _last_messages(messages: list[Message]) -> tuple[int, int]:
    """The backlog's last timestamp and how many messages carry it."""
    last = max(m.time_ns for m in messages)
    return last, sum(m.time_ns == last for m in messages)


def _stored_from(servers: Servers, db: str, time_ns: int) -> int:
    """Points stored at or after ``time_ns``: the drain's cheap poll. Messages are stored in
    the order they were published, so the backlog's last ones arrive last; a COUNT of the
    whole database every 0.2 s would cost influxd about a third of what the drain costs
    it at 200,000 points (~55 ms of its CPU each at the end)."""
    q = f'SELECT COUNT("seq") FROM "presence" WHERE time >= {int(time_ns)}'
    r = httpx.get(f"{servers.influxd.url}/query", params={"db": db, "q": q}, timeout=30)
    r.raise_for_status()
    series = r.json()["results"][0].get("series") or [{"values": [[0, 0]]}]
    return int(series[0]["values"][0][1])


def drain_once(
    servers: Servers,
    messages: list[Message],
    *,
    kind: str,
    tag: str,
    registry_file: Path,
    workdir: Path,
    profile_s: float = 0.0,
    timeout_s: float = 600.0,
) -> dict[str, Any]:
    """One drain of ``messages`` by ``kind`` ("collector" or "naive"). Raises on loss."""
    db = f"{kind}_{tag}"
    cid = f"bench-{kind}-{tag}"
    logfile = workdir / f"{cid}.log"
    if kind == "collector":
        env = collector_env(servers, db=db, client_id=cid, registry=registry_file, workdir=workdir)

        def start() -> subprocess.Popen:
            return start_collector(env, logfile)
    else:

        def start() -> subprocess.Popen:
            with open(logfile, "ab") as out:
                return subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "benchmarks.naive_bridge",
                        servers.mosquitto.url,
                        servers.influxd.url,
                        db,
                        cid,
                    ],
                    cwd=REPO,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )

    store = servers.store(db)
    try:
        _make_session(servers, start, cid)
        rep = publish(messages, servers.mosquitto.url, window=5000, ack_timeout_s=120)
        if rep.total != len(messages) or rep.rejected:
            raise RuntimeError(f"publish: {rep.total} sent, {rep.rejected} refused")
        pids = server_pids(servers)
        srv_cpu0 = {k: cpu_seconds(p) for k, p in pids.items()}
        mark = len(servers.mosquitto_log())
        t_start = time.monotonic()
        proc = start()
        prof = None
        try:
            t_conn = servers.wait_log(f"as {cid}", timeout=60, after=mark)
            raw = workdir / f"{cid}.pyspy.txt"
            if profile_s:
                prof = start_profile(proc.pid, profile_s, raw)
            n = len(messages)
            deadline = t_conn + timeout_s
            last = _last_messages(messages)
            while True:
                if _stored_from(servers, db, last[0]) >= last[1] and store.count_events() >= n:
                    break
                if proc.poll() is not None:
                    raise RuntimeError(f"{kind} exited: {logfile.read_text()[-2000:]}")
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"{kind}: {store.count_events()}/{n} stored after {timeout_s}s"
                    )
                time.sleep(0.2)
            t_done = time.monotonic()
            cpu = cpu_seconds(proc.pid)
            rss = peak_rss_mb(proc.pid)
            srv_cpu = {k: round(cpu_seconds(p) - srv_cpu0[k], 1) for k, p in pids.items()}
        finally:
            rc = stop_process(proc)
            if prof is not None:
                prof.wait(60)
        exact = store.count_events()
        rejected = store.rejection_counts()
        if exact != n or rejected:
            raise RuntimeError(f"{kind}: stored {exact} of {n} (rejected {rejected})")
        wall = t_done - t_conn
        out = {
            "messages": n,
            "stored": exact,
            "publish_rate": round(rep.rate),
            "drain_s": round(wall, 2),
            "rate": round(n / wall),
            "rate_incl_startup": round(n / (t_done - t_start)),
            "startup_s": round(t_conn - t_start, 2),
            "cpu_s": round(cpu, 1),
            "cpu_pct": round(100 * cpu / (t_done - t_start)),
            # messages per second of collector CPU: the drain rate with a core to itself
            "msg_per_cpu_s": round(n / cpu) if cpu else None,
            "peak_rss_mb": round(rss, 1),
            "server_cpu_s": srv_cpu,
            "exit_code": rc,
        }
        if profile_s:
            out["profile"] = summarise_profile(raw)
        return out
    finally:
        store.close()
        drop_session(servers.mosquitto.url, cid, "5" if kind == "collector" else "3.1.1")


# --- the limits, measured in the same run ----------------------------------------------------


def collector_lines(messages: list[Message], registry: Registry) -> list[bytes]:
    """The collector's write bodies for ``messages``: each parsed by its parser and written
    by ``presence_line``, in arrival order and its default batch size."""
    settings = Settings()
    parser = MessageParser(
        registry,
        topic_root=settings.mqtt_topic_root,
        max_payload_bytes=settings.max_payload_bytes,
        max_future_s=settings.max_future_s,
        max_age_s=settings.max_age_s,
    )
    now = time.time_ns()
    lines = []
    for m in messages:
        event = parser.parse(m.topic, m.payload, now)
        if not isinstance(event, PresenceEvent):
            raise RuntimeError(f"backlog message refused: {event}")
        lines.append(presence_line(event))
    size = settings.batch_size
    return ["\n".join(lines[i : i + size]).encode() for i in range(0, len(lines), size)]


def replay_once(servers: Servers, bodies: list[bytes], n: int, tag: str) -> dict[str, Any]:
    """influxd's own ingest of the collector's line protocol: ``bodies`` POSTed one after
    another (one writer, as the collector writes) to a fresh database."""
    db = f"replay_{tag}"
    store = servers.store(db)  # creates the database
    pid = server_pids(servers)["influxd"]
    try:
        with httpx.Client(base_url=servers.influxd.url, timeout=60) as http:
            cpu0, t0 = cpu_seconds(pid), time.monotonic()
            for body in bodies:
                r = http.post("/write", params={"db": db, "precision": "ns"}, content=body)
                r.raise_for_status()
            wall, cpu = time.monotonic() - t0, cpu_seconds(pid) - cpu0
        stored = store.count_events()
        if stored != n:
            raise RuntimeError(f"replay: stored {stored} of {n}")
    finally:
        store.close()
    return {
        "points": n,
        "seconds": round(wall, 2),
        "rate": round(n / wall),
        "influxd_cpu_s": round(cpu, 2),
        "influxd_cpu_us_per_point": round(1e6 * cpu / n, 1),
    }


def receive_once(
    servers: Servers,
    messages: list[Message],
    *,
    tag: str,
    parse: bool,
    registry_file: Path,
    workdir: Path,
) -> dict[str, Any]:
    """The collector's transport (and with ``parse`` its parser) taking the same backlog
    in with nothing stored (``benchmarks.receive_only``)."""
    kind = "parse" if parse else "receive"
    cid = f"bench-{kind}-{tag}"
    env = collector_env(servers, db="unused", client_id=cid, registry=registry_file,
                        workdir=workdir)  # fmt: skip
    cmd = [sys.executable, "-m", "benchmarks.receive_only", str(len(messages))]
    cmd += ["--parse"] if parse else []

    def start() -> subprocess.Popen:
        return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)

    try:
        _make_session(servers, start, cid)
        rep = publish(messages, servers.mosquitto.url, window=5000, ack_timeout_s=120)
        if rep.total != len(messages) or rep.rejected:
            raise RuntimeError(f"publish: {rep.total} sent, {rep.rejected} refused")
        proc = start()
        out, _ = proc.communicate(timeout=600)
        if proc.returncode != 0:
            raise RuntimeError(f"receive_only exited {proc.returncode}")
        r = json.loads(out.strip().splitlines()[-1])
    finally:
        drop_session(servers.mosquitto.url, cid, "5")
    if r["messages"] != len(messages) or (parse and r["accepted"] != len(messages)):
        raise RuntimeError(f"{kind}: took {r} of {len(messages)}")
    return {
        "messages": r["messages"],
        "seconds": r["seconds"],
        "rate": round(r["messages"] / r["seconds"]),
        "cpu_s": r["cpu_s"],
        "cpu_us_per_message": round(1e6 * r["cpu_s"] / r["messages"], 1),
    }


def limits(
    servers: Servers,
    messages: list[Message],
    registry: Registry,
    registry_file: Path,
    work: Path,
    repeats: int,
) -> dict[str, Any]:
    """The replay limit (influxd alone) and the receive limits (MQTT alone, then with the
    parser) of the same backlog, each ``repeats`` times."""
    bodies = collector_lines(messages, registry)
    out: dict[str, Any] = {"batch_size": Settings().batch_size}
    replays = [replay_once(servers, bodies, len(messages), f"r{i}") for i in range(repeats)]
    for r in replays:
        log(f"replay: {r['points']} points in {r['seconds']}s = {r['rate']}/s, "
            f"influxd {r['influxd_cpu_us_per_point']} µs CPU per point")  # fmt: skip
    out["replay"] = _summarised(replays, ("rate", "influxd_cpu_us_per_point"))
    for parse in (False, True):
        kind = "parse" if parse else "receive"
        runs = [
            receive_once(
                servers,
                messages,
                tag=f"r{i}",
                parse=parse,
                registry_file=registry_file,
                workdir=work,
            )  # fmt: skip
            for i in range(repeats)
        ]
        for r in runs:
            log(f"{kind}: {r['messages']} in {r['seconds']}s = {r['rate']}/s, "
                f"{r['cpu_us_per_message']} µs CPU per message")  # fmt: skip
        out[kind] = _summarised(runs, ("rate", "cpu_us_per_message"))
    return out


TARGET_RATE = 20_000
TARGET_SHARE_OF_REPLAY = 0.6


def verdict(drain_rate: float, lim: dict[str, Any]) -> dict[str, Any]:
    """The drain as a share of each limit, and the target: 20,000 msg/s, or 60 % of the
    replay limit where that is lower (a slower machine moves the limit, not the verdict)."""
    replay = lim["replay"]["rate"]["median"]
    target = min(TARGET_RATE, TARGET_SHARE_OF_REPLAY * replay)
    return {
        "drain_rate": drain_rate,
        "share_of_replay": round(drain_rate / replay, 2),
        "share_of_receive": round(drain_rate / lim["receive"]["rate"]["median"], 2),
        "share_of_receive_and_parse": round(drain_rate / lim["parse"]["rate"]["median"], 2),
        "target_rate": round(target),
        "met": drain_rate >= target,
    }


def _summarised(runs: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, Any]:
    return {"runs": runs, **{k: summary([r[k] for r in runs], 1) for k in keys}}


def _log_drain(kind: str, i: int, r: dict[str, Any]) -> None:
    log(
        f"{kind} drain {i}: {r['messages']} in {r['drain_s']}s = {r['rate']} msg/s "
        f"(from start {r['rate_incl_startup']}), cpu {r['cpu_s']}s ({r['cpu_pct']}%), "
        f"peak RSS {r['peak_rss_mb']} MB, servers {r['server_cpu_s']}"
    )


def run(quick: bool = False) -> dict[str, Any]:
    backlog = 20_000 if quick else 200_000
    naive_backlog = 1_000 if quick else 15_000
    repeats = 3
    live_repeats = 1 if quick else 3
    live_steps = [2_000, 5_000] if quick else [2_000, 5_000, 8_000, 12_000, 16_000, 20_000]
    live_step_s = 4.0 if quick else 10.0
    work = Path(tempfile.mkdtemp(prefix="hubsense-bench-ingest-"))
    registry_file = work / "registry.toml"
    registry = write_registry(registry_file)
    result: dict[str, Any] = {
        "config": {
            "registry": "generated: 500 desks, 25 hubs, 8 municipalities",
            "collector_settings": "defaults (batch_size 1000, flush_interval_s 0.2, "
            "mqtt_receive_maximum 2000, mqtt_max_buffered 5000, MQTT 5)",
            "backlog": backlog,
            "naive_backlog": naive_backlog,
            "repeats": repeats,
        }
    }
    log(f"ingest: generating {backlog} messages")
    messages = backlog_messages(registry, backlog, seed=11)
    with Servers() as servers:
        drains = []
        for i in range(repeats):
            r = drain_once(
                servers,
                messages,
                kind="collector",
                tag=f"r{i}",
                registry_file=registry_file,
                workdir=work,
            )
            _log_drain("collector", i, r)
            drains.append(r)
        result["drain"] = {
            "runs": drains,
            "rate": summary([r["rate"] for r in drains], 0),
            "rate_incl_startup": summary([r["rate_incl_startup"] for r in drains], 0),
            "cpu_s": summary([r["cpu_s"] for r in drains]),
            "cpu_pct": summary([r["cpu_pct"] for r in drains], 0),
            "msg_per_cpu_s": summary([r["messages"] / r["cpu_s"] for r in drains], 0),
            "peak_rss_mb": summary([r["peak_rss_mb"] for r in drains]),
            "publish_rate": summary([r["publish_rate"] for r in drains], 0),
            "influxd_cpu_us_per_point": summary(
                [1e6 * r["server_cpu_s"]["influxd"] / r["messages"] for r in drains]
            ),
        }
        result["limits"] = lim = limits(
            servers, messages, registry, registry_file, work, 1 if quick else repeats
        )
        result["verdict"] = verdict(result["drain"]["rate"]["median"], lim)
        log(f"ingest verdict: {result['verdict']}")
        if not quick:
            log("ingest: profiled drain (py-spy, not counted in the figures)")
            r = drain_once(
                servers,
                messages,
                kind="collector",
                tag="prof",
                registry_file=registry_file,
                workdir=work,
                profile_s=8,
            )
            _log_drain("profiled collector", 0, r)
            result["drain_profile"] = {
                "rate_while_profiled": r["rate"],
                "profile": r["profile"],
                "lines": profile_lines(r["profile"]),
            }
        naive = []
        for i in range(repeats):
            r = drain_once(
                servers,
                messages[:naive_backlog],
                kind="naive",
                tag=f"r{i}",
                registry_file=registry_file,
                workdir=work,
            )
            _log_drain("naive", i, r)
            naive.append(r)
        result["naive"] = {
            "runs": naive,
            "rate": summary([r["rate"] for r in naive], 0),
            "cpu_pct": summary([r["cpu_pct"] for r in naive], 0),
            "peak_rss_mb": summary([r["peak_rss_mb"] for r in naive]),
        }
        ratio = result["drain"]["rate"]["median"] / max(1, result["naive"]["rate"]["median"])
        result["ratio_vs_naive"] = round(ratio, 1)
        result["live"] = live(
            servers, registry, registry_file, work, live_steps, live_step_s, live_repeats
        )
    return result


# --- live -------------------------------------------------------------------------------------


def live(
    servers: Servers,
    registry: Registry,
    registry_file: Path,
    work: Path,
    steps: list[int],
    step_s: float,
    repeats: int,
) -> dict[str, Any]:
    runs = []
    for i in range(repeats):
        msgs = backlog_messages(registry, int(sum(steps) * step_s), seed=100 + i, days_back=6)
        feeds, offset = [], 0
        for rate in steps:
            count = int(rate * step_s)
            feeds.append(work / f"live-{i}-{rate}.pickle")
            with open(feeds[-1], "wb") as f:
                part = [(m.topic, m.payload) for m in msgs[offset : offset + count]]
                pickle.dump(part, f, protocol=pickle.HIGHEST_PROTOCOL)
            offset += count
        del msgs
        runs.append(_live_once(servers, registry_file, work, feeds, steps, step_s, f"r{i}"))
        kept = runs[-1]["sustained"]
        log(f"live {i}: sustained {kept} msg/s; steps {runs[-1]['steps']}")
    return {
        "steps": steps,
        "step_s": step_s,
        "runs": runs,
        "sustained": summary([r["sustained"] for r in runs], 0),
        "collector_peak_rss_mb": summary([r["peak_rss_mb"] for r in runs]),
    }


def _live_once(
    servers: Servers,
    registry_file: Path,
    work: Path,
    feeds: list[Path],
    steps: list[int],
    step_s: float,
    tag: str,
) -> dict[str, Any]:
    db = f"live_{tag}"
    cid = f"bench-live-{tag}"
    env = collector_env(servers, db=db, client_id=cid, registry=registry_file, workdir=work)
    store = servers.store(db)
    mark = len(servers.mosquitto_log())
    proc = start_collector(env, work / f"{cid}.log")
    out_steps: list[dict[str, Any]] = []
    sustained = 0
    published = 0
    try:
        servers.wait_log(f"{cid} 1 {SUBSCRIPTION}", timeout=60, after=mark)
        for rate, feed in zip(steps, feeds, strict=True):
            count = int(rate * step_s)
            cpu0 = cpu_seconds(proc.pid)
            gen = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.loadgen",
                    servers.mosquitto.url,
                    str(feed),
                    str(rate),
                ],
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=step_s * 10 + 60,
            )
            if gen.returncode != 0:
                raise RuntimeError(f"loadgen failed: {gen.stderr[-2000:]}")
            g = json.loads(gen.stdout.strip().splitlines()[-1])
            t_end = time.monotonic()
            published += count
            stored_at_end = store.count_events()
            # keeps up: everything in the database within 2 s of the step's end
            caught = None
            deadline = t_end + 60
            while time.monotonic() < deadline:
                stored = store.count_events()
                if stored >= published:
                    caught = time.monotonic() - t_end
                    break
                time.sleep(0.1)
            cpu = cpu_seconds(proc.pid) - cpu0
            achieved = g["sent"] / g["elapsed_s"]
            kept_up = caught is not None and caught <= 2.0
            generator_short = achieved < 0.9 * rate
            step = {
                "offered": rate,
                "achieved_publish_rate": round(achieved),
                "lag_at_end": published - stored_at_end,
                "caught_up_s": None if caught is None else round(caught, 2),
                "stored_rate": round(count / (g["elapsed_s"] + (caught or 60))),
                "collector_cpu_pct": round(100 * cpu / (g["elapsed_s"] + (caught or 60))),
                "kept_up": kept_up,
                "generator_short": generator_short,
            }
            out_steps.append(step)
            if caught is None:
                raise RuntimeError(f"live step {rate}/s: not stored within 60 s")
            if not kept_up:
                break
            sustained = max(sustained, round(achieved))
            if generator_short:  # the load generator is the limit now, not the collector
                break
        rss = peak_rss_mb(proc.pid)
    finally:
        stop_process(proc)
        drop_session(servers.mosquitto.url, cid)
    exact = store.count_events()
    store.close()
    if exact != published:
        raise RuntimeError(f"live: stored {exact} of {published}")
    return {
        "sustained": sustained,
        "steps": out_steps,
        "peak_rss_mb": round(rss, 1),
        "published": published,
        "stored": exact,
    }
