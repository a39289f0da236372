"""The Prometheus alerting and recording rules, as data built from the app's settings.

Why generated: the rules must judge by the same thresholds as the app (``offline_after_s``,
``low_battery_pct``, the stuck rules), and the app itself decides which desk is offline,
low on battery or stuck (``hubsense.query.attention``, exported by ``/metrics``), so the
rules only add how long a condition must hold before someone is told. The committed
files under ``deploy/prometheus/rules/`` are ``hubsense alert-rules`` of the default
settings; a test regenerates them and fails when they differ, and the alert
``HubsenseRulesOutOfDate`` fires when a running API's settings differ from the ones the
loaded rules were made from.

Every alert has a ``severity`` (``critical``: data is being lost or nobody is told
anything; ``warning``: something needs doing today) and an ``audience``
(``operations``: the servers; ``facility``: a desk or a hub, for the facility staff), so
Alertmanager can route each to the people who can act on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hubsense.config import Settings
from hubsense.statsfile import WRITE_EVERY_S

Severity = Literal["critical", "warning"]
Audience = Literal["operations", "facility"]

JOB: str = "hubsense"
"""The scrape job of the API's /metrics (deploy/prometheus/prometheus.yml)."""

SETTINGS_EXPORTED: tuple[str, ...] = (
    "offline_after_s",
    "low_battery_pct",
    "stuck_occupied_s",
    "stuck_unchanged_open_days",
)
"""The settings ``/metrics`` exports as ``hubsense_setting{name=…}``: the thresholds the
app judges desks by, which the rules were generated with."""


@dataclass(frozen=True, slots=True)
class AlertTimings:
    """How long each condition must hold before it alerts, and the Prometheus-side
    thresholds (seconds unless named otherwise). The defaults are the deployment's; the
    integration test shortens them to seconds."""

    api_down_s: int = 120
    stats_missing_s: int = 120
    stats_stale_after_s: int = round(6 * WRITE_EVERY_S)  # six missed rewrites of the file
    stats_stale_s: int = 60
    disconnected_s: int = 120
    spool_window_s: int = 600  # non-empty and not shrinking over this long
    store_down_s: int = 120
    store_retry_window_s: int = 300
    store_retrying_s: int = 300
    rejection_window_s: int = 900
    rejection_baseline_s: int = 86_400
    rejection_share: float = 0.05  # of received messages
    rejection_rise: float = 2.0  # times the baseline share
    desk_offline_s: int = 900  # after the app has called it offline (offline_after_s)
    low_battery_s: int = 600
    stuck_s: int = 0  # the stuck rules already span hours or days
    hub_silent_s: int = 300
    settings_differ_s: int = 600
    utilisation_window_s: int = 86_400  # recorded hub utilisation averages over this


@dataclass(frozen=True, slots=True)
class AlertRule:
    name: str
    expr: str
    for_s: int
    severity: Severity
    audience: Audience
    summary: str
    description: str


@dataclass(frozen=True, slots=True)
class RecordingRule:
    record: str
    expr: str


def duration(seconds: float) -> str:
    """A Prometheus duration: ``2m``, ``1h``, ``90s``, ``1d``."""
    s = round(seconds)
    for unit, size in (("d", 86_400), ("h", 3600), ("m", 60)):
        if s and s % size == 0:
            return f"{s // size}{unit}"
    return f"{s}s"


def _spool() -> str:
    return 'hubsense_messages_buffered{where="spool"}'


def recording_rules(t: AlertTimings) -> list[RecordingRule]:
    """Hub occupancy now (of the desks reporting) and while open, utilisation over a
    window, the region's desks by state, and the share of rejected messages."""
    w = duration(t.utilisation_window_s)
    r = duration(t.rejection_window_s)
    b = duration(t.rejection_baseline_s)
    return [
        RecordingRule(
            "hubsense:hub_occupancy:ratio",
            'sum by (hub) (hubsense_desks{state="occupied"}) / '
            'sum by (hub) (hubsense_desks{state=~"occupied|free"})',
        ),
        RecordingRule(
            "hubsense:hub_occupancy_open:ratio",
            "hubsense:hub_occupancy:ratio and on (hub) (hubsense_hub_open == 1)",
        ),
        RecordingRule(
            f"hubsense:hub_utilisation:ratio_avg{w}",
            f"avg_over_time(hubsense:hub_occupancy_open:ratio[{w}])",
        ),
        RecordingRule("hubsense:region_desks:sum", "sum by (state) (hubsense_desks)"),
        RecordingRule(
            f"hubsense:messages_rejected:share_rate{r}",
            f"sum(rate(hubsense_messages_rejected_total[{r}])) / "
            f"sum(rate(hubsense_messages_received_total[{r}]))",
        ),
        RecordingRule(
            f"hubsense:messages_rejected:share_rate{b}",
            f"sum(rate(hubsense_messages_rejected_total[{b}])) / "
            f"sum(rate(hubsense_messages_received_total[{b}]))",
        ),
    ]


def alert_rules(settings: Settings, t: AlertTimings) -> list[AlertRule]:
    offline = duration(settings.offline_after_s)
    low = settings.low_battery_pct
    stuck_h = settings.stuck_occupied_s / 3600
    stuck_days = settings.stuck_unchanged_open_days
    r = duration(t.rejection_window_s)
    b = duration(t.rejection_baseline_s)
    differ = " or ".join(
        f'hubsense_setting{{name="{name}"}} != {_setting_value(settings, name)}'
        for name in SETTINGS_EXPORTED
    )
    return [
        AlertRule(
            "HubsenseApiDown",
            f'up{{job="{JOB}"}} == 0',
            t.api_down_s,
            "critical",
            "operations",
            "hubsense API {{ $labels.instance }} does not answer /metrics",
            "Prometheus cannot scrape the API (down, or its viewer key refused): the "
            "dashboards are unavailable and no other hubsense alert can fire.",
        ),
        AlertRule(
            "HubsenseCollectorStatsMissing",
            "hubsense_collector_stats_available == 0",
            t.stats_missing_s,
            "critical",
            "operations",
            "The API has no numbers from the collector",
            "collector_stats_file is missing or unreadable: the collector never started, "
            "or the API and the collector do not share the file.",
        ),
        AlertRule(
            "HubsenseCollectorStatsStale",
            f"hubsense_collector_stats_age_seconds > {t.stats_stale_after_s}",
            t.stats_stale_s,
            "critical",
            "operations",
            "The collector's numbers are {{ $value | humanizeDuration }} old",
            f"The collector rewrites its stats every {WRITE_EVERY_S:g} s; older than "
            f"{t.stats_stale_after_s} s means it is down or hung, and presence messages "
            "wait at the broker.",
        ),
        AlertRule(
            "HubsenseCollectorDisconnected",
            "hubsense_collector_connected == 0",
            t.disconnected_s,
            "critical",
            "operations",
            "The collector is not connected to the MQTT broker",
            "No presence message is received; check the broker and the collector's "
            "credentials (it reconnects by itself with backoff).",
        ),
        AlertRule(
            "HubsenseSpoolNotDraining",
            f"min_over_time({_spool()}[{duration(t.spool_window_s)}]) > 0 and "
            f"delta({_spool()}[{duration(t.spool_window_s)}]) >= 0",
            0,
            "critical",
            "operations",
            "The collector's disk spool has not drained for "
            f"{duration(t.spool_window_s)} ({{{{ $value }}}} messages)",
            "The store is refusing or not answering writes; messages are safe in the "
            "spool until spool_max_bytes, then they wait at the broker.",
        ),
        AlertRule(
            "HubsenseStoreDown",
            "hubsense_store_up == 0",
            t.store_down_s,
            "critical",
            "operations",
            "The API cannot read the store",
            "Dashboards, reports and the desk alerts have no data.",
        ),
        AlertRule(
            "HubsenseStoreWriteRetrying",
            f"increase(hubsense_store_write_retries_total[{duration(t.store_retry_window_s)}]) > 0",
            t.store_retrying_s,
            "warning",
            "operations",
            "Store writes keep failing and are retried",
            "The collector retries failed writes with backoff; persistent retries mean "
            "the database is overloaded or unreachable.",
        ),
        AlertRule(
            "HubsenseStoreRefusedEvents",
            f"increase(hubsense_events_refused_total[{duration(t.store_retry_window_s)}]) > 0",
            0,
            "warning",
            "operations",
            "The store refused presence events",
            "Refused events are kept as store_refused rejections (GET /api/rejections, "
            "admin role); they are not in the utilisation.",
        ),
        AlertRule(
            "HubsenseRejectionRateRising",
            f"hubsense:messages_rejected:share_rate{r} > {t.rejection_share:g} and "
            f"hubsense:messages_rejected:share_rate{r} > {t.rejection_rise:g} * "
            f"hubsense:messages_rejected:share_rate{b}",
            t.rejection_window_s,
            "warning",
            "operations",
            "{{ $value | humanizePercentage }} of messages rejected",
            f"More than {t.rejection_share:.0%} of the messages over {r} were rejected, "
            f"at least {t.rejection_rise:g} times the share over {b}: a sensor, gateway or "
            "registry change sends what the contract refuses (reasons: "
            "hubsense_messages_rejected by reason, records at GET /api/rejections).",
        ),
        AlertRule(
            "HubsenseDeskOffline",
            "hubsense_desk_offline_seconds",
            t.desk_offline_s,
            "warning",
            "facility",
            "Desk {{ $labels.desk }} in {{ $labels.hub }} silent for "
            "{{ $value | humanizeDuration }}",
            f"The desk's sensor has sent nothing for longer than {offline} "
            "(offline_after_s), or its own network (zigbee2mqtt availability) reports it "
            "offline and it has sent nothing since, while the hub is open: check its "
            "battery and that it is in place.",
        ),
        AlertRule(
            "HubsenseLowBattery",
            "hubsense_desk_low_battery_percent",
            t.low_battery_s,
            "warning",
            "facility",
            "Desk {{ $labels.desk }} in {{ $labels.hub }}: battery {{ $value }} %",
            f"The sensor reports a battery at or below {low} % (low_battery_pct); "
            "replace it before it goes silent.",
        ),
        AlertRule(
            "HubsenseSensorStuck",
            "hubsense_desk_stuck_since_timestamp_seconds",
            t.stuck_s,
            "warning",
            "facility",
            "Desk {{ $labels.desk }} in {{ $labels.hub }}: sensor stuck ({{ $labels.rule }})",
            f"Reported occupied without a break for more than {stuck_h:g} h "
            f"(stuck_occupied_s), or free without a single change for {stuck_days} open "
            "days (stuck_unchanged_open_days); its time counts as unknown. Check that "
            "the sensor is mounted and unobstructed.",
        ),
        AlertRule(
            "HubsenseHubSilent",
            "hubsense_hub_silent == 1",
            t.hub_silent_s,
            "critical",
            "facility",
            "No sensor of hub {{ $labels.hub }} heard while it is open",
            f"Every desk of the hub has been silent for longer than {offline}: the hub's "
            "gateway, its network or its power is down.",
        ),
        AlertRule(
            "HubsenseRulesOutOfDate",
            differ,
            t.settings_differ_s,
            "warning",
            "operations",
            "The alert rules were made for other settings than the API runs with",
            "Regenerate them with `hubsense alert-rules` (the API's settings) and reload "
            "Prometheus.",
        ),
    ]


def _setting_value(settings: Settings, name: str) -> str:
    return f"{float(getattr(settings, name)):g}"


def rule_files(
    settings: Settings, timings: AlertTimings | None = None
) -> dict[str, dict[str, object]]:
    """File name → the rule file's document (groups), ready for YAML."""
    t = timings or AlertTimings()
    alerts = [
        {
            "alert": a.name,
            "expr": a.expr,
            **({"for": duration(a.for_s)} if a.for_s else {}),
            "labels": {"severity": a.severity, "audience": a.audience},
            "annotations": {"summary": a.summary, "description": a.description},
        }
        for a in alert_rules(settings, t)
    ]
    records = [{"record": r.record, "expr": r.expr} for r in recording_rules(t)]
    return {
        "hubsense-recording.yml": {"groups": [{"name": "hubsense-recording", "rules": records}]},
        "hubsense-alerts.yml": {"groups": [{"name": "hubsense-alerts", "rules": alerts}]},
    }


HEADER = (
    "# Generated by `hubsense alert-rules` from hubsense's settings (hubsense/alerting.py);\n"
    "# regenerate instead of editing. Thresholds: docs/alerting.md.\n"
)


def render(document: dict[str, object]) -> str:
    """A rule file as YAML, with the header that says where it comes from."""
    import yaml  # only here: nothing else in the domain writes YAML

    return HEADER + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
