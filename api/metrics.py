"""``/metrics``: Prometheus text exposition of the collector's and the API's numbers.

Collector numbers come from a ``metrics_source`` callable returning the collector's stats
dict (``Collector.stats()`` plus adapter counters): in one process (tests, demo) pass
``collector.stats``; in production the API reads the file the collector writes
(``collector_stats_file``, see ``hubsense.statsfile``). Desk states and the desks that
need attention come from the query layer (``hubsense.query.attention``, the dashboards'
"needs attention" list), so "offline", "low battery" and "stuck" mean the same thing on
the pages and in the alert rules (``hubsense.alerting``, docs/alerting.md). Rendering
uses ``prometheus_client`` (its own registry per app, never the global one) for the
exposition format and its escaping.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, cast

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from hubsense.alerting import SETTINGS_EXPORTED
from hubsense.availability import from_stats
from hubsense.config import Settings
from hubsense.metrics import StuckRun
from hubsense.query.attention import HubAttention, region_attention, stuck_now
from hubsense.query.context import QueryContext
from hubsense.registry import Registry
from hubsense.statsfile import read_stats
from hubsense.store.base import Store, StoreError

log = logging.getLogger(__name__)

MetricsSource = Callable[[], Mapping[str, object]]

router = APIRouter(tags=["operations"])

# stats key → (metric name, help); counters are cumulative since the collector started.
COUNTERS = {
    "received": ("hubsense_messages_received", "MQTT messages the collector received."),
    "accepted": ("hubsense_messages_accepted", "Messages accepted as presence events."),
    "duplicates": ("hubsense_messages_duplicate", "Redelivered or repeated messages dropped."),
    "acked": ("hubsense_messages_acked", "Messages acknowledged to the broker after storing."),
    "written_events": ("hubsense_events_written", "Presence events written to the store."),
    "written_rejections": ("hubsense_rejections_written", "Rejection records written."),
    "refused_events": ("hubsense_events_refused", "Events the store refused (store_refused)."),
    "write_retries": ("hubsense_store_write_retries", "Store writes retried."),
    "spooled": ("hubsense_messages_spooled", "Messages put in the disk spool."),
    "sequence_gaps": ("hubsense_sequence_gaps", "Messages missing by sensor sequence numbers."),
}


def _num(value: object) -> float | None:
    if isinstance(value, bool):
        return float(value)
    return float(value) if isinstance(value, int | float) else None


class HubsenseCollector(Collector):
    def __init__(
        self,
        settings: Settings,
        registry: Registry,
        store: Store,
        clock: Callable[[], int],
        source: MetricsSource | None,
        webhook_counts: Counter[str],
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.store = store
        self.clock = clock
        self.source = source
        self.webhook_counts = webhook_counts
        self._stuck_cache: tuple[int | None, tuple[StuckRun, ...]] = (None, ())

    def _stats(self) -> Mapping[str, object]:
        if self.source is not None:
            try:
                return self.source()
            except Exception:  # noqa: BLE001 - a broken source must not break the scrape
                log.exception("metrics source failed")
                return {}
        if self.settings.collector_stats_file is not None:
            return read_stats(self.settings.collector_stats_file)
        return {}

    def collect(self) -> Iterator[Metric]:
        stats = self._stats()
        up = GaugeMetricFamily(
            "hubsense_collector_stats_available",
            "1 if the collector's numbers are available to this API.",
        )
        up.add_metric([], 1.0 if stats else 0.0)
        yield up
        if stats:
            yield from self._collector_metrics(stats)
        yield from self._desk_metrics(stats)
        hooks = CounterMetricFamily(
            "hubsense_webhook_requests",
            "Sensor-cloud webhook requests by outcome.",
            labels=["source", "result"],
        )
        for result, count in sorted(self.webhook_counts.items()):
            hooks.add_metric(["disruptive-technologies", result], count)
        yield hooks

    def _collector_metrics(self, stats: Mapping[str, object]) -> Iterator[Metric]:
        age = _num(stats.get("stats_age_s"))
        if age is not None:
            g = GaugeMetricFamily(
                "hubsense_collector_stats_age_seconds", "Age of the collector's stats file."
            )
            g.add_metric([], age)
            yield g
        connected = GaugeMetricFamily(
            "hubsense_collector_connected", "1 while the collector is connected to the broker."
        )
        connected.add_metric([], _num(stats.get("connected")) or 0.0)
        yield connected
        for key, (name, text) in COUNTERS.items():
            value = _num(stats.get(key))
            if value is not None:
                c = CounterMetricFamily(name, text)
                c.add_metric([], value)
                yield c
        rejected = CounterMetricFamily(
            "hubsense_messages_rejected", "Messages rejected, by reason.", labels=["reason"]
        )
        for reason, count in sorted(cast(Mapping[str, Any], stats.get("rejected") or {}).items()):
            if _num(count) is not None:
                rejected.add_metric([str(reason)], float(count))
        yield rejected
        buffered = GaugeMetricFamily(
            "hubsense_messages_buffered",
            "Messages held by the collector, not yet acknowledged or not yet in the store: "
            "in the batch being written, in the inbox, in the disk spool.",
            labels=["where"],
        )
        for where, key in (("batch", "pending"), ("inbox", "queued"), ("spool", "spool_items")):
            value = _num(stats.get(key))
            if value is not None:
                buffered.add_metric([where], value)
        yield buffered
        for key, name, text in (
            ("spool_bytes", "hubsense_spool_bytes", "Size of the disk spool."),
            (
                "last_write_s",
                "hubsense_store_last_write_seconds",
                "Duration of the last store write (write latency).",
            ),
        ):
            value = _num(stats.get(key))
            if value is not None:
                g = GaugeMetricFamily(name, text)
                g.add_metric([], value)
                yield g
        unavailable = stats.get("sensors_unavailable")
        if isinstance(unavailable, list):
            g = GaugeMetricFamily(
                "hubsense_sensors_unavailable",
                "Sensors their own network (e.g. zigbee2mqtt availability) reports offline.",
            )
            g.add_metric([], float(len(unavailable)))
            yield g
        available = GaugeMetricFamily(
            "hubsense_sensor_available",
            "Latest availability a sensor's network reported (1 online, 0 offline).",
            labels=["adapter", "sensor"],
        )
        for name, adapter in sorted(cast(Mapping[str, Any], stats.get("adapters") or {}).items()):
            states = adapter.get("availability", {}) if isinstance(adapter, Mapping) else {}
            for sensor, state in sorted(states.items()):
                available.add_metric([str(name), str(sensor)], 1.0 if state == "online" else 0.0)
        yield available
        yield from _adapter_metrics(cast(Mapping[str, Any], stats.get("adapters") or {}))

    def _stuck(self, ctx: QueryContext) -> tuple[StuckRun, ...]:
        """Today's stuck runs, remade at most every ``rollup_refresh_s``: they come from
        rollups that are not recomputed more often, and a scrape every few seconds must
        not analyse the region each time."""
        made_ns, runs = self._stuck_cache
        age_ns = None if made_ns is None else ctx.now_ns - made_ns
        # A clock set back (an injected one) also remakes them.
        if age_ns is None or not 0 <= age_ns < self.settings.rollup_refresh_s * 1e9:
            runs = stuck_now(ctx)
            self._stuck_cache = (ctx.now_ns, runs)
        return runs

    def _desk_metrics(self, stats: Mapping[str, object]) -> Iterator[Metric]:
        """Desks by state per hub, and per desk only what an alert needs: the desks that
        need attention (``hubsense.query.attention``, the dashboards' list), never a desk's
        occupancy. Sensors the collector's stats report unavailable are offline, as on
        the live view."""
        ctx = QueryContext(
            self.store, self.registry, self.settings, self.clock(), from_stats(stats)
        )
        store_up = GaugeMetricFamily("hubsense_store_up", "1 if the store answered.")
        try:
            hubs = region_attention(ctx, stuck=self._stuck(ctx))
        except StoreError as exc:
            log.warning("metrics: store unavailable: %s", exc)
            store_up.add_metric([], 0.0)
            yield store_up
            return
        store_up.add_metric([], 1.0)
        yield store_up
        yield from attention_metrics(self.settings, hubs)


def _adapter_metrics(adapters: Mapping[str, Any]) -> Iterator[Metric]:
    """Per adapter what it made of its messages, so an operator sees which integration
    misbehaves."""
    accepted = CounterMetricFamily(
        "hubsense_adapter_messages_accepted",
        "Messages an adapter turned into presence events (before the duplicate check).",
        labels=["adapter"],
    )
    rejected = CounterMetricFamily(
        "hubsense_adapter_messages_rejected",
        "Messages an adapter rejected, by reason.",
        labels=["adapter", "reason"],
    )
    ignored = CounterMetricFamily(
        "hubsense_adapter_messages_ignored",
        "Messages an adapter read but that carry no presence (availability, bridge topics, "
        "battery reports, other device types), by why.",
        labels=["adapter", "why"],
    )
    for name, adapter in sorted(adapters.items()):
        if not isinstance(adapter, Mapping):
            continue
        value = _num(adapter.get("accepted"))
        if value is not None:
            accepted.add_metric([str(name)], value)
        for family, key in ((rejected, "rejected"), (ignored, "ignored")):
            counts = adapter.get(key)
            for why, count in sorted((counts if isinstance(counts, Mapping) else {}).items()):
                if _num(count) is not None:
                    family.add_metric([str(name), str(why)], float(count))
    yield from (accepted, rejected, ignored)


def attention_metrics(settings: Settings, hubs: Sequence[HubAttention]) -> Iterator[Metric]:
    """The metric families of the hubs' live states and attention items (docs/alerting.md
    lists them with their cardinality)."""
    desks = GaugeMetricFamily(
        "hubsense_desks",
        "Desks by state as the live view shows them (offline: silent longer than "
        "offline_after_s; unknown: never heard from within live_lookback_s).",
        labels=["hub", "state"],
    )
    is_open = GaugeMetricFamily(
        "hubsense_hub_open", "1 while the hub is within its opening hours.", labels=["hub"]
    )
    silent = GaugeMetricFamily(
        "hubsense_hub_silent",
        "1 while the hub is open and none of its desks was heard within offline_after_s.",
        labels=["hub"],
    )
    offline = GaugeMetricFamily(
        "hubsense_desk_offline_seconds",
        "Seconds since an offline desk was last heard, only for desks offline while their "
        "hub is open (never heard: live_lookback_s, at least that long).",
        labels=["hub", "desk"],
    )
    battery = GaugeMetricFamily(
        "hubsense_desk_low_battery_percent",
        "Last reported battery of desks at or below low_battery_pct (only those desks).",
        labels=["hub", "desk"],
    )
    stuck = GaugeMetricFamily(
        "hubsense_desk_stuck_since_timestamp_seconds",
        "Start (local midnight of the first day, Unix time) of a stuck run still holding, "
        "by rule (occupied, unchanged); only stuck desks.",
        labels=["hub", "desk", "rule"],
    )
    for h in hubs:
        for state in ("occupied", "free", "offline", "unknown"):
            desks.add_metric([h.hub, state], float(h.live.counts.of(state)))
        is_open.add_metric([h.hub], float(h.open_now))
        silent.add_metric([h.hub], float(h.silent))
        for item in h.items:
            if item.kind == "offline":
                never = item.offline_s is None
                seconds = settings.live_lookback_s if never else item.offline_s
                offline.add_metric([h.hub, item.desk], float(seconds or 0.0))
            elif item.kind == "low_battery" and item.battery is not None:
                battery.add_metric([h.hub, item.desk], float(item.battery))
            elif item.kind == "stuck" and item.stuck and item.stuck_start is not None:
                stuck.add_metric([h.hub, item.desk, item.stuck], item.stuck_start.timestamp())
    yield from (desks, is_open, silent, offline, battery, stuck)
    thresholds = GaugeMetricFamily(
        "hubsense_setting",
        "The thresholds this API judges desks by; the alert rules were generated for "
        "given values (HubsenseRulesOutOfDate compares them).",
        labels=["name"],
    )
    for name in SETTINGS_EXPORTED:
        thresholds.add_metric([name], float(getattr(settings, name)))
    yield thresholds


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    registry = cast(CollectorRegistry, request.app.state.metrics_registry)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def install_metrics(
    app: Any,
    settings: Settings,
    registry: Registry,
    store: Store,
    clock: Callable[[], int],
    source: MetricsSource | None,
) -> None:
    prom = CollectorRegistry(auto_describe=False)
    prom.register(
        HubsenseCollector(settings, registry, store, clock, source, app.state.webhook_counts)
    )
    app.state.metrics_registry = prom
    app.include_router(router)
