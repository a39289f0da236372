"""``hubsense demo`` as a newcomer meets it: how fast every page and API route answers from
the moment the banner prints until the history has loaded, with and without two
CPU-burning processes beside it; when a desk first changes on the live hub page; what the
demo counted at exit (published against stored) and whether it logged any warning.

The demo runs as ``python -m launch.cli demo`` (its defaults: 35 days of history, 240x),
on a free port, with its own temp folder. One client asks ``launch.demo.demo_routes`` in
turn, one request at a time, from the banner until the demo logs "history loaded", then
one more round; time = request sent to last byte received (urllib, loopback).
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from benchmarks.common import REPO, log, percentile, summary
from hubsense.devservers import free_port
from hubsense.registry import load_registry
from launch.demo import DEMO_REGISTRY, banner_period, busiest_hub, demo_routes

BURN = "while True: pass"
HISTORY_TIMEOUT_S = 1800.0  # then the run stops and says the history had not loaded
TARGET_S = 1.0


@dataclass
class DemoRun:
    output: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def text(self) -> str:
        with self.lock:
            return "".join(self.output)

    def has(self, needle: str) -> bool:
        return needle in self.text()


def _reader(proc: subprocess.Popen, run: DemoRun) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        with run.lock:
            run.output.append(line)


def _get(url: str) -> tuple[float, int, bytes]:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as resp:  # noqa: S310 (loopback)
            body = resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    except OSError:
        body, status = b"", 0
    return time.perf_counter() - t0, status, body


def _occupied(body: bytes) -> frozenset[str] | None:
    try:
        live = json.loads(body)
    except ValueError:
        return None
    return frozenset(d["desk"] for d in live.get("desks", ()) if d.get("state") == "occupied")


def _watch_live(url: str, t0: float, stop: threading.Event, out: list[float]) -> None:
    """Append the seconds after ``t0`` at which the live page first showed another set of
    occupied desks (polled every 0.5 s, as often as a browser tab would at most)."""
    seen: frozenset[str] | None = None
    while not stop.is_set() and not out:
        occ = _occupied(_get(url)[2])
        if seen is not None and occ is not None and occ != seen:
            out.append(time.monotonic() - t0)
        seen = occ if occ is not None else seen
        stop.wait(0.5)


def one_run(backfill_days: int, burners: int) -> dict[str, Any]:
    registry = load_registry(DEMO_REGISTRY)
    live_route = f"/api/hubs/{busiest_hub(registry)}/live"
    port = free_port()
    burn = [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(burners)]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "launch.cli",
            "demo",
            "--port",
            str(port),
            "--backfill-days",
            str(backfill_days),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    run = DemoRun()
    threading.Thread(target=_reader, args=(proc, run), daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    try:
        t_start = time.monotonic()
        while not run.has("Ctrl-C stops"):
            if proc.poll() is not None or time.monotonic() - t_start > 600:
                raise RuntimeError(f"the demo printed no banner:\n{run.text()[-3000:]}")
            time.sleep(0.05)
        t_banner = time.monotonic()
        routes = demo_routes(registry, *banner_period(run.text()))
        times: dict[str, list[float]] = {r: [] for r in routes}
        statuses: dict[str, set[int]] = {r: set() for r in routes}
        changes: list[float] = []
        watching = threading.Event()
        watcher = threading.Thread(
            target=_watch_live, args=(base + live_route, t_banner, watching, changes), daemon=True
        )
        watcher.start()
        loading = True
        rounds = 0
        while True:
            for route in routes:
                took, status, _body = _get(base + route)
                times[route].append(took)
                statuses[route].add(status)
            rounds += 1
            log(
                f"demo: round {rounds} at {time.monotonic() - t_banner:.0f} s, slowest "
                f"{max(ts[-1] for ts in times.values()):.2f} s, history "
                f"{'loading' if loading else 'loaded'}"
            )
            if not loading:
                break
            loading = not run.has("history loaded")
            if loading and time.monotonic() - t_banner > HISTORY_TIMEOUT_S:
                log(f"demo: history still loading after {HISTORY_TIMEOUT_S:.0f} s; stopping")
                break
        history_s = _history_seconds(run.text())
        watcher.join(max(0.0, 120 - (time.monotonic() - t_banner)))
        watching.set()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for b in burn:
            b.kill()
            b.wait()
    lines = run.text().splitlines()
    every = [t for ts in times.values() for t in ts]
    slowest = sorted(((max(ts), r) for r, ts in times.items() if ts), reverse=True)[:5]
    return {
        "backfill_days": backfill_days,
        "burners": burners,
        "rounds": rounds,
        "requests": len(every),
        "all_s": summary(every, 3),
        "p99_s": round(percentile(every, 99), 3),
        "max_s": round(max(every), 3),
        "over_target": sum(t > TARGET_S for t in every),
        "slowest": [[r, round(t, 3)] for t, r in slowest],
        "per_route_p99_s": {r: round(percentile(ts, 99), 3) for r, ts in times.items() if ts},
        "not_200": {r: sorted(s - {200}) for r, s in statuses.items() if s - {200}},
        "history_s": history_s,
        "first_live_change_s": round(changes[0], 1) if changes else None,
        "exit_code": proc.returncode,
        "counts": [ln for ln in lines if ln.startswith(("history:", "live:", "the store"))],
        "warnings": [ln for ln in lines if " WARNING " in ln][:10],
        "errors": [ln for ln in lines if " ERROR " in ln or "Traceback" in ln][:10],
    }


def _history_seconds(text: str) -> float | None:
    m = re.search(r"history loaded: .* in (\d+) s", text)
    return float(m.group(1)) if m else None


def run(quick: bool = False) -> dict[str, Any]:
    days = 5 if quick else 35
    runs = []
    for burners in (0, 2):
        log(f"demo: {days} days of history, {burners} CPU burners")
        runs.append(one_run(days, burners))
        log(f"demo: {json.dumps(runs[-1], ensure_ascii=False)[:600]}")
    return {"target": f"every route < {TARGET_S:g} s (p99) from the banner", "runs": runs}


if __name__ == "__main__":
    days = int(sys.argv[1]) if len(sys.argv) > 1 else 35
    burners = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    result = one_run(days, burners)
    print(json.dumps(result, indent=1, ensure_ascii=False))
