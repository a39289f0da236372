"""Utilisation of a scope: its figures, the next level down, the usage bands and the
thresholds the figures were made with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hubsense import analytics
from hubsense.analytics import Scope
from hubsense.config import Settings
from hubsense.query.analysis import analyse
from hubsense.query.context import QueryContext
from hubsense.query.period import Period
from hubsense.query.scope import ALL_SCOPES
from hubsense.query.summary import ScopeSummary

SCOPES = ALL_SCOPES


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The settings that decide what counts as offline, noise, stuck and used."""

    offline_after_s: float
    flicker_min_s: int
    stuck_occupied_s: int
    stuck_unchanged_open_days: int
    daily_use_min_s: int

    @classmethod
    def of(cls, settings: Settings) -> Thresholds:
        return cls(
            offline_after_s=settings.offline_after_s,
            flicker_min_s=settings.flicker_min_s,
            stuck_occupied_s=settings.stuck_occupied_s,
            stuck_unchanged_open_days=settings.stuck_unchanged_open_days,
            daily_use_min_s=settings.daily_use_min_s,
        )


@dataclass(frozen=True, slots=True)
class BandCounts:
    low: int
    medium: int
    high: int
    no_data: int


@dataclass(frozen=True, slots=True)
class Bands:
    """How many desks and hubs of the scope fall in each usage band."""

    desks: BandCounts
    hubs: BandCounts


@dataclass(frozen=True, slots=True)
class Utilisation:
    period: Period
    thresholds: Thresholds
    summary: ScopeSummary
    breakdown: tuple[ScopeSummary, ...]  # municipalities, hubs, zones or desks
    bands: Bands
    recomputed_days: int  # hub-days whose rollups this question computed


def utilisation(ctx: QueryContext, scope: Scope, period: Period) -> Utilisation:
    a = analyse(ctx, scope, period)
    counts = a.bands(scope)
    return Utilisation(
        period=period,
        thresholds=Thresholds.of(ctx.settings),
        summary=ScopeSummary.of(ctx.registry, a.summary(scope)),
        breakdown=tuple(
            ScopeSummary.of(ctx.registry, a.summary(c))
            for c in analytics.children(ctx.registry, scope)
        ),
        bands=Bands(desks=BandCounts(**counts["desks"]), hubs=BandCounts(**counts["hubs"])),
        recomputed_days=a.recomputed_days,
    )


def hub_summaries(
    ctx: QueryContext, scope: Scope, hub_ids: Sequence[str], period: Period
) -> tuple[ScopeSummary, ...]:
    """The figures of each of ``hub_ids`` (hubs of ``scope``) from the one analysis of
    ``scope`` (exact, as ``daily_in``: a hub's figures read its own rows)."""
    a = analyse(ctx, scope, period)
    return tuple(
        ScopeSummary.of(ctx.registry, a.summary(Scope("hub", h, hub=h))) for h in hub_ids
    )
