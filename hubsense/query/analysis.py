"""The analytics of a question: rollups of a scope's hubs over a period, for the
context's store, settings and clock (``hubsense.analytics.analyse``)."""

from __future__ import annotations

from hubsense import analytics
from hubsense.analytics import Analysis, MetricParams, Scope
from hubsense.query.context import QueryContext
from hubsense.query.period import Period


def analyse(
    ctx: QueryContext,
    scope: Scope,
    period: Period,
    *,
    slots: bool = False,
    params: MetricParams | None = None,
) -> Analysis:
    """``slots``: also load the hour × weekday profile. The same question asked twice
    within one context is answered from the first analysis (``QueryContext.analyses``)."""
    mp = params or MetricParams.from_settings(ctx.settings)
    key = (scope, period.first, period.end, mp)
    for profile in (True, slots):  # an analysis with the profile also serves one without
        found = ctx.analyses.get((*key, profile))
        if found is not None:
            return found  # type: ignore[no-any-return]
    made = analytics.analyse(
        ctx.store,
        ctx.registry,
        scope,
        period.first,
        period.end,
        ctx.settings,
        now_ns=ctx.now_ns,
        slots=slots,
        params=mp,
    )
    ctx.analyses[(*key, slots)] = made
    return made
