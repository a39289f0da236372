"""Planner reports: the decision-memo text and the report file (XLSX or CSV) of a
municipality or the whole region. Same numbers as the utilisation routes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import PlainTextResponse, Response

from api.deps import ClockDep, RegistryDep, SettingsDep, StoreDep, show_id
from api.models import ErrorOut
from api.routers.utilisation import ERRORS, period
from hubsense import analytics
from hubsense.analytics import Scope
from hubsense.calendar import from_ns
from hubsense.config import Settings
from hubsense.glossary import Lang
from hubsense.planning.service import planning_tables
from hubsense.registry import Registry
from hubsense.report_xlsx import xlsx_bytes
from hubsense.reports import Report, build_report, csv_bytes, memo
from hubsense.store.base import Store

router = APIRouter(prefix="/reports", tags=["reports"])

MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
MunicipalityParam = Annotated[
    str | None,
    Query(description="Municipality id from the registry, e.g. `berg`; none: the region."),
]
LangParam = Annotated[Literal["sv", "en"], Query(description="Language (Swedish first).")]


def municipality_scope(registry: Registry, municipality: str | None) -> Scope:
    if municipality is None:
        return Scope("region", "")
    if municipality not in registry.municipalities:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"municipality: unknown municipality {show_id(municipality)} "
            f"(known: {', '.join(sorted(registry.municipalities))})",
        )
    return Scope("municipality", municipality)


def make_report(
    store: Store,
    registry: Registry,
    settings: Settings,
    scope: Scope,
    first: date,
    end: date,
    lang: Lang,
    now_ns: int,
) -> Report:
    a = analytics.analyse(store, registry, scope, first, end, settings, now_ns=now_ns, slots=True)
    tz = next(iter(registry.hubs.values())).tz if registry.hubs else None
    return build_report(
        a,
        scope,
        lang,
        generated=from_ns(now_ns, tz),
        offline_after_s=settings.offline_after_s,
        flicker_s=settings.flicker_min_s,
        stuck_s=settings.stuck_occupied_s,
    )


@router.get(
    "/memo",
    response_class=PlainTextResponse,
    summary="A municipality's summary text for a decision memo (Swedish or English)",
    responses={**ERRORS, 200: {"content": {"text/plain": {}}}},
)
def memo_text(
    store: StoreDep,
    registry: RegistryDep,
    settings: SettingsDep,
    clock: ClockDep,
    municipality: Annotated[str, Query(description="Municipality id, e.g. `berg`.")],
    from_: Annotated[str | None, Query(alias="from", description="YYYY-MM-DD.")] = None,
    to: Annotated[str | None, Query(description="YYYY-MM-DD, exclusive.")] = None,
    lang: LangParam = "sv",
) -> PlainTextResponse:
    scope = municipality_scope(registry, municipality)
    now_ns = clock()
    first, end = period(settings, registry, now_ns, from_, to)
    a = analytics.analyse(store, registry, scope, first, end, settings, now_ns=now_ns)
    text = memo(a, scope.id, lang, flicker_s=settings.flicker_min_s)
    return PlainTextResponse(text + "\n")


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
    store: StoreDep,
    registry: RegistryDep,
    settings: SettingsDep,
    clock: ClockDep,
    from_: Annotated[str, Query(alias="from", description="First local date, YYYY-MM-DD.")],
    to: Annotated[str, Query(description="Local date after the last one (exclusive).")],
    format: Annotated[  # noqa: A002 - the query parameter's name
        Literal["xlsx", "csv"], Query(description="xlsx or csv.")
    ],
    municipality: MunicipalityParam = None,
    lang: LangParam = "sv",
) -> Response:
    scope = municipality_scope(registry, municipality)
    now_ns = clock()
    first, end = period(settings, registry, now_ns, from_, to)
    report = make_report(store, registry, settings, scope, first, end, lang, now_ns)
    if format == "xlsx":  # the workbook also carries the planning sheets
        report.tables += planning_tables(
            store, registry, settings, first, end, lang, now_ns=now_ns
        )
    body = xlsx_bytes(report) if format == "xlsx" else csv_bytes(report)
    name = f"hubsense-{scope.id or 'region'}-{first.isoformat()}-{end.isoformat()}.{format}"
    return Response(
        body,
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
