"""``hubsense demo``: the whole system in one process, with no servers installed.

Embedded MQTT broker (amqtt) and SQLite store by default; ``--mqtt-url``/``--influx-url``
switch to real servers. Everything shares one simulated clock: it starts at 07:00 local
time on the latest open weekday (today if the hubs open today) and runs ``--speed`` times
faster than real time, so a working day passes in minutes. Before the live run, the
previous ``--backfill-days`` are published with their historical timestamps so the
history views have data at once.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import threading
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import monotonic
from zoneinfo import ZoneInfo

import uvicorn

from collector import Collector
from collector.dedup import Deduplicator
from collector.sink import BatchSink
from hubsense.clock import local_today
from hubsense.config import DEFAULT_REGISTRY, Settings, load_settings
from hubsense.embedded_broker import EmbeddedBroker
from hubsense.events import PresenceEvent, Rejection
from hubsense.registry import Registry, load_registry
from hubsense.store import open_store
from launch.app import create_app
from simulators import MessageStream, SimClock, is_open, simulate

log = logging.getLogger("hubsense.demo")
STOCKHOLM = ZoneInfo("Europe/Stockholm")
HISTORY_BATCH = 5000


def live_start(registry: Registry, today: date) -> datetime:
    """07:00 local on the latest day, not after ``today``, on which the first hub is open."""
    first = next(iter(registry.hubs.values()))
    day = today
    for _ in range(14):
        if is_open(first, day):
            break
        day -= timedelta(days=1)
    return datetime.combine(day, time(7, 0), tzinfo=first.tz)


def load_history(
    collector: Collector,
    registry: Registry,
    start: datetime,
    days: int,
    seed: int,
    heartbeat_s: float,
    stop: threading.Event,
) -> int:
    """Load ``days`` of simulated history before ``start`` through the collector's parser
    and store writer, then mark the days for rollups; returns the messages loaded.

    History does not go over MQTT: four weeks are about a million messages, which the
    embedded broker (amqtt, ~1,000 msg/s here) would take a quarter of an hour to carry.
    The same parsing, validation and idempotent writes apply; live traffic goes over MQTT.
    History and live sensors keep separate sequence numbers (a separate dedup state).
    """
    sink = BatchSink(
        collector.store, retry_initial_s=0.5, retry_max_s=5.0, stop=stop,
        now_ns=collector.clock_ns, monotonic=monotonic,
    )
    dedup = Deduplicator(collector.settings.dedup_window)
    stream = MessageStream(
        registry, start - timedelta(days=days), start, seed=seed, heartbeat_s=heartbeat_s
    )
    events: list[PresenceEvent] = []
    rejections: list[Rejection] = []
    loaded = 0
    for message in stream:
        result = collector.parser.parse(message.topic, message.payload, collector.clock_ns())
        if isinstance(result, Rejection):
            rejections.append(result)
        elif not dedup.is_duplicate(result):
            events.append(result)
        loaded += 1
        if len(events) + len(rejections) >= HISTORY_BATCH:
            if stop.is_set():
                return loaded
            sink.write(events, rejections)
            collector.rollups.mark(events)
            events, rejections = [], []
    sink.write(events, rejections)
    collector.rollups.mark(events)
    return loaded


def demo_settings(args: argparse.Namespace, data_dir: Path) -> Settings:
    overrides: dict[str, object] = {
        "sqlite_path": data_dir / "hubsense-demo.sqlite3",
        "spool_path": data_dir / "hubsense-spool.sqlite3",
        "api_port": args.port,
        "mqtt_client_id": "hubsense-demo-collector",
        "auth_enabled": False,  # usable in a browser at once; the banner says so
        # the planning page has invented facts to show (the page and its files say so)
        "planning_facts_file": DEFAULT_REGISTRY.parent / "planning_facts_example.csv",
    }
    if args.registry:
        overrides["registry"] = args.registry
    if args.mqtt_url:
        overrides["mqtt_url"] = args.mqtt_url
    else:
        overrides["mqtt_protocol"] = "3.1.1"  # the embedded broker speaks MQTT 3.1.1
    if args.influx_url:
        overrides["store"] = "influxdb"
        overrides["influx_url"] = args.influx_url
        overrides["influx_database"] = "hubsense_demo"
    return load_settings(**overrides)


def run_demo(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="hubsense-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    broker = None
    settings = demo_settings(args, data_dir)
    if not args.mqtt_url:
        broker = EmbeddedBroker()
        broker.start()
        settings = settings.model_copy(update={"mqtt_url": broker.url})
    registry = load_registry(settings.registry)
    store = open_store(settings)
    start = live_start(registry, local_today(args.clock, STOCKHOLM))

    clock = SimClock(start, args.speed)
    collector = Collector(settings, registry, store, clock_ns=clock.time_ns)
    collector.start()
    if not collector.wait_until_subscribed(15):
        log.error("could not subscribe at %s", settings.mqtt_url)
    stop = threading.Event()

    def live() -> None:
        simulate(
            registry, settings.mqtt_url, start, None, speed=args.speed, seed=args.seed,
            heartbeat_s=settings.heartbeat_s, stop_event=stop, clock=clock,
            client_id="hubsense-demo-live",
        )

    def history() -> None:
        loaded = load_history(
            collector, registry, start, args.backfill_days, args.seed, settings.heartbeat_s,
            stop,
        )
        log.info("history loaded: %d messages", loaded)

    drivers = [
        threading.Thread(target=fn, name=fn.__name__, daemon=True) for fn in (live, history)
    ]
    for thread in drivers:
        thread.start()

    app = create_app(
        settings,
        registry,
        store,
        clock=clock.time_ns,
        readiness_checks={"mqtt": collector.transport.check},
    )
    first_hub = next(iter(registry.hubs))
    base = f"http://{settings.api_host}:{settings.api_port}"
    print(
        f"\nhubsense demo — {registry.region}, {len(registry.hubs)} hubs\n"
        f"  dashboards   {base}/\n"
        f"  live (API)   {base}/api/hubs/{first_hub}/live\n"
        f"  API docs     {base}/docs\n"
        f"  simulated clock starts {start:%Y-%m-%d %H:%M %Z} at {args.speed:g}x; "
        f"{args.backfill_days} days of history are loading alongside\n"
        f"  broker {settings.mqtt_url}, store {store.name} ({data_dir})\n"
        f"  WARNING auth off: demo only — anyone who can reach {base} sees everything\n"
        "  Ctrl-C stops.\n",
        flush=True,
    )
    server = uvicorn.Server(
        uvicorn.Config(app, host=settings.api_host, port=settings.api_port, log_level="warning")
    )
    try:
        server.run()
    except KeyboardInterrupt:
        pass  # uvicorn re-raises Ctrl-C after its own graceful shutdown
    finally:
        stop.set()
        for thread in drivers:
            thread.join(10)
        collector.stop(grace_s=5)
        if broker is not None:
            broker.stop()
        store.close()
        print("hubsense demo stopped.", flush=True)
    return 0
