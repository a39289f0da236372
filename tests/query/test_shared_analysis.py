"""The comparison and the overview take every municipality's and hub's numbers from one
analysis of the region; they must give exactly what asking for each alone gives, also when
the "unchanged for days" rule flags desks at the edges of the period."""

from __future__ import annotations

from datetime import date

from hubsense.analytics import Scope
from hubsense.config import DEFAULT_REGISTRY, Settings
from hubsense.query import Period, QueryContext
from hubsense.query.analysis import analyse
from hubsense.query.capacity import capacity
from hubsense.query.compare import comparison
from hubsense.query.daily import daily, hub_dailies
from hubsense.query.overview import peak_today, region_overview
from hubsense.query.utilisation import utilisation
from hubsense.registry import load_registry
from hubsense.store.sqlite import SqliteStore
from tests.api.api_support import NOW
from tests.planning.support import fill

FIRST, END = date(2026, 10, 19), date(2026, 11, 27)  # to beyond NOW (25 November, 12:00)
USED = {
    # Svenstavik's desks are used on some days only, so some sit unchanged for longer than
    # the (short) unchanged rule allows, across the period's edges; Krokom is busy.
    "svenstavik": lambda d: 2 if d.day % 9 == 0 else 0,
    "krokom": lambda d: d.day % 5 + 6,
    "are": lambda d: 3,
}
SETTINGS = Settings(stuck_unchanged_open_days=6, capacity_min_days=3)


def test_compare_capacity_equals_each_municipality_asked_alone(
    sqlite_store: SqliteStore,
) -> None:
    registry = load_registry(DEFAULT_REGISTRY)
    fill(sqlite_store, registry, FIRST, END, USED)
    settings = SETTINGS
    period = Period(date(2026, 10, 26), date(2026, 11, 14))
    ctx = QueryContext(sqlite_store, registry, settings, NOW)
    rows = {r.id: r for r in comparison(ctx, period).rows}
    checked = 0
    for muni in registry.municipalities.values():
        if not muni.hubs:
            continue
        alone = capacity(QueryContext(sqlite_store, registry, settings, NOW),
                         Scope("municipality", muni.id), period)
        row = rows[muni.id]
        assert (row.peak_at_service_level, row.recommended, row.too_few_days) == (
            alone.peak_at_service_level, alone.recommended_desks, alone.too_few_days
        ), muni.id
        assert row.evidence_days == min(h.evidence_days for h in alone.hubs), muni.id
        checked += 1
    assert checked == len([m for m in registry.municipalities.values() if m.hubs])
    assert rows["krokom"].recommended is not None
    # the rule did flag desks in the period, so the margins mattered
    suspects = analyse(ctx, Scope("region", ""), period).suspects
    assert any(s.kind == "unchanged" for s in suspects)


def test_overview_equals_each_hub_asked_alone(sqlite_store: SqliteStore) -> None:
    registry = load_registry(DEFAULT_REGISTRY)
    fill(sqlite_store, registry, FIRST, END, USED)
    overview = region_overview(QueryContext(sqlite_store, registry, SETTINGS, NOW))

    def alone() -> QueryContext:  # a fresh question: nothing shared with the overview
        return QueryContext(sqlite_store, registry, SETTINGS, NOW)

    peaks = 0
    for muni in registry.municipalities.values():
        if not muni.hubs:
            continue
        for s in utilisation(alone(), Scope("municipality", muni.id), overview.period).breakdown:
            got = overview.hubs[s.scope.id]
            assert (got.utilisation, got.coverage) == (s.utilisation, s.coverage), s.scope.id
    for hub_id in registry.hubs:
        got = overview.hubs[hub_id]
        assert (got.peak_today, got.peak_reason, got.opens_at) == peak_today(alone(), hub_id)
        own = capacity(alone(), Scope("hub", hub_id, hub=hub_id), overview.period)
        assert (got.recommended, got.too_few_days) == (own.recommended_desks, own.too_few_days)
        peaks += got.peak_today is not None
    assert peaks >= 3  # the filled hubs had a peak today


def test_hub_dailies_equal_each_hub_asked_alone(sqlite_store: SqliteStore) -> None:
    registry = load_registry(DEFAULT_REGISTRY)
    fill(sqlite_store, registry, FIRST, END, USED)
    period = Period(date(2026, 10, 26), date(2026, 11, 14))
    for muni in ("krokom", "are"):  # one hub; two hubs (Åre with data, Järpen without)
        hub_ids = list(registry.municipalities[muni].hubs)
        together = hub_dailies(QueryContext(sqlite_store, registry, SETTINGS, NOW),
                               Scope("municipality", muni), hub_ids, period)
        alone = [daily(QueryContext(sqlite_store, registry, SETTINGS, NOW),
                       Scope("hub", h, hub=h), period) for h in hub_ids]
        assert together == alone, muni
        assert any(d.coverage for series in together for d in series.days)
