"""Shared benchmark plumbing: machine facts, statistics, servers, subprocesses, profiles."""

from __future__ import annotations

import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from hubsense.devservers import Influxd, Mosquitto
from hubsense.store.influx import InfluxStore

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"


# --- machine ------------------------------------------------------------------------------


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _first_line(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else "unknown"


def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = psutil.virtual_memory().total
    import paho.mqtt

    versions = {
        "python": platform.python_version(),
        "mosquitto": _first_line(["mosquitto", "-h"]).replace("mosquitto version ", ""),
        "influxd": _first_line(["influxd", "version"]),
        "wrk": _first_line(["wrk", "--version"]) if shutil.which("wrk") else "not installed",
        "paho-mqtt": paho.mqtt.__version__,
    }
    for mod in ("fastapi", "uvicorn", "httpx", "pydantic"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:  # noqa: BLE001 - only for the record
            versions[mod] = "?"
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(mem / 2**30, 1),
        "cpu_model": model,
        "kernel": platform.release(),
        "versions": versions,
    }


# --- statistics ---------------------------------------------------------------------------


def summary(values: Sequence[float], digits: int = 1) -> dict[str, Any]:
    """min/median/max over repeated runs (and n)."""
    vals = [float(v) for v in values]
    if not vals:
        return {"n": 0}
    return {
        "min": round(min(vals), digits),
        "median": round(statistics.median(vals), digits),
        "max": round(max(vals), digits),
        "n": len(vals),
    }


def fmt(s: dict[str, Any], unit: str = "") -> str:
    if not s or not s.get("n"):
        return "—"
    u = f" {unit}" if unit else ""
    if s["n"] == 1:
        return f"{s['median']:g}{u} (1 run)"
    return f"{s['median']:g}{u} (min {s['min']:g}, max {s['max']:g}, n={s['n']})"


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    vals = sorted(values)
    if not vals:
        return float("nan")
    k = max(0, min(len(vals) - 1, int(-(-p * len(vals) // 100)) - 1))
    return vals[k]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')} load {' '.join(map(str, loadavg()))}] {msg}", flush=True)


# --- servers --------------------------------------------------------------------------------


@dataclass
class Servers:
    """A private Mosquitto (logging connections and subscriptions) and InfluxDB 1.x."""

    mosquitto: Mosquitto = field(
        default_factory=lambda: Mosquitto(
            extra_conf="log_type subscribe\nconnection_messages true\n"
        )
    )
    influxd: Influxd = field(default_factory=Influxd)

    def __enter__(self) -> Servers:
        self.mosquitto.start()
        try:
            self.influxd.start()
        except BaseException:
            self.mosquitto.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.influxd.close()
        self.mosquitto.close()

    def store(self, db: str) -> InfluxStore:
        s = InfluxStore(self.influxd.url, db, timeout_s=60)
        s.open()
        return s

    def mosquitto_log(self) -> str:
        return self.mosquitto.log.read_text(errors="replace")

    def wait_log(self, needle: str, timeout: float = 30.0, after: int = 0) -> float:
        """Wait until ``needle`` appears in Mosquitto's log past offset ``after``; returns the
        monotonic time it was seen (polled every 10 ms)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.mosquitto_log()[after:]:
                return time.monotonic()
            time.sleep(0.01)
        raise TimeoutError(f"{needle!r} not in Mosquitto's log after {timeout}s")


def drop_session(mqtt_url: str, client_id: str, protocol: str = "5") -> None:
    """Discard the broker's persistent session of ``client_id`` (connect with a clean start
    and no session expiry, then disconnect), so later benchmark messages are not also
    queued for a client that will never come back."""
    import threading

    from hubsense.mqtt import new_client, parse_mqtt_url

    addr = parse_mqtt_url(mqtt_url)
    client = new_client(addr, client_id, protocol=protocol, persistent=False)
    done = threading.Event()
    client.on_connect = lambda *a: done.set()
    if protocol == "5":
        client.connect(addr.host, addr.port, keepalive=10, clean_start=True)
    else:
        client.connect(addr.host, addr.port, keepalive=10)
    client.loop_start()
    try:
        if not done.wait(10):
            raise TimeoutError(f"could not connect as {client_id} to drop its session")
    finally:
        client.disconnect()
        client.loop_stop()


def server_pids(servers: Servers) -> dict[str, int]:
    out = {}
    for name, srv in (("mosquitto", servers.mosquitto), ("influxd", servers.influxd)):
        if srv.proc is not None:
            out[name] = srv.proc.pid
    return out


# --- processes ------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    t = psutil.Process(pid).cpu_times()
    return t.user + t.system


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the process's peak resident set size so far."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def collector_env(
    servers: Servers,
    *,
    db: str,
    client_id: str,
    registry: Path,
    workdir: Path,
    **settings: Any,
) -> dict[str, str]:
    env = {
        **os.environ,
        "HUBSENSE_MQTT_URL": servers.mosquitto.url,
        "HUBSENSE_STORE": "influxdb",
        "HUBSENSE_INFLUX_URL": servers.influxd.url,
        "HUBSENSE_INFLUX_DATABASE": db,
        "HUBSENSE_MQTT_CLIENT_ID": client_id,
        "HUBSENSE_REGISTRY": str(registry),
        "HUBSENSE_SPOOL_PATH": str(workdir / f"spool-{client_id}.sqlite3"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("HUBSENSE_CONFIG", None)
    for k, v in settings.items():
        env[f"HUBSENSE_{k.upper()}"] = str(v)
    return env


def start_collector(
    env: dict[str, str], logfile: Path, *, trace: tuple[Path, float] | None = None
) -> subprocess.Popen:
    """``python -m launch.cli collector`` as a subprocess, output to ``logfile``; with
    ``trace`` (directory, seconds) under tracemalloc (``benchmarks.traced``)."""
    runner = ["benchmarks.traced", str(trace[0]), str(trace[1])] if trace else ["launch.cli"]
    with open(logfile, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", *runner, "--log-level", "WARNING", "collector"],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop_process(proc: subprocess.Popen, timeout: float = 30.0) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def wait_until(
    check: Callable[[], bool], timeout: float, interval: float = 0.1, what: str = "condition"
) -> float:
    """Poll ``check`` until true; returns the monotonic time it became true."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return time.monotonic()
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached in {timeout}s")
        time.sleep(interval)


# --- profiles -------------------------------------------------------------------------------


def pyspy_available() -> bool:
    return shutil.which("py-spy") is not None


def start_profile(pid: int, seconds: float, out: Path) -> subprocess.Popen | None:
    """``py-spy record -f raw --threads`` on ``pid`` for ``seconds`` (None if no py-spy)."""
    if not pyspy_available():
        return None
    return subprocess.Popen(
        [
            "py-spy",
            "record",
            "-f",
            "raw",
            "--threads",
            "--pid",
            str(pid),
            "-d",
            str(int(max(1, seconds))),
            "-r",
            "100",
            "-o",
            str(out),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


_FRAME = re.compile(r"^(?P<func>.+?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def _short(frame: str) -> str:
    """``func (path/file.py:12)`` → ``func (pkg/file.py:12)`` with the path shortened."""
    m = _FRAME.match(frame.strip())
    if not m:
        return frame.strip()
    path = m.group("file")
    for marker in ("site-packages/", "/lib/python3.11/", str(REPO) + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    line = m.group("line")
    return f"{m.group('func')} ({path}{':' + line if line else ''})"


def _no_line(frame: str) -> str:
    return re.sub(r":\d+\)$", ")", frame)


# Leaf frames of a thread that waits (py-spy samples blocked threads too): left out of the
# percentages, counted as "waiting".
_WAITS = (
    "Condition.wait ",
    "Event.wait ",
    "Thread.join ",
    "select (",
    "poll (",
    "sleep (",
    "_wait_for_tstate_lock ",
    "Queue.get ",
)


def summarise_profile(raw: Path, top: int = 15) -> dict[str, Any]:
    """Top self (leaf) and inclusive functions of a py-spy raw (collapsed) profile, as
    percentages of the samples in which the thread was not waiting (a leaf frame like
    ``Condition.wait`` or ``select``); the waiting share is given separately."""
    if not raw.exists():
        return {"error": "no profile written"}
    self_c: Counter[str] = Counter()
    incl: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    total = 0
    waiting = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        thread = frames[0]
        frames = [_short(f) for f in frames[1:]] or ["(idle)"]
        if frames[-1].startswith(_WAITS):
            waiting += n
            continue
        total += n
        threads[re.sub(r"\s*\(?\d{3,}\)?", "", thread).strip() or thread] += n
        self_c[_no_line(frames[-1])] += n
        for f in {_no_line(f) for f in frames}:
            incl[f] += n
    if not total:
        return {"error": "no samples"}

    def pct(c: Counter[str], k: int = top) -> list[list[Any]]:
        return [[name, round(100 * n / total, 1)] for name, n in c.most_common(k)]

    return {
        "samples": total,
        "waiting_samples": waiting,
        "threads": pct(threads),
        "self": pct(self_c),
        "inclusive": pct(incl, top + 25),
    }


# Frames every sample passes through (thread start, runpy, the event loop's run, the CLI's
# main): left out of the inclusive list, which is about where the time goes.
_GENERIC = (
    "(threading.py)",
    "(<frozen runpy>)",
    "(asyncio/runners.py)",
    "(uvicorn/main.py)",
    "(uvicorn/server.py)",
    "(uvicorn/_compat.py)",
    "(launch/cli.py)",
    "(benchmarks/run.py)",
    "Client._thread_main ",
    "Client.loop_forever ",
    "Client._loop ",
    "(anyio/_backends/_asyncio.py)",
    "_run_sync_endpoint ",
)


def profile_lines(prof: dict[str, Any], n: int = 10) -> list[str]:
    if "error" in prof:
        return [f"(profile: {prof['error']})"]
    out = [
        f"{prof['samples']} samples at 100 Hz, all threads, not counting "
        f"{prof.get('waiting_samples', 0)} samples of threads waiting (Condition.wait, select…)"
    ]
    out.append("threads: " + ", ".join(f"{t} {p}%" for t, p in prof["threads"]))
    out.append("self (leaf) time:")
    out += [f"  {p:5.1f}%  {name}" for name, p in prof["self"][:n]]
    out.append("inclusive time (thread start-up, runpy and event-loop frames left out):")
    inclusive = [(name, p) for name, p in prof["inclusive"] if not any(g in name for g in _GENERIC)]
    out += [f"  {p:5.1f}%  {name}" for name, p in inclusive[:n]]
    return out


# --- the API --------------------------------------------------------------------------------


def viewer_key(keys_file: Path) -> str | None:
    """A new viewer key in ``keys_file`` via ``hubsense keys add``; None if that fails."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "launch.cli",
            "keys",
            "add",
            "bench",
            "--role",
            "viewer",
            "--file",
            str(keys_file),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    key = out.stdout.strip().splitlines()[-1] if out.returncode == 0 and out.stdout.strip() else ""
    return key or None


@dataclass
class Api:
    proc: subprocess.Popen
    url: str
    headers: dict[str, str]
    auth: str


def start_api(
    *,
    registry: Path,
    workdir: Path,
    name: str,
    store_env: dict[str, str],
    timeout: float = 60.0,
    auth: bool = True,
) -> Api:
    """``python -m launch.cli api`` (uvicorn, one process) on a free loopback port, with
    a viewer API key (auth on, as in production) or, if keys cannot be made or ``auth`` is
    False, auth off."""
    import httpx

    from hubsense.devservers import free_port

    port = free_port()
    keys_file = workdir / f"keys-{name}.toml"
    key = viewer_key(keys_file) if auth else None
    env = {
        **os.environ,
        "HUBSENSE_REGISTRY": str(registry),
        "HUBSENSE_API_HOST": "127.0.0.1",
        "HUBSENSE_API_PORT": str(port),
        **store_env,
    }
    env.pop("HUBSENSE_CONFIG", None)
    if key:
        env["HUBSENSE_AUTH_ENABLED"] = "true"
        env["HUBSENSE_API_KEYS_FILE"] = str(keys_file)
        headers, said = {"Authorization": f"Bearer {key}"}, "on (viewer API key)"
    else:
        env["HUBSENSE_AUTH_ENABLED"] = "false"
        headers, said = {}, "off" if not auth else "off (could not create a key)"
    with open(workdir / f"api-{name}.log", "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "launch.cli", "--log-level", "WARNING", "api"],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"API exited: {(workdir / f'api-{name}.log').read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/api/registry", headers=headers, timeout=2).status_code == 200:
                return Api(proc, url, headers, said)
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            stop_process(proc)
            raise TimeoutError("API did not answer")
        time.sleep(0.2)
