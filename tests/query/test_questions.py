"""hubsense.query's question parsing: the period's defaults and limits, the scope checks,
and the region's local time, raising domain errors (never HTTP ones) with the text every
caller shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from hubsense.config import DEFAULT_REGISTRY, Settings
from hubsense.query import NotFound, Period, QueryContext, QueryError, period, region_tz
from hubsense.query.planning import planning_period
from hubsense.query.scope import ScopeRef, report_scope, resolve_scope
from hubsense.registry import Registry, load_registry
from hubsense.store.sqlite import SqliteStore


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(DEFAULT_REGISTRY)


def ctx_at(registry: Registry, when: datetime, **settings: object) -> QueryContext:
    now_ns = int(when.timestamp()) * 10**9
    return QueryContext(SqliteStore(":memory:"), registry, Settings(**settings), now_ns)  # type: ignore[arg-type]


def test_today_is_the_regions_date(registry: Registry) -> None:
    assert region_tz(registry) == ZoneInfo("Europe/Stockholm")
    # 23:30 UTC on 30 November is already 1 December in Sweden
    ctx = ctx_at(registry, datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    assert ctx.today() == date(2026, 12, 1)
    assert ctx.now().utcoffset() is not None
    assert region_tz(replace(registry, hubs={})) is None  # no hub: UTC


def test_default_periods(registry: Registry) -> None:
    ctx = ctx_at(registry, datetime(2026, 11, 25, 10, tzinfo=UTC))
    p = period(ctx, None, None)
    assert p == Period(date(2026, 10, 26), date(2026, 11, 25))  # 30 days, up to yesterday
    assert (p.days, p.last_day) == (30, date(2026, 11, 24))
    assert period(ctx, None, "2026-11-10") == Period(date(2026, 10, 11), date(2026, 11, 10))
    assert planning_period(ctx, None, None).days == 90
    assert period(ctx, None, "2026-11-26").end == date(2026, 11, 26)  # ends with today


@pytest.mark.parametrize(
    ("from_", "to", "says"),
    [
        ("2026-11-10", "2026-11-10", "to must be after from (to is exclusive)"),
        ("x" * 100, None, "from: not a date (YYYY-MM-DD): 'xxxx"),
        (None, "2026-13-01", "to: not a date (YYYY-MM-DD): '2026-13-01'"),
        ("2024-01-01", "2026-11-01", "date range too long: 1035 days; at most 400"),
        (None, "2026-11-27", "to: 2026-11-27 is in the future; the latest allowed is 2026-11-26"),
    ],
)
def test_bad_periods_are_query_errors(
    registry: Registry, from_: str | None, to: str | None, says: str
) -> None:
    ctx = ctx_at(registry, datetime(2026, 11, 25, 10, tzinfo=UTC))
    with pytest.raises(QueryError) as exc:
        period(ctx, from_, to)
    assert not isinstance(exc.value, NotFound)
    assert str(exc.value).startswith(says)


def test_scopes(registry: Registry) -> None:
    s = resolve_scope(registry, "zone", "svenstavik/a", ("zone", "hub"))
    assert (s.kind, s.hub, s.item) == ("zone", "svenstavik", "a")
    assert ScopeRef.of(registry, s) == ScopeRef(
        "zone", "svenstavik/a", "Fjällhubben Svenstavik zone a"
    )
    with pytest.raises(QueryError, match="^scope: must be one of zone, hub, not 'desk'$"):
        resolve_scope(registry, "desk", "svenstavik/a01", ("zone", "hub"))
    with pytest.raises(NotFound, match="^id: unknown hub 'nowhere'"):
        resolve_scope(registry, "hub", "nowhere")
    with pytest.raises(QueryError, match="^id: scope=hub needs an id$") as bad:
        resolve_scope(registry, "hub", None)
    assert not isinstance(bad.value, NotFound)
    assert report_scope(registry, None).kind == "region"
    with pytest.raises(NotFound, match="^municipality: unknown municipality 'x' \\(known: are, "):
        report_scope(registry, "x")
