"""What the sensors measured per municipality, from ``hubsense.analytics`` (the same
numbers as the utilisation API and reports).

A municipality is measured when every hub it has produced at least one evidence day (an
open day with at least ``evidence_min_coverage`` of its desk-time known). Its average
daily visits V is the sum over its hubs of the mean used desk-days per evidence day (a
desk used at least ``daily_use_min_s`` counts as one visit; undecided desk-days do not
count). Its peak P and recommended desks are the capacity figures of the analytics
module, summed over its hubs (hubs do not share desks). When a hub was full on some
evidence day, the measured figures are a lower bound and the censored estimate of demand
(``hubsense.demand``, summed over the hubs) is carried with them.
"""

from __future__ import annotations

from dataclasses import dataclass

from hubsense.analytics import Analysis, Scope
from hubsense.metrics import HUB_GROUP
from hubsense.registry import Registry


@dataclass(frozen=True, slots=True)
class Measured:
    municipality: str
    hubs: int
    desks: int  # desks now
    open_days: int  # the fewest of its hubs
    evidence_days: int  # the fewest of its hubs
    visits_per_day: float  # V
    peak: int | None  # P: daily peak at the service level, Σ over hubs
    recommended_desks: int | None  # P + buffer per hub, Σ over hubs
    too_few_days: bool  # some hub has fewer evidence days than capacity_min_days
    days_at_capacity: int = 0  # hub-days on which every desk was taken
    demand_low: int | None = None  # the censored estimate's range, Σ over hubs
    demand_peak: int | None = None  # estimated demand at the service level, Σ over hubs
    demand_high: int | None = None
    demand_recommended_desks: int | None = None  # demand_peak + buffer per hub, Σ

    @property
    def lower_bound(self) -> bool:
        """``peak`` and ``recommended_desks`` understate the need: a hub was full."""
        return self.days_at_capacity > 0


@dataclass(frozen=True, slots=True)
class Unmeasured:
    municipality: str
    hubs: int
    desks: int
    reason: str  # "no_hub" or "no_evidence"
    hubs_without_evidence: tuple[str, ...] = ()


def measure(analysis: Analysis, registry: Registry) -> dict[str, Measured | Unmeasured]:
    """Every registry municipality: measured, or why not."""
    out: dict[str, Measured | Unmeasured] = {}
    for mid in registry.municipalities:
        hubs = registry.hubs_of(mid)
        desks = sum(len(h.desks) for h in hubs)
        if not hubs:
            out[mid] = Unmeasured(mid, 0, 0, "no_hub")
            continue
        visits = 0.0
        evidence: list[int] = []
        open_days: list[int] = []
        missing: list[str] = []
        for hub in hubs:
            rows = analysis.day_rows(hub.id, HUB_GROUP)
            used = [r.use.used for r in rows if r.evidence]
            open_days.append(len(rows))
            evidence.append(len(used))
            if not used:
                missing.append(hub.id)
                continue
            visits += sum(used) / len(used)
        if missing:
            out[mid] = Unmeasured(mid, len(hubs), desks, "no_evidence", tuple(missing))
            continue
        cap = analysis.scope_capacity(Scope("municipality", mid))
        out[mid] = Measured(
            municipality=mid,
            hubs=len(hubs),
            desks=desks,
            open_days=min(open_days),
            evidence_days=min(evidence),
            visits_per_day=visits,
            peak=cap.peak_at_service_level,
            recommended_desks=cap.recommended_desks,
            too_few_days=cap.too_few_days,
            days_at_capacity=cap.days_at_capacity,
            demand_low=cap.demand_low,
            demand_peak=cap.demand_at_service_level,
            demand_high=cap.demand_high,
            demand_recommended_desks=cap.demand_recommended_desks,
        )
    return out
