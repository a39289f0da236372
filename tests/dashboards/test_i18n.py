"""dashboards.i18n: the two string tables and the Swedish/English formatting."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from dashboards.i18n import (
    EN,
    JS_KEYS,
    LOCALES,
    SV,
    choose_lang,
    fmt_ago,
    fmt_date,
    fmt_int,
    fmt_num,
    fmt_pct,
    fmt_share,
    fmt_time,
    js_strings,
    metric,
    metric_unit,
    tr,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_both_languages_have_the_same_keys_and_fields() -> None:
    assert SV.keys() == EN.keys()
    for key in SV:
        assert fields(SV[key]) == fields(EN[key]), key
        assert "<" not in SV[key] + EN[key], key  # plain text: the pages escape it


def test_swedish_labels_are_the_domain_words() -> None:
    assert SV["state_free"] == "ledig"
    assert SV["state_occupied"] == "upptagen"
    assert SV["occupancy_now"] == "Beläggning just nu"
    assert SV["utilisation_30d"].startswith("Nyttjandegrad")
    assert SV["municipality"] == "Kommun"
    assert LOCALES == {"sv": "sv-SE", "en": "en-GB"}


@pytest.mark.parametrize(
    ("value", "lang"),
    [(None, "sv"), ("sv", "sv"), ("en", "en"), (" EN ", "en"), ("de", "sv"), ("", "sv")],
)
def test_choose_lang(value: str | None, lang: str) -> None:
    assert choose_lang(value) == lang


def test_tr_fills_fields_and_falls_back_to_swedish() -> None:
    assert tr("sv", "desks_occupied_of_total", occupied=3, total=12) == "3 av 12 upptagna"
    assert tr("en", "desks_occupied_of_total", occupied=3, total=12) == "3 of 12 occupied"
    assert tr("xx", "state_free") == "ledig"


def test_js_strings_are_a_subset_in_the_chosen_language() -> None:
    assert set(js_strings("en")) == set(JS_KEYS)
    assert js_strings("en")["state_free"] == "free"
    assert js_strings("sv")["state_free"] == "ledig"


def test_numbers_like_the_browsers_intl() -> None:
    assert fmt_int(1234567, "sv") == "1\u00a0234\u00a0567"
    assert fmt_int(1234567, "en") == "1,234,567"
    assert fmt_int(7, "sv") == "7"
    assert fmt_pct(15, "sv") == "15\u00a0%"
    assert fmt_pct(15, "en") == "15%"
    assert fmt_pct(99.6, "sv") == "100\u00a0%"


def test_times_in_the_hub_zone() -> None:
    ref = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 11:00 CET
    same_day = datetime(2026, 11, 25, 9, 59, tzinfo=UTC)
    earlier = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    assert fmt_time(same_day, STOCKHOLM, "sv", ref=ref) == "10:59"
    assert fmt_time(earlier, STOCKHOLM, "sv", ref=ref) == "2026-11-22 11:00"
    assert fmt_time(earlier, STOCKHOLM, "en", ref=ref) == "22/11/2026, 11:00"
    summer = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)  # CEST: UTC+2
    assert fmt_time(summer, STOCKHOLM, "sv", ref=summer) == "12:00"
    # 23:30 UTC on the 24th is already the 25th in Stockholm: same local day as ref
    assert fmt_time(datetime(2026, 11, 24, 23, 30, tzinfo=UTC), STOCKHOLM, "sv", ref=ref) == "00:30"


@pytest.mark.parametrize(
    ("seconds", "sv", "en"),
    [
        (None, "aldrig hörd", "never heard"),
        (0, "nyss", "just now"),
        (59.9, "nyss", "just now"),
        (60, "1 min sedan", "1 min ago"),
        (3599, "59 min sedan", "59 min ago"),
        (3600, "1 tim sedan", "1 h ago"),
        (48 * 3600 - 1, "47 tim sedan", "47 h ago"),
        (3 * 86400, "3 d sedan", "3 d ago"),
    ],
)
def test_ago(seconds: float | None, sv: str, en: str) -> None:
    assert fmt_ago(seconds, "sv") == sv
    assert fmt_ago(seconds, "en") == en


def test_decimals_shares_and_dates_like_the_browsers_intl() -> None:
    assert fmt_num(1234.56, "sv", 1) == "1\u00a0234,6"
    assert fmt_num(1234.56, "en", 1) == "1,234.6"
    assert fmt_num(12.5, "sv") == "13"  # halves away from zero, as Intl.NumberFormat
    assert fmt_num(-3, "sv") == "\u22123"  # Swedish minus sign
    assert fmt_num(-3, "en") == "-3"
    assert fmt_num(-0.04, "sv", 1) == "0,0"  # no "−0,0"
    assert fmt_share(0.345, "sv", 1) == "34,5\u00a0%"
    assert fmt_share(0.345, "en") == "35%"
    assert fmt_share(None, "sv") == "–"
    assert fmt_date(date(2026, 11, 24), "sv") == "2026-11-24"
    assert fmt_date(date(2026, 11, 24), "en") == "24/11/2026"


def test_metric_names_are_the_glossarys() -> None:
    assert metric("utilisation", "sv") == "Nyttjandegrad"
    assert metric("recommended_desks", "en") == "Recommended desks"
    assert metric_unit("peak_concurrency", "sv") == "Samtidig topp (platser)"
    assert metric_unit("utilisation", "xx") == "Nyttjandegrad (%)"
