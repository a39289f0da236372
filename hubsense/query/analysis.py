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
    """``slots``: also load the 15-minute slots (the hour × weekday profile needs them)."""
    return analytics.analyse(
        ctx.store,
        ctx.registry,
        scope,
        period.first,
        period.end,
        ctx.settings,
        now_ns=ctx.now_ns,
        slots=slots,
        params=params,
    )
