"""Dates on the pages: one format per language in the fields and the period line, the
form's period inclusive (``last``) while links and the API keep an exclusive ``to``."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from dashboards.dates import PATTERN, PeriodInput, parse_ui_date
from dashboards.i18n import fmt_date
from hubsense.query.errors import QueryError
from hubsense.query.period import Period

DAYS = st.dates(min_value=date(1970, 1, 2), max_value=date(9999, 12, 30))


@given(DAYS, st.sampled_from(["sv", "en"]))
def test_a_date_shown_in_either_language_reads_back_as_the_same_date(
    day: date, lang: str
) -> None:
    shown = fmt_date(day, lang)
    assert re.fullmatch(PATTERN, shown)
    assert parse_ui_date("from", shown) == day


@given(st.text(max_size=30))
def test_anything_else_is_the_apis_error_naming_the_field(text: str) -> None:
    try:
        parsed = parse_ui_date("last", text)
    except QueryError as exc:
        assert re.match(r"last: not a date \((YYYY-MM-DD|DD/MM/YYYY)\): ", str(exc))
    else:
        if "/" in text:
            day, month, year = (int(part) for part in text.strip().split("/"))
            assert parsed == date(year, month, day)
        else:
            assert parsed == date.fromisoformat(text.strip())  # what the API takes


def test_an_iso_mistake_reads_as_the_apis() -> None:
    with pytest.raises(QueryError) as exc:
        parse_ui_date("from", "2026-13-01")
    assert str(exc.value) == "from: not a date (YYYY-MM-DD): '2026-13-01'"


@pytest.mark.parametrize("text", ["2026-02-30", "31/11/2026", "2026-1-5", "1/1/26", "", " "])
def test_impossible_or_short_dates_are_refused(text: str) -> None:
    with pytest.raises(QueryError, match="not a date"):
        parse_ui_date("from", text)


@given(DAYS, st.integers(0, 400))
def test_the_inclusive_last_day_is_the_day_before_the_exclusive_to(
    first: date, days: int
) -> None:
    last = first + timedelta(days=days)
    if last.year > 9999 or (last + timedelta(days=1)).year > 9999:
        return
    by_form = PeriodInput(fmt_date(first, "en"), None, fmt_date(last, "en")).api_dates()
    by_link = PeriodInput(first.isoformat(), (last + timedelta(days=1)).isoformat()).api_dates()
    assert by_form == by_link
    period = Period(first, last + timedelta(days=1))
    assert PeriodInput(*by_link).shown("sv", period) == (first.isoformat(), last.isoformat())


def test_to_and_last_together_are_refused() -> None:
    with pytest.raises(QueryError, match="either to"):
        PeriodInput("2026-11-01", "2026-12-01", "2026-11-30").api_dates()


def test_a_bad_period_is_shown_back_as_typed() -> None:
    assert PeriodInput("nonsense", None, "2026-11-31").shown("sv", None) == (
        "nonsense",
        "2026-11-31",
    )
    assert PeriodInput(None, "2026-12-01").shown("en", None) == ("", "30/11/2026")


@pytest.mark.parametrize("path", ["/utilisation", "/compare", "/planning"])
def test_the_form_inclusive_in_english_asks_what_the_link_asks(
    client: TestClient, path: str
) -> None:
    by_link = client.get(path, params={"from": "2026-10-27", "to": "2026-11-11", "lang": "en"})
    by_form = client.get(
        path, params={"from": "27/10/2026", "last": "10/11/2026", "lang": "en"}
    )
    assert by_link.status_code == by_form.status_code == 200
    for page in (by_link.text, by_form.text):
        assert re.search(r'name="from" type="text"[^>]* value="27/10/2026"', page)
        assert re.search(r'name="last" type="text"[^>]* value="10/11/2026"', page)
        assert 'placeholder="DD/MM/YYYY"' in page
    if path != "/planning":
        assert "Period: 27/10/2026 – 10/11/2026 (15 days)" in by_form.text


@pytest.mark.parametrize("path", ["/utilisation", "/compare", "/planning"])
def test_a_malformed_date_is_a_message_on_the_page(client: TestClient, path: str) -> None:
    r = client.get(path, params={"last": "<b>30 nov</b>"})
    assert r.status_code == 422
    assert "last: not a date" in r.text
    assert "<b>30 nov</b>" not in r.text
    assert 'value="&lt;b&gt;30 nov&lt;/b&gt;"' in r.text
