"""Planner reports: the decision-memo text and the report file (XLSX or CSV) of a
municipality or the whole region. Same numbers as the utilisation routes; the text and
the file are ``hubsense.query.report``'s, the same the CLI's ``hubsense report`` writes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response

from api.deps import QueryContextDep
from api.models import ErrorOut
from api.routers.utilisation import DATE, ERRORS
from hubsense.query.files import MEDIA_TYPES
from hubsense.query.period import period
from hubsense.query.report import memo_text as memo_q
from hubsense.query.report import report_file
from hubsense.query.scope import report_scope

router = APIRouter(prefix="/reports", tags=["reports"])

MEDIA = MEDIA_TYPES
MunicipalityParam = Annotated[
    str | None,
    Query(description="Municipality id from the registry, e.g. `berg`; none: the region."),
]
LangParam = Annotated[Literal["sv", "en"], Query(description="Language (Swedish first).")]


@router.get(
    "/memo",
    response_class=PlainTextResponse,
    summary="A municipality's summary text for a decision memo (Swedish or English)",
    responses={**ERRORS, 200: {"content": {"text/plain": {}}}},
)
def memo_text(
    ctx: QueryContextDep,
    municipality: Annotated[str, Query(description="Municipality id, e.g. `berg`.")],
    from_: Annotated[
        str | None, Query(alias="from", description="YYYY-MM-DD.", json_schema_extra=DATE)
    ] = None,
    to: Annotated[
        str | None, Query(description="YYYY-MM-DD, exclusive.", json_schema_extra=DATE)
    ] = None,
    lang: LangParam = "sv",
) -> PlainTextResponse:
    scope = report_scope(ctx.registry, municipality)
    return PlainTextResponse(memo_q(ctx, scope, period(ctx, from_, to), lang))


@router.get(
    "/download",
    summary="The planner report as a file: XLSX (one sheet per view) or CSV",
    response_class=Response,
    responses={
        **ERRORS,
        200: {"content": {MEDIA["xlsx"]: {}, MEDIA["csv"]: {}}, "description": "The file."},
        404: {"model": ErrorOut, "description": "Unknown municipality."},
    },
)
def download(
    ctx: QueryContextDep,
    from_: Annotated[
        str,
        Query(alias="from", description="First local date, YYYY-MM-DD.", json_schema_extra=DATE),
    ],
    to: Annotated[
        str,
        Query(description="Local date after the last one (exclusive).", json_schema_extra=DATE),
    ],
    format: Annotated[  # noqa: A002 - the query parameter's name
        Literal["xlsx", "csv"], Query(description="xlsx or csv.")
    ],
    municipality: MunicipalityParam = None,
    lang: LangParam = "sv",
) -> Response:
    scope = report_scope(ctx.registry, municipality)
    file = report_file(ctx, scope, period(ctx, from_, to), lang, format)
    return Response(
        file.body,
        media_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.name}"'},
    )
