"""Projection and benefit maths: pure functions on plain numbers (docs/planning.md has the
formulas, each with its symbol; the tests recompute them by hand).

Symbols: E eligible employees, V average daily visits (used desk-days per open day),
a = V ÷ E adoption, r = P ÷ V peak ratio (P: the daily peak at the service level),
b buffer desks, D open days per year.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from hubsense.calendar import swedish_holidays

Eligible = Literal["residents", "commuters"]
RankBy = Literal["demand", "benefit"]

CO2_KG_PER_KM = 0.15
"""Default CO₂ factor, kg per car-km: 150.8 g/km rounded, the average certified tailpipe
CO₂ of all passenger cars in traffic in Ragunda (Jämtland) in 2023 (Miljöbarometern,
indicator K.H.B1.M "Genomsnittliga koldioxidutsläpp hos fordon", data from SCB;
https://2030.miljobarometern.se/kommun/helhet/bilen/genomsnittliga-koldioxidutslapp-hos-fordon/ragunda/table).
Certified (WLTP) values, tailpipe only: real driving and fuel production add to it."""


@dataclass(frozen=True, slots=True)
class Assumptions:
    """Everything the projection and the benefit rest on; each is shown on the page and
    can be changed there (query parameters of GET /api/planning)."""

    eligible: Eligible = "residents"
    adoption: float | None = None  # None: measured at the other hubs
    adoption_low: float | None = None
    adoption_high: float | None = None
    peak_ratio: float | None = None  # None: measured
    buffer_desks: int = 1
    horizon_years: float = 0.0
    open_days_per_year: int | None = None  # None: Mon–Fri minus Swedish holidays, last year
    min_commute_km: float = 10.0
    hub_trip_km: float = 5.0
    hub_trip_minutes: float = 10.0
    speed_kmh: float = 70.0
    co2_kg_per_km: float = CO2_KG_PER_KM
    long_commute_minutes: float = 45.0
    rank_by: RankBy = "demand"


@dataclass(frozen=True, slots=True)
class Range:
    low: float
    mid: float
    high: float

    def scaled(self, factor: float) -> Range:
        return Range(self.low * factor, self.mid * factor, self.high * factor)


# --- adoption and peak ratio, measured ----------------------------------------------------


def adoption(visits_per_day: float, eligible: float) -> float | None:
    """a = V ÷ E: the share of eligible employees at the hub on an average open day."""
    return visits_per_day / eligible if eligible > 0 else None


@dataclass(frozen=True, slots=True)
class Reference:
    """A measured municipality as evidence for the others."""

    municipality: str
    visits_per_day: float  # V
    eligible: float  # E
    peak: int | None  # P (daily peak at the service level, summed over its hubs)


def pooled_adoption(refs: Sequence[Reference]) -> Range | None:
    """mid = ΣV ÷ ΣE over the references (each weighted by its size); low and high: the
    lowest and highest single a."""
    usable = [r for r in refs if r.eligible > 0]
    if not usable:
        return None
    rates = [r.visits_per_day / r.eligible for r in usable]
    mid = sum(r.visits_per_day for r in usable) / sum(r.eligible for r in usable)
    return Range(min(rates), mid, max(rates))


def pooled_peak_ratio(refs: Sequence[Reference]) -> float | None:
    """r = ΣP ÷ ΣV over the references with both."""
    usable = [r for r in refs if r.peak is not None and r.visits_per_day > 0]
    visits = sum(r.visits_per_day for r in usable)
    if not usable or visits <= 0:
        return None
    return sum(r.peak or 0 for r in usable) / visits


def chosen_adoption(measured: Range | None, a: Assumptions) -> Range | None:
    """The planner's values win; a given mid without low/high keeps the measured spread
    where it brackets the mid."""
    if a.adoption is None and measured is None:
        if a.adoption_low is not None and a.adoption_high is not None:
            mid = (a.adoption_low + a.adoption_high) / 2
            return Range(a.adoption_low, mid, a.adoption_high)
        return None
    mid = a.adoption if a.adoption is not None else measured.mid  # type: ignore[union-attr]
    low = a.adoption_low
    if low is None:
        low = min(measured.low, mid) if measured is not None else mid
    high = a.adoption_high
    if high is None:
        high = max(measured.high, mid) if measured is not None else mid
    return Range(min(low, mid), mid, max(high, mid))


# --- projection ---------------------------------------------------------------------------


def grown(eligible: float, growth_per_year: float | None, years: float) -> float:
    """E after ``years`` at the municipality's population growth rate (compound)."""
    if not years or growth_per_year is None:
        return eligible
    return eligible * (1.0 + growth_per_year) ** years


def desks_for(peak: float, buffer_desks: int) -> int:
    """⌈P⌉ + b (P rounded to 9 decimals first, so 5.0000000001 from float noise is 5)."""
    return math.ceil(round(peak, 9)) + buffer_desks


@dataclass(frozen=True, slots=True)
class Projection:
    eligible: float  # E at the horizon
    adoption: Range
    peak_ratio: float
    visits: Range  # V = E × a
    peak: Range  # P = V × r
    desks: tuple[int, int, int]  # ⌈P⌉ + b, low/mid/high


def project(eligible: float, a: Range, peak_ratio: float, buffer_desks: int) -> Projection:
    visits = a.scaled(eligible)
    peak = visits.scaled(peak_ratio)
    return Projection(
        eligible=eligible,
        adoption=a,
        peak_ratio=peak_ratio,
        visits=visits,
        peak=peak,
        desks=(
            desks_for(peak.low, buffer_desks),
            desks_for(peak.mid, buffer_desks),
            desks_for(peak.high, buffer_desks),
        ),
    )


# --- benefit ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BandInput:
    lo_km: float
    n: int
    km: float  # mean one-way distance (the file's, or the band's typical distance)
    minutes: float | None  # mean one-way time from the file; None: km at speed_kmh


def band_minutes(b: BandInput, speed_kmh: float) -> float:
    return b.minutes if b.minutes is not None else b.km / speed_kmh * 60.0


@dataclass(frozen=True, slots=True)
class PerVisit:
    """What one hub visit saves (round trip), averaged over the bands visitors come from."""

    km: float
    minutes: float
    people: int  # Σn of the bands it is averaged over


def per_visit(bands: Sequence[BandInput], a: Assumptions) -> PerVisit | None:
    """Visitors are taken to commute like the eligible employees in the bands at least
    ``min_commute_km`` long (weights n ÷ Σn). A visit saves the trip to the regular
    workplace and costs the trip to the hub: 2 × max(0, km − hub_trip_km) and
    2 × max(0, minutes − hub_trip_minutes)."""
    used = [b for b in bands if b.lo_km >= a.min_commute_km and b.n > 0]
    people = sum(b.n for b in used)
    if people == 0:
        return None
    km = sum(b.n * max(0.0, b.km - a.hub_trip_km) for b in used) / people
    minutes = (
        sum(b.n * max(0.0, band_minutes(b, a.speed_kmh) - a.hub_trip_minutes) for b in used)
        / people
    )
    return PerVisit(km=2 * km, minutes=2 * minutes, people=people)


@dataclass(frozen=True, slots=True)
class Benefit:
    visits_per_year: Range
    hours: Range
    km: Range
    co2_tonnes: Range


def benefit(visits_per_day: Range, open_days: int, pv: PerVisit, co2_kg_per_km: float) -> Benefit:
    """Per year: visits V × D; hours V × D × minutes ÷ 60; km V × D × km; CO₂ km × factor."""
    visits = visits_per_day.scaled(open_days)
    km = visits.scaled(pv.km)
    return Benefit(
        visits_per_year=visits,
        hours=visits.scaled(pv.minutes / 60.0),
        km=km,
        co2_tonnes=km.scaled(co2_kg_per_km / 1000.0),
    )


# --- daily rest, recruitment, migration ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rest:
    long_commuters: int  # in bands whose mean one-way time is at least the threshold
    banded: int  # Σn over every band
    rest_hours: float | None  # round trip of the long commuters, h (of the 11 h rest)


def rest(bands: Sequence[BandInput], a: Assumptions) -> Rest:
    """Arbetstidslagen (13 §) gives 11 hours of rest in every 24; a long commute takes a
    round trip out of them."""
    long = [b for b in bands if band_minutes(b, a.speed_kmh) >= a.long_commute_minutes]
    n = sum(b.n for b in long)
    hours = 2 * sum(b.n * band_minutes(b, a.speed_kmh) for b in long) / n / 60.0 if n else None
    return Rest(long_commuters=n, banded=sum(b.n for b in bands), rest_hours=hours)


def growth_per_year(population: int, change: int, years: float) -> float | None:
    """Compound yearly rate from the period's net change (population at its end)."""
    start = population - change
    if start <= 0 or years <= 0:
        return None
    return float((population / start) ** (1.0 / years) - 1.0)


def per_thousand_per_year(count: int, population: int, years: float) -> float | None:
    return count / population / years * 1000.0 if population > 0 and years > 0 else None


def default_open_days(end: date) -> int:
    """Weekdays (Mon–Fri) that are not Swedish (de facto) holidays in the 365 days before
    ``end``: a hub open on working days."""
    days = 0
    for i in range(1, 366):
        d = end - timedelta(days=i)
        if d.weekday() < 5 and d not in swedish_holidays(d.year):
            days += 1
    return days
