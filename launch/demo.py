"""``hubsense demo``: the whole system on one machine, with no servers installed.

Embedded MQTT broker (amqtt) and SQLite store by default; ``--mqtt-url``/``--influx-url``
switch to real servers. Collector, live simulator and API share one simulated clock
(``simulators.workdays.WorkdayClock``): it starts at 08:00 local time on the latest day,
not after today, on which every hub opens, runs ``--speed`` times faster than real time
and skips the hours when every hub is closed, so desks change from the first seconds at
whatever hour the demo is started. The previous ``--backfill-days`` are loaded in a
process of their own (``launch.demo_history``) so the pages answer while they load.

At exit the demo prints what was published and what was stored, live and history, and
removes its temporary folder (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import gc
import logging
import re
import shlex
import shutil
import signal
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from types import FrameType
from zoneinfo import ZoneInfo

import uvicorn

from collector import Collector
from hubsense.calendar import from_ns, is_open
from hubsense.clock import local_today
from hubsense.config import DEFAULT_REGISTRY, Settings, load_settings
from hubsense.embedded_broker import EmbeddedBroker
from hubsense.registry import Registry, load_registry
from hubsense.store import open_store
from hubsense.store.base import Store
from launch.app import create_app
from launch.demo_history import HistoryCount, HistoryJob, HistoryLoader, history_days
from simulators import PublishError, simulate
from simulators.workdays import WorkdayClock

log = logging.getLogger("hubsense.demo")
STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEMO_REGISTRY = DEFAULT_REGISTRY.parent / "jamtland_demo.toml"
DEMO_FACTS = DEFAULT_REGISTRY.parent / "planning_facts_example.csv"
START_TIME = dtime(8, 0)  # arrivals peak around 08:30: the first minutes are busy
READY_TIMEOUT_S = 300.0  # the history process's first rollups, on a very busy machine
REFRESH_REAL_S = 5.0
DRAIN_S = 30.0  # at exit: how long the collector may take to store what was published


def live_start(registry: Registry, today: date) -> datetime:
    """``START_TIME`` on the latest day, not after ``today``, on which every hub is open
    (else the latest on which any is)."""
    hubs = list(registry.hubs.values())
    for test in (all, any):
        day = today
        for _ in range(31):
            if test(is_open(h, day) for h in hubs):
                return datetime.combine(day, START_TIME, tzinfo=STOCKHOLM)
            day -= timedelta(days=1)
    raise ValueError(f"no hub of {registry.region} opened in the last month")


def busiest_hub(registry: Registry) -> str:
    """The hub with the most desks: the live page with the most to see."""
    return max(registry.hubs.values(), key=lambda h: (len(h.desks), h.id)).id


def demo_routes(registry: Registry, first: date, end: date) -> list[str]:
    """Every page and GET route of the API as a first visit asks them (default periods;
    the downloads over the history ``[first, end)``), for the busiest hub and its first
    desk: what the demo promises to answer quickly."""
    hub = busiest_hub(registry)
    desk = registry.hubs[hub].desks[0].id
    muni = registry.hubs[hub].municipality
    period = f"from={first.isoformat()}&to={end.isoformat()}"
    reports = [
        f"/api/reports/{name}?scope=municipality&id={muni}"
        for name in ("utilisation", "capacity", "profile", "desks", "sensors")
    ]
    return [
        "/",
        f"/hubs/{hub}",
        f"/utilisation?scope=municipality&id={muni}",
        f"/utilisation?scope=hub&id={hub}",
        "/compare",
        "/planning",
        "/api/health",
        "/api/ready",
        "/api/registry",
        "/api/municipalities",
        "/api/hubs",
        f"/api/hubs/{hub}",
        f"/api/hubs/{hub}/live",
        f"/api/hubs/{hub}/desks/{desk}/timeline",
        "/api/rejections",
        *reports,
        f"/api/reports/daily?scope=hub&id={hub}",
        f"/api/reports/memo?municipality={muni}",
        f"/api/reports/download?municipality={muni}&{period}&format=csv",
        "/api/planning",
        f"/api/planning/download?{period}&format=csv",
        "/metrics",
        "/docs",
        "/openapi.json",
    ]


def banner_period(text: str) -> tuple[date, date]:
    """The history period the banner's report commands ask for (``--from``, ``--to``)."""
    found = re.search(r"--from (\d{4}-\d\d-\d\d) --to (\d{4}-\d\d-\d\d)", text)
    if found is None:
        raise ValueError("no report period in the banner")
    return date.fromisoformat(found.group(1)), date.fromisoformat(found.group(2))


def demo_settings(args: argparse.Namespace, data_dir: Path) -> Settings:
    overrides: dict[str, object] = {
        "sqlite_path": data_dir / "hubsense-demo.sqlite3",
        "spool_path": data_dir / "hubsense-spool.sqlite3",
        "api_port": args.port,
        "mqtt_client_id": "hubsense-demo-collector",
        "auth_enabled": False,  # usable in a browser at once; the banner says so
        # the planning page has invented facts to show (the page and its files say so)
        "planning_facts_file": DEMO_FACTS,
        "registry": Path(args.registry) if args.registry else DEMO_REGISTRY,
        # read in simulated seconds: today's rollups are recomputed on read when older
        # than about 5 real seconds, not on every page at a high --speed
        "rollup_refresh_s": max(60, round(args.speed * REFRESH_REAL_S)),
    }
    if args.mqtt_url:
        overrides["mqtt_url"] = args.mqtt_url
    else:
        overrides["mqtt_protocol"] = "3.1.1"  # the embedded broker speaks MQTT 3.1.1
    if args.influx_url:
        overrides["store"] = "influxdb"
        overrides["influx_url"] = args.influx_url
        overrides["influx_database"] = "hubsense_demo"
    return load_settings(**overrides)


@dataclass
class LiveCount:
    """What the live simulator published (acknowledged by the broker)."""

    published: int = 0
    windows: int = 0
    error: str | None = None


def run_live(
    registry: Registry,
    settings: Settings,
    clock: WorkdayClock,
    seed: int,
    stop: threading.Event,
    count: LiveCount,
) -> None:
    """Publish the live traffic over MQTT, window after window of the clock: what lies
    between windows (every hub closed) is not simulated, sensors resume before opening."""
    lo, hi = clock.window_after(clock.time_ns())
    lo = max(lo, clock.time_ns())
    seq: dict[str, int] = {}
    while not stop.is_set():
        try:
            report = simulate(
                registry,
                settings.mqtt_url,
                from_ns(lo, STOCKHOLM),
                from_ns(hi, STOCKHOLM),
                speed=clock.speed,
                seed=seed,
                heartbeat_s=settings.heartbeat_s,
                stop_event=stop,
                clock=clock,
                client_id="hubsense-demo-live",
                seq_start=seq,
            )
        except PublishError as exc:
            count.error = str(exc)
            log.error("live simulation stopped: %s", exc)
            return
        count.published += report.total
        count.windows += 1
        seq = report.next_seq
        lo, hi = clock.window_after(hi)


def report_commands(settings: Settings, start: datetime, days: int, env_influx: bool) -> list[str]:
    """Commands that read the running demo's store: the planner report and the planning
    sheet over the history and the start day."""
    first, end = history_days(start, days)
    if env_influx:  # the environment names the store, so both commands take it alike
        env = (
            f"HUBSENSE_STORE=influxdb HUBSENSE_INFLUX_URL={shlex.quote(settings.influx_url)} "
            f"HUBSENSE_INFLUX_DATABASE={shlex.quote(settings.influx_database)}"
        )
    else:
        env = f"HUBSENSE_SQLITE_PATH={shlex.quote(str(settings.sqlite_path))}"
    registry = shlex.quote(str(settings.registry))
    period = f"--from {first.isoformat()} --to {end.isoformat()}"
    facts = shlex.quote(str(settings.planning_facts_file))
    return [
        f"{env} hubsense report --registry {registry} {period} --format text",
        f"{env} HUBSENSE_PLANNING_FACTS_FILE={facts} hubsense planning report "
        f"--registry {registry} {period} --format xlsx --out planning.xlsx",
    ]


def banner(
    registry: Registry,
    settings: Settings,
    store_name: str,
    clock: WorkdayClock,
    args: argparse.Namespace,
    data_dir: Path,
) -> str:
    base = f"http://{settings.api_host}:{settings.api_port}"
    hub = busiest_hub(registry)
    without = [m.name for m in registry.municipalities.values() if not m.hubs]
    commands = report_commands(settings, clock.start, args.backfill_days, bool(args.influx_url))
    kept = bool(args.data_dir or args.keep)
    lines = [
        f"\nhubsense demo — {registry.region}, {len(registry.hubs)} hubs"
        + (f" (no hub yet in {', '.join(without)})" if without else ""),
        f"  dashboards   {base}/",
        f"  live hub     {base}/hubs/{hub}",
        f"  planning     {base}/planning",
        f"  API docs     {base}/docs",
        f"  simulated clock from {clock.start:%Y-%m-%d %H:%M %Z} at {clock.speed:g}x, only "
        "through opening hours (nights and weekends are skipped)",
        f"  {args.backfill_days} days of history load in a background process; pages show "
        "it as it arrives",
        f"  broker {settings.mqtt_url}, store {store_name}"
        + ("" if args.influx_url else f" {settings.sqlite_path}"),
        "  reports against this demo ("
        + ("while it runs and after it stops):" if kept else "while it runs; --keep keeps it):"),
        *(f"    {c}" for c in commands),
        f"  WARNING auth off: demo only — anyone who can reach {base} sees everything",
        "  Ctrl-C stops"
        + (f"; {data_dir} is kept" if kept else f" and removes {data_dir}")
        + ".\n",
    ]
    return "\n".join(lines)


def counts_text(
    history: HistoryCount, live: LiveCount, stats: dict[str, object], in_store: int | None
) -> str:
    """Published against stored, live and history, as printed at exit."""
    rejected = stats.get("rejected")
    live_rejected = sum(rejected.values()) if isinstance(rejected, dict) else 0
    lines = [
        f"history: {history.messages} messages published, {history.events_stored} events "
        f"stored, {history.rejections_stored} rejected, {history.duplicates} duplicates"
        + (" (stopped early)" if history.stopped or history.days_loaded == 0 else ""),
        f"live: {live.published} messages published, {stats.get('written_events', 0)} "
        f"events stored, {live_rejected} rejected, {stats.get('duplicates', 0)} duplicates",
    ]
    if in_store is not None:
        lines.append(f"the store holds {in_store} events")
    return "\n".join(lines)


def _make_data_dir(args: argparse.Namespace) -> tuple[Path, bool]:
    """The data folder and whether to remove it at exit."""
    if args.data_dir:
        path = Path(args.data_dir)
        path.mkdir(parents=True, exist_ok=True)
        return path, False
    return Path(tempfile.mkdtemp(prefix="hubsense-demo-")), not args.keep


def run_demo(args: argparse.Namespace) -> int:
    data_dir, remove = _make_data_dir(args)
    broker = None
    settings = demo_settings(args, data_dir)
    try:
        if not args.mqtt_url:
            broker = EmbeddedBroker()
            broker.start()
            settings = settings.model_copy(update={"mqtt_url": broker.url})
        registry = load_registry(settings.registry)
        store = open_store(settings)
        start = live_start(registry, local_today(args.clock, STOCKHOLM))
        history = HistoryLoader(
            HistoryJob(
                settings,
                start,
                args.backfill_days,
                args.seed,
                log_level=args.log_level,
                log_format=args.log_format,
            )
        )
        history.start()
        if not history.wait_ready(READY_TIMEOUT_S):
            log.error("history not loaded: %s", history.failed or "no answer")
        # started only now, so the live run does not begin with a backlog to catch up on
        clock = WorkdayClock(registry, start, args.speed)
        return _serve(args, settings, registry, store, clock, history, data_dir)
    finally:
        if broker is not None:
            broker.stop()
            late = broker.late_pubacks.count
            if late:
                print(f"broker: {late} PUBACKs came after amqtt's 5 s wait (counted, not logged)")
        if remove:
            shutil.rmtree(data_dir, ignore_errors=True)
            print(f"removed {data_dir}", flush=True)
        else:
            print(f"kept {data_dir}", flush=True)


def _serve(
    args: argparse.Namespace,
    settings: Settings,
    registry: Registry,
    store: Store,
    clock: WorkdayClock,
    history: HistoryLoader,
    data_dir: Path,
) -> int:
    collector = Collector(settings, registry, store, clock_ns=clock.time_ns)
    collector.start()
    if not collector.wait_until_subscribed(15):
        log.error("could not subscribe at %s", settings.mqtt_url)
    stop = threading.Event()
    live = LiveCount()
    driver = threading.Thread(
        target=run_live,
        args=(registry, settings, clock, args.seed, stop, live),
        name="live",
        daemon=True,
    )
    app = create_app(
        settings,
        registry,
        store,
        clock=clock.time_ns,
        readiness_checks={"mqtt": collector.transport.check},
        simulated_speed=clock.speed,
    )
    server = uvicorn.Server(
        uvicorn.Config(app, host=settings.api_host, port=settings.api_port, log_level="warning")
    )
    text = banner(registry, settings, store.name, clock, args, data_dir)

    def announce() -> None:
        # the banner's promise: pages answer from the moment it is printed; so the first
        # request of each page (imports, first reads) is made before it
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            routes = demo_routes(registry, *history_days(clock.start, args.backfill_days))
            _warm_up(f"http://{settings.api_host}:{settings.api_port}", routes)
            gc.freeze()  # what is loaded by now stays: as in cmd_api, spare the collections
            # nothing was simulated yet: the live run starts at the start time, now, so
            # the busy first minutes are seen, not spent on the warm-up
            clock.restart()
            driver.start()
            print(text, flush=True)

    threading.Thread(target=announce, name="banner", daemon=True).start()
    # uvicorn stops gracefully on SIGINT and SIGTERM, then raises the signal again with
    # the handler it found: for SIGTERM that must not be the default (instant exit), or
    # nothing below would run (counts, temp folder)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.run()
    except KeyboardInterrupt:
        pass  # uvicorn re-raises Ctrl-C after its own graceful shutdown
    finally:
        stop.set()
        history.stop(60)
        if driver.ident is not None:
            driver.join(30)
        _drain(collector, live)
        collector.stop(grace_s=5)
        stats = collector.stats()
        try:
            in_store: int | None = store.count_events()
        except Exception as exc:  # noqa: BLE001 - the counts are printed anyway
            log.warning("cannot count the stored events: %s", exc)
            in_store = None
        store.close()
        print(counts_text(history.count, live, stats, in_store), flush=True)
        print("hubsense demo stopped.", flush=True)
    return 0


def _warm_up(base: str, routes: list[str]) -> None:
    for route in routes:
        try:
            with urllib.request.urlopen(base + route, timeout=READY_TIMEOUT_S) as resp:  # noqa: S310 (loopback)
                resp.read()
        except OSError as exc:
            log.warning("%s did not answer: %s", route, exc)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _drain(collector: Collector, live: LiveCount) -> None:
    """Wait until the collector has stored (or rejected) everything the simulator
    published, so the counts printed at exit compare like with like."""
    deadline = time.monotonic() + DRAIN_S
    while time.monotonic() < deadline:
        s = collector.stats()
        rejected = s["rejected"]
        handled = (
            int(s["written_events"])  # type: ignore[call-overload]
            + int(s["duplicates"])  # type: ignore[call-overload]
            + (sum(rejected.values()) if isinstance(rejected, dict) else 0)
        )
        if handled >= live.published:
            return
        time.sleep(0.1)
    log.warning("the collector did not store all live messages within %.0f s", DRAIN_S)
