"""A collector thread that fails ends the process (non-zero status, traceback in the log)
instead of leaving it alive and doing nothing; a restart then stores what was left.

The collector runs as the process Docker runs, against a real Mosquitto, with a fault
injected (tests/faults/faulty.py). How long the exit took is printed (``-s``), not
asserted against a deadline (tests/helpers.py: PATIENCE_S).
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hubsense.store.sqlite import SqliteStore
from tests.faults.faulty import POISON
from tests.faults.test_shutdown_and_recovery import collector, stop
from tests.helpers import PATIENCE_S, publish, series, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.dated]

TOPIC = "hubs/berg/svenstavik/a01/presence"


def faulty(kind: str, env_extra: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = log.open("ab")
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.faults.faulty", kind],
            env={**collector_env_base(), **env_extra},
            stdout=out,
            stderr=out,
        )
    finally:
        out.close()


def collector_env_base() -> dict[str, str]:
    import os

    return {**os.environ, "HUBSENSE_BATCH_SIZE": "500", "HUBSENSE_COLLECTOR_STATS_FILE": ""}


def storing(url: str, store: SqliteStore, start: datetime) -> None:
    """Publish one message until it is stored: the collector is subscribed and storing."""
    probe = series(start, 1, desks=["b01"])
    wait_for(lambda: publish(url, probe) > 0 and store.count_events() > 0,
             what="the collector stores")  # fmt: skip


@pytest.fixture
def env(mosquitto, tmp_path: Path) -> dict[str, str]:
    return {
        "HUBSENSE_MQTT_URL": mosquitto.url,
        "HUBSENSE_STORE": "sqlite",
        "HUBSENSE_SQLITE_PATH": str(tmp_path / "store.sqlite3"),
        "HUBSENSE_SPOOL_PATH": str(tmp_path / "spool.sqlite3"),
        "HUBSENSE_MQTT_CLIENT_ID": f"fatal-{tmp_path.name}"[:60],
    }


@pytest.mark.parametrize("kind", ["worker", "mqtt"])
def test_a_fault_in_a_collector_thread_ends_the_process_and_a_restart_stores_the_rest(
    kind: str, mosquitto, env: dict[str, str], tmp_path: Path
) -> None:
    store = SqliteStore(env["HUBSENSE_SQLITE_PATH"])
    store.open()
    log = tmp_path / "collector.log"
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    before = series(start, 50, desks=["a01"])
    after = series(start + timedelta(minutes=5), 50, desks=["a02"])
    proc = faulty(kind, env, log)
    try:
        storing(mosquitto.url, store, start - timedelta(minutes=1))
        publish(mosquitto.url, [*before, (TOPIC, POISON), *after])
        sent = time.monotonic()
        code = proc.wait(PATIENCE_S)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    text = log.read_text(errors="replace")
    print(f"fault in the {kind} thread → process ended in {took:.2f} s, status {code}")
    assert code == 1, text[-3000:]
    assert "Traceback" in text and "fault injected" in text, text[-3000:]
    assert "collector stopped" in text and "after a failure" in text, text[-3000:]
    # what was in hand before the fault is stored (and acknowledged, or redelivered)
    assert store.count_events() >= 1 + len(before)

    # started again without the fault: the rest is redelivered and stored, the poison
    # message is what it always was, an invalid payload (rejected, counted, stored)
    proc = collector(env, log)
    try:
        wait_for(lambda: store.count_events() == 1 + len(before) + len(after),
                 what="the rest stored after the restart")  # fmt: skip
        wait_for(lambda: store.rejection_counts().get("bad_json") == 1,
                 what="the poison message rejected")  # fmt: skip
        assert stop(proc) >= 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, log.read_text(errors="replace")[-3000:]
    store.close()


def test_a_failing_stats_writer_ends_the_process(env: dict[str, str], tmp_path: Path) -> None:
    log = tmp_path / "collector.log"
    stats = {"HUBSENSE_COLLECTOR_STATS_FILE": str(tmp_path / "stats.json")}
    proc = faulty("stats", {**env, **stats}, log)
    try:
        code = proc.wait(PATIENCE_S)
    finally:
        if proc.poll() is None:
            proc.kill()
    text = log.read_text(errors="replace")
    assert code == 1, text[-3000:]
    assert "stats thread failed" in text and "TypeError: fault injected" in text, text[-3000:]
    assert "collector stopped (all flushed) after a failure" in text, text[-3000:]
