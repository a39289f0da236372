"""A scope's figures over a period, under their published (glossary) names.

Why a type of its own: ``hubsense.analytics.Summary`` keeps times in nanoseconds and
groups them (``time``, ``use``); what the API, the pages and the reports show is hours,
shares and counts named as in docs/metrics.md. The conversion is done once, here.
"""

from __future__ import annotations

from dataclasses import dataclass

from hubsense.analytics import Summary
from hubsense.metrics import Band
from hubsense.query.scope import ScopeRef
from hubsense.registry import Registry
from hubsense.reports import hours


@dataclass(frozen=True, slots=True)
class ScopeSummary:
    scope: ScopeRef
    desks: int
    hubs: int
    open_days: int
    open_desk_hours: float
    occupied_hours: float
    free_hours: float
    unknown_hours: float
    offline_hours: float
    stuck_hours: float
    utilisation: float | None
    coverage: float | None
    used_desk_days: int
    unused_desk_days: int
    undecided_desk_days: int
    daily_usage_rate: float | None
    usage_band: Band | None
    peak_concurrency: int | None  # hub and zone scopes only
    peak_share: float | None
    evidence_days: int | None  # hub and zone scopes only
    flickers: int
    suspect_desks: int

    @classmethod
    def of(cls, registry: Registry, s: Summary) -> ScopeSummary:
        t, u = s.time, s.use
        return cls(
            scope=ScopeRef.of(registry, s.scope),
            desks=s.desks,
            hubs=s.hubs,
            open_days=s.open_days,
            open_desk_hours=hours(t.open_ns),
            occupied_hours=hours(t.occupied_ns),
            free_hours=hours(t.free_ns),
            unknown_hours=hours(t.unknown_ns),
            offline_hours=hours(t.offline_ns),
            stuck_hours=hours(t.stuck_ns),
            utilisation=t.utilisation,
            coverage=t.coverage,
            used_desk_days=u.used,
            unused_desk_days=u.unused,
            undecided_desk_days=u.undecided,
            daily_usage_rate=u.rate,
            usage_band=s.band,
            peak_concurrency=s.peak_max,
            peak_share=s.peak_share_max,
            evidence_days=s.evidence_days,
            flickers=s.flickers,
            suspect_desks=s.suspect_desks,
        )
