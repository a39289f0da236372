"""The collector against a real Mosquitto: exact counts, persistent session, ack after store."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import threading
from datetime import UTC, datetime, timedelta

import pytest

from collector import Collector
from hubsense.config import Settings
from hubsense.store.base import StoreUnavailable
from hubsense.store.sqlite import SqliteStore
from tests.conftest import IN_CI
from tests.helpers import presence, publish, series, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.dated]


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def settings_for(mosquitto, tmp_path, **kw) -> Settings:
    defaults = dict(
        mqtt_url=mosquitto.url,
        sqlite_path=tmp_path / "c.sqlite3",
        flush_interval_s=0.05,
        retry_initial_s=0.05,
        retry_max_s=0.2,
    )
    return Settings(**{**defaults, **kw})


@pytest.fixture
def running(mosquitto, registry, sqlite_store, tmp_path):
    started: list[Collector] = []

    def start(store=sqlite_store, **kw) -> Collector:
        c = Collector(settings_for(mosquitto, tmp_path, **kw), registry, store)
        c.start()
        assert c.wait_until_subscribed(10)
        started.append(c)
        return c

    yield start
    for c in started:
        c.stop(grace_s=2)


def test_exact_counts_and_garbage_rejected(running, mosquitto, sqlite_store):
    collector = running()
    good = series(now() - timedelta(minutes=10), 50, desks=["a01", "a02", "b01"])
    garbage = [
        ("hubs/berg/svenstavik/a01/presence", b"\x00\x01garbage"),
        ("hubs/berg/svenstavik/a01/presence", b'{"v":1}'),
        ("hubs/berg/svenstavik/zz/presence", good[0][1]),
        ("hubs/berg/svenstavik/a01/presence", b"x" * 10_000),
    ]
    publish(mosquitto.url, good + garbage + good[:10])  # the last 10 are resent duplicates
    wait_for(lambda: collector.acked == 164, what="all 164 messages acknowledged")
    assert sqlite_store.count_events() == 150
    assert sqlite_store.rejection_counts() == {
        "bad_json": 1,
        "bad_schema": 1,
        "unknown_desk": 1,
        "oversize": 1,
    }
    stats = collector.stats()
    assert stats["accepted"] == 150 and stats["duplicates"] == 10
    assert stats["rejected"] == {"bad_json": 1, "bad_schema": 1, "unknown_desk": 1, "oversize": 1}
    assert collector.transport.connected.is_set()


def test_latest_state_per_desk(running, mosquitto, sqlite_store):
    collector = running()
    t0 = now() - timedelta(minutes=5)
    publish(
        mosquitto.url,
        [
            presence("svenstavik", "a01", municipality="berg", seq=1, ts=t0, occupied=True),
            presence(
                "svenstavik",
                "a01",
                municipality="berg",
                seq=3,
                ts=t0 + timedelta(seconds=20),
                occupied=False,
            ),
            # late message, older than what is known: stored, but does not change current state
            presence(
                "svenstavik",
                "a01",
                municipality="berg",
                seq=2,
                ts=t0 + timedelta(seconds=10),
                occupied=True,
            ),
        ],
    )
    wait_for(lambda: collector.acked == 3)
    assert collector.states.of_hub("svenstavik")["a01"].occupied is False
    assert sqlite_store.latest("svenstavik", 0)["a01"].seq == 3
    assert sqlite_store.count_events() == 3


def test_messages_published_while_collector_is_down_are_delivered(running, mosquitto, sqlite_store):
    first = running()
    first.stop()
    publish(mosquitto.url, series(now() - timedelta(minutes=5), 40))
    second = running()
    wait_for(lambda: sqlite_store.count_events() == 40, what="queued messages delivered")
    wait_for(lambda: second.acked == 40)


class DownStore(SqliteStore):
    def write(self, events, rejections):
        raise StoreUnavailable("database is down")


def test_without_spool_nothing_is_acknowledged_until_stored(
    running, mosquitto, sqlite_store, tmp_path
):
    down = DownStore(tmp_path / "down.sqlite3")
    down.open()
    failing = running(store=down, spool_path=None)
    publish(mosquitto.url, series(now() - timedelta(minutes=5), 25))
    wait_for(lambda: failing.received == 25 and failing.sink.stats.retries >= 2)
    assert failing.acked == 0
    assert failing.stop(grace_s=0.5) is False  # could not flush: left unacknowledged
    recovered = running(spool_path=None)
    wait_for(lambda: sqlite_store.count_events() == 25, what="redelivery after restart")
    wait_for(lambda: recovered.acked == 25)
    down.close()


def test_graceful_stop_flushes_and_acknowledges(running, mosquitto, sqlite_store):
    collector = running(flush_interval_s=30.0, batch_size=10_000)
    publish(mosquitto.url, series(now() - timedelta(minutes=5), 30))
    wait_for(lambda: collector.received == 30)
    assert sqlite_store.count_events() == 0  # still in the batch
    assert collector.stop() is True
    assert sqlite_store.count_events() == 30
    assert collector.acked == 30


def test_mosquitto_pub_message_is_stored_and_garbage_counted(running, mosquitto, sqlite_store):
    exe = shutil.which("mosquitto_pub")
    if exe is None:
        if IN_CI:
            pytest.fail("mosquitto_pub missing (Debian package mosquitto-clients)")
        pytest.skip("mosquitto_pub not installed")
    collector = running()
    topic, payload = presence(
        "svenstavik", "b02", municipality="berg", seq=1, ts=now(), occupied=True
    )
    subprocess.run(
        [
            exe,
            "-h",
            "127.0.0.1",
            "-p",
            str(mosquitto.port),
            "-q",
            "1",
            "-t",
            topic,
            "-m",
            payload.decode(),
        ],
        check=True,
        timeout=10,
    )
    subprocess.run(
        [
            exe,
            "-h",
            "127.0.0.1",
            "-p",
            str(mosquitto.port),
            "-q",
            "1",
            "-t",
            topic,
            "-m",
            "garbage",
        ],
        check=True,
        timeout=10,
    )
    wait_for(lambda: sqlite_store.latest("svenstavik", 0).get("b02") is not None)
    wait_for(lambda: collector.rejected.get("bad_json") == 1)
    assert collector.transport.connected.is_set()


class FlakyStore(SqliteStore):
    """A SQLite store that is 'down' while ``down`` is set."""

    down = False

    def write(self, events, rejections):
        if self.down:
            raise StoreUnavailable("database is down")
        super().write(events, rejections)


def test_store_outage_is_spooled_to_disk_acknowledged_and_drained(running, mosquitto, tmp_path):
    store = FlakyStore(tmp_path / "flaky.sqlite3")
    store.open()
    store.down = True
    collector = running(store=store, spool_path=tmp_path / "spool.sqlite3")
    publish(mosquitto.url, series(now() - timedelta(minutes=30), 300, desks=["a01", "a02"]))
    wait_for(lambda: collector.acked == 600, what="acknowledged once spooled")
    assert store.count_events() == 0
    assert collector.stats()["spool_items"] == 600
    store.down = False
    wait_for(lambda: collector.stats()["spool_items"] == 0, what="spool drained")
    assert store.count_events() == 600
    store.close()


def test_spool_survives_a_restart(running, mosquitto, tmp_path):
    spool = tmp_path / "spool.sqlite3"
    store = FlakyStore(tmp_path / "flaky.sqlite3")
    store.open()
    store.down = True
    first = running(store=store, spool_path=spool)
    publish(mosquitto.url, series(now() - timedelta(minutes=30), 40))
    wait_for(lambda: first.acked == 40)
    first.stop(grace_s=1)
    store.down = False
    running(store=store, spool_path=spool)
    wait_for(lambda: store.count_events() == 40, what="spool drained after restart")
    store.close()


def test_rollups_of_touched_days_are_recomputed(running, mosquitto, sqlite_store):
    collector = running(rollup_refresh_s=1)
    t0 = now() - timedelta(days=2)
    publish(mosquitto.url, series(t0, 20, step_s=60, desks=["a01", "a02"]))
    wait_for(lambda: collector.acked == 40)
    start_ns = int((t0 - timedelta(days=1)).timestamp()) * 10**9
    end_ns = int((t0 + timedelta(days=2)).timestamp()) * 10**9
    wait_for(
        lambda: {r.desk for r in sqlite_store.desk_day_rollups("svenstavik", start_ns, end_ns)}
        >= {"a01", "a02"},
        what="desk-day rollups written by the collector",
    )
    assert collector.stats()["rollup_flushes"] >= 1
    assert collector.stats()["rollup_errors"] == 0


@pytest.mark.logs_errors(r"spool thread failed")
def test_a_failing_spool_drainer_is_fatal_not_silent(mosquitto, registry, tmp_path, monkeypatch):
    """A drainer that died would leave the spool growing and the store never caught up."""
    store = FlakyStore(tmp_path / "flaky.sqlite3")
    store.open()
    store.down = True
    fatal = threading.Event()
    settings = settings_for(mosquitto, tmp_path, spool_path=tmp_path / "spool.sqlite3")
    collector = Collector(settings, registry, store, on_fatal=fatal.set)
    assert collector.spool is not None

    def broken_peek(limit: int) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(collector.spool, "peek", broken_peek)
    collector.start()
    try:
        assert collector.wait_until_subscribed(10)
        publish(mosquitto.url, series(now() - timedelta(minutes=5), 10))
        wait_for(fatal.is_set, what="the drainer's failure reported")
        assert collector.failed.is_set()
        assert "spool thread" in collector.failure and "disk I/O error" in collector.failure
        assert collector.dead_threads() == ["spool"]
        wait_for(lambda: collector.acked == 10, what="what was in hand spooled and acked")
    finally:
        collector.stop(grace_s=1)
    assert collector.dead_threads() == []  # stopped on purpose: nothing to report
    store.close()
