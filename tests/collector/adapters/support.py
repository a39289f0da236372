"""Loading an adapter's sample configuration and its real example payloads (testdata/).

Each adapter folder has ``sample.toml`` (the configuration the tests use, so the sample is
known to work) and ``testdata/cases.toml``: for every payload file, the topic it arrives on
and what must come of it — an event (desk, state, battery, rssi, seq, time), a rejection
reason, or nothing (ignored; with a desk and seq: nothing stored, but the frame is heard).
``duplicate_of`` names a case sent before it whose copy it is: parsed after that one, it
must give the same event, which the collector stores once.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import collector.adapters
from collector.adapters.base import Adapter, Heard
from collector.adapters.common import BaseAdapter, parse_timestamp
from collector.adapters.loader import build_adapters, parse_adapters
from hubsense.config import Settings
from hubsense.events import PresenceEvent, Rejection
from hubsense.registry import Registry, load_registry

ADAPTERS_DIR = Path(collector.adapters.__file__).parent
REGISTRY_FILE = Path(__file__).parent / "registry.toml"
NAMES = ("zigbee2mqtt", "thethingsstack", "homeassistant", "haltian", "disruptive", "generic_json")
# Documented examples are from 2018 on: accept them (the default limit is 400 days).
MAX_AGE_S = 20 * 365 * 24 * 3600.0
RECEIVED_NS = int(datetime(2026, 11, 25, 12, 0, tzinfo=UTC).timestamp()) * 10**9


def registry() -> Registry:
    return load_registry(REGISTRY_FILE)


def settings(**kw: object) -> Settings:
    return Settings(max_age_s=MAX_AGE_S, auth_enabled=False, **kw)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Case:
    adapter: str
    name: str
    topic: str
    payload: bytes
    desk: str | None = None
    occupied: bool | None = None
    battery: int | None = None
    rssi: int | None = None
    seq: int = 0
    time: str | None = None  # ISO 8601, or "received"
    reject: str | None = None
    ignore: bool = False
    duplicate_of: str | None = None

    @property
    def is_event(self) -> bool:
        return self.desk is not None and not self.ignore

    @property
    def is_stored(self) -> bool:
        """An event the store gets (a copy of an earlier case's event is not stored)."""
        return self.is_event and self.duplicate_of is None

    def time_ns(self, received_ns: int) -> int:
        assert self.time is not None
        return received_ns if self.time == "received" else parse_timestamp(self.time)


def cases(adapter: str) -> list[Case]:
    folder = ADAPTERS_DIR / adapter / "testdata"
    doc = tomllib.loads((folder / "cases.toml").read_text(encoding="utf-8"))
    out = []
    for raw in doc["case"]:
        raw = dict(raw)
        payload = (folder / raw.pop("file")).read_bytes()
        out.append(Case(adapter=adapter, payload=payload, **raw))
    return out


def sample_configs(adapter: str) -> str:
    return (ADAPTERS_DIR / adapter / "sample.toml").read_text(encoding="utf-8")


def sample_adapter(adapter: str, reg: Registry | None = None, **kw: object) -> BaseAdapter:
    configs = parse_adapters(sample_configs(adapter), f"{adapter}/sample.toml")
    [built] = build_adapters(configs, settings(**kw), reg or registry())
    assert isinstance(built, BaseAdapter)
    return built


def check(adapter: Adapter, case: Case, received_ns: int = RECEIVED_NS) -> None:
    """Parse one case (after the case it copies, if any) and assert exactly what its
    manifest says."""
    if case.duplicate_of is not None:
        [first] = [c for c in cases(case.adapter) if c.name == case.duplicate_of]
        [original] = adapter.parse(first.topic, first.payload, received_ns)
        assert isinstance(original, PresenceEvent), case.name
    results = adapter.parse(case.topic, case.payload, received_ns)
    if case.ignore:
        heard = [] if case.desk is None else [Heard(sensor_of(case.desk), case.seq)]
        assert results == heard, (case.name, results)
        return
    [result] = results
    if case.reject is not None:
        assert isinstance(result, Rejection), (case.name, result)
        assert result.reason == case.reject, (case.name, result.detail)
        assert result.topic.isprintable() and result.payload.isprintable()
        if case.reject == "unknown_desk":
            assert "registry" in result.detail  # the hint says where to add it
        return
    assert isinstance(result, PresenceEvent), (case.name, result)
    assert (result.hub, result.desk) == ("svenstavik", case.desk), case.name
    assert result.occupied is case.occupied, case.name
    assert result.battery == case.battery, case.name
    assert result.rssi == case.rssi, case.name
    assert result.seq == case.seq, case.name
    assert result.time_ns == case.time_ns(received_ns), case.name
    assert result.heartbeat is False
    if case.duplicate_of is not None:
        assert result == original, case.name


def sensor_of(desk: str) -> str:
    found = registry().desk("svenstavik", desk)
    assert found is not None, desk
    return found.sensor
