"""End to end with the real tools: Prometheus scrapes the real API's /metrics with a viewer
key, evaluates the generated rules, and Alertmanager posts to a webhook receiver in this
test. A simulated sensor goes silent and another reports a low battery; both alerts reach
the receiver, and the offline one resolves when the sensor is heard again.

Timings are the deployment's shortened (scrape and evaluation every second, ``for`` of a
second or two, Alertmanager grouping of a second); every wait is the suite's patience, so a
slow machine makes the test slower, never red. The API's clock is a fixed open Wednesday
plus the real time elapsed: nothing depends on the date the test runs on.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
import yaml

from hubsense.alerting import JOB, AlertTimings, render, rule_files
from hubsense.config import Settings
from hubsense.devservers import free_port
from hubsense.events import PresenceEvent
from hubsense.keys import add_key
from hubsense.registry import parse_registry
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from tests.deploy import tool
from tests.helpers import PATIENCE_S, wait_for

pytestmark = pytest.mark.integration

NS = 10**9
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
REGISTRY = parse_registry(
    """
schema_version = 1
version = "t"
region = "Test"
[municipalities]
berg = { name = "Berg", code = "2326" }
[[hubs]]
id = "svenstavik"
municipality = "berg"
name = "Fjällhubben Svenstavik"
timezone = "Europe/Stockholm"
opening_hours = HOURS
desks = [
  { id = "a01", zone = "a", sensor = "svenstavik-a01" },
  { id = "a02", zone = "a", sensor = "svenstavik-a02" },
]
""".replace("HOURS", "{ " + ", ".join(f'{d} = "00:00-24:00"' for d in DAYS) + " }"),
    "test",
)
# Wednesday 25 November 2026, 10:00 in Stockholm: open.
START_NS = int(datetime(2026, 11, 25, 9, 0, tzinfo=UTC).timestamp()) * NS
OFFLINE_AFTER_S = 3.0
SHORT = AlertTimings(
    api_down_s=5,
    stats_missing_s=5,
    stats_stale_s=5,
    disconnected_s=5,
    spool_window_s=60,
    store_down_s=5,
    store_retry_window_s=60,
    store_retrying_s=5,
    rejection_window_s=60,
    rejection_baseline_s=600,
    desk_offline_s=1,
    low_battery_s=1,
    stuck_s=0,
    hub_silent_s=5,
    settings_differ_s=5,
    utilisation_window_s=600,
)




class Clock:
    """The fixed instant plus the real (monotonic) time since the test began."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()

    def __call__(self) -> int:
        return START_NS + round((time.monotonic() - self.t0) * NS)


class Receiver:
    """An HTTP server that keeps every Alertmanager notification it is sent."""

    def __init__(self) -> None:
        self.notifications: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with outer.lock:
                    outer.notifications.append(json.loads(body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def alerts(self, name: str, status: str) -> list[dict[str, Any]]:
        with self.lock:
            return [
                a
                for n in self.notifications
                for a in n["alerts"]
                if a["labels"].get("alertname") == name and a["status"] == status
            ]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Sensors:
    """Heartbeats of the hub's desks every half second into the store, each desk until it
    is told to be silent."""

    def __init__(self, store: SqliteStore, clock: Clock) -> None:
        self.store, self.clock = store, clock
        self.silent: set[str] = set()
        self.battery = {"a01": 9, "a02": 85}
        self.stop = threading.Event()
        self.seq = 0
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop.wait(0.5):
            now = self.clock()
            self.seq += 1
            events = [
                PresenceEvent(
                    "berg", "svenstavik", d, f"svenstavik-{d}", self.seq, now, False, True, b
                )
                for d, b in self.battery.items()
                if d not in self.silent
            ]
            if events:
                self.store.write(events, [])


def start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)


def ready(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[Receiver, Sensors, str]]:
    promtool = tool("prometheus")
    alertmanager = tool("prometheus-alertmanager")
    store = SqliteStore(tmp_path / "store.sqlite3")
    store.open()
    keys = tmp_path / "api-keys.toml"
    viewer = add_key(keys, "prometheus", "viewer")
    (tmp_path / "viewer.key").write_text(viewer + "\n")
    settings = Settings(
        api_keys_file=keys, offline_after_s=OFFLINE_AFTER_S, heartbeat_s=1.0, live_cache_s=0
    )
    clock = Clock()
    app = create_app(
        settings,
        REGISTRY,
        store,
        clock=clock,
        metrics_source=lambda: {"connected": True, "received": 0, "accepted": 0},
    )
    api_port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=api_port, log_level="warning", lifespan="off")
    )
    api_thread = threading.Thread(target=server.run, daemon=True)
    api_thread.start()
    wait_for(lambda: server.started, what="the API to start")
    receiver = Receiver()
    sensors = Sensors(store, clock)

    am_port, prom_port = free_port(), free_port()
    (tmp_path / "alertmanager.yml").write_text(
        yaml.safe_dump(
            {
                "route": {
                    "receiver": "test",
                    "group_by": ["alertname", "desk"],
                    "group_wait": "1s",
                    "group_interval": "1s",
                    "repeat_interval": "1h",
                },
                "receivers": [
                    {
                        "name": "test",
                        "webhook_configs": [{"url": receiver.url, "send_resolved": True}],
                    }
                ],
            }
        )
    )
    rules = tmp_path / "rules"
    rules.mkdir()
    for name, doc in rule_files(settings, SHORT).items():
        (rules / name).write_text(render(doc))
    (tmp_path / "prometheus.yml").write_text(
        yaml.safe_dump(
            {
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "rule_files": [str(rules / "*.yml")],
                "alerting": {
                    "alertmanagers": [{"static_configs": [{"targets": [f"127.0.0.1:{am_port}"]}]}]
                },
                "scrape_configs": [
                    {
                        "job_name": JOB,
                        "scrape_timeout": "1s",
                        "authorization": {
                            "type": "Bearer",
                            "credentials_file": str(tmp_path / "viewer.key"),
                        },
                        "static_configs": [{"targets": [f"127.0.0.1:{api_port}"]}],
                    }
                ],
            }
        )
    )
    am = start(
        [
            alertmanager,
            f"--config.file={tmp_path / 'alertmanager.yml'}",
            f"--storage.path={tmp_path / 'am-data'}",
            f"--web.listen-address=127.0.0.1:{am_port}",
            "--cluster.listen-address=",
        ],
        tmp_path / "alertmanager.log",
    )
    prom = start(
        [
            promtool,
            f"--config.file={tmp_path / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp_path / 'prom-data'}",
            f"--web.listen-address=127.0.0.1:{prom_port}",
            "--rules.alert.resend-delay=1s",
        ],
        tmp_path / "prometheus.log",
    )
    try:
        wait_for(lambda: ready(f"http://127.0.0.1:{am_port}/-/ready"), what="alertmanager")
        wait_for(lambda: ready(f"http://127.0.0.1:{prom_port}/-/ready"), what="prometheus")
        yield receiver, sensors, f"http://127.0.0.1:{prom_port}"
    finally:
        sensors.stop.set()
        sensors.thread.join(PATIENCE_S)
        for proc in (prom, am):
            proc.terminate()
            try:
                proc.wait(PATIENCE_S)
            except subprocess.TimeoutExpired:
                proc.kill()
        receiver.close()
        server.should_exit = True
        api_thread.join(PATIENCE_S)
        store.close()


def target_health(prom_url: str) -> str:
    try:
        targets = httpx.get(f"{prom_url}/api/v1/targets", timeout=5).json()["data"]
    except (httpx.HTTPError, ValueError, KeyError):
        return "unknown"
    active = targets.get("activeTargets", [])
    return active[0]["health"] if active else "none"


def test_silent_sensor_and_low_battery_reach_the_receiver_and_resolve(stack):
    receiver, sensors, prom_url = stack
    # The scrape authenticates with the viewer key (an unauthenticated one would be "down").
    wait_for(lambda: target_health(prom_url) == "up", what=lambda: target_health(prom_url))

    def firing(name: str, desk: str) -> bool:
        return any(a["labels"].get("desk") == desk for a in receiver.alerts(name, "firing"))

    def resolved(name: str, desk: str) -> bool:
        return any(a["labels"].get("desk") == desk for a in receiver.alerts(name, "resolved"))

    wait_for(lambda: firing("HubsenseLowBattery", "a01"), what="low battery of a01 to fire")
    low = next(a for a in receiver.alerts("HubsenseLowBattery", "firing"))
    assert low["labels"]["audience"] == "facility"
    assert low["annotations"]["summary"] == "Desk a01 in svenstavik: battery 9 %"
    assert not firing("HubsenseDeskOffline", "a02") and not firing("HubsenseLowBattery", "a02")

    sensors.silent.add("a02")
    wait_for(lambda: firing("HubsenseDeskOffline", "a02"), what="a02 offline to fire")
    offline = next(a for a in receiver.alerts("HubsenseDeskOffline", "firing"))
    assert offline["labels"]["hub"] == "svenstavik" and offline["labels"]["severity"] == "warning"
    assert "silent for" in offline["annotations"]["summary"]
    assert not firing("HubsenseDeskOffline", "a01")  # a01 keeps reporting
    assert receiver.alerts("HubsenseHubSilent", "firing") == []  # one desk still heard

    sensors.silent.discard("a02")
    wait_for(lambda: resolved("HubsenseDeskOffline", "a02"), what="a02 offline to resolve")
    assert not resolved("HubsenseLowBattery", "a01")  # its battery is still low
