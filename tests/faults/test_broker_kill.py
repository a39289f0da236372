"""Mosquitto killed with SIGKILL, with the deployment's persistence settings: what the
broker acknowledged to sensors (PUBACK) more than ``autosave_interval`` seconds before the
kill survives in its queue for the stopped collector and is stored after the restart; only
the last ``autosave_interval`` seconds are at risk (measured and printed with ``-s``)."""

from __future__ import annotations

import getpass
import re
import signal
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from collector import Collector
from hubsense.devservers import Mosquitto, ServerMissing
from hubsense.registry import Registry
from hubsense.store.sqlite import SqliteStore
from tests.conftest import _missing
from tests.faults.test_faults import settings
from tests.helpers import PATIENCE_S, publish, series, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.dated]

DEPLOY_CONF = Path(__file__).resolve().parents[2] / "deploy" / "mosquitto" / "mosquitto.conf"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def autosave_interval_s() -> int:
    m = re.search(r"^autosave_interval\s+(\d+)\s*$", DEPLOY_CONF.read_text(), re.MULTILINE)
    assert m, "the deployment's Mosquitto configuration sets autosave_interval"
    return int(m.group(1))


def deploy_broker(workdir: Path) -> Mosquitto:
    """Mosquitto with the deployment's configuration, on a free port in a temp dir."""
    server = Mosquitto(workdir=workdir)
    workdir.mkdir()
    text = DEPLOY_CONF.read_text()
    text = re.sub(r"^listener .*$", f"listener {server.port} 127.0.0.1", text, flags=re.M)
    text = re.sub(r"^persistence_location .*$", f"persistence_location {workdir}/", text,
                  flags=re.M)  # fmt: skip

    conf = workdir / "deploy.conf"
    conf.write_text(f"user {getpass.getuser()}\n{text}")
    server.conf_file = conf
    return server


def test_broker_sigkill_loses_at_most_the_autosave_window(
    registry: Registry, sqlite_store: SqliteStore, tmp_path: Path
) -> None:
    interval = autosave_interval_s()
    assert interval <= 5
    broker = deploy_broker(tmp_path / "broker")
    try:
        broker.start()
    except ServerMissing as exc:
        _missing(exc)
    try:
        cfg = settings(broker, tmp_path, store="sqlite")
        collector = Collector(cfg, registry, sqlite_store)
        collector.start()
        assert collector.wait_until_subscribed(PATIENCE_S)
        collector.stop()  # away: its persistent session queues at the broker
        db = tmp_path / "broker" / "mosquitto.db"
        t0 = datetime.now(STOCKHOLM) - timedelta(hours=2)
        # the file system's clock, as the database's mtime is (the test process's clock may
        # be moved: scripts/test --as-of)
        marker = tmp_path / "published"
        marker.touch()
        published_at = marker.stat().st_mtime
        saved = publish(broker.url, series(t0, 500, desks=["a01"]))
        # wait for a save that comes after every PUBACK of the first batch
        wait_for(lambda: db.exists() and db.stat().st_mtime > published_at + 0.01,
                 what="the broker's autosave")  # fmt: skip
        time.sleep(0.2)
        at_risk = publish(broker.url, series(t0 + timedelta(hours=1), 200, desks=["a02"]))
        broker.stop(signal.SIGKILL)
        broker.start()
        again = Collector(cfg, registry, sqlite_store)
        again.start()
        try:
            wait_for(lambda: sqlite_store.count_events() >= saved,
                     what="the saved queue delivered after the kill")  # fmt: skip
            time.sleep(2)  # anything else still queued arrives meanwhile
        finally:
            again.stop()
        stored = sqlite_store.count_events()
        lo = int((t0 - timedelta(hours=1)).timestamp()) * 10**9
        first_batch = sqlite_store.timeline("svenstavik", "a01", lo, lo + 4 * 3600 * 10**9)
        print(
            f"broker SIGKILL, autosave_interval {interval} s: {saved} acknowledged before the "
            f"last save, all stored; {stored - saved} of {at_risk} acknowledged after it kept"
        )
        assert saved == 500 and at_risk == 200
        assert saved <= stored <= saved + at_risk
        assert len(first_batch) == saved  # every message acknowledged before the save
    finally:
        broker.close()
