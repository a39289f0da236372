"""Planning evidence: measured or projected desks needed per municipality, with a range,
the commuting saved, the facts behind the numbers and a ranking (docs/planning.md).

``GET /api/planning`` takes the measurement period and every assumption as validated query
parameters; ``GET /api/planning/download`` returns the same as XLSX or CSV. Planners only
(api.security.POLICY): the facts are aggregated, and small groups are suppressed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import QueryContextDep
from api.models import ErrorOut
from api.planning_models import (
    AssumptionOut,
    BandOut,
    BenefitOut,
    EvidenceOut,
    FactsOut,
    MeasuredOut,
    MunicipalityPlanOut,
    NoteOut,
    PlanningFileQuery,
    PlanningOut,
    PlanningQuery,
    ProjectionOut,
    RangeOut,
    SpanOut,
)
from hubsense.planning import export
from hubsense.planning.facts import FactsError
from hubsense.planning.model import Assumptions
from hubsense.planning.plan import MunicipalityPlan, Note, Plan, Span
from hubsense.planning.privacy import Suppressed, Value
from hubsense.planning.text import Lang, note_text
from hubsense.query import planning as planning_q
from hubsense.query.files import MEDIA_TYPES

router = APIRouter(prefix="/planning", tags=["planning"])

MEDIA = MEDIA_TYPES
ERRORS: dict[int | str, dict[str, object]] = {
    422: {"model": ErrorOut, "description": "Bad dates, range or assumption."},
    503: {"model": ErrorOut, "description": "The store is unavailable."},
}


# --- JSON -------------------------------------------------------------------------------------


def pub(v: Value) -> int | float | str | None:
    return str(v) if isinstance(v, Suppressed) else v


def span_out(s: Span | None) -> SpanOut | None:
    return None if s is None else SpanOut(low=pub(s.low), mid=pub(s.mid), high=pub(s.high))


def _span(s: Span) -> SpanOut:
    return SpanOut(low=pub(s.low), mid=pub(s.mid), high=pub(s.high))


def notes_out(notes: tuple[Note, ...], lang: Lang) -> list[NoteOut]:
    return [NoteOut(code=n.code, text=note_text(n.code, dict(n.params), lang)) for n in notes]


def municipality_out(p: MunicipalityPlan, lang: Lang) -> MunicipalityPlanOut:
    m, pr, b, ev = p.measured, p.projection, p.benefit, p.evidence
    return MunicipalityPlanOut(
        rank=p.rank,
        id=p.id,
        name=p.name,
        code=p.code,
        hubs=p.hubs,
        desks_now=p.desks_now,
        eligible=pub(p.eligible),
        basis=p.basis,
        desks_needed=span_out(p.desks_needed),
        peak_demand=span_out(p.peak_demand),
        measured=None
        if m is None
        else MeasuredOut(
            hubs=m.hubs,
            desks=m.desks,
            open_days=m.open_days,
            evidence_days=m.evidence_days,
            too_few_days=m.too_few_days,
            visits_per_day=m.visits_per_day,
            peak_at_service_level=m.peak,
            recommended_desks=m.recommended_desks,
            adoption=pub(m.adoption),
            peak_ratio=m.peak_ratio,
        ),
        projection=None
        if pr is None
        else ProjectionOut(
            eligible=pub(pr.eligible),
            adoption=RangeOut(low=pr.adoption.low, mid=pr.adoption.mid, high=pr.adoption.high),
            adoption_source=pr.adoption_source,
            references=list(pr.references),
            peak_ratio=pr.peak_ratio,
            peak_ratio_source=pr.peak_ratio_source,
            visits_per_day=_span(pr.visits),
            peak=_span(pr.peak),
            desks=_span(pr.desks),
        ),
        benefit=None
        if b is None
        else BenefitOut(
            basis=b.basis,
            open_days_per_year=b.open_days_per_year,
            visits_per_year=_span(b.visits_per_year),
            minutes_per_visit=pub(b.minutes_per_visit),
            km_per_visit=pub(b.km_per_visit),
            hours_per_year=_span(b.hours_per_year),
            km_per_year=_span(b.km_per_year),
            co2_tonnes_per_year=_span(b.co2_tonnes_per_year),
        ),
        evidence=None
        if ev is None
        else EvidenceOut(
            first_day=ev.first_day,
            last_day=ev.last_day,
            source=ev.source,
            row=ev.row,
            employed_residents=pub(ev.employed_residents),
            works_in_municipality=pub(ev.works_in_municipality),
            works_elsewhere_in_region=pub(ev.works_elsewhere_in_region),
            works_outside_region=pub(ev.works_outside_region),
            commuters=pub(ev.commuters),
            commuter_share=pub(ev.commuter_share),
            bands=[
                BandOut(
                    band=x.key,
                    label=x.label,
                    people=pub(x.n),
                    mean_km=pub(x.mean_km),
                    mean_minutes=pub(x.mean_minutes),
                )
                for x in ev.bands
            ],
            long_commuters=pub(ev.long_commuters),
            long_commute_share=pub(ev.long_commute_share),
            rest_hours=pub(ev.rest_hours),
            shift_workers=pub(ev.shift_workers),
            shift_workers_long_commute=pub(ev.shift_workers_long_commute),
            open_positions=pub(ev.open_positions),
            open_positions_per_100=pub(ev.open_positions_per_100),
            population=pub(ev.population),
            population_change=pub(ev.population_change),
            growth_per_year=pub(ev.growth_per_year),
            in_migration=pub(ev.in_migration),
            in_migration_per_1000=pub(ev.in_migration_per_1000),
        ),
        notes=notes_out(p.notes, lang),
    )


def plan_out(
    plan: Plan, error: FactsError | None, defaults: Assumptions, lang: Lang
) -> PlanningOut:
    return PlanningOut(
        period={
            "from": plan.first,
            "to": plan.end,
            "last_day": plan.end - timedelta(days=1),
            "days": (plan.end - plan.first).days,
        },
        facts=FactsOut(
            file=plan.facts_source or (error.source if error else None),
            invented=plan.facts_invented,
            error=str(error) if error else None,
        ),
        min_group_size=plan.min_group_size,
        rank_by=plan.assumptions.rank_by,
        assumptions=[
            AssumptionOut(
                key=r.key,
                value=plan.assumptions.eligible if r.key == "eligible" else r.value,
                source=r.source,  # type: ignore[arg-type]
                meaning=r.meaning,
            )
            for r in export.assumption_rows(plan, lang, defaults)
        ],
        references=list(plan.effective.references),
        notes=notes_out(plan.notes, lang),
        municipalities=[municipality_out(p, lang) for p in plan.municipalities],
    )


@router.get(
    "",
    response_model=PlanningOut,
    summary="Planning evidence per municipality: measured or projected desks needed, "
    "commuting saved, facts and ranking",
    responses=ERRORS,
)
def planning(ctx: QueryContextDep, q: Annotated[PlanningQuery, Query()]) -> PlanningOut:
    answer = planning_q.planning(ctx, q)
    return plan_out(answer.plan, answer.facts_error, answer.defaults, q.lang)


@router.get(
    "/download",
    summary="The planning evidence as a file: XLSX (sheets Planering, Planeringsunderlag, "
    "Antaganden) or CSV",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {MEDIA["xlsx"]: {}, MEDIA["csv"]: {}}}},
)
def download(ctx: QueryContextDep, q: Annotated[PlanningFileQuery, Query()]) -> Response:
    file = planning_q.planning_file(ctx, planning_q.planning(ctx, q), q.format, q.lang)
    return Response(
        file.body,
        media_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.name}"'},
    )
