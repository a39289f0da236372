"""`hubsense demo` as a user runs it: embedded broker and store, no servers installed.

The pages and the API answer while the history loads (in its own process), desks change on
the live page, and at exit the demo prints what it published and stored (equal), logs no
warning and removes its temp folder; with ``--keep`` the folder stays and the banner's
report commands read it."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from hubsense.devservers import free_port
from hubsense.registry import load_registry
from launch.demo import DEMO_REGISTRY, banner_period, busiest_hub, demo_routes
from tests.helpers import PATIENCE_S

pytestmark = pytest.mark.dated

LOG_PROBLEM = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (WARNING|ERROR|CRITICAL) ", re.M)
COUNTS = re.compile(
    r"^(history|live): (\d+) messages published, (\d+) events stored, (\d+) rejected, "
    r"(\d+) duplicates",
    re.M,
)


class Demo:
    """A ``hubsense demo`` subprocess whose output is collected as it comes."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        self.port = free_port()
        env = {**os.environ, "TMPDIR": str(tmp_path)}  # its temp folder goes under tmp_path
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "launch.cli", "demo", "--port", str(self.port), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self._lines)

    def wait_for(self, needle: str, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while needle not in self.output:
            assert self.proc.poll() is None, f"demo exited:\n{self.output[-3000:]}"
            assert time.monotonic() < deadline, f"no {needle!r}:\n{self.output[-3000:]}"
            time.sleep(0.1)

    def get(self, route: str) -> tuple[int, bytes]:
        url = f"http://127.0.0.1:{self.port}{route}"
        try:
            with urllib.request.urlopen(url, timeout=PATIENCE_S) as resp:  # noqa: S310
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        self.proc.wait(3 * PATIENCE_S)
        self._reader.join(PATIENCE_S)
        return self.output


def occupied(body: bytes) -> frozenset[str]:
    return frozenset(d["desk"] for d in json.loads(body)["desks"] if d["state"] == "occupied")


def assert_counts_agree(output: str) -> dict[str, tuple[int, int]]:
    found = {m[1]: (int(m[2]), int(m[3])) for m in COUNTS.finditer(output)}
    assert set(found) == {"history", "live"}, output[-3000:]
    for what, (published, stored) in found.items():
        assert published == stored, (what, output[-3000:])
    held = re.search(r"^the store holds (\d+) events", output, re.M)
    assert held is not None, output[-3000:]
    assert int(held[1]) == found["history"][1] + found["live"][1]
    return found


def test_demo_answers_while_history_loads_counts_and_cleans_up(tmp_path):
    demo = Demo(tmp_path, "--backfill-days", "20")
    registry = load_registry(DEMO_REGISTRY)
    live_route = f"/api/hubs/{busiest_hub(registry)}/live"
    try:
        demo.wait_for("Ctrl-C stops", 3 * PATIENCE_S)  # the banner: pages answer from now on
        routes = demo_routes(registry, *banner_period(demo.output))
        statuses: dict[str, set[int]] = {r: set() for r in routes}
        rounds_while_loading = 0
        states: list[frozenset[str]] = []
        deadline = time.monotonic() + 6 * PATIENCE_S
        while rounds_while_loading < 1 or len(states) < 2:
            assert time.monotonic() < deadline, (rounds_while_loading, states)
            loading = "history loaded" not in demo.output
            for route in routes:
                status, body = demo.get(route)
                statuses[route].add(status)
                if route == live_route and status == 200:
                    now = occupied(body)
                    if not states or states[-1] != now:
                        states.append(now)
            if loading and "history loaded" not in demo.output:
                rounds_while_loading += 1  # a whole round asked while the history loaded
    finally:
        output = demo.stop()
    assert rounds_while_loading >= 1, "history loaded before one round of pages: raise days"
    assert {r: s for r, s in statuses.items() if s != {200}} == {}
    assert demo.proc.returncode == 0, output[-3000:]
    assert_counts_agree(output)
    assert "Traceback" not in output, output[-3000:]
    assert LOG_PROBLEM.findall(output) == [], output[-3000:]
    removed = re.search(r"^removed (\S+)$", output, re.M)
    assert removed is not None, output[-3000:]
    assert not Path(removed[1]).exists()
    assert not list(tmp_path.glob("hubsense-demo-*"))
    assert "hubsense demo stopped." in output


def test_demo_keep_leaves_a_store_that_the_banners_commands_read(tmp_path):
    demo = Demo(tmp_path, "--backfill-days", "3", "--keep")
    try:
        demo.wait_for("history loaded", 6 * PATIENCE_S)
        status, _ = demo.get("/api/ready")
    finally:
        output = demo.stop()
    assert status == 200
    assert demo.proc.returncode == 0, output[-3000:]
    history, live = assert_counts_agree(output).values()
    assert history[1] > 0 and live[0] >= 0
    kept = re.search(r"^kept (\S+)$", output, re.M)
    assert kept is not None, output[-3000:]
    assert (Path(kept[1]) / "hubsense-demo.sqlite3").is_file()
    commands = [ln.strip() for ln in output.splitlines() if " hubsense " in ln and "--from" in ln]
    assert len(commands) == 2, output[-3000:]
    # the inherited PYTHONPATH first: under scripts/test --as-of it carries the clock shift's
    # sitecustomize, so the commands see the demo's "today"
    inherited = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*inherited, *sys.path])}
    runner = f"{shlex.quote(sys.executable)} -m launch.cli "

    def run(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command.replace(" hubsense ", f" {runner}"),
            shell=True,
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=3 * PATIENCE_S,
        )

    report = run(commands[0])
    assert report.returncode == 0, report.stderr
    assert "no sensor data" not in report.stderr
    assert re.search(r"Nyttjandegraden var \d+,\d\s%", report.stdout), report.stdout[:2000]
    planning = run(commands[1])
    assert planning.returncode == 0, planning.stderr
    assert (tmp_path / "planning.xlsx").stat().st_size > 0
