"""The planner report of a municipality or the region: the decision-memo text, and the
report file (XLSX with the planning sheets, or CSV).

Why here: the API's ``/api/reports/memo`` and ``/api/reports/download`` and the CLI's
``hubsense report`` give the same text and the same file for the same question.
"""

from __future__ import annotations

from hubsense.analytics import Scope
from hubsense.glossary import Lang
from hubsense.planning.service import planning_tables
from hubsense.query.analysis import analyse
from hubsense.query.context import QueryContext
from hubsense.query.files import FileFormat, ReportFile
from hubsense.query.period import Period
from hubsense.report_xlsx import xlsx_bytes
from hubsense.reports import Report, build_report, csv_bytes, memo

SCOPES = ("municipality", "region")


def _municipalities(ctx: QueryContext, scope: Scope) -> list[str]:
    return [scope.id] if scope.kind == "municipality" else list(ctx.registry.municipalities)


def memo_text(ctx: QueryContext, scope: Scope, period: Period, lang: Lang) -> str:
    """The memo paragraph of each municipality of the scope (a blank line between them),
    ending with a newline."""
    a = analyse(ctx, scope, period)
    flicker_s = ctx.settings.flicker_min_s
    return (
        "\n\n".join(memo(a, m, lang, flicker_s=flicker_s) for m in _municipalities(ctx, scope))
        + "\n"
    )


def report(
    ctx: QueryContext, scope: Scope, period: Period, lang: Lang, *, planning: bool
) -> tuple[Report, int]:
    """Every view of the scope as tables, and the hub-days of rollups computed for it.
    ``planning``: also the planning sheets (the plan for the same period with the default
    assumptions and the configured facts file)."""
    s = ctx.settings
    a = analyse(ctx, scope, period)
    built = build_report(
        a,
        scope,
        lang,
        generated=ctx.now(),
        offline_after_s=s.offline_after_s,
        flicker_s=s.flicker_min_s,
        stuck_s=s.stuck_occupied_s,
    )
    if planning:
        built.tables += planning_tables(
            ctx.store,
            ctx.whole_registry,
            s,
            period.first,
            period.end,
            lang,
            now_ns=ctx.now_ns,
            scope=ctx.scope,
            analysis=a,  # a region report's analysis is the plan's too
        )
    return built, a.recomputed_days


def report_file(
    ctx: QueryContext, scope: Scope, period: Period, lang: Lang, fmt: FileFormat
) -> ReportFile:
    """The report as XLSX (one sheet per view, the planning sheets too) or CSV (every
    view in one file)."""
    built, recomputed = report(ctx, scope, period, lang, planning=fmt == "xlsx")
    body = xlsx_bytes(built) if fmt == "xlsx" else csv_bytes(built)
    name = f"hubsense-{scope.id or 'region'}-{period.first.isoformat()}-{period.end.isoformat()}"
    return ReportFile(f"{name}.{fmt}", fmt, body, recomputed)
