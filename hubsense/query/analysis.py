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
    params: MetricParams | None = None,
) -> Analysis:
    """The analysis of ``scope`` over ``period``, with the hour × weekday profile. The same
    question asked twice within one context is answered from the first analysis
    (``QueryContext.analyses``)."""
    mp = params or MetricParams.from_settings(ctx.settings)
    key = (scope, period.first, period.end, mp)
    found = ctx.analyses.get(key)
    if found is None:
        # Always with the profile: group-days carry it, so it costs no extra read (only
        # rows stored before they did fall back to slots), and one analysis then serves
        # a page's figures and its hour × weekday profile alike.
        found = ctx.analyses[key] = analytics.analyse(
            ctx.store,
            ctx.registry,
            scope,
            period.first,
            period.end,
            ctx.settings,
            now_ns=ctx.now_ns,
            slots=True,
            params=mp,
        )
    return found  # type: ignore[no-any-return]
