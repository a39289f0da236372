"""Hub registry: municipalities → hubs → desks, loaded from a versioned TOML file.

The file is validated as a whole on load; every problem is reported with where it is
(e.g. ``hubs[2].desks[5].sensor: duplicate sensor 'x' (also desk svenstavik/a01)``).
Inside the program the registry is plain frozen dataclasses.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationError,
    field_validator,
)

SCHEMA_VERSION = 1
ID_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$"
Ident = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _one_line(value: str) -> str:
    """Names end up inside sentences (the memo), CSV rows and page titles: a line break or
    another control character would split them, so it is refused here with what it was."""
    bad = next((c for c in value if not c.isprintable()), None)
    if bad is not None:
        shown = bad.encode("unicode_escape").decode()
        raise ValueError(f"must be one line of printable text; contains {shown!r}")
    return value


HubName = Annotated[str, StringConstraints(min_length=1, max_length=120), AfterValidator(_one_line)]
MunicipalityName = Annotated[
    str, StringConstraints(min_length=1, max_length=80), AfterValidator(_one_line)
]


_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


class RegistryError(ValueError):
    """The registry file is unusable; ``problems`` lists every reason."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


@dataclass(frozen=True, slots=True)
class Desk:
    id: str
    hub: str
    municipality: str
    zone: str
    sensor: str


@dataclass(frozen=True, slots=True)
class Hub:
    id: str
    name: str
    municipality: str
    timezone: str
    # weekday (0 = Monday) → (open, close) local times; a missing weekday is closed.
    opening_hours: dict[int, tuple[time, time]]
    closed_dates: frozenset[date]
    desks: tuple[Desk, ...]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def zones(self) -> list[str]:
        return sorted({d.zone for d in self.desks})


@dataclass(frozen=True, slots=True)
class Municipality:
    id: str
    name: str
    code: str
    hubs: tuple[str, ...]


@dataclass(frozen=True)
class Registry:
    region: str
    version: str
    municipalities: dict[str, Municipality]
    hubs: dict[str, Hub]
    _by_sensor: dict[str, Desk] = field(repr=False)

    def desk(self, hub: str, desk: str) -> Desk | None:
        h = self.hubs.get(hub)
        if h is None:
            return None
        for d in h.desks:
            if d.id == desk:
                return d
        return None

    def desk_by_sensor(self, sensor: str) -> Desk | None:
        return self._by_sensor.get(sensor)

    def all_desks(self) -> Iterator[Desk]:
        for hub in self.hubs.values():
            yield from hub.desks

    def hubs_of(self, municipality: str) -> list[Hub]:
        return [self.hubs[h] for h in self.municipalities[municipality].hubs]

    def only(self, hubs: Collection[str]) -> Registry:
        """This registry with only these hubs (ids it does not have are ignored): their
        desks and sensors, and the municipalities that have one of them, each listing
        only those. Access scopes (``hubsense.access``) are built on it."""
        kept = {h: hub for h, hub in self.hubs.items() if h in hubs}
        munis = {
            mid: Municipality(m.id, m.name, m.code, tuple(h for h in m.hubs if h in kept))
            for mid, m in self.municipalities.items()
            if any(h in kept for h in m.hubs)
        }
        by_sensor = {s: d for s, d in self._by_sensor.items() if d.hub in kept}
        return Registry(self.region, self.version, munis, kept, by_sensor)


# --- file format (pydantic at the edge) --------------------------------------------------


class _DeskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Ident
    zone: Ident
    sensor: Ident


class _HubIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Ident
    municipality: Ident
    name: HubName
    timezone: str = "Europe/Stockholm"
    opening_hours: dict[str, str]
    closed_dates: list[date] = []
    desks: list[_DeskIn]

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("opening_hours")
    @classmethod
    def _valid_hours(cls, value: dict[str, str]) -> dict[str, str]:
        for day, span in value.items():
            if day not in WEEKDAYS:
                raise ValueError(f"unknown weekday {day!r} (use {', '.join(WEEKDAYS)})")
            if span != "closed":
                _parse_span(day, span)
        return value


class _MunicipalityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: MunicipalityName
    code: Annotated[str, StringConstraints(pattern=r"^\d{4}$")]


class _RegistryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    schema_version: int
    version: str
    region: MunicipalityName
    municipalities: dict[Ident, _MunicipalityIn]
    hubs: list[_HubIn]


def _parse_span(day: str, span: str) -> tuple[time, time]:
    m = _HOURS.match(span)
    if not m:
        raise ValueError(f"{day}: bad hours {span!r}, expected HH:MM-HH:MM or 'closed'")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h2 == 24 and m2 != 0:
        raise ValueError(f"{day}: bad closing time in {span!r}")
    opens = time(h1, m1)
    closes = time(23, 59, 59, 999999) if h2 == 24 else time(h2, m2)
    if closes <= opens:
        raise ValueError(f"{day}: closes before it opens in {span!r}")
    return opens, closes


def _loc(parts: tuple[int | str, ...]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def parse_registry(text: str, source: str = "registry") -> Registry:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(source, [f"not valid TOML: {exc}"]) from None
    if raw.get("schema_version") != SCHEMA_VERSION:
        raise RegistryError(
            source,
            [f"schema_version must be {SCHEMA_VERSION}, got {raw.get('schema_version')!r}"],
        )
    try:
        doc = _RegistryIn.model_validate(raw)
    except ValidationError as exc:
        raise RegistryError(
            source, [f"{_loc(e['loc'])}: {e['msg']}" for e in exc.errors()]
        ) from None
    return _build(doc, source)


def _build(doc: _RegistryIn, source: str) -> Registry:
    problems: list[str] = []
    hubs: dict[str, Hub] = {}
    by_sensor: dict[str, Desk] = {}
    hubs_per_muni: dict[str, list[str]] = {m: [] for m in doc.municipalities}
    for i, h in enumerate(doc.hubs):
        where = f"hubs[{i}]"
        if h.municipality not in doc.municipalities:
            problems.append(
                f"{where}.municipality: unknown municipality {h.municipality!r} "
                f"(declared: {', '.join(sorted(doc.municipalities))})"
            )
            continue
        if h.id in hubs:
            problems.append(f"{where}.id: duplicate hub {h.id!r}")
            continue
        if not h.desks:
            problems.append(f"{where}.desks: a hub needs at least one desk")
        desks: list[Desk] = []
        seen: set[str] = set()
        for j, d in enumerate(h.desks):
            if d.id in seen:
                problems.append(f"{where}.desks[{j}].id: duplicate desk {d.id!r} in hub {h.id!r}")
                continue
            seen.add(d.id)
            desk = Desk(
                id=d.id, hub=h.id, municipality=h.municipality, zone=d.zone, sensor=d.sensor
            )
            other = by_sensor.get(d.sensor)
            if other is not None:
                problems.append(
                    f"{where}.desks[{j}].sensor: duplicate sensor {d.sensor!r} "
                    f"(also desk {other.hub}/{other.id})"
                )
                continue
            by_sensor[d.sensor] = desk
            desks.append(desk)
        hours = {
            WEEKDAYS.index(day): _parse_span(day, span)
            for day, span in h.opening_hours.items()
            if span != "closed"
        }
        if not hours:
            problems.append(f"{where}.opening_hours: the hub is never open")
        hubs[h.id] = Hub(
            id=h.id,
            name=h.name,
            municipality=h.municipality,
            timezone=h.timezone,
            opening_hours=hours,
            closed_dates=frozenset(h.closed_dates),
            desks=tuple(desks),
        )
        hubs_per_muni[h.municipality].append(h.id)
    if problems:
        raise RegistryError(source, problems)
    munis = {
        mid: Municipality(id=mid, name=m.name, code=m.code, hubs=tuple(hubs_per_muni[mid]))
        for mid, m in doc.municipalities.items()
    }
    return Registry(
        region=doc.region,
        version=doc.version,
        municipalities=munis,
        hubs=hubs,
        _by_sensor=by_sensor,
    )


def load_registry(path: Path | str) -> Registry:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(str(p), [f"cannot read: {exc}"]) from None
    return parse_registry(text, str(p))
