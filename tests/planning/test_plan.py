"""The plan from real measurement (hubsense.analytics over a SQLite store of known hub
use; see conftest.py) and the example facts, against hand-computed numbers."""

from __future__ import annotations

import re
from datetime import date

import pytest

from hubsense.config import DEFAULT_REGISTRY
from hubsense.planning.facts import load_facts
from hubsense.planning.model import Assumptions
from hubsense.planning.plan import MunicipalityPlan, Plan
from hubsense.planning.service import make_plan
from hubsense.registry import Registry, parse_registry
from hubsense.store.sqlite import SqliteStore
from tests.api.api_support import NOW
from tests.planning.conftest import END, FIRST, planning_settings
from tests.planning.support import EXAMPLE

# the example facts (2025 rows): employed residents E
E = {"berg": 3010, "krokom": 7480, "ragunda": 2210, "ostersund": 31200}


def plan_of(store: SqliteStore, registry: Registry, **assume: object) -> Plan:
    a = Assumptions(**assume)  # type: ignore[arg-type]
    plan, error = make_plan(store, registry, planning_settings(), FIRST, END, a, now_ns=NOW)
    assert error is None
    return plan


def by_id(plan: Plan) -> dict[str, MunicipalityPlan]:
    return {p.id: p for p in plan.municipalities}


def test_measured_figures(measured_store: SqliteStore, registry: Registry) -> None:
    plan = plan_of(measured_store, registry)
    assert plan.effective.references == ("berg", "krokom")
    berg, krokom = by_id(plan)["berg"], by_id(plan)["krokom"]
    assert berg.basis == krokom.basis == "measured"
    m = berg.measured
    assert m is not None
    assert (m.open_days, m.evidence_days, m.too_few_days) == (10, 10, False)
    assert m.visits_per_day == pytest.approx(4.3)
    assert (m.peak, m.recommended_desks) == (6, 7)
    assert m.adoption == pytest.approx(4.3 / 3010)
    assert m.peak_ratio == pytest.approx(6 / 4.3)
    assert berg.desks_needed is not None and berg.desks_needed.mid == 7
    m = krokom.measured
    assert m is not None
    assert (m.visits_per_day, m.peak, m.recommended_desks) == (pytest.approx(8.0), 10, 11)
    assert m.adoption == pytest.approx(8 / 7480)


def test_every_municipality_has_desks_needed_with_a_range(
    measured_store: SqliteStore, registry: Registry
) -> None:
    plan = plan_of(measured_store, registry)
    assert sorted(p.id for p in plan.municipalities) == sorted(registry.municipalities)
    for p in plan.municipalities:
        assert p.desks_needed is not None, p.id
        assert p.basis in ("measured", "projected"), p.id
        assert isinstance(p.desks_needed.mid, int), p.id
        assert p.benefit is not None and isinstance(p.benefit.hours_per_year.mid, float), p.id


def test_projection_from_the_others_by_hand(
    measured_store: SqliteStore, registry: Registry
) -> None:
    """References Berg (4.3 / 3 010, peak 6) and Krokom (8 / 7 480, peak 10):
    a = 12.3 / 10 490, low 8/7480, high 4.3/3010; r = 16 / 12.3.
    Ragunda, E = 2 210: peak = 2210 × 16 / 10490 = 3.371 → ⌈⌉ + 1 = 5;
    low 2210 × 8/7480 × 16/12.3 = 3.075 → 5; high 2210 × 4.3/3010 × 16/12.3 = 4.107 → 6."""
    plan = plan_of(measured_store, registry)
    ragunda = by_id(plan)["ragunda"]
    pr = ragunda.projection
    assert pr is not None and ragunda.basis == "projected"
    assert pr.references == ("berg", "krokom")
    assert pr.adoption.mid == pytest.approx(12.3 / 10490)
    assert (pr.adoption.low, pr.adoption.high) == (
        pytest.approx(8 / 7480),
        pytest.approx(4.3 / 3010),
    )
    assert pr.peak_ratio == pytest.approx(16 / 12.3)
    assert pr.peak.mid == pytest.approx(2210 * 16 / 10490)
    assert pr.peak.low == pytest.approx(2210 * 8 / 7480 * 16 / 12.3)
    assert pr.peak.high == pytest.approx(2210 * 4.3 / 3010 * 16 / 12.3)
    assert (pr.desks.low, pr.desks.mid, pr.desks.high) == (5, 5, 6)
    assert ragunda.desks_needed == pr.desks
    # Östersund: 31 200 × 16 / 10 490 = 47.59 → 49
    assert by_id(plan)["ostersund"].desks_needed.mid == 49  # type: ignore[union-attr]


def test_a_measured_municipality_is_projected_from_the_others_only(
    measured_store: SqliteStore, registry: Registry
) -> None:
    """Berg from Krokom alone: 3 010 × 8/7480 × 10/8 = 4.024 → 6 (one reference: no
    spread). Krokom from Berg: 7 480 × 4.3/3010 × 6/4.3 = 14.91 → 16 — next to the 11
    measured."""
    plan = plan_of(measured_store, registry)
    berg, krokom = by_id(plan)["berg"], by_id(plan)["krokom"]
    assert berg.projection is not None and berg.projection.references == ("krokom",)
    assert berg.projection.peak.mid == pytest.approx(3010 * 10 / 7480)
    assert (berg.projection.desks.low, berg.projection.desks.mid) == (6, 6)
    assert krokom.projection is not None
    assert krokom.projection.peak.mid == pytest.approx(7480 * 6 / 3010)
    assert krokom.projection.desks.mid == 16
    assert "leave_one_out" in [n.code for n in krokom.notes]


def test_benefit_by_hand(measured_store: SqliteStore, registry: Registry) -> None:
    """Berg, measured V = 4.3, D = 250: 1 075 visits a year. Its bands from 10 km (example):
    600 × (20−5) + 350 × (45−5) + 300 × (80−5) + 150 × (130−5) = 64 250 over 1 400 people →
    2 × 45.893 = 91.786 km a visit; minutes 600 × 11 + 350 × 31 + 300 × 56 + 150 × 88 =
    47 450 / 1 400 → 2 × 33.893 = 67.786 min a visit."""
    plan = plan_of(measured_store, registry, open_days_per_year=250)
    b = by_id(plan)["berg"].benefit
    assert b is not None and b.basis == "measured"
    assert b.visits_per_year.mid == pytest.approx(1075)
    assert b.km_per_visit == pytest.approx(2 * 64250 / 1400)
    assert b.minutes_per_visit == pytest.approx(2 * 47450 / 1400)
    assert b.hours_per_year.mid == pytest.approx(1075 * 2 * 47450 / 1400 / 60)
    assert b.km_per_year.mid == pytest.approx(1075 * 2 * 64250 / 1400)
    assert b.co2_tonnes_per_year.mid == pytest.approx(1075 * 2 * 64250 / 1400 * 0.15 / 1000)


def test_ranking(measured_store: SqliteStore, registry: Registry) -> None:
    """By desks needed: Östersund 49, Åre 12, Krokom 11 (measured), Strömsund and
    Härjedalen 9 each (then by travel time saved), Berg 7 (measured), Bräcke 6, Ragunda 5."""
    plan = plan_of(measured_store, registry)
    order = [p.id for p in plan.municipalities]
    assert order[:3] == ["ostersund", "are", "krokom"]
    assert set(order[3:5]) == {"stromsund", "harjedalen"}
    assert order[5:] == ["berg", "bracke", "ragunda"]
    assert [p.rank for p in plan.municipalities] == list(range(1, 9))
    by_benefit = plan_of(measured_store, registry, rank_by="benefit")
    hours = [p.benefit.hours_per_year.mid for p in by_benefit.municipalities]  # type: ignore[union-attr]
    assert hours == sorted(hours, reverse=True)


def test_planner_assumptions_change_the_projection(
    measured_store: SqliteStore, registry: Registry
) -> None:
    """adoption 0.4 %, peak ratio 1, buffer 2: Östersund 31 200 × 0.004 = 124.8 → 125 + 2."""
    plan = plan_of(measured_store, registry, adoption=0.004, peak_ratio=1.0, buffer_desks=2)
    ost = by_id(plan)["ostersund"]
    assert ost.projection is not None and ost.projection.adoption_source == "assumed"
    assert ost.projection.desks.mid == 127
    # low/high keep the measured spread around the given mid: low 8/7480, high 0.004
    assert ost.projection.desks.low == 31200 * 8 // 7480 + 1 + 2
    assert ost.projection.desks.high == 127
    # eligible = out-commuters: Östersund 3 600 + 1 200 = 4 800 → 19.2 → 20 + 2
    plan = plan_of(
        measured_store, registry, adoption=0.004, peak_ratio=1.0, buffer_desks=2,
        eligible="commuters",
    )  # fmt: skip
    assert by_id(plan)["ostersund"].projection.desks.mid == 22  # type: ignore[union-attr]
    # three years ahead at Östersund's growth: 64 540 / 64 120 a year
    plan = plan_of(
        measured_store, registry, adoption=0.004, peak_ratio=1.0, buffer_desks=0,
        horizon_years=3,
    )  # fmt: skip
    pr = by_id(plan)["ostersund"].projection
    assert pr is not None
    assert pr.eligible == pytest.approx(31200 * (64540 / 64120) ** 3)
    assert pr.peak.mid == pytest.approx(31200 * (64540 / 64120) ** 3 * 0.004)


def test_too_few_days_is_no_reference(measured_store: SqliteStore, registry: Registry) -> None:
    plan, _ = make_plan(
        measured_store,
        registry,
        planning_settings(capacity_min_days=20),
        FIRST,
        END,
        Assumptions(),
        now_ns=NOW,
    )
    assert plan.effective.references == ()
    berg = by_id(plan)["berg"]
    assert berg.basis == "measured"  # uncertain, but all there is
    assert [n.code for n in berg.notes][:1] == ["too_few_days"]
    assert by_id(plan)["ragunda"].basis == "none"
    assert "no_reference" in [n.code for n in plan.notes]


def test_a_municipality_without_a_hub(measured_store: SqliteStore) -> None:
    """The registry without Ragunda's hub: Ragunda is projected like any other."""
    text = DEFAULT_REGISTRY.read_text(encoding="utf-8")
    text = re.sub(r'\[\[hubs\]\]\nid = "hammarstrand".*?(?=\[\[hubs\]\])', "", text, flags=re.S)
    registry = parse_registry(text)
    assert registry.municipalities["ragunda"].hubs == ()
    plan, _ = make_plan(
        measured_store, registry, planning_settings(), FIRST, END, Assumptions(), now_ns=NOW
    )
    ragunda = by_id(plan)["ragunda"]
    assert (ragunda.hubs, ragunda.desks_now, ragunda.basis) == (0, 0, "projected")
    assert "no_hub" in [n.code for n in ragunda.notes]
    assert ragunda.desks_needed is not None and ragunda.desks_needed.mid == 5


def test_without_facts(measured_store: SqliteStore, registry: Registry) -> None:
    plan, _ = make_plan(
        measured_store,
        registry,
        planning_settings(planning_facts_file=None),
        FIRST,
        END,
        Assumptions(),
        now_ns=NOW,
    )
    assert [n.code for n in plan.notes] == ["no_facts_file", "no_reference"]
    berg = by_id(plan)["berg"]
    assert berg.measured is not None and berg.measured.adoption is None
    assert berg.desks_needed is not None and berg.desks_needed.mid == 7
    assert by_id(plan)["ragunda"].desks_needed is None


def test_facts_period_is_chosen_by_the_measurement(registry: Registry) -> None:
    facts = load_facts(EXAMPLE, registry)
    assert facts.for_day("berg", END).employed_residents == 3010  # type: ignore[union-attr]
    assert facts.for_day("berg", date(2024, 12, 31)).employed_residents == 2960  # type: ignore[union-attr]


def test_a_full_hubs_need_is_its_estimated_demand() -> None:
    from hubsense.planning.measure import Measured
    from hubsense.planning.plan import Note, Span, _measured_need

    base = Measured("berg", 1, 6, 30, 30, 4.0, 6, 7, False)
    notes: list[Note] = []
    assert _measured_need(base, notes) == (Span(7, 7, 7), Span(6, 6, 6)) and notes == []
    full = Measured("berg", 1, 6, 30, 30, 4.0, 6, 7, False, days_at_capacity=5, demand_low=7,
                    demand_peak=8, demand_high=10, demand_recommended_desks=9)
    assert _measured_need(full, notes) == (Span(8, 9, 11), Span(7, 8, 10))
    assert notes == [Note("lower_bound_estimated", (("days", "5"), ("desks", "7")))]
    notes.clear()
    unknown = Measured("berg", 1, 6, 30, 30, 4.0, 6, 7, False, days_at_capacity=30)
    assert _measured_need(unknown, notes) == (Span(7, 7, 7), Span(6, 6, 6))
    assert [n.code for n in notes] == ["lower_bound"]
