"""``hubsense`` — one command, with subcommands for each part of the system."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path
from time import monotonic
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from hubsense.access import AccessScope
from hubsense.clock import Clock, local_now, local_today, system_clock
from hubsense.config import ConfigError, Settings, load_settings, settings_table
from hubsense.keys import ROLE_NAMES, key_file_for
from hubsense.logs import configure_logging
from hubsense.query.errors import QueryError
from hubsense.registry import Registry, RegistryError, load_registry
from hubsense.store import Store, StoreError, make_store, open_store

log = logging.getLogger("hubsense")


def _redacted(url: str) -> str:
    """A URL without its password, for logs."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


STOCKHOLM = ZoneInfo("Europe/Stockholm")


class UsageError(Exception):
    """A problem the user can fix; printed without a traceback, exit code 2."""


def _settings(args: argparse.Namespace, **extra: Any) -> Settings:
    overrides = {
        "mqtt_url": getattr(args, "mqtt_url", None),
        "influx_url": getattr(args, "influx_url", None),
        "registry": getattr(args, "registry", None),
        **extra,
    }
    if overrides["influx_url"]:
        overrides["store"] = "influxdb"
    return load_settings(**overrides)


def open_existing_store(settings: Settings) -> Store:
    """The store of a command that only reads (reports): a SQLite file that does not exist
    is a mistake in the path, not an empty store, so it is refused before anything is
    created (``open_store`` would create an empty database and report nothing)."""
    if settings.store == "sqlite" and not Path(settings.sqlite_path).is_file():
        raise UsageError(
            f"no database at {Path(settings.sqlite_path).resolve()}: set "
            "HUBSENSE_SQLITE_PATH (or sqlite_path in the config file) to the store's file; "
            "`hubsense demo` prints its own in the banner"
        )
    return open_store(settings)


def has_sensor_data(
    store: Store, registry: Registry, hubs: Sequence[str], first: date, end: date
) -> bool:
    """Whether any sensor of ``hubs`` reported during the local days ``[first, end)``
    (from the rollups, which a report has just made sure of)."""
    from hubsense.rollups import range_ns

    for hub_id in hubs:
        lo, hi = range_ns(registry.hubs[hub_id], first, end)
        if any(r.reported_ns > 0 for r in store.desk_day_rollups(hub_id, lo, hi)):
            return True
    return False


def _open_store_with_retry(settings: Settings, stop: threading.Event) -> Store:
    """A database that is down at start is waited for, not a crash (backoff up to 30 s)."""
    delay = 1.0
    while True:
        try:
            return open_store(settings)
        except StoreError as exc:
            log.warning("store not ready (%s); retrying in %.0fs", exc, delay)
            if stop.wait(delay):
                raise
            delay = min(delay * 2, 30.0)


WATCH_EVERY_S = 1.0  # the collector command looks at its threads this often


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        log.info("received %s, stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


# --- subcommands ------------------------------------------------------------------------


def cmd_collector(args: argparse.Namespace) -> int:
    from collector import Collector
    from collector.adapters import adapter_stats, load_adapters
    from hubsense.statsfile import WRITE_EVERY_S as STATS_EVERY_S
    from hubsense.statsfile import write_stats

    settings = _settings(args)
    registry = load_registry(settings.registry)
    adapters = load_adapters(settings, registry)  # ConfigError before anything starts
    stop = threading.Event()
    _stop_on_signals(stop)
    if settings.spool_path:
        # with a spool, a store that is down at start does not hold up MQTT: batches go to
        # the spool, and the collector opens the store when it answers
        store = make_store(settings)
        try:
            store.open()
            store_open = True
        except StoreError as exc:
            log.warning("store not ready (%s); starting anyway, spooling to disk", exc)
            store_open = False
    else:
        store = _open_store_with_retry(settings, stop)
        store_open = True
    collector = Collector(
        settings, registry, store, adapters=adapters, store_open=store_open, on_fatal=stop.set
    )
    gc.freeze()  # what is loaded lives as long as the process (as for the API, cmd_api)
    collector.start()
    log.info(
        "collector running: %s → %s store; adapters: %s",
        _redacted(settings.mqtt_url),
        store.name,
        ", ".join(a.name for a in adapters),
    )
    # This thread writes the stats and watches the others: whichever fails, the process
    # stops what is left and ends non-zero, so that Docker or systemd starts it again.
    failed = False
    ticks = 0
    next_stats = monotonic() + STATS_EVERY_S
    try:
        while not stop.wait(WATCH_EVERY_S):
            dead = collector.dead_threads()
            if dead:
                log.error("the collector's %s thread ended; stopping", ", ".join(dead))
                failed = True
                break
            if monotonic() < next_stats:
                continue
            next_stats = monotonic() + STATS_EVERY_S
            stats = {**collector.stats(), **adapter_stats(adapters)}
            if settings.collector_stats_file is not None:
                try:
                    write_stats(settings.collector_stats_file, stats)
                except OSError as exc:
                    log.warning("cannot write %s: %s", settings.collector_stats_file, exc)
            ticks += 1
            if ticks % round(60 / STATS_EVERY_S) == 0:
                log.info("stats %s", stats)
    except Exception:  # noqa: BLE001 - logged with its traceback; the status says it
        log.exception("the collector's stats thread failed; stopping")
        failed = True
    finally:
        flushed = collector.stop()
        store.close()
    failed = failed or collector.failed.is_set()
    log.log(
        logging.ERROR if failed else logging.INFO,
        "collector stopped (%s)%s",
        "all flushed" if flushed else "some left unacknowledged",
        f" after a failure: {collector.failure or 'see above'}" if failed else "",
    )
    return 1 if failed else 0


def cmd_api(args: argparse.Namespace) -> int:
    import uvicorn

    from launch.app import create_app

    settings = _settings(args, api_port=args.port, api_host=args.host)
    registry = load_registry(settings.registry)
    keys = key_file_for(settings) if settings.auth_enabled else None  # refuse to start unkeyed
    if keys is None:
        log.warning(
            "authentication is OFF (auth_enabled=false): anyone who reaches the API "
            "sees everything, desk-level histories included"
        )
    store = open_store(settings)
    app = create_app(settings, registry, store, keys=keys)
    # What is loaded by now (the app, its libraries, the registry: ~200,000 objects) lives
    # as long as the process. Left to the cyclic collector, each full collection walks it
    # all again (~65 ms here, every request waiting meanwhile); frozen, only what requests
    # leave behind is walked.
    gc.freeze()
    uvicorn.run(app, host=settings.api_host, port=settings.api_port, log_level="warning")
    store.close()
    return 0


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM)


def cmd_simulate(args: argparse.Namespace) -> int:
    from simulators import simulate

    settings = _settings(args)
    registry = load_registry(settings.registry)
    hubs = _hub_ids(registry, args.hub)
    stop = threading.Event()
    _stop_on_signals(stop)
    if args.from_date:
        first = _parse_day(args.from_date)
        last = _parse_day(args.to_date) if args.to_date else local_today(args.clock, STOCKHOLM)
        if last <= first:
            raise UsageError("--to must be after --from")
        report = simulate(
            registry,
            settings.mqtt_url,
            _local_midnight(first),
            _local_midnight(last),
            speed=None,
            seed=args.seed,
            hubs=hubs,
            heartbeat_s=settings.heartbeat_s,
            stop_event=stop,
        )
    else:
        if args.speed <= 0:
            raise UsageError("--speed must be positive")
        report = simulate(
            registry,
            settings.mqtt_url,
            local_now(args.clock, STOCKHOLM),
            None,
            speed=args.speed,
            seed=args.seed,
            hubs=hubs,
            heartbeat_s=settings.heartbeat_s,
            stop_event=stop,
        )
    print(report)
    return 0


def _hub_ids(registry: Registry, wanted: Sequence[str] | None) -> list[str] | None:
    if not wanted:
        return None
    unknown = [h for h in wanted if h not in registry.hubs]
    if unknown:
        raise UsageError(
            f"unknown hub(s) {', '.join(unknown)}; known: {', '.join(sorted(registry.hubs))}"
        )
    return list(wanted)


def cmd_demo(args: argparse.Namespace) -> int:
    from launch.demo import run_demo

    if not args.speed > 0:
        raise UsageError("--speed must be positive")
    if args.backfill_days < 0:
        raise UsageError("--backfill-days must be 0 or more")

    return run_demo(args)


def cmd_registry(args: argparse.Namespace) -> int:
    registry = load_registry(args.file) if args.file else load_registry(_settings(args).registry)
    desks = sum(len(h.desks) for h in registry.hubs.values())
    print(
        f"{registry.region}, registry version {registry.version}: "
        f"{len(registry.municipalities)} municipalities, {len(registry.hubs)} hubs, {desks} desks"
    )
    for m in registry.municipalities.values():
        sizes = ", ".join(f"{h} ({len(registry.hubs[h].desks)})" for h in m.hubs) or "no hub"
        print(f"  {m.name:<12} {sizes}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Planner report of a municipality (or the region) from rollups; rollups missing for
    the period are computed first (``--refresh``: all of them, from the raw events). The
    text and the file are the API's (``hubsense.query.report``), and so are the period
    rules and the error messages."""
    from hubsense import analytics
    from hubsense.query import report as report_q
    from hubsense.query.context import QueryContext
    from hubsense.query.period import period
    from hubsense.query.scope import report_scope
    from hubsense.rollups import clean_params, recompute

    settings = _settings(args)
    registry = load_registry(settings.registry)
    scope = report_scope(registry, args.municipality)
    store = open_existing_store(settings)
    try:
        ctx = QueryContext(store, registry, settings, args.clock())
        asked = period(ctx, args.from_date, args.to_date)
        if args.format == "xlsx" and not args.out:
            raise UsageError("--format xlsx needs --out FILE")
        if args.refresh:
            params = clean_params(settings)
            for hub in analytics.scope_hubs(registry, scope):
                n = recompute(
                    store, registry, hub.id, asked.first, asked.end, params, now_ns=ctx.now_ns
                )
                log.info("recomputed %d desk-days of %s", n, hub.id)
        if args.format == "text":
            body = report_q.memo_text(ctx, scope, asked, args.lang).encode("utf-8")
        else:
            file = report_q.report_file(ctx, scope, asked, args.lang, args.format)
            if file.recomputed_days:
                log.info("computed %d missing hub-days of rollups", file.recomputed_days)
            body = file.body
        hubs = [h.id for h in analytics.scope_hubs(registry, scope)]
        empty = not has_sensor_data(store, registry, hubs, asked.first, asked.end)
    finally:
        store.close()
    if empty:
        print(
            f"hubsense: no sensor data for {analytics.scope_name(registry, scope)} from "
            f"{asked.first.isoformat()} to {asked.last_day.isoformat()} in the {store.name} "
            "store: every figure of the report is empty",
            file=sys.stderr,
        )
    if args.out:
        Path(args.out).write_bytes(body)
        print(
            f"wrote {args.out}: {analytics.scope_name(registry, scope)}, "
            f"{asked.first.isoformat()} – {asked.last_day.isoformat()} ({args.format})",
            file=sys.stderr,
        )
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    if args.markdown:
        print(settings_table())
        return 0
    for name, value in _settings(args).model_dump().items():
        if "password" in name or "token" in name or "secret" in name:
            value = "***" if value else ""
        print(f"{name} = {value}")
    return 0


def cmd_alert_rules(args: argparse.Namespace) -> int:
    from hubsense.alerting import render, rule_files

    # --defaults: the committed deploy/prometheus/rules/ (a test compares them)
    settings = Settings.model_construct() if args.defaults else _settings(args)
    files = rule_files(settings)
    if args.out is None:
        for name, doc in files.items():
            print(f"# --- {name}\n{render(doc)}", end="")
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, doc in files.items():
        (out / name).write_text(render(doc), encoding="utf-8")
        print(f"wrote {out / name}", file=sys.stderr)
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    from hubsense import keys

    path = Path(args.file) if args.file else _settings(args).api_keys_file
    if path is None:
        raise UsageError("no keys file: pass --file FILE or set HUBSENSE_API_KEYS_FILE")
    if args.keys_command == "add":
        scope = _key_scope(args)
        key = keys.add_key(path, args.name, args.role, scope=scope)
        print(
            f"added {args.role} key {args.name!r} for {_scope_text(scope)} to {path} (only "
            "its SHA-256 is stored).\nThe key follows; it is shown this once, so store it now:",
            file=sys.stderr,
        )
        print(key)
    elif args.keys_command == "list":
        entries = keys.load_keys(path)
        for e in entries:
            print(
                f"{e.name:<24} {e.role!s:<8} {_scope_text(e.scope):<28} "
                f"created {e.created:%Y-%m-%d %H:%M %Z}  sha256 {e.sha256[:12]}…"
            )
        print(f"{len(entries)} key(s) in {path}", file=sys.stderr)
    else:
        revoked = keys.revoke_key(path, args.name)
        print(
            f"revoked {revoked.role} key {revoked.name!r} in {path}; a running API stops "
            "accepting it (and its sessions) on its next request",
            file=sys.stderr,
        )
    return 0


def _key_scope(args: argparse.Namespace) -> AccessScope:
    """The scope asked for with --municipality/--hub, checked against the registry: a key
    for an id the registry does not have would see nothing, which is a typo, not a wish."""
    try:
        scope = AccessScope.of(args.municipality or (), args.hub or ())
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if scope.is_region:
        return scope
    registry = load_registry(_settings(args).registry)
    unknown = scope.unknown_ids(registry)
    if unknown:
        known = registry.municipalities if scope.kind == "municipalities" else registry.hubs
        raise UsageError(
            f"not in the registry: {', '.join(unknown)} (known {scope.kind}: "
            f"{', '.join(sorted(known))})"
        )
    return scope


def _scope_text(scope: AccessScope) -> str:
    return "the whole region" if scope.is_region else str(scope)


# --- parser -----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hubsense", description="Occupancy monitoring for shared workspace hubs."
    )
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING"])
    parser.add_argument(
        "--log-format",
        default=os.environ.get("HUBSENSE_LOG_FORMAT", "text"),
        choices=["text", "json"],
        help="json: one JSON object per line, for log collectors (env HUBSENSE_LOG_FORMAT)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--registry", help="hub registry TOML (default: HUBSENSE_REGISTRY)")
        return p

    from simulators.workdays import DEFAULT_SPEED  # not launch.demo: it loads the web app

    demo = sub.add_parser("demo", help="run everything on this machine, no servers needed")
    demo.add_argument(
        "--registry",
        help="hub registry TOML (default: the bundled demo registry, the example without "
        "the hubs of Bräcke and Ragunda)",
    )
    demo.add_argument("--mqtt-url", help="use this broker instead of the embedded one")
    demo.add_argument("--influx-url", help="use this InfluxDB instead of embedded SQLite")
    demo.add_argument("--port", type=int, default=8000, help="API port (default 8000)")
    demo.add_argument(
        "--speed",
        type=float,
        default=DEFAULT_SPEED,
        help=f"simulated seconds per real second (default {DEFAULT_SPEED:g}: a working day "
        "in about three minutes)",
    )
    demo.add_argument(
        "--backfill-days",
        type=int,
        default=35,
        help="simulated history loaded alongside the live run, in a process of its own "
        "(default 35 days: enough open days for a capacity recommendation)",
    )
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument(
        "--data-dir", help="keep the demo database here (default: a temp dir, removed at exit)"
    )
    demo.add_argument(
        "--keep", action="store_true", help="keep the temp dir at exit (its path is printed)"
    )
    demo.set_defaults(func=cmd_demo)

    col = common(sub.add_parser("collector", help="MQTT → store ingest (runs until SIGTERM)"))
    col.add_argument("--mqtt-url")
    col.add_argument("--influx-url")
    col.set_defaults(func=cmd_collector)

    api = common(sub.add_parser("api", help="serve the HTTP API"))
    api.add_argument("--influx-url")
    api.add_argument("--host", default=None)
    api.add_argument("--port", type=int, default=None)
    api.set_defaults(func=cmd_api)

    sim = common(sub.add_parser("simulate", help="publish simulated sensor traffic"))
    sim.add_argument("--mqtt-url")
    sim.add_argument("--from", dest="from_date", help="backfill from this date (YYYY-MM-DD)")
    sim.add_argument("--to", dest="to_date", help="backfill up to (not including) this date")
    sim.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="live mode: simulated seconds per real second (default 1)",
    )
    sim.add_argument("--hub", action="append", help="only this hub (repeatable)")
    sim.add_argument("--seed", type=int, default=0)
    sim.set_defaults(func=cmd_simulate)

    reg = common(sub.add_parser("registry", help="validate and summarise a registry file"))
    reg.add_argument("file", nargs="?", help="registry TOML (default: configured registry)")
    reg.set_defaults(func=cmd_registry)

    keys = sub.add_parser("keys", help="API keys: add (printed once), list, revoke")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    for name, text in (
        ("add", "create a key; prints it once, stores only its SHA-256"),
        ("list", "names, roles and creation times (never keys)"),
        ("revoke", "remove a key; the API stops accepting it at once"),
    ):
        p = keys_sub.add_parser(name, help=text)
        if name != "list":
            p.add_argument("name", help="who or what holds the key, e.g. wall-display-sveg")
        if name == "add":
            p.add_argument("--role", required=True, choices=ROLE_NAMES)
            p.add_argument(
                "--municipality",
                action="append",
                metavar="ID",
                help="the key sees only this municipality's hubs (repeatable; default: "
                "the whole region)",
            )
            p.add_argument(
                "--hub",
                action="append",
                metavar="ID",
                help="the key sees only this hub (repeatable; not with --municipality)",
            )
            common(p)
        p.add_argument("--file", help="keys file (default: HUBSENSE_API_KEYS_FILE)")
        p.set_defaults(func=cmd_keys)

    rep = common(
        sub.add_parser("report", help="planner report: utilisation and capacity per municipality")
    )
    rep.add_argument("--municipality", help="municipality id, e.g. berg (default: the region)")
    rep.add_argument("--from", dest="from_date", required=True, help="first date, YYYY-MM-DD")
    rep.add_argument(
        "--to", dest="to_date", required=True, help="date after the last one (exclusive)"
    )
    rep.add_argument(
        "--format",
        choices=["xlsx", "csv", "text"],
        default="xlsx",
        help="xlsx (one sheet per view), csv (all views in one file) or text (decision memo)",
    )
    rep.add_argument("--out", help="output file (csv and text: default standard output)")
    rep.add_argument("--lang", choices=["sv", "en"], default="sv", help="language (default sv)")
    rep.add_argument(
        "--refresh",
        action="store_true",
        help="recompute the period's rollups from the raw events first",
    )
    rep.add_argument("--influx-url", help="read this InfluxDB instead of the configured store")
    rep.set_defaults(func=cmd_report)

    from launch.planning_cli import add_parser as add_planning_parser

    add_planning_parser(sub, common)  # hubsense planning import|report

    rules = sub.add_parser(
        "alert-rules", help="Prometheus alerting and recording rules for these settings"
    )
    rules.add_argument("--out", help="write the rule files into this directory (else print)")
    rules.add_argument(
        "--defaults", action="store_true", help="for the default settings (ignore env and file)"
    )
    rules.set_defaults(func=cmd_alert_rules)

    cfg = common(sub.add_parser("config", help="show the effective configuration"))
    cfg.add_argument("--markdown", action="store_true", help="print the settings table")
    cfg.set_defaults(func=cmd_config)
    return parser


def main(argv: Sequence[str] | None = None, *, clock: Clock = system_clock) -> int:
    """The ``hubsense`` command. ``clock`` is what every subcommand takes as "now"."""
    args = build_parser().parse_args(argv)
    args.clock = clock
    configure_logging(args.log_level, args.log_format)
    try:
        return int(args.func(args))
    except (ConfigError, RegistryError, UsageError, QueryError) as exc:
        print(f"hubsense: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"hubsense: store: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
