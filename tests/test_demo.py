"""`hubsense demo` as a user runs it: embedded broker and store, no servers installed."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from hubsense.devservers import free_port
from tests.helpers import PATIENCE_S

pytestmark = pytest.mark.dated

HUB = "ostersund-centrum"


def get_json(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 (loopback)
            return json.loads(resp.read())
    except OSError:
        return None


def test_demo_serves_live_states_that_change(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "launch.cli", "demo", "--port", str(port), "--speed", "600",
         "--backfill-days", "1", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    seen: list[frozenset[str]] = []
    try:
        deadline = time.monotonic() + 3 * PATIENCE_S  # the demo starts slowly on a busy machine
        while time.monotonic() < deadline:
            live = get_json(f"http://127.0.0.1:{port}/api/hubs/{HUB}/live")
            if live is not None:
                occupied = frozenset(d["desk"] for d in live["desks"] if d["state"] == "occupied")
                if not seen or seen[-1] != occupied:
                    seen.append(occupied)
                if len(seen) >= 3:
                    break
            time.sleep(0.5)
        ready = get_json(f"http://127.0.0.1:{port}/api/ready")
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=30)
    assert len(seen) >= 3, f"live states did not change: {seen}\n{output[-3000:]}"
    assert ready is not None and ready["status"] == "ready"
    assert proc.returncode == 0, output[-3000:]
    assert "hubsense demo stopped." in output
    assert "Traceback" not in output, output[-3000:]
