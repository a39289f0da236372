"""Projection and benefit maths on hand-computed cases (docs/planning.md, "Formulas")."""

from __future__ import annotations

from datetime import date

import pytest

from hubsense.planning import model
from hubsense.planning.model import Assumptions, BandInput, Range, Reference

# Two measured municipalities:
#   A: V = 6 visits per open day, E = 1 200 eligible, P = 5 (peak at the service level)
#   B: V = 10,                    E = 4 000,          P = 8
# a_A = 6/1200 = 0.005, a_B = 10/4000 = 0.0025, pooled a = 16/5200 = 1/325
# r = (5 + 8) / (6 + 10) = 13/16 = 0.8125
REFS = [Reference("a", 6.0, 1200, 5), Reference("b", 10.0, 4000, 8)]


def test_adoption_is_visits_over_eligible() -> None:
    assert model.adoption(6.0, 1200) == pytest.approx(0.005)
    assert model.adoption(6.0, 0) is None


def test_pooled_adoption_and_peak_ratio() -> None:
    a = model.pooled_adoption(REFS)
    assert a is not None
    assert a.low == pytest.approx(0.0025)
    assert a.mid == pytest.approx(1 / 325)
    assert a.high == pytest.approx(0.005)
    assert model.pooled_peak_ratio(REFS) == pytest.approx(0.8125)
    assert model.pooled_adoption([]) is None
    assert model.pooled_peak_ratio([Reference("c", 0.0, 100, 0)]) is None


def test_projection_by_hand() -> None:
    """E = 2 000, buffer 1:
    low  2000 × 0.0025 × 0.8125 = 4.0625 → ⌈4.0625⌉ + 1 = 6
    mid  2000 × (1/325) × (13/16) = 5 exactly (float noise must not make it 6) → 5 + 1 = 6
    high 2000 × 0.005 × 0.8125 = 8.125 → 9 + 1 = 10"""
    a = model.pooled_adoption(REFS)
    r = model.pooled_peak_ratio(REFS)
    assert a is not None and r is not None
    p = model.project(2000, a, r, buffer_desks=1)
    assert p.visits.low == pytest.approx(5.0)
    assert p.visits.mid == pytest.approx(2000 / 325)
    assert p.visits.high == pytest.approx(10.0)
    assert p.peak.low == pytest.approx(4.0625)
    assert p.peak.mid == pytest.approx(5.0)
    assert p.peak.high == pytest.approx(8.125)
    assert p.desks == (6, 6, 10)
    assert model.project(2000, a, r, buffer_desks=0).desks == (5, 5, 9)


def test_desks_for_rounds_float_noise_before_the_ceiling() -> None:
    assert model.desks_for(5.0000000001, 1) == 6
    assert model.desks_for(5.001, 1) == 7
    assert model.desks_for(0.0, 1) == 1


def test_planner_assumptions_win() -> None:
    measured = Range(0.0025, 1 / 325, 0.005)
    # a mid of their own keeps the measured spread around it where it brackets the mid
    assert model.chosen_adoption(measured, Assumptions(adoption=0.004)) == Range(
        0.0025, 0.004, 0.005
    )
    assert model.chosen_adoption(measured, Assumptions(adoption=0.01)) == Range(0.0025, 0.01, 0.01)
    assert model.chosen_adoption(
        measured, Assumptions(adoption=0.004, adoption_low=0.003, adoption_high=0.006)
    ) == Range(0.003, 0.004, 0.006)
    # nothing measured: only what the planner says
    assert model.chosen_adoption(None, Assumptions()) is None
    assert model.chosen_adoption(None, Assumptions(adoption=0.002)) == Range(0.002, 0.002, 0.002)
    assert model.chosen_adoption(
        None, Assumptions(adoption_low=0.001, adoption_high=0.003)
    ) == Range(0.001, 0.002, 0.003)


def test_growth() -> None:
    # 1 000 → 1 020 over one year: 2 % a year; E = 1 000 in two years: 1 000 × 1.02² = 1 040.4
    g = model.growth_per_year(1020, 20, 1.0)
    assert g == pytest.approx(0.02)
    assert model.grown(1000, g, 2) == pytest.approx(1040.4)
    assert model.grown(1000, None, 2) == 1000
    assert model.grown(1000, g, 0) == 1000
    # a shrinking municipality over two years: 1 000 → 980.1 is −1 % a year
    assert model.growth_per_year(980, -20, 2.0) == pytest.approx(0.98**0.5 - 1)
    assert model.per_thousand_per_year(90, 6000, 0.5) == pytest.approx(30.0)


BANDS = [
    BandInput(lo_km=0, n=400, km=5, minutes=8),  # under min_commute_km: not hub visitors
    BandInput(lo_km=10, n=100, km=20, minutes=20),
    BandInput(lo_km=30, n=50, km=45, minutes=40),
    BandInput(lo_km=60, n=50, km=80, minutes=None),  # no time in the file: 80 km at 80 km/h
]


def test_what_a_visit_saves_by_hand() -> None:
    """Weights 100:50:50 = 0.5, 0.25, 0.25; the hub trip is 5 km / 10 min one way.
    km:  0.5 × (20−5) + 0.25 × (45−5) + 0.25 × (80−5) = 7.5 + 10 + 18.75 = 36.25 → × 2 = 72.5
    min: 0.5 × (20−10) + 0.25 × (40−10) + 0.25 × (60−10) = 5 + 7.5 + 12.5 = 25   → × 2 = 50"""
    a = Assumptions(speed_kmh=80, hub_trip_km=5, hub_trip_minutes=10, min_commute_km=10)
    pv = model.per_visit(BANDS, a)
    assert pv is not None
    assert pv.km == pytest.approx(72.5)
    assert pv.minutes == pytest.approx(50.0)
    assert pv.people == 200
    # a hub trip longer than a band's commute saves nothing there (never negative)
    far = model.per_visit(BANDS, Assumptions(speed_kmh=80, hub_trip_km=30, hub_trip_minutes=10))
    assert far is not None
    assert far.km == pytest.approx(2 * (0.5 * 0 + 0.25 * 15 + 0.25 * 50))
    assert model.per_visit(BANDS[:1], a) is None  # no visitors' band: no estimate


def test_yearly_benefit_by_hand() -> None:
    """V = 6 a day, D = 250 days: 1 500 visits; × 50 min = 1 250 h; × 72.5 km = 108 750 km;
    × 0.15 kg/km = 16 312.5 kg = 16.3125 t."""
    pv = model.PerVisit(km=72.5, minutes=50.0, people=200)
    b = model.benefit(Range(4.0, 6.0, 8.0), 250, pv, 0.15)
    assert b.visits_per_year == Range(1000.0, 1500.0, 2000.0)
    assert b.hours.mid == pytest.approx(1250.0)
    assert b.km.mid == pytest.approx(108_750.0)
    assert b.co2_tonnes.mid == pytest.approx(16.3125)
    assert b.hours.low == pytest.approx(1000 * 50 / 60)
    assert b.co2_tonnes.high == pytest.approx(2000 * 72.5 * 0.15 / 1000)


def test_daily_rest_by_hand() -> None:
    """Long commute ≥ 45 min one way: only the 80-km band (60 min at 80 km/h), 50 people;
    their round trip is 2 × 60 min = 2 h of the 11-hour daily rest."""
    r = model.rest(BANDS, Assumptions(speed_kmh=80, long_commute_minutes=45))
    assert (r.long_commuters, r.banded, r.rest_hours) == (50, 600, pytest.approx(2.0))
    # at 40 min the 45-km band joins: (50 × 40 + 50 × 60) / 100 = 50 min → 100/60 h
    r = model.rest(BANDS, Assumptions(speed_kmh=80, long_commute_minutes=40))
    assert r.long_commuters == 100
    assert r.rest_hours == pytest.approx(100 / 60)
    assert model.rest(BANDS[:1], Assumptions()).rest_hours is None


def test_default_open_days() -> None:
    """2026 has 261 weekdays; 10 Swedish (de facto) holidays fall on them: 1 and 6 Jan,
    Good Friday, Easter Monday, 1 May, Ascension, Midsummer Eve, 24, 25 and 31 Dec."""
    assert model.default_open_days(date(2027, 1, 1)) == 251


def test_co2_factor_and_its_source_are_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "planning.md").read_text("utf-8")
    assert model.CO2_KG_PER_KM == 0.15
    assert "150.8 g CO₂/km" in doc
    assert (
        "miljobarometern.se/kommun/helhet/bilen/genomsnittliga-koldioxidutslapp-hos-fordon/ragunda"
        in doc
    )
