"""Validation scenarios of the censored demand estimate against the simulator's ground
truth: one hub (Sveg, 10 desks, open Monday to Friday), twelve weeks of September to
November, faults off, demand raised by a known share over a baseline whose P90 of daily
peak demand is about the desks (base demand 0.9 visitors per desk on a busy weekday). The
measured side goes the metrics' way: each desk's occupancy as a step function, cleaned,
cut into rollups and analysed (``hubsense.analytics``); the truth is the nearest-rank P90
of the simulator's ``demand_peak`` over the same evidence days.

``python -m tests.analytics.demand_scenarios`` prints the table of docs/metrics.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hubsense import analytics
from hubsense.calendar import day_bounds
from hubsense.config import DEFAULT_REGISTRY, Settings
from hubsense.metrics import clean_hub, hub_days, intervals_from_occupied, nearest_rank
from hubsense.registry import load_registry
from hubsense.rollups import HubRollups, clean_params
from simulators import BehaviourParams, FaultParams, GroundTruth

HUB = "sveg"
FIRST, END = date(2026, 9, 7), date(2026, 11, 30)
BASE_DEMAND = 0.9
EXCESS = (0.0, 0.2, 0.5, 1.0)
HELD_OUT_SEEDS = (201, 202, 203, 204, 205)
"""Seeds not looked at while the method was chosen (101–105 were)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    excess: float
    seed: int
    truth: int  # P90 of the simulator's daily peak demand
    measured: int  # the nearest-rank P90 of the measured peaks
    estimate: int | None  # demand_at_service_level
    low: int | None
    high: int | None
    days_at_capacity: int
    evidence_days: int

    @property
    def within_one(self) -> bool:
        return self.estimate is not None and abs(self.estimate - self.truth) <= 1

    @property
    def naive_miss(self) -> int:
        return self.truth - self.measured


def scenario(excess: float, seed: int) -> Outcome:
    registry = load_registry(DEFAULT_REGISTRY)
    hub = registry.hubs[HUB]
    base = BASE_DEMAND * (1 + excess)
    truth = GroundTruth(registry, seed=seed,
                        params=BehaviourParams(base_demand=(base, base), faults=FaultParams.none()))
    cp = clean_params(Settings())
    lo, hi = day_bounds(hub, FIRST)[0], day_bounds(hub, END)[0]
    steps = (
        (desk.id, intervals_from_occupied(truth.intervals(HUB, desk.id, lo, hi), lo, hi,
                                          lo - cp.context_ns, hi + cp.context_ns))
        for desk in hub.desks
    )
    spans, flickers = clean_hub(hub, FIRST, END, steps, flicker_ns=cp.flicker_ns,
                                stuck_ns=cp.stuck_ns)
    desk_rows, group_rows, slot_rows = hub_days(hub, FIRST, END, spans, flickers, cp)
    params = analytics.MetricParams(unchanged_open_days=0)
    data = HubRollups.from_rows(hub, FIRST, END, desk_rows, group_rows, slot_rows,
                                window=(FIRST, END), min_idle_open_days=0,
                                min_use_ns=cp.min_use_ns)
    a = analytics.Analysis(registry, FIRST, END, params, {HUB: data})
    cap = a.capacity(HUB)
    evidence = [truth.day(HUB, r.day) for r in a.day_rows(HUB) if r.evidence]
    assert cap.peak_at_service_level is not None
    return Outcome(
        excess=excess,
        seed=seed,
        truth=nearest_rank([d.demand_peak for d in evidence], params.service_level),
        measured=cap.peak_at_service_level,
        estimate=cap.demand_at_service_level,
        low=cap.demand_low,
        high=cap.demand_high,
        days_at_capacity=cap.days_at_capacity,
        evidence_days=cap.evidence_days,
    )


def outcomes(seeds: tuple[int, ...] = HELD_OUT_SEEDS) -> list[Outcome]:
    return [scenario(e, s) for e in EXCESS for s in seeds]


if __name__ == "__main__":
    print("| excess | full days | truth P90 | measured P90 (miss) | estimate (range) | within ±1 |")
    print("|---|---|---|---|---|---|")
    for o in outcomes():
        est = "–" if o.estimate is None else f"{o.estimate} ({o.low}–{o.high})"
        print(f"| +{o.excess:.0%} (seed {o.seed}) | {o.days_at_capacity} of {o.evidence_days} "
              f"| {o.truth} | {o.measured} ({o.naive_miss:+d}) | {est} | "
              f"{'yes' if o.within_one else 'no'} |")
