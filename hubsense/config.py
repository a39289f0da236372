"""All settings in one place.

Every setting is read from the environment as ``HUBSENSE_<NAME>`` (upper case) or from a
TOML file named by ``HUBSENSE_CONFIG`` (keys as below, lower case). Environment wins over
the file, the file wins over the defaults. The README's configuration table is generated
from this class (``hubsense config --markdown``), so the two cannot drift apart.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_REGISTRY = Path(__file__).parent / "data" / "jamtland.toml"


class ConfigError(ValueError):
    """A configuration value or file is unusable; the message says which and why."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUBSENSE_", extra="forbid", frozen=True)

    registry: Path = Field(
        DEFAULT_REGISTRY, description="Hub registry file (TOML): municipalities, hubs, desks."
    )

    # --- MQTT -------------------------------------------------------------------------
    mqtt_url: str = Field(
        "mqtt://127.0.0.1:1883",
        description="Broker URL: mqtt://[user:password@]host:port (mqtts:// for TLS).",
    )
    mqtt_protocol: Literal["5", "3.1.1"] = Field(
        "5", description="MQTT protocol version the collector speaks."
    )
    mqtt_client_id: str = Field(
        "hubsense-collector",
        description="Collector client id; the broker keeps its persistent session under it.",
    )
    mqtt_topic_root: str = Field("hubs", description="First topic level of presence messages.")
    mqtt_share_group: str = Field(
        "",
        description="If set, subscribe as $share/<group>/... so several collectors split load.",
    )
    mqtt_session_expiry_s: int = Field(
        7 * 24 * 3600,
        ge=0,
        description="MQTT 5 session expiry: how long the broker queues for a stopped collector.",
    )
    mqtt_receive_maximum: int = Field(
        2000,
        ge=1,
        le=65535,
        description="Unacknowledged QoS 1 messages the broker may have in flight to the "
        "collector (MQTT 5); bounds the collector's pending buffer.",
    )
    mqtt_max_buffered: int = Field(
        5000,
        ge=100,
        description="Messages the collector reads ahead of its worker; beyond this it stops "
        "reading the socket and TCP flow control holds the broker back.",
    )
    mqtt_ca_file: Path | None = Field(None, description="CA certificate for mqtts:// brokers.")

    # --- Store ------------------------------------------------------------------------
    store: Literal["sqlite", "influxdb"] = Field(
        "sqlite", description="Where time series are kept."
    )
    sqlite_path: Path = Field(Path("hubsense.sqlite3"), description="SQLite database file.")
    influx_url: str = Field("http://127.0.0.1:8086", description="InfluxDB base URL.")
    influx_database: str = Field(
        "hubsense", description="InfluxDB 1.x database (and the DBRP database name on 2.x/3.x)."
    )
    influx_username: str = Field("", description="InfluxDB 1.x user (empty: no auth).")
    influx_password: str = Field("", description="InfluxDB 1.x password.")
    influx_token: str = Field("", description="InfluxDB 2.x/3.x API token.")
    influx_org: str = Field("hubsense", description="InfluxDB 2.x organisation.")
    influx_bucket: str = Field("hubsense", description="InfluxDB 2.x bucket.")
    influx_timeout_s: float = Field(10.0, gt=0, description="HTTP timeout for InfluxDB calls.")

    # --- Collector --------------------------------------------------------------------
    batch_size: int = Field(
        1000, ge=1, description="Points per store write; a batch is flushed when full."
    )
    flush_interval_s: float = Field(
        0.2, gt=0, description="A non-empty batch is flushed at least this often."
    )
    max_payload_bytes: int = Field(
        4096,
        ge=64,
        description="Larger MQTT payloads are rejected unread (an adapter may set its own "
        "`max_payload_bytes`; topics an adapter ignores, such as zigbee2mqtt's retained "
        "`bridge/devices`, are ignored by their topic before any size check).",
    )
    max_future_s: float = Field(
        120.0, ge=0, description="Messages stamped further ahead of the clock are rejected."
    )
    max_age_s: float = Field(
        400 * 24 * 3600.0,
        gt=0,
        description="Messages stamped longer ago are rejected (backfill fits within it).",
    )
    dedup_window: int = Field(
        64,
        ge=1,
        description="Recent timestamps remembered per desk for dedup (memory: desks × this; a "
        "duplicate beyond it is still stored once, by its identity).",
    )
    spool_path: Path | None = Field(
        Path("hubsense-spool.sqlite3"),
        description="Disk buffer for batches written while the store is down (empty: none; "
        "then messages wait unacknowledged at the broker).",
    )
    spool_max_bytes: int = Field(
        1024**3,
        ge=1024,
        description="Size bound of the disk buffer; when full, messages wait at the broker.",
    )
    adapters_file: Path | None = Field(
        None,
        description="Sensor adapters (TOML): which message formats (zigbee2mqtt, The Things "
        "Stack, Home Assistant, Haltian, Disruptive Technologies, generic JSON) to accept on "
        "which topics; see collector/adapters/*/README.md. Empty: only hubsense's own "
        "contract.",
    )
    collector_stats_file: Path | None = Field(
        None,
        description="The collector writes its counters here every few seconds (JSON) and "
        "the API's /metrics reads them (empty: /metrics has no collector numbers).",
    )
    store_signal_file: Path | None = Field(
        None,
        description="The collector touches this file after every write to the store; an API "
        "given the same file reads a hub's live state again as soon as it changes, instead "
        "of serving it from the live cache for up to live_cache_s (empty: no signal).",
    )
    retry_initial_s: float = Field(0.5, gt=0, description="First retry delay after a failed write.")
    retry_max_s: float = Field(30.0, gt=0, description="Longest retry delay (with jitter).")

    # --- API security (api/security.py) -------------------------------------------------
    auth_enabled: bool = Field(
        True,
        description="Require an API key or a login session for everything except "
        "/api/health. Off only for the demo and trusted test setups.",
    )
    api_keys_file: Path | None = Field(
        None,
        description="API keys file (TOML, SHA-256 digests only; never commit it). "
        "Manage it with `hubsense keys` (add, list, revoke).",
    )
    session_max_age_s: int = Field(
        8 * 3600, ge=60, description="A browser login (session cookie) lasts this long."
    )
    cors_origins: list[str] = Field(
        [],
        description="Other origins allowed to call the API from a browser, e.g. "
        '`["https://intra.example.se"]`; empty: none.',
    )
    max_request_bytes: int = Field(
        1024 * 1024, ge=1024, description="Request bodies larger than this are refused (413)."
    )
    dt_signature_secret: str = Field(
        "",
        description="Signature secret of the Disruptive Technologies Data Connector; the "
        "webhook /api/webhooks/disruptive-technologies refuses every request without it.",
    )
    dt_topic_root: str = Field(
        "disruptive",
        description="The webhook republishes verified Disruptive Technologies events under "
        "this topic (with the API's own MQTT credentials in mqtt_url).",
    )
    webhook_publish_timeout_s: float = Field(
        5.0,
        gt=0,
        description="How long the webhook waits for the broker's PUBACK before answering "
        "503 (the sender retries).",
    )

    @field_validator("cors_origins")
    @classmethod
    def _origins_are_exact(cls, value: list[str]) -> list[str]:
        from urllib.parse import urlsplit  # only needed here

        for origin in value:
            try:
                parts = urlsplit(origin)
                exact = (
                    parts.scheme in ("http", "https")
                    and bool(parts.hostname)
                    and origin == f"{parts.scheme}://{parts.netloc}"
                    and origin == origin.lower()
                    and not any(c in parts.netloc for c in "@*/ ")
                    and (parts.port is None or parts.port > 0)
                )
            except ValueError:  # a bad port
                exact = False
            if not exact:
                raise ValueError(
                    f"{origin!r} is not an origin like https://host or https://host:8443 "
                    "(lower case, no path, no trailing slash, no wildcard)"
                )
        return value

    # --- Sensors and API ----------------------------------------------------------------
    heartbeat_s: float = Field(
        300.0, gt=0, description="Sensors repeat their state at least this often."
    )
    offline_after_s: float = Field(
        900.0,
        gt=0,
        description="A desk not heard from for this long is offline (3 missed heartbeats).",
    )
    low_battery_pct: int = Field(
        20, ge=0, le=100, description="Battery at or below this is flagged low."
    )
    live_lookback_s: float = Field(
        14 * 24 * 3600.0,
        gt=0,
        description="How far back the live view looks for a desk's last message.",
    )
    live_cache_s: float = Field(
        0.25,
        ge=0,
        description="Live views share one store query per hub for this long (0: no cache).",
    )
    timeline_max_days: int = Field(
        92, ge=1, description="Longest time range one timeline request may ask for."
    )
    retention_raw_days: int = Field(
        400,
        ge=0,
        description="Raw presence events older than this are deleted (privacy; 0 keeps them). "
        "Rollups are kept, and days beyond it are never recomputed.",
    )
    retention_rejected_days: int = Field(
        30, ge=0, description="Rejected-message records older than this are deleted (0 keeps)."
    )
    api_host: str = Field("127.0.0.1", description="Address the API listens on.")
    api_port: int = Field(8000, ge=1, le=65535, description="Port the API listens on.")

    # --- Utilisation analytics (definitions: docs/metrics.md) ----------------------------
    flicker_min_s: int = Field(
        120,
        ge=0,
        le=3600,
        description="Occupied spells shorter than this are sensor noise (flickers) and count "
        "as free.",
    )
    stuck_occupied_s: int = Field(
        12 * 3600,
        ge=3600,
        description="A desk reported occupied without a break for longer than this is "
        "flagged stuck; the whole spell counts as unknown.",
    )
    stuck_unchanged_open_days: int = Field(
        20,
        ge=0,
        description="A desk reporting free, without a single change, for at least this many "
        "consecutive open days is flagged stuck; that time counts as unknown (0: off).",
    )
    daily_use_min_s: int = Field(
        30 * 60,
        ge=1,
        description="A desk counts as used on a day when it was occupied at least this long.",
    )
    capacity_service_level: float = Field(
        0.9,
        gt=0,
        le=1,
        description="Share of evidence days on which demand must fit: the recommendation is "
        "this nearest-rank percentile of daily peak concurrency.",
    )
    capacity_buffer_desks: int = Field(
        1, ge=0, description="Desks added to the percentile peak in the capacity recommendation."
    )
    capacity_min_days: int = Field(
        20,
        ge=1,
        description="A capacity recommendation built on fewer evidence days is flagged.",
    )
    evidence_min_coverage: float = Field(
        0.8,
        ge=0,
        le=1,
        description="An open day is evidence for capacity when at least this share of its open "
        "desk-time has a known state.",
    )
    analytics_max_days: int = Field(
        400, ge=1, description="Longest date range one analytics request or report may cover."
    )
    rollup_refresh_s: int = Field(
        60,
        ge=1,
        description="Rollups of a day computed before its data was complete are recomputed on "
        "read when older than this.",
    )

    # --- Employees' view (dashboards/README.md) -------------------------------------------
    employee_view: bool = Field(
        False,
        description="Serve the employees' page /free and GET /api/free-now without an "
        "account: free desks now per hub (counts only), today's hours, usually busy hours. "
        "Off: both answer 404.",
    )

    # --- Privacy and planning evidence (docs/planning.md) --------------------------------
    min_group_size: int = Field(
        5,
        ge=1,
        le=1000,
        description="Privacy: a published figure built on fewer people than this is "
        'suppressed and shown as "<N>", never its value (planning facts, and what is '
        "derived from them).",
    )
    planning_facts_file: Path | None = Field(
        None,
        description="Planning facts per municipality and period (CSV or XLSX, aggregated "
        "figures only; schema in docs/planning.md; check it with `hubsense planning import "
        "FILE`). Empty: the planning page shows measured figures only.",
    )

    @field_validator(
        "mqtt_ca_file",
        "spool_path",
        "adapters_file",
        "collector_stats_file",
        "store_signal_file",
        "api_keys_file",
        "planning_facts_file",
        mode="before",
    )
    @classmethod
    def _empty_path_is_none(cls, value: object) -> object:
        # "empty: none", as the settings say; pydantic would make "" the path "."
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("mqtt_topic_root", "dt_topic_root")
    @classmethod
    def _topic_root_is_plain(cls, value: str) -> str:
        if not value or any(c in value for c in "/#+$") or value != value.strip():
            raise ValueError("must be one plain topic level without / # + $")
        return value

    @model_validator(mode="after")
    def _flicker_shorter_than_stuck(self) -> Settings:
        if self.flicker_min_s >= self.stuck_occupied_s:
            raise ValueError("flicker_min_s must be shorter than stuck_occupied_s")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("HUBSENSE_CONFIG")
        if config_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config_file)))
        return tuple(sources)


def load_settings(**overrides: Any) -> Settings:
    """Settings from defaults, config file and environment; ``overrides`` win over all.

    Raises ConfigError with every problem listed, never a bare traceback.
    """
    config_file = os.environ.get("HUBSENSE_CONFIG")
    if config_file:
        path = Path(config_file)
        if not path.is_file():
            raise ConfigError(f"HUBSENSE_CONFIG={config_file}: no such file")
        try:
            tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_file}: not valid TOML: {exc}") from None
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'config'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from None


def settings_table() -> str:
    """Markdown table of every setting, its environment variable and default."""
    rows = ["| Setting | Environment variable | Default | Meaning |", "|---|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, Path) and default == DEFAULT_REGISTRY:
            default = "(bundled Jämtland example)"
        rows.append(f"| `{name}` | `HUBSENSE_{name.upper()}` | `{default}` | {field.description} |")
    return "\n".join(rows)
