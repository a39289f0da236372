"""The planning evidence of a measurement period under a planner's assumptions: measured
or projected desks needed per municipality, commuting saved, facts and ranking
(docs/planning.md), as an object and as a file.

Why here: ``GET /api/planning``, its download, the planning page and ``hubsense planning
report`` answer the same question with the same period rules (90 days up to today by
default) and the same text for a mistake.
"""

from __future__ import annotations

from dataclasses import dataclass

from hubsense.planning import export
from hubsense.planning.facts import FactsError, FactsFile
from hubsense.planning.model import Assumptions
from hubsense.planning.params import PlanningQuery, assumptions_of
from hubsense.planning.plan import Plan
from hubsense.planning.service import default_assumptions, make_plan
from hubsense.planning.text import Lang
from hubsense.query.context import QueryContext
from hubsense.query.files import FileFormat, ReportFile
from hubsense.query.period import Period, period

DEFAULT_DAYS = 90
"""Without ``from``, the measurement period covers this many days before ``to``."""


@dataclass(frozen=True, slots=True)
class PlanningAnswer:
    plan: Plan
    facts_error: FactsError | None  # the configured facts file did not validate
    assumptions: Assumptions  # the planner's, completed from the settings
    defaults: Assumptions  # what they would be had the planner changed none


def planning_period(ctx: QueryContext, from_: str | None, to: str | None) -> Period:
    return period(ctx, from_, to, default_days=DEFAULT_DAYS)


def planning(
    ctx: QueryContext,
    q: PlanningQuery,
    *,
    facts: FactsFile | FactsError | None | bool = True,
) -> PlanningAnswer:
    """The plan for ``q``'s period and assumptions. ``facts``: True reads the configured
    ``planning_facts_file`` (cached while unchanged); or pass a loaded file (or None)."""
    p = planning_period(ctx, q.from_, q.to)
    assumptions = assumptions_of(q, ctx.settings)
    plan, error = make_plan(
        ctx.store,
        ctx.whole_registry,  # the facts are validated against it; the plan is the scope's
        ctx.settings,
        p.first,
        p.end,
        assumptions,
        now_ns=ctx.now_ns,
        facts=facts,
        scope=ctx.scope,
    )
    return PlanningAnswer(plan, error, assumptions, default_assumptions(ctx.settings))


def planning_file(
    ctx: QueryContext, answer: PlanningAnswer, fmt: FileFormat, lang: Lang
) -> ReportFile:
    """XLSX (sheets Planering, Planeringsunderlag, Antaganden) or CSV."""
    plan = answer.plan
    report = export.planning_report(plan, lang, ctx.now(), answer.defaults)
    body = export.xlsx_bytes(report) if fmt == "xlsx" else export.csv_bytes(report)
    name = f"hubsense-planning-{plan.first.isoformat()}-{plan.end.isoformat()}.{fmt}"
    return ReportFile(name, fmt, body)
