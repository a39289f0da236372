"""Every municipality side by side over a period: utilisation with its coverage, and the
peak at the service level and the recommended desks against the desks now."""

from __future__ import annotations

from dataclasses import dataclass

from hubsense.analytics import Scope
from hubsense.collation import swedish_key
from hubsense.query.analysis import analyse
from hubsense.query.capacity import capacity_in
from hubsense.query.context import QueryContext
from hubsense.query.period import Period
from hubsense.query.reasons import Reason, utilisation_reason
from hubsense.query.utilisation import utilisation


@dataclass(frozen=True, slots=True)
class CompareRow:
    """One municipality: the region's utilisation breakdown row and the municipality's
    capacity sums (None without hubs)."""

    id: str
    name: str
    hubs: int
    desks: int
    utilisation: float | None
    coverage: float | None
    utilisation_reason: Reason | None
    peak_at_service_level: int | None
    recommended: int | None
    evidence_days: int | None  # the smallest of its hubs'
    too_few_days: bool
    capacity_reason: Reason | None
    days_at_capacity: int | None  # hub-days at capacity, summed over its hubs
    days_at_capacity_share: float | None  # ÷ its hubs' evidence days summed

    @property
    def difference(self) -> int | None:
        """Recommended desks minus the desks now."""
        return None if self.recommended is None else self.recommended - self.desks


@dataclass(frozen=True, slots=True)
class Comparison:
    period: Period
    rows: tuple[CompareRow, ...]  # Swedish alphabetical order
    service_level: float
    buffer_desks: int
    min_days: int
    min_coverage: float


def comparison(ctx: QueryContext, period: Period) -> Comparison:
    """Every municipality of the registry, in Swedish alphabetical order."""
    reg = ctx.registry
    region = utilisation(ctx, Scope("region", ""), period)
    by_id = {s.scope.id: s for s in region.breakdown}
    region_scope = Scope("region", "")
    whole = analyse(ctx, region_scope, period)  # the one the utilisation above made
    params = capacity_in(ctx, whole, region_scope, period, with_demand=False)
    rows = []
    for muni in sorted(reg.municipalities.values(), key=lambda m: swedish_key(m.name)):
        s = by_id[muni.id]
        muni_scope = Scope("municipality", muni.id)
        cap = (
            capacity_in(ctx, whole, muni_scope, period, with_demand=False) if muni.hubs else None
        )
        reason: Reason | None
        if cap is None:
            p90 = rec = evidence = None
            too_few, reason = False, "reason_no_hub"
            full_days, full_share = None, None
        else:
            p90, rec = cap.peak_at_service_level, cap.recommended_desks
            evidence = min(h.evidence_days for h in cap.hubs)
            too_few = cap.too_few_days
            reason = None if rec is not None else "reason_no_evidence"
            full_days, full_share = cap.days_at_capacity, cap.days_at_capacity_share
        rows.append(
            CompareRow(
                id=muni.id,
                name=muni.name,
                hubs=s.hubs,
                desks=s.desks,
                utilisation=s.utilisation,
                coverage=s.coverage,
                utilisation_reason="reason_no_hub" if not muni.hubs else utilisation_reason(s),
                peak_at_service_level=p90,
                recommended=rec,
                evidence_days=evidence,
                too_few_days=too_few,
                capacity_reason=reason,
                days_at_capacity=full_days,
                days_at_capacity_share=full_share,
            )
        )
    return Comparison(
        period=period,
        rows=tuple(rows),
        service_level=params.service_level,
        buffer_desks=params.buffer_desks,
        min_days=params.min_days,
        min_coverage=params.evidence_min_coverage,
    )
