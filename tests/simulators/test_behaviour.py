from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from statistics import mean, median

import pytest

from hubsense.registry import Hub, Registry
from simulators import (
    NS,
    BehaviourParams,
    Fault,
    FaultParams,
    GroundTruth,
    HubDay,
    closure_reason,
    from_ns,
    is_open,
    opening_window,
    simulate_day,
    swedish_holidays,
)
from simulators.behaviour import peak_demand

WEEK = [date(2026, 5, 4) + timedelta(days=i) for i in range(7)]  # Mon 4 May – Sun 10 May


def _days(start: date, n: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(n)]


def _local(t_ns: int, hub: Hub) -> datetime:
    return from_ns(t_ns, hub.tz)


def _check_intervals(intervals: tuple[tuple[int, int], ...]) -> None:
    for s, e in intervals:
        assert isinstance(s, int) and isinstance(e, int)
        assert s % NS == 0 and e % NS == 0
        assert s < e
    for (_, e1), (s2, _) in zip(intervals, intervals[1:], strict=False):
        assert e1 < s2, "intervals overlap or touch"


def test_same_seed_same_truth_other_seed_differs(registry: Registry) -> None:
    hub = registry.hubs["ostersund-centrum"]
    a = [simulate_day(hub, d, seed=7) for d in WEEK]
    b = [simulate_day(hub, d, seed=7) for d in WEEK]
    c = [simulate_day(hub, d, seed=8) for d in WEEK]
    assert a == b
    assert [x.visits for x in a] != [x.visits for x in c]


def test_a_day_does_not_depend_on_what_else_was_simulated(registry: Registry) -> None:
    truth = GroundTruth(registry, seed=3)
    truth.days("sveg", date(2026, 5, 1), date(2026, 5, 20))
    alone = GroundTruth(registry, seed=3).day("sveg", date(2026, 5, 12))
    assert truth.day("sveg", date(2026, 5, 12)) == alone


def test_faults_never_change_what_really_happened(registry: Registry) -> None:
    hub = registry.hubs["ostersund-centrum"]
    day = date(2026, 5, 5)
    quiet = simulate_day(hub, day, seed=1, params=BehaviourParams(faults=FaultParams.none()))
    noisy = simulate_day(
        hub, day, seed=1,
        params=BehaviourParams(faults=FaultParams(silent_prob=0.3, flicker_prob=0.3,
                                                  stuck_prob=0.3)),
    )
    assert quiet.visits == noisy.visits
    assert {k: d.actual for k, d in quiet.desks.items()} == {
        k: d.actual for k, d in noisy.desks.items()
    }
    assert not quiet.faulty()
    assert noisy.faulty()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_desks_never_double_booked_and_only_open_hours(registry: Registry, seed: int) -> None:
    truth = GroundTruth(registry, seed=seed)
    for hub_id, hub in registry.hubs.items():
        for hd in truth.days(hub_id, WEEK[0], WEEK[-1] + timedelta(days=1)):
            for dd in hd.desks.values():
                _check_intervals(dd.actual)
                _check_intervals(dd.reported)
                if hd.is_open:
                    assert hd.open_ns is not None and hd.close_ns is not None
                    assert all(hd.open_ns <= s and e <= hd.close_ns for s, e in dd.actual)
                else:
                    assert dd.actual == ()
            _check_concurrency(hd, len(hub.desks))


def _check_concurrency(hd: HubDay, desks: int) -> None:
    edges = sorted([(v.start_ns, 1) for v in hd.visits] + [(v.end_ns, -1) for v in hd.visits])
    level = peak = 0
    for _, step in edges:  # ends sort before starts at the same instant
        level += step
        peak = max(peak, level)
    assert peak <= desks
    by_desk: dict[str, list[tuple[int, int]]] = {}
    for v in hd.visits:
        by_desk.setdefault(v.desk, []).append((v.start_ns, v.end_ns))
    for spans in by_desk.values():
        spans.sort()
        assert all(e1 < s2 for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False))


def test_crowded_hub_turns_people_away_but_never_exceeds_desks(registry: Registry) -> None:
    hub = registry.hubs["hammarstrand"]  # 6 desks
    params = BehaviourParams(base_demand=(4.0, 4.0), faults=FaultParams.none())
    hd = simulate_day(hub, date(2026, 5, 6), seed=1, params=params)
    assert hd.turned_away > 0
    _check_concurrency(hd, len(hub.desks))
    # the visits seat exactly the people counted, and desk intervals are their union
    assert len({v.person for v in hd.visits}) == hd.visitors


def test_swedish_holidays_include_the_eves_but_not_ordinary_sundays() -> None:
    h = swedish_holidays(2026)
    for d in (date(2026, 1, 1), date(2026, 1, 6), date(2026, 4, 3), date(2026, 4, 6),
              date(2026, 5, 1), date(2026, 5, 14), date(2026, 6, 19), date(2026, 12, 24),
              date(2026, 12, 25), date(2026, 12, 31), date(2026, 4, 5)):
        assert d in h, d
    assert date(2026, 3, 29) not in h  # an ordinary Sunday
    assert date(2026, 6, 18) not in h  # the afternoon before Midsummer Eve is a workday
    assert date(2027, 6, 25) in swedish_holidays(2027)  # Midsummer Eve: Friday 19–25 June
    assert all(d.year == 2026 for d in h)
    assert set(h) - {date(2026, 4, 5), date(2026, 5, 24)} == {
        d for d in h if d.weekday() != 6
    }  # the only Sundays are Easter Sunday and Whitsunday


@pytest.mark.parametrize(
    "day", [date(2026, 6, 19), date(2026, 12, 24), date(2026, 12, 31), date(2026, 4, 3),
            date(2026, 5, 14), date(2026, 1, 6), date(2026, 4, 6)],
)
def test_no_one_on_public_holidays(registry: Registry, day: date) -> None:
    assert day.weekday() < 5
    for hub in registry.hubs.values():
        hd = simulate_day(hub, day, seed=0)
        assert not hd.is_open and hd.closed_reason and hd.closed_reason.startswith("holiday")
        assert hd.visits == () and all(d.actual == () for d in hd.desks.values())
        assert opening_window(hub, day) is None


def test_closed_dates_and_weekends(registry: Registry) -> None:
    sv = registry.hubs["svenstavik"]
    assert closure_reason(sv, date(2026, 12, 28)) == "closed date"
    assert simulate_day(sv, date(2026, 12, 28)).visits == ()
    assert is_open(sv, date(2026, 12, 28)) is False
    assert is_open(registry.hubs["sveg"], date(2026, 12, 28)) is True
    saturday, sunday = date(2026, 5, 9), date(2026, 5, 10)
    for hub in registry.hubs.values():
        assert simulate_day(hub, sunday).visits == ()
        assert is_open(hub, saturday) == (hub.id == "ostersund-centrum")
    centrum = registry.hubs["ostersund-centrum"]  # open Saturdays 09–14
    window = opening_window(centrum, saturday)
    assert window is not None
    assert _local(window[0], centrum).time() == time(9, 0)
    assert _local(window[1], centrum).time() == time(14, 0)


def test_a_hub_open_on_sundays_is_open_on_ordinary_sundays_only(
    week_registry: Registry,
) -> None:
    daily = week_registry.hubs["daily"]
    assert is_open(daily, date(2026, 3, 22))
    assert not is_open(daily, date(2026, 4, 5))  # Easter Sunday
    assert not is_open(daily, date(2026, 5, 24))  # Whitsunday
    assert not is_open(daily, date(2026, 6, 20))  # Midsummer Day (a Saturday)


@pytest.mark.parametrize(("day", "hours"), [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25)])
def test_dst_days_keep_local_hours(week_registry: Registry, day: date, hours: int) -> None:
    daily, allday = week_registry.hubs["daily"], week_registry.hubs["allday"]
    hd = simulate_day(daily, day, seed=4)
    assert (hd.day_end_ns - hd.day_start_ns) == hours * 3600 * NS
    assert hd.open_ns is not None and hd.close_ns is not None
    assert _local(hd.open_ns, daily).time() == time(7, 0)
    assert _local(hd.close_ns, daily).time() == time(18, 0)
    assert hd.close_ns - hd.open_ns == 11 * 3600 * NS
    for dd in hd.desks.values():
        for s, e in dd.actual:
            assert time(7, 0) <= _local(s, daily).time() and _local(e, daily).time() <= time(18)
    # around the clock: the window is the whole (short or long) day, and people still
    # arrive around 08:30 local time
    params = BehaviourParams(base_demand=(1.5, 1.5), short_visit_prob=0.0,
                             faults=FaultParams.none())
    ad = simulate_day(allday, day, seed=4, params=params)
    assert (ad.open_ns, ad.close_ns) == (ad.day_start_ns, ad.day_end_ns)
    firsts: dict[int, int] = {}
    for v in ad.visits:
        firsts[v.person] = min(firsts.get(v.person, v.start_ns), v.start_ns)
    arrivals = [_local(t, allday) for t in firsts.values()]
    minutes = median(a.hour * 60 + a.minute for a in arrivals)
    assert 8 * 60 + 5 <= minutes <= 8 * 60 + 55
    assert all(a.date() == day for a in arrivals)


def _hours(truth: GroundTruth, registry: Registry, days: list[date]) -> float:
    return sum(truth.day(h, d).occupancy_s() for h in registry.hubs for d in days) / 3600


def test_july_is_much_quieter_than_may(registry: Registry) -> None:
    truth = GroundTruth(registry, seed=5)
    may = _hours(truth, registry, _days(date(2026, 5, 4), 21))
    july = _hours(truth, registry, _days(date(2026, 7, 6), 21))
    assert july < 0.5 * may


def test_midweek_busier_than_monday_busier_than_friday(registry: Registry) -> None:
    truth = GroundTruth(registry, seed=6)
    mondays = _days(date(2026, 9, 7), 42)[::7]
    by_weekday = {
        wd: mean(_hours(truth, registry, [d + timedelta(days=wd)]) for d in mondays)
        for wd in range(5)
    }
    assert min(by_weekday[1], by_weekday[2], by_weekday[3]) > by_weekday[0] > by_weekday[4]


def test_hub_base_demand_varies_between_hubs(registry: Registry) -> None:
    truth = GroundTruth(registry, seed=2)
    per_desk = {
        h: truth.day(h, date(2026, 5, 6)).expected_visitors / len(registry.hubs[h].desks)
        for h in registry.hubs
    }
    assert max(per_desk.values()) > 1.3 * min(per_desk.values())


def _faulty_day(hub: Hub, day: date, **probs: float) -> HubDay:
    faults = FaultParams(**{"silent_prob": 0.0, "flicker_prob": 0.0, "stuck_prob": 0.0, **probs})
    return simulate_day(hub, day, seed=11, params=BehaviourParams(faults=faults))


def test_stuck_sensor_reports_occupied_until_midnight(registry: Registry) -> None:
    hub = registry.hubs["krokom"]
    hd = _faulty_day(hub, date(2026, 5, 6), stuck_prob=1.0)
    for dd in hd.desks.values():
        assert dd.fault is Fault.STUCK
        assert dd.reported[-1][1] == hd.day_end_ns
        assert dd.occupied(hd.day_end_ns - NS, reported=True)
        assert not dd.occupied(hd.day_end_ns - NS)
        # before it got stuck, it reported the truth
        stuck_from = dd.reported[-1][0]
        assert [iv for iv in dd.reported if iv[1] <= stuck_from] == [
            iv for iv in dd.actual if iv[1] <= stuck_from
        ]


def test_flickering_sensor_adds_only_short_blips_where_nobody_sits(registry: Registry) -> None:
    hub = registry.hubs["krokom"]
    hd = _faulty_day(hub, date(2026, 5, 6), flicker_prob=1.0)
    blips = 0
    for dd in hd.desks.values():
        assert dd.fault is Fault.FLICKER
        extra = [iv for iv in dd.reported if iv not in dd.actual]
        assert set(dd.actual) <= set(dd.reported)
        for s, e in extra:
            assert e - s < 120 * NS
            assert not any(a < e and s < b for a, b in dd.actual)
        blips += len(extra)
    assert blips > 0


def test_silent_sensor_has_a_silent_window_within_the_day(registry: Registry) -> None:
    hub = registry.hubs["krokom"]
    hd = _faulty_day(hub, date(2026, 5, 6), silent_prob=1.0)
    for dd in hd.desks.values():
        assert dd.fault is Fault.SILENT
        assert dd.reported == dd.actual
        ((a, b),) = dd.silent
        assert hd.day_start_ns <= a < b <= hd.day_end_ns


def test_default_faults_are_rare(registry: Registry) -> None:
    truth = GroundTruth(registry, seed=0)
    faults = [
        f for h in registry.hubs for d in WEEK for f in truth.day(h, d).faulty().values()
    ]
    desk_days = 126 * 7
    assert 0 < len(faults) < 0.08 * desk_days


def test_ground_truth_queries(registry: Registry) -> None:
    truth = GroundTruth(registry, seed=1)
    hd = truth.day("ostersund-centrum", date(2026, 5, 5))
    desk, dd = next((k, d) for k, d in hd.desks.items() if d.actual)
    s, e = dd.actual[0]
    assert truth.occupied("ostersund-centrum", desk, s)
    assert not truth.occupied("ostersund-centrum", desk, e)
    assert truth.intervals("ostersund-centrum", desk, s + NS, e - NS) == ((s + NS, e - NS),)
    assert truth.intervals("ostersund-centrum", desk, hd.day_start_ns, hd.day_end_ns) == dd.actual
    with pytest.raises(KeyError):
        truth.day("nowhere", date(2026, 5, 5))


def _nobody_probability(expected: float) -> float:
    """What the model intends: the day's head count is round(gauss(μ, √μ)), so nobody
    comes when the draw is below ½."""
    return 0.5 * (1 + math.erf((0.5 - expected) / math.sqrt(2 * expected)))


def test_a_simulated_year_keeps_to_the_people_model(registry: Registry) -> None:
    """Over a year of every hub, head counts and empty days are what the model intends.

    Empty mornings are real: a 6-desk hub on a Friday expects about one visitor, so about
    one such day in five has nobody. But the share of days with nobody at all, and the
    mean of people ÷ expected, must match the model, not drift from it."""
    quiet = BehaviourParams(faults=FaultParams.none())
    observed_empty = intended_empty = 0.0
    ratios: list[float] = []
    for hub in registry.hubs.values():
        for day in _days(date(2026, 1, 1), 365):
            hd = simulate_day(hub, day, seed=11, params=quiet)
            if not hd.is_open:
                continue
            people = hd.visitors + hd.turned_away
            observed_empty += people == 0
            intended_empty += _nobody_probability(hd.expected_visitors)
            ratios.append(people / hd.expected_visitors)
    assert len(ratios) > 2500  # 11 hubs × ~250 open days
    assert abs(mean(ratios) - 1) < 0.03
    assert abs(observed_empty - intended_empty) / len(ratios) < 0.015


def test_saturday_mornings_are_short_and_quiet(registry: Registry) -> None:
    """Östersund centrum opens 09:00–14:00 on Saturdays with about a third of a weekday's
    visitors: the reason a morning taken from the calendar can have few arrivals."""
    hub = registry.hubs["ostersund-centrum"]
    quiet = BehaviourParams(faults=FaultParams.none())
    saturday, tuesday = date(2026, 11, 28), date(2026, 11, 24)
    sat, tue = (simulate_day(hub, d, seed=11, params=quiet) for d in (saturday, tuesday))
    assert _local(sat.open_ns or 0, hub).time() == time(9, 0)
    assert sat.expected_visitors < 0.4 * tue.expected_visitors


def test_demand_counts_the_people_a_full_hub_turned_away(registry: Registry) -> None:
    assert peak_demand([(0, 10), (10, 20), (5, 15)]) == 2  # touching sittings do not overlap
    assert peak_demand([]) == 0
    hub = registry.hubs["funasdalen"]  # 6 desks
    busy = BehaviourParams(base_demand=(2.5, 2.5), faults=FaultParams.none())
    days = [simulate_day(hub, date(2026, 11, d), seed=7, params=busy) for d in range(2, 7)]
    for d in days:
        peak = peak_demand([s for desk in d.desks.values() for s in desk.actual])
        if d.unserved:
            assert peak == len(hub.desks) <= d.demand_peak
        else:
            assert peak == d.demand_peak
        assert d.turned_away == 0 or d.unserved
    assert any(d.demand_peak > len(hub.desks) for d in days)
    quiet = BehaviourParams(base_demand=(0.2, 0.2), faults=FaultParams.none())
    d = simulate_day(hub, date(2026, 11, 3), seed=7, params=quiet)
    assert d.unserved == () and d.turned_away == 0
    assert d.demand_peak == peak_demand([s for desk in d.desks.values() for s in desk.actual])
