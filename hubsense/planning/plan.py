"""The planning evidence for every municipality: facts × measurement × assumptions →
measured or projected desks needed (with a range), the commuting saved, the evidence
behind both, and a ranking.

``build_plan`` is pure (plain inputs: the registry, the facts, what was measured, the
assumptions). Everything it returns is *published*: counts below the minimum group size,
and figures derived from them, are ``Suppressed`` (hubsense.planning.privacy); the raw
values stay inside this function.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from hubsense.planning import model
from hubsense.planning.facts import Facts, FactsFile
from hubsense.planning.measure import Measured, Unmeasured
from hubsense.planning.model import Assumptions, Range, Reference
from hubsense.planning.privacy import (
    Cell,
    FactCells,
    Suppressed,
    Value,
    derived_bands,
    fact_cells,
    publish,
)
from hubsense.registry import Registry

Basis = Literal["measured", "projected", "none"]


@dataclass(frozen=True, slots=True)
class Note:
    """Why a figure is missing or how to read it; ``code`` is translated by the page."""

    code: str
    params: tuple[tuple[str, str], ...] = ()

    def param(self, name: str) -> str:
        return dict(self.params).get(name, "")


@dataclass(frozen=True, slots=True)
class Span:
    low: Value
    mid: Value
    high: Value


def _span(r: Range | None, hidden: bool, k: int) -> Span | None:
    if r is None:
        return None
    return Span(publish(r.low, hidden, k), publish(r.mid, hidden, k), publish(r.high, hidden, k))


def _fixed(value: float | None) -> Span | None:
    return None if value is None else Span(value, value, value)


def _measured_need(m: Measured, notes: list[Note]) -> tuple[Span | None, Span | None]:
    """(desks needed, peak demand) from the measurement: the censored estimate with its
    range when a hub was full (the measured figures are then only a floor), else the
    measured figures."""
    if not m.lower_bound:
        return _fixed(m.recommended_desks), _fixed(m.peak)
    days = ("days", str(m.days_at_capacity))
    rec, peak = m.demand_recommended_desks, m.demand_peak
    low, high = m.demand_low, m.demand_high
    if rec is None or peak is None or low is None or high is None:
        notes.append(Note("lower_bound", (days, ("desks", str(m.recommended_desks)))))
        return _fixed(m.recommended_desks), _fixed(m.peak)
    notes.append(Note("lower_bound_estimated", (days, ("desks", str(m.recommended_desks)))))
    buffer = rec - peak
    return Span(low + buffer, rec, high + buffer), Span(low, peak, high)


@dataclass(frozen=True, slots=True)
class BandOut:
    key: str
    label: str
    lo_km: float
    n: Value
    mean_km: Value
    mean_minutes: Value


@dataclass(frozen=True, slots=True)
class Evidence:
    """The facts behind the numbers (published)."""

    first_day: date
    last_day: date
    source: str
    row: int
    employed_residents: Value
    works_in_municipality: Value
    works_elsewhere_in_region: Value
    works_outside_region: Value
    commuters: Value
    commuter_share: Value
    bands: tuple[BandOut, ...]
    long_commuters: Value  # bands whose mean one-way time ≥ long_commute_minutes
    long_commute_share: Value
    rest_hours: Value  # their round trip, hours out of the 11-hour daily rest
    shift_workers: Value
    shift_workers_long_commute: Value  # estimate: shift workers × long-commute share
    open_positions: Value
    open_positions_per_100: Value  # per 100 employed residents
    population: Value
    population_change: Value
    growth_per_year: Value  # fraction
    in_migration: Value
    in_migration_per_1000: Value  # per 1,000 inhabitants and year


@dataclass(frozen=True, slots=True)
class MeasuredOut:
    hubs: int
    desks: int
    open_days: int
    evidence_days: int
    too_few_days: bool
    visits_per_day: float
    peak: int | None
    recommended_desks: int | None
    adoption: Value  # V ÷ E
    peak_ratio: float | None  # P ÷ V
    lower_bound: bool = False  # a hub was full: peak and recommended_desks understate
    days_at_capacity: int = 0  # hub-days at capacity


@dataclass(frozen=True, slots=True)
class ProjectionOut:
    eligible: Value  # E at the horizon
    adoption: Range
    adoption_source: Literal["measured", "assumed"]
    references: tuple[str, ...]  # municipalities the measured adoption comes from
    peak_ratio: float
    peak_ratio_source: Literal["measured", "assumed"]
    visits: Span
    peak: Span
    desks: Span


@dataclass(frozen=True, slots=True)
class BenefitOut:
    basis: Literal["measured", "projected"]
    open_days_per_year: int
    visits_per_year: Span
    km_per_visit: Value  # round trip saved
    minutes_per_visit: Value
    hours_per_year: Span
    km_per_year: Span
    co2_tonnes_per_year: Span


@dataclass(frozen=True, slots=True)
class MunicipalityPlan:
    rank: int
    id: str
    name: str
    code: str
    hubs: int
    desks_now: int
    eligible: Value
    basis: Basis
    desks_needed: Span | None  # the planning figure: measured, else projected
    peak_demand: Span | None
    measured: MeasuredOut | None
    projection: ProjectionOut | None
    benefit: BenefitOut | None
    evidence: Evidence | None
    notes: tuple[Note, ...]


@dataclass(frozen=True, slots=True)
class Effective:
    """The assumptions as used: the planner's, or measured where they gave none."""

    adoption: Range | None
    adoption_source: Literal["measured", "assumed", "none"]
    peak_ratio: float | None
    peak_ratio_source: Literal["measured", "assumed", "none"]
    references: tuple[str, ...]
    open_days_per_year: int
    min_days: int
    service_level: float


@dataclass(frozen=True)
class Plan:
    first: date
    end: date  # exclusive
    min_group_size: int
    assumptions: Assumptions
    effective: Effective
    facts_source: str | None
    facts_invented: bool
    municipalities: tuple[MunicipalityPlan, ...]  # ranked
    notes: tuple[Note, ...] = field(default=())


# --- building -----------------------------------------------------------------------------


def _eligible(f: Facts, cells: FactCells, a: Assumptions) -> Cell:
    if a.eligible == "commuters":
        return cells.commuters
    return cells.residents


def _ratio(num: float | None, den: float | None) -> float | None:
    if num is None or den is None or den <= 0:
        return None
    return num / den


def _evidence(f: Facts, cells: FactCells, a: Assumptions, k: int) -> Evidence:
    bands = derived_bands(f, cells, k)  # published values only (privacy rule 3)
    r = model.rest(bands, a)
    long_hidden = r.long_commuters < k
    long_share = _ratio(r.long_commuters, r.banded) if bands else None
    shift = cells.shift_workers
    shift_long = None if shift.raw is None or long_share is None else shift.raw * long_share
    growth = (
        model.growth_per_year(f.population, f.population_change, f.years)
        if f.population is not None and f.population_change is not None
        else None
    )
    pop_small = f.population is not None and f.population < k
    in_mig = cells.in_migration
    per_100 = _ratio(f.open_positions, f.employed_residents)
    return Evidence(
        first_day=f.first_day,
        last_day=f.last_day,
        source=f.source,
        row=f.row,
        employed_residents=cells.residents.published(k),
        works_in_municipality=cells.works_in.published(k),
        works_elsewhere_in_region=cells.works_elsewhere.published(k),
        works_outside_region=cells.works_outside.published(k),
        commuters=cells.commuters.published(k),
        commuter_share=publish(
            _ratio(cells.commuters.raw, cells.residents.raw),
            cells.commuters.hidden or cells.residents.hidden,
            k,
        ),
        bands=tuple(
            BandOut(
                key=b.band.key,
                label=b.band.label(),
                lo_km=b.band.lo_km,
                n=c.published(k),
                mean_km=publish(b.mean_km, c.raw is not None and c.raw < k, k),
                mean_minutes=publish(b.mean_minutes, c.raw is not None and c.raw < k, k),
            )
            for b, c in zip(f.bands, cells.bands, strict=True)
        ),
        long_commuters=publish(r.long_commuters, long_hidden, k) if bands else None,
        long_commute_share=publish(long_share, long_hidden, k),
        rest_hours=publish(r.rest_hours, long_hidden, k),
        shift_workers=shift.published(k),
        shift_workers_long_commute=publish(shift_long, shift.hidden or long_hidden, k),
        open_positions=cells.open_positions.published(k),
        open_positions_per_100=publish(
            None if per_100 is None else per_100 * 100,
            cells.open_positions.hidden or cells.residents.hidden,
            k,
        ),
        population=publish(f.population, pop_small, k),
        population_change=publish(f.population_change, pop_small, k),
        growth_per_year=publish(growth, pop_small, k),
        in_migration=in_mig.published(k),
        in_migration_per_1000=publish(
            model.per_thousand_per_year(f.in_migration, f.population, f.years)
            if f.in_migration is not None and f.population is not None
            else None,
            in_mig.hidden or pop_small,
            k,
        ),
    )


@dataclass
class _Work:
    """One municipality while the plan is built (raw values: never returned)."""

    id: str
    facts: Facts | None
    cells: FactCells | None
    eligible: Cell
    measured: Measured | None
    unmeasured: Unmeasured | None
    notes: list[Note]


def build_plan(
    registry: Registry,
    facts: FactsFile | None,
    measured: Mapping[str, Measured | Unmeasured],
    assumptions: Assumptions,
    *,
    first: date,
    end: date,
    min_group_size: int,
    min_days: int,
    service_level: float,
) -> Plan:
    """``measured``: ``hubsense.planning.measure.measure`` for the period ``[first, end)``;
    facts are taken per municipality from its latest period begun by ``end − 1 day``."""
    k = min_group_size
    a = assumptions
    last = date.fromordinal(end.toordinal() - 1)
    work: list[_Work] = []
    for mid in registry.municipalities:
        f = facts.for_day(mid, last) if facts is not None else None
        cells = fact_cells(f, k) if f is not None else None
        m = measured.get(mid)
        w = _Work(
            id=mid,
            facts=f,
            cells=cells,
            eligible=_eligible(f, cells, a)
            if f is not None and cells is not None
            else Cell(None, False),
            measured=m if isinstance(m, Measured) else None,
            unmeasured=m if isinstance(m, Unmeasured) else None,
            notes=[],
        )
        if f is None:
            if facts is not None:  # without any file, the plan says so once (no_facts_file)
                w.notes.append(Note("no_facts"))
        elif a.eligible == "commuters" and w.eligible.raw is None:
            w.notes.append(Note("no_commuters"))
        work.append(w)

    # references: measured with enough evidence days, and eligible employees known and
    # publishable (a suppressed E must not enter a pooled rate it could be recovered from)
    refs = {
        w.id: Reference(w.id, w.measured.visits_per_day, w.eligible.raw, w.measured.peak)
        for w in work
        if w.measured is not None
        and not w.measured.too_few_days
        and w.eligible.raw is not None
        and w.eligible.raw > 0
        and not w.eligible.hidden
    }
    open_days = a.open_days_per_year or model.default_open_days(end)
    all_refs = list(refs.values())
    measured_adoption = model.pooled_adoption(all_refs)
    effective = Effective(
        adoption=model.chosen_adoption(measured_adoption, a),
        adoption_source="assumed"
        if a.adoption is not None
        else ("measured" if measured_adoption is not None else "none"),
        peak_ratio=a.peak_ratio if a.peak_ratio is not None else model.pooled_peak_ratio(all_refs),
        peak_ratio_source="assumed"
        if a.peak_ratio is not None
        else ("measured" if model.pooled_peak_ratio(all_refs) is not None else "none"),
        references=tuple(sorted(refs)),
        open_days_per_year=open_days,
        min_days=min_days,
        service_level=service_level,
    )

    plans: list[MunicipalityPlan] = []
    for w in work:
        plans.append(_municipality(registry, w, refs, a, effective, k, min_days))
    ranked = _rank(plans, a.rank_by)
    plan_notes: list[Note] = []
    if facts is None:
        plan_notes.append(Note("no_facts_file"))
    if effective.adoption is None:
        plan_notes.append(Note("no_reference"))
    return Plan(
        first=first,
        end=end,
        min_group_size=k,
        assumptions=a,
        effective=effective,
        facts_source=facts.source if facts is not None else None,
        facts_invented=facts.invented if facts is not None else False,
        municipalities=tuple(ranked),
        notes=tuple(plan_notes),
    )


def _municipality(
    registry: Registry,
    w: _Work,
    refs: Mapping[str, Reference],
    a: Assumptions,
    eff: Effective,
    k: int,
    min_days: int,
) -> MunicipalityPlan:
    muni = registry.municipalities[w.id]
    hubs = registry.hubs_of(w.id)
    notes = list(w.notes)
    f, cells, m = w.facts, w.cells, w.measured
    e_hidden = w.eligible.hidden
    if not hubs:
        notes.append(Note("no_hub"))
    elif w.unmeasured is not None and w.unmeasured.reason == "no_evidence":
        names = ", ".join(
            registry.hubs[h].name if h in registry.hubs else h
            for h in w.unmeasured.hubs_without_evidence
        )
        notes.append(Note("no_evidence", (("hubs", names),)))

    measured_out: MeasuredOut | None = None
    if m is not None:
        if m.too_few_days:
            notes.append(
                Note("too_few_days", (("days", str(m.evidence_days)), ("min", str(min_days))))
            )
        measured_out = MeasuredOut(
            hubs=m.hubs,
            desks=m.desks,
            open_days=m.open_days,
            evidence_days=m.evidence_days,
            too_few_days=m.too_few_days,
            visits_per_day=m.visits_per_day,
            peak=m.peak,
            recommended_desks=m.recommended_desks,
            adoption=publish(
                model.adoption(m.visits_per_day, w.eligible.raw or 0) if w.eligible.raw else None,
                e_hidden,
                k,
            ),
            peak_ratio=_ratio(m.peak, m.visits_per_day),
            lower_bound=m.lower_bound,
            days_at_capacity=m.days_at_capacity,
        )

    # projection: E × the adoption measured elsewhere (leave this municipality out)
    projection: ProjectionOut | None = None
    proj_raw: model.Projection | None = None
    growth = None
    if f is not None and f.population is not None and f.population_change is not None:
        growth = model.growth_per_year(f.population, f.population_change, f.years)
    if a.horizon_years and growth is None and f is not None:
        notes.append(Note("no_growth"))
    others = [r for mid, r in refs.items() if mid != w.id]
    if w.id in refs and a.adoption is None:
        notes.append(Note("leave_one_out"))
    adoption_range = model.chosen_adoption(model.pooled_adoption(others), a)
    peak_ratio = a.peak_ratio if a.peak_ratio is not None else model.pooled_peak_ratio(others)
    if w.eligible.raw is not None and adoption_range is not None and peak_ratio is not None:
        eligible_h = model.grown(w.eligible.raw, growth, a.horizon_years)
        proj_raw = model.project(eligible_h, adoption_range, peak_ratio, a.buffer_desks)
        desks = proj_raw.desks
        projection = ProjectionOut(
            eligible=publish(eligible_h, e_hidden, k),
            adoption=adoption_range,
            adoption_source="assumed" if a.adoption is not None else "measured",
            references=tuple(sorted(r.municipality for r in others)) if a.adoption is None else (),
            peak_ratio=peak_ratio,
            peak_ratio_source="assumed" if a.peak_ratio is not None else "measured",
            visits=_span(proj_raw.visits, e_hidden, k) or Span(None, None, None),
            peak=_span(proj_raw.peak, e_hidden, k) or Span(None, None, None),
            desks=Span(
                publish(desks[0], e_hidden, k),
                publish(desks[1], e_hidden, k),
                publish(desks[2], e_hidden, k),
            ),
        )
    elif f is not None and w.eligible.raw is not None:
        notes.append(Note("no_projection"))

    basis: Basis
    if m is not None and not m.too_few_days:
        basis = "measured"
    elif projection is not None:
        basis = "projected"
    elif m is not None:
        basis = "measured"  # uncertain: too few days, and nothing to project from
    else:
        basis = "none"

    if basis == "measured" and m is not None:
        desks_needed, peak_demand = _measured_need(m, notes)
    elif basis == "projected" and projection is not None:
        desks_needed, peak_demand = projection.desks, projection.peak
    else:
        desks_needed = peak_demand = None

    # benefit: visits × what a visit saves, from the commute bands
    benefit_out: BenefitOut | None = None
    if f is not None and cells is not None:
        pv = model.per_visit(derived_bands(f, cells, k), a)  # published values only
        visits: Range | None = None
        hidden = False
        if basis == "measured" and m is not None:
            visits = Range(m.visits_per_day, m.visits_per_day, m.visits_per_day)
        elif basis == "projected" and proj_raw is not None:
            visits = proj_raw.visits
            hidden = hidden or e_hidden
        if pv is None:
            notes.append(Note("no_bands"))
        elif visits is not None:
            b = model.benefit(visits, eff.open_days_per_year, pv, a.co2_kg_per_km)
            benefit_out = BenefitOut(
                basis="measured" if basis == "measured" else "projected",
                open_days_per_year=eff.open_days_per_year,
                visits_per_year=_span(b.visits_per_year, basis != "measured" and e_hidden, k)
                or Span(None, None, None),
                km_per_visit=pv.km,
                minutes_per_visit=pv.minutes,
                hours_per_year=_span(b.hours, hidden, k) or Span(None, None, None),
                km_per_year=_span(b.km, hidden, k) or Span(None, None, None),
                co2_tonnes_per_year=_span(b.co2_tonnes, hidden, k) or Span(None, None, None),
            )

    evidence = _evidence(f, cells, a, k) if f is not None and cells is not None else None
    if evidence is not None and _has_suppressed(evidence, projection, benefit_out):
        notes.append(Note("suppressed", (("k", str(k)),)))
    return MunicipalityPlan(
        rank=0,
        id=w.id,
        name=muni.name,
        code=muni.code,
        hubs=len(hubs),
        desks_now=sum(len(h.desks) for h in hubs),
        eligible=w.eligible.published(k),
        basis=basis,
        desks_needed=desks_needed,
        peak_demand=peak_demand,
        measured=measured_out,
        projection=projection,
        benefit=benefit_out,
        evidence=evidence,
        notes=tuple(notes),
    )


def _has_suppressed(*objs: object) -> bool:
    def walk(o: object) -> bool:
        if isinstance(o, Suppressed):
            return True
        if isinstance(o, tuple):
            return any(walk(x) for x in o)
        slots = getattr(type(o), "__slots__", ())
        return any(walk(getattr(o, s)) for s in slots)

    return any(walk(o) for o in objs if o is not None)


# --- ranking ------------------------------------------------------------------------------

_AFTER_Z = {"å": "\ufff0", "ä": "\ufff1", "ö": "\ufff2"}


def swedish_key(text: str) -> str:
    """Swedish alphabetical order (å, ä, ö after z)."""
    out = []
    for ch in text.casefold():
        base = _AFTER_Z.get(ch)
        if base is None:
            base = "".join(
                c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)
            )
        out.append(base)
    return "".join(out)


def _num(v: Value) -> float | None:
    return float(v) if isinstance(v, int | float) else None


def _key(p: MunicipalityPlan, rank_by: str) -> tuple[int, float, float, float, str]:
    demand = _num(p.desks_needed.mid) if p.desks_needed else None
    peak = _num(p.peak_demand.mid) if p.peak_demand else None
    hours = _num(p.benefit.hours_per_year.mid) if p.benefit else None
    first, second = (hours, demand) if rank_by == "benefit" else (demand, hours)
    if first is None:  # unknown or suppressed: last, alphabetically (no order leaks)
        return (1, 0.0, 0.0, 0.0, swedish_key(p.name))
    return (0, -first, -(second or 0.0), -(peak or 0.0), swedish_key(p.name))


def _rank(plans: Sequence[MunicipalityPlan], rank_by: str) -> list[MunicipalityPlan]:
    ordered = sorted(plans, key=lambda p: _key(p, rank_by))
    return [replace(p, rank=i) for i, p in enumerate(ordered, start=1)]
