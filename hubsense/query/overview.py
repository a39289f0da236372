"""The region overview's numbers per hub: utilisation over the default period (with its
coverage), today's peak concurrency so far, and the recommended desks, each with the
reason when there is no number."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from hubsense.analytics import Analysis, Scope
from hubsense.calendar import from_ns, is_open
from hubsense.query.analysis import analyse
from hubsense.query.capacity import capacity_in
from hubsense.query.context import QueryContext
from hubsense.query.daily import daily_in
from hubsense.query.period import Period, period
from hubsense.query.reasons import Reason, utilisation_reason
from hubsense.query.summary import ScopeSummary


@dataclass(frozen=True, slots=True)
class HubFigures:
    """One hub's overview numbers. A value is None when there is none, and then its
    ``*_reason`` says why."""

    hub: str
    desks: int
    utilisation: float | None
    coverage: float | None
    utilisation_reason: Reason | None
    peak_today: int | None
    peak_reason: Reason | None
    opens_at: str | None  # "08:00" when the reason is that the hub has not opened yet
    recommended: int | None
    evidence_days: int
    too_few_days: bool
    recommended_reason: Reason | None
    days_at_capacity: int = 0  # evidence days full: the recommendation is a lower bound


@dataclass(frozen=True, slots=True)
class RegionOverview:
    period: Period  # the default period: the 30 days before today
    hubs: Mapping[str, HubFigures]  # by hub id, in registry order
    min_days: int  # capacity_min_days the recommendations were judged by
    min_coverage: float  # evidence_min_coverage


def today_period(ctx: QueryContext) -> Period:
    """Today alone (the day of ``ctx.now_ns`` in the region's time)."""
    today = ctx.today()
    return Period(today, today + timedelta(days=1))


def peak_today(
    ctx: QueryContext, hub_id: str, within: Callable[[], Analysis] | None = None
) -> tuple[int | None, Reason | None, str | None]:
    """Today's peak concurrency so far, or the reason there is none: closed today, not
    open yet (and when it opens), no sensor heard today. Returns (peak, reason, opening
    time). ``within`` gives an analysis of today covering the hub (the overview asks
    for the region's once), else the hub's own is made."""
    hub = ctx.registry.hubs[hub_id]
    today = ctx.today()
    if not is_open(hub, today):
        return None, "reason_closed_today", None
    opens = hub.opening_hours[today.weekday()][0]
    if from_ns(ctx.now_ns, hub.tz).time() < opens:
        return None, "reason_not_open_yet", opens.strftime("%H:%M")
    scope, today_only = Scope("hub", hub_id, hub=hub_id), today_period(ctx)
    a = within() if within is not None else analyse(ctx, scope, today_only)
    days = daily_in(ctx, a, scope, today_only)
    if not days.days:
        return None, "reason_closed_today", None
    row = days.days[0]
    if not row.coverage:  # None or 0: nothing known about today yet
        return None, "reason_no_data_today", None
    return row.peak_concurrency, None, None


def region_overview(ctx: QueryContext) -> RegionOverview:
    """Every hub's numbers. QueryError if the default period is not allowed (an
    ``analytics_max_days`` shorter than it)."""
    reg = ctx.registry
    p = period(ctx, None, None)
    # One analysis of the region for the period and one of today serve every hub (exact,
    # see capacity_in and daily_in); a hub at a time read the same rows 25 times over.
    region = Scope("region", "")
    whole = analyse(ctx, region, p)
    need = capacity_in(ctx, whole, region, p, with_demand=False)
    caps = {h.hub: h for h in need.hubs}

    def today_all() -> Analysis:
        return analyse(ctx, region, today_period(ctx))  # made on first use, then reused

    hubs: dict[str, HubFigures] = {}
    for hub_id, hub in reg.hubs.items():
        s = ScopeSummary.of(reg, whole.summary(Scope("hub", hub_id, hub=hub_id)))
        c = caps[hub_id]
        peak, peak_reason, opens_at = peak_today(ctx, hub_id, within=today_all)
        hubs[hub_id] = HubFigures(
            hub=hub_id,
            desks=len(hub.desks),
            utilisation=s.utilisation,
            coverage=s.coverage,
            utilisation_reason=utilisation_reason(s),
            peak_today=peak,
            peak_reason=peak_reason,
            opens_at=opens_at,
            recommended=c.recommended_desks,
            evidence_days=c.evidence_days,
            too_few_days=c.too_few_days,
            recommended_reason=None if c.recommended_desks is not None else "reason_no_evidence",
            days_at_capacity=c.days_at_capacity,
        )
    return RegionOverview(
        period=p, hubs=hubs, min_days=need.min_days, min_coverage=need.evidence_min_coverage
    )
