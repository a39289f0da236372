"""The minimum group size: small groups are published as "<5", never their value — not as
a cell, not through a total, and not through a figure derived from them."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest

from hubsense.planning.facts import Band, Facts, FactsFile, load_facts
from hubsense.planning.measure import Measured, Unmeasured
from hubsense.planning.model import Assumptions
from hubsense.planning.plan import Plan, build_plan
from hubsense.planning.privacy import (
    Cell,
    Suppressed,
    derived_bands,
    fact_cells,
    primary,
    secondary,
    sum_cell,
)
from hubsense.registry import Registry
from tests.planning.support import EXAMPLE

K = 5


def test_primary_suppression_hides_counts_below_the_minimum() -> None:
    assert [primary(n, K).hidden for n in (0, 1, 4, 5, 6, None)] == [
        True, True, True, False, False, False,
    ]  # fmt: skip
    assert primary(4, K).published(K) == Suppressed(5)
    assert str(Suppressed(5)) == "<5"
    assert primary(5, K).published(K) == 5
    assert primary(None, K).published(K) is None
    assert primary(9, 10).published(10) == Suppressed(10)


def test_secondary_suppression_protects_a_lone_small_cell() -> None:
    """[1000, 3, 200] with the total published: 3 = total − 1000 − 200, so 200 goes too."""
    cells = secondary([primary(n, K) for n in (1000, 3, 200)])
    assert [c.hidden for c in cells] == [False, True, True]
    # two small cells already protect each other
    assert [c.hidden for c in secondary([primary(n, K) for n in (1000, 3, 2)])] == [
        False, True, True,
    ]  # fmt: skip
    assert [c.hidden for c in secondary([primary(n, K) for n in (1000, 30, 20)])] == [
        False, False, False,
    ]  # fmt: skip


def test_sums_never_give_a_hidden_cell_back() -> None:
    shown, small, big_hidden = Cell(100, False), Cell(3, True), Cell(200, True)
    assert not sum_cell([shown, Cell(50, False)], K).hidden
    assert sum_cell([shown, small], K).hidden  # 103 − 100 = 3
    assert not sum_cell([small, big_hidden], K).hidden  # 203: only the sum of two hidden
    assert sum_cell([Cell(1, True), Cell(2, True), shown], K).hidden  # hidden sum 3 < 5
    assert sum_cell([Cell(2, False), Cell(2, False)], K).hidden  # 4 people in all


def _facts(**changes: object) -> Facts:
    base = dict(
        municipality="ragunda",
        first_day=date(2025, 1, 1),
        last_day=date(2025, 12, 31),
        row=2,
        employed_residents=2210,
        works_in_municipality=1280,
        works_elsewhere_in_region=540,
        works_outside_region=390,
        bands=(),
        shift_workers=520,
        open_positions=19,
        population=5290,
        population_change=-55,
        in_migration=190,
        source="test",
        note="",
    )
    base.update(changes)
    return Facts(**base)  # type: ignore[arg-type]


def _bands(registry: Registry, ns: list[int], minutes: list[float | None]) -> tuple[Band, ...]:
    from hubsense.planning.facts import BANDS

    return tuple(Band(b, n, None, m) for b, n, m in zip(BANDS, ns, minutes, strict=True))


def test_where_people_work_out_commuters_hide_a_small_works_in() -> None:
    cells = fact_cells(_facts(works_in_municipality=3), K)
    assert cells.works_in.hidden
    assert cells.works_outside.hidden  # secondary: the smaller of 540 and 390
    assert not cells.works_elsewhere.hidden
    assert cells.commuters.hidden  # residents − commuters would give works_in back


def test_derived_bands_merge_the_hidden_ones(registry: Registry) -> None:
    """Bands 900, 520, 310, 250, 3: 3 is hidden, 250 is hidden with it (secondary); the
    derived figures see one band of 253 people at the 60–100 band's published values."""
    f = _facts(bands=_bands(registry, [900, 520, 310, 250, 3], [9, 22, 44, 63, 110]))
    cells = fact_cells(f, K)
    assert [c.hidden for c in cells.bands] == [False, False, False, True, True]
    merged = derived_bands(f, cells, K)
    assert [(b.lo_km, b.n, b.km, b.minutes) for b in merged] == [
        (0, 900, 5.0, 9), (10, 520, 20.0, 22), (30, 310, 45.0, 44), (60, 253, 80.0, 63),
    ]  # fmt: skip
    # two small hidden bands holding fewer than five people together: left out entirely
    f = _facts(bands=_bands(registry, [900, 520, 310, 2, 1], [9, 22, 44, 63, 110]))
    assert [b.n for b in derived_bands(f, fact_cells(f, K), K)] == [900, 520, 310]


def _plan(registry: Registry, facts: FactsFile, adoption: float | None = None) -> Plan:
    measured: dict[str, Measured | Unmeasured] = {
        m: Unmeasured(m, 1, 8, "no_evidence", ("x",)) for m in registry.municipalities
    }
    measured["berg"] = Measured("berg", 1, 12, 22, 21, 6.0, 5, 6, False)
    measured["krokom"] = Measured("krokom", 1, 14, 22, 21, 9.0, 8, 9, False)
    return build_plan(
        registry,
        facts,
        measured,
        Assumptions(adoption=adoption),
        first=date(2026, 10, 26),
        end=date(2026, 11, 25),
        min_group_size=K,
        min_days=20,
        service_level=0.9,
    )


def _published(plan: Plan) -> str:
    """Everything the plan publishes (its repr holds every field, Suppressed included)."""
    return repr(plan)


def _replace_row(facts: FactsFile, municipality: str, **changes: object) -> FactsFile:
    rows = tuple(
        dataclasses.replace(r, **changes) if r.municipality == municipality else r  # type: ignore[arg-type]
        for r in facts.rows
    )
    return dataclasses.replace(facts, rows=rows)


@pytest.mark.parametrize("split", [(250, 3), (252, 1), (253, 0), (249, 4)])
def test_hidden_values_do_not_change_anything_published(
    registry: Registry, split: tuple[int, int]
) -> None:
    """Ragunda's 60–100 km and ≥ 100 km bands are hidden (3 people in the last). However
    the 253 people are split between them, and whatever the small band's travel time,
    every published figure — counts, sums, shares, means, projections, benefit, ranking —
    is the same: nothing published depends on a hidden value."""
    facts = load_facts(EXAMPLE, registry)
    reference = _published(_plan(registry, facts))
    row = facts.for_day("ragunda", date(2026, 11, 24))
    assert row is not None
    b4, b5 = split
    bands = (
        *row.bands[:3],
        dataclasses.replace(row.bands[3], n=b4),
        dataclasses.replace(row.bands[4], n=b5, mean_minutes=170.0),
    )
    changed = _replace_row(facts, "ragunda", bands=bands)
    assert _published(_plan(registry, changed)) == reference


def test_small_groups_are_shown_as_less_than_five(registry: Registry) -> None:
    plan = _plan(registry, load_facts(EXAMPLE, registry))
    by_id = {p.id: p for p in plan.municipalities}
    bracke, ragunda = by_id["bracke"].evidence, by_id["ragunda"].evidence
    assert bracke is not None and ragunda is not None
    assert bracke.open_positions == Suppressed(5)  # 2 in the file
    assert bracke.open_positions_per_100 == Suppressed(5)  # would give 2 back
    bands = {b.key: b for b in ragunda.bands}
    assert (bands["100_plus"].n, bands["100_plus"].mean_minutes) == (Suppressed(5),) * 2
    assert bands["60_100"].n == Suppressed(5)  # secondary
    assert bands["60_100"].mean_minutes == 63.0  # a mean over 250 people is fine
    assert ragunda.long_commuters == 253  # the two hidden bands together: ≥ 5 people
    text = repr(by_id["ragunda"]) + repr(by_id["bracke"])
    for raw in (r"open_positions=2\b", r"\bn=(3|250)\b", r"\b110\.0\b"):
        assert re.search(raw, text) is None, raw
    # and the exports write "<5" in those cells
    from datetime import datetime

    from hubsense.planning.export import csv_bytes, planning_report

    csv_text = csv_bytes(planning_report(plan, "en", datetime(2026, 11, 25))).decode("utf-8-sig")
    bracke_row = next(line for line in csv_text.splitlines() if line.startswith('"Bräcke",'))
    assert '"<5","<5"' in bracke_row  # open positions and per 100 employed


def test_a_tiny_municipality_is_hidden_everywhere_and_no_reference(registry: Registry) -> None:
    """Berg with 4 employed residents: every figure built on them is "<5", its measured
    adoption is hidden and it is not a reference for the others (a pooled rate with a
    suppressed E in it could give E back)."""
    facts = load_facts(EXAMPLE, registry)
    tiny = _replace_row(
        facts,
        "berg",
        employed_residents=4,
        works_in_municipality=2,
        works_elsewhere_in_region=1,
        works_outside_region=1,
        bands=tuple(
            dataclasses.replace(b, n=1 if i < 4 else 0) for i, b in enumerate(facts.rows[1].bands)
        ),
        shift_workers=1,
    )
    plan = _plan(registry, tiny)
    assert plan.effective.references == ("krokom",)
    berg = next(p for p in plan.municipalities if p.id == "berg")
    assert berg.eligible == Suppressed(5)
    assert berg.measured is not None and berg.measured.adoption == Suppressed(5)
    assert berg.measured.recommended_desks == 6  # sensor figures are desks, not people
    ev = berg.evidence
    assert ev is not None
    assert {ev.employed_residents, ev.works_in_municipality, ev.commuters} == {Suppressed(5)}
    assert all(b.n == Suppressed(5) for b in ev.bands)
    # its projection (from Krokom's adoption) rests on E < 5: every number of it hidden
    assert berg.projection is not None
    assert berg.projection.references == ("krokom",)
    assert berg.projection.eligible == Suppressed(5)
    assert {berg.projection.desks.low, berg.projection.desks.mid} == {Suppressed(5)}
    assert berg.projection.visits.mid == Suppressed(5)
    # its planning figure is the measured one (desks, not people), so it still ranks
    assert berg.basis == "measured"
    assert berg.desks_needed is not None and berg.desks_needed.mid == 6
    # the same with the planner's own adoption
    plan = _plan(registry, tiny, adoption=0.01)
    berg = next(p for p in plan.municipalities if p.id == "berg")
    assert berg.projection is not None
    assert berg.projection.desks.mid == Suppressed(5)
