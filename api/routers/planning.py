"""Planning evidence: measured or projected desks needed per municipality, with a range,
the commuting saved, the facts behind the numbers and a ranking (docs/planning.md).

``GET /api/planning`` takes the measurement period and every assumption as validated query
parameters; ``GET /api/planning/download`` returns the same as XLSX or CSV. Planners only
(api.security.POLICY): the facts are aggregated, and small groups are suppressed. A scoped
key gets the municipalities it sees whole (an empty list when none: it is a list, so not a
404).
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
    FactsOut,
    MunicipalityPlanOut,
    NoteOut,
    PlanningFileQuery,
    PlanningOut,
    PlanningQuery,
)
from hubsense.planning import export
from hubsense.planning.text import Lang
from hubsense.query import planning as planning_q
from hubsense.query.files import MEDIA_TYPES
from hubsense.query.planning import PlanningAnswer

router = APIRouter(prefix="/planning", tags=["planning"])

MEDIA = MEDIA_TYPES
ERRORS: dict[int | str, dict[str, object]] = {
    422: {"model": ErrorOut, "description": "Bad dates, range or assumption."},
    503: {"model": ErrorOut, "description": "The store is unavailable."},
}


# --- JSON -------------------------------------------------------------------------------------


def plan_out(answer: PlanningAnswer, lang: Lang) -> PlanningOut:
    """The plan as the API publishes it: the municipalities' models straight from the plan;
    the period, the facts file and the assumptions' rows (texts in ``lang``) around them."""
    plan, error = answer.plan, answer.facts_error
    in_lang = {"lang": lang}
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
            for r in export.assumption_rows(plan, lang, answer.defaults)
        ],
        references=list(plan.effective.references),
        notes=[NoteOut.model_validate(n, context=in_lang) for n in plan.notes],
        municipalities=[
            MunicipalityPlanOut.model_validate(p, from_attributes=True, context=in_lang)
            for p in plan.municipalities
        ],
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
    return plan_out(answer, q.lang)


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
