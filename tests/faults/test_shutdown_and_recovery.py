"""Stopping and recovering promptly, with the collector as the process Docker runs:
SIGTERM during a large rollup recompute ends the process with the pass interrupted and
its days kept for the next start; a store that is down at start does not hold up MQTT
(with a spool); storing begins as soon as the store answers again.

Times are printed (``-s``) rather than asserted against a deadline: on a busy machine a
deadline would make the suite red for the machine, not for the code. What is asserted is
the behaviour that makes them short: the pass stops between chunks, the backoff is cut
short by a ping (tests/collector/test_sink.py proves the one-second step).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from collector.spool import Spool
from hubsense.calendar import day_bounds
from hubsense.registry import Registry
from hubsense.store.sqlite import SqliteStore
from tests.faults.test_faults import influx
from tests.helpers import PATIENCE_S, publish, series, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.dated]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MARKED_DAYS = 300


def collector(env_extra: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HUBSENSE_BATCH_SIZE": "500",
        "HUBSENSE_ROLLUP_REFRESH_S": "1",
        "HUBSENSE_COLLECTOR_STATS_FILE": "",
        **env_extra,
    }
    out = log.open("ab")
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "launch.cli", "collector"], env=env, stdout=out, stderr=out
        )
    finally:
        out.close()


def stop(proc: subprocess.Popen[bytes]) -> float:
    """SIGTERM; seconds until the process ended."""
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(PATIENCE_S)
    return time.monotonic() - t0


def rollup_days(store: SqliteStore, registry: Registry, hub_id: str, first: date, end: date) -> int:
    hub = registry.hubs[hub_id]
    lo, hi = day_bounds(hub, first)[0], day_bounds(hub, end)[0]
    return len({r.day for r in store.desk_day_rollups(hub_id, lo, hi)})


def test_sigterm_during_a_large_recompute_stops_it_and_the_next_start_resumes(
    registry: Registry, mosquitto, tmp_path: Path
) -> None:
    today = datetime.now(STOCKHOLM).date()
    first, end = today - timedelta(days=MARKED_DAYS + 5), today - timedelta(days=5)
    days = [first + timedelta(days=i) for i in range(MARKED_DAYS)]
    spool_path = tmp_path / "spool.sqlite3"
    spool = Spool(spool_path, 10**9)
    # what a collector stopped during a pass leaves: every hub's days still to recompute
    spool.save_marks({hub: days for hub in registry.hubs})
    spool.close()
    db = tmp_path / "store.sqlite3"
    store = SqliteStore(db)
    store.open()
    env = {
        "HUBSENSE_MQTT_URL": mosquitto.url,
        "HUBSENSE_STORE": "sqlite",
        "HUBSENSE_SQLITE_PATH": str(db),
        "HUBSENSE_SPOOL_PATH": str(spool_path),
        "HUBSENSE_MQTT_CLIENT_ID": f"recompute-{tmp_path.name}"[:60],
    }
    log = tmp_path / "collector.log"
    hubs = sorted(registry.hubs)
    proc = collector(env, log)
    try:
        wait_for(
            lambda: rollup_days(store, registry, hubs[0], first, end) > 0,
            what="the rollup pass has begun",
        )
        took = stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    text = log.read_text(errors="replace")
    print(f"SIGTERM during a recompute of {len(hubs)} hubs × {MARKED_DAYS} days: {took:.2f} s")
    assert proc.returncode == 0, text[-3000:]
    assert f"resuming rollups of {len(hubs) * MARKED_DAYS} hub-days" in text
    assert "stopped, the rest stays marked" in text, text[-3000:]
    left = Spool(spool_path, 10**9)
    remaining = left.marks()
    left.close()
    # interrupted: the last hub was not reached, and what was not done is kept
    assert remaining and sum(len(d) for d in remaining.values()) < len(hubs) * MARKED_DAYS
    assert remaining.get(hubs[-1]) == days
    assert rollup_days(store, registry, hubs[-1], first, end) == 0

    # the next start recomputes what was left, then has nothing left to keep
    proc = collector(env, log)
    try:
        wait_for(
            lambda: rollup_days(store, registry, hubs[-1], first, end) == MARKED_DAYS,
            timeout=10 * PATIENCE_S,
            what="the rest recomputed after the restart",
        )
        stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    after = Spool(spool_path, 10**9)
    assert after.marks() == {}
    after.close()
    for hub in hubs:
        assert rollup_days(store, registry, hub, first, end) == MARKED_DAYS, hub
    store.close()


def test_store_down_at_start_connects_spools_and_stores_when_it_answers(
    registry: Registry,
    mosquitto,
    own_influxd,
    tmp_path: Path,
) -> None:
    url = own_influxd.url
    own_influxd.stop()
    spool_path = tmp_path / "spool.sqlite3"
    env = {
        "HUBSENSE_MQTT_URL": mosquitto.url,
        "HUBSENSE_STORE": "influxdb",
        "HUBSENSE_INFLUX_URL": url,
        "HUBSENSE_INFLUX_DATABASE": "startdown",
        "HUBSENSE_SPOOL_PATH": str(spool_path),
        "HUBSENSE_RETRY_MAX_S": "30",
        "HUBSENSE_MQTT_CLIENT_ID": f"startdown-{tmp_path.name}"[:60],
    }
    log = tmp_path / "collector.log"
    t0 = datetime.now(STOCKHOLM) - timedelta(hours=1)
    proc = collector(env, log)
    try:
        client = env["HUBSENSE_MQTT_CLIENT_ID"]
        wait_for(lambda: client in mosquitto.log.read_text("utf-8", "replace"),
                 what="the collector's MQTT session although the store is down")  # fmt: skip
        publish(mosquitto.url, series(t0, 200, desks=["a01"]))

        def spooled() -> int:
            s = Spool(spool_path, 10**9)
            try:
                return len(s)
            finally:
                s.close()

        wait_for(lambda: spooled() == 200, what="acknowledged into the spool")
        stop(proc)
        assert proc.returncode == 0
        # started again, still without a store: it says what the spool holds
        proc = collector(env, log)
        wait_for(lambda: "spool " in log.read_text(errors="replace")
                 and "holds 200 items" in log.read_text(errors="replace"))  # fmt: skip
        publish(mosquitto.url, series(t0 + timedelta(minutes=30), 100, desks=["a02"]))
        wait_for(lambda: spooled() == 300, what="spooled after the restart")
        time.sleep(5)  # let the open-store probe back off for a while
        own_influxd.start()
        back = time.monotonic()
        store = influx(own_influxd, "startdown")
        wait_for(lambda: store.count_events() == 300, what="the spool drained")
        print(f"store answering → spool of 300 stored: {time.monotonic() - back:.2f} s")
        wait_for(lambda: spooled() == 0)
        stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    text = log.read_text(errors="replace")
    assert proc.returncode == 0, text[-3000:]
    assert "starting anyway, spooling to disk" in text
    assert "draining the spool" in text
    assert text.count("store not ready") <= 4, text[-3000:]  # not one line per probe
    store.close()
