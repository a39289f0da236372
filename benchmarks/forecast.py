"""Backtest of the 13-week forecast (``hubsense.forecast``) on simulated years with a known
growth, against the seasonal-naive baselines, by mean absolute error of the daily peak.

The simulator (every hub of the example registry, faults off) runs from 2025-01-01 with
demand growing 10 % a year. At each cutoff the forecast is fitted on the open days before
it (the history from 2025-01-01) and predicts the open days of the next 13 weeks; the
baselines predict the same days with

- *last year*: the value on the same weekday 52 weeks earlier (going back a week at a time
  to an open day),
- *last 4 weeks*: the mean of the last four values on the same weekday before the cutoff.

The truth is the simulated day's measured peak (desks occupied at once; the hub holds no
more than its desks) and utilisation. ``python -m benchmarks.forecast`` prints the table
of the README and writes ``benchmarks/results/forecast.json``.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from statistics import mean

from benchmarks.common import RESULTS, loadavg
from hubsense.calendar import is_open
from hubsense.config import DEFAULT_REGISTRY
from hubsense.forecast import Observed, forecast
from hubsense.registry import Hub, load_registry
from simulators import BehaviourParams, FaultParams, GroundTruth
from simulators.behaviour import HubDay, peak_demand

START = date(2025, 1, 1)
CUTOFFS = (date(2026, 3, 2), date(2026, 5, 25), date(2026, 8, 31), date(2026, 11, 23))
GROWTH = 0.10


@dataclass(frozen=True, slots=True)
class Errors:
    cutoff: date
    hub: str
    days: int
    model: float  # MAE of the daily peak, desks
    last_year: float
    last_4_weeks: float
    utilisation_model: float  # MAE of utilisation, percentage points
    utilisation_last_4_weeks: float


def measured(day: HubDay, desks: int) -> tuple[int, float]:
    """(peak, utilisation) of a simulated open day."""
    sittings = [s for d in day.desks.values() for s in d.actual]
    assert day.open_ns is not None and day.close_ns is not None
    busy = sum(e - s for s, e in sittings)
    return peak_demand(sittings), busy / (desks * (day.close_ns - day.open_ns))


def backtest(hub: Hub, truth: GroundTruth, cutoff: date) -> Errors | None:
    desks = len(hub.desks)
    values: dict[date, tuple[int, float]] = {}
    day = START
    end = cutoff + timedelta(days=13 * 7)
    while day < end:
        if is_open(hub, day):
            values[day] = measured(truth.day(hub.id, day), desks)
        day += timedelta(days=1)
    history = [Observed(d, p, u) for d, (p, u) in values.items() if d < cutoff]
    f = forecast(hub, history, cutoff)
    if f.reason is not None or not f.days:
        return None

    def last_year(d: date) -> float | None:
        back = d - timedelta(weeks=52)
        while back >= START and back not in values:
            back -= timedelta(weeks=1)
        return None if back < START else values[back][0]

    def last_4(d: date, k: int) -> float:
        back, seen = cutoff - timedelta(days=1), list[float]()
        while len(seen) < 4 and back >= START:
            if back.weekday() == d.weekday() and back in values:
                seen.append(values[back][k])
            back -= timedelta(days=1)
        return mean(seen)

    model, naive_year, naive_4, u_model, u_4 = [], [], [], [], []
    for fd in f.days:
        peak, util = values[fd.day]
        ly = last_year(fd.day)
        if ly is None:
            continue
        model.append(abs(fd.peak.value - peak))
        naive_year.append(abs(ly - peak))
        naive_4.append(abs(last_4(fd.day, 0) - peak))
        if fd.utilisation is not None:
            u_model.append(abs(fd.utilisation.value - util) * 100)
            u_4.append(abs(last_4(fd.day, 1) - util) * 100)
    return Errors(cutoff, hub.id, len(model), mean(model), mean(naive_year), mean(naive_4),
                  mean(u_model), mean(u_4))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    registry = load_registry(DEFAULT_REGISTRY)
    params = BehaviourParams(faults=FaultParams.none(), growth_per_year=GROWTH)
    truth = GroundTruth(registry, seed=args.seed, params=params)
    rows = [
        e
        for cutoff in CUTOFFS
        for hub in registry.hubs.values()
        if (e := backtest(hub, truth, cutoff)) is not None
    ]
    print("| cutoff | hub-days | forecast | last year | last 4 weeks | utilisation: forecast "
          "| utilisation: last 4 weeks |")
    print("|---|---|---|---|---|---|---|")
    for cutoff in (*CUTOFFS, None):
        part = [r for r in rows if cutoff is None or r.cutoff == cutoff]
        n = sum(r.days for r in part)

        def w(attr: str, part: list[Errors] = part, n: int = n) -> float:
            return sum(getattr(r, attr) * r.days for r in part) / n

        label = "all" if cutoff is None else cutoff.isoformat()
        print(f"| {label} | {n} | {w('model'):.2f} | {w('last_year'):.2f} | "
              f"{w('last_4_weeks'):.2f} | {w('utilisation_model'):.1f} pp | "
              f"{w('utilisation_last_4_weeks'):.1f} pp |")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "forecast.json").write_text(json.dumps({
        "seed": args.seed,
        "growth_per_year": GROWTH,
        "loadavg": loadavg(),
        "rows": [{**asdict(r), "cutoff": r.cutoff.isoformat()} for r in rows],
    }, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
