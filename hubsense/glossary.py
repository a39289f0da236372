"""The published metric names: one entry per metric, used for API field names, report
headers and (for the dashboards) labels, in Swedish and English. The definitions and
formulas are in docs/metrics.md; tests/analytics/test_glossary.py checks that every term
here is defined there under the same names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["sv", "en"]
LANGS: tuple[Lang, ...] = ("sv", "en")


@dataclass(frozen=True, slots=True)
class Term:
    key: str  # the API field name
    sv: str
    en: str
    unit: str = ""  # "h", "min", "%", "desks", "days", ""

    def label(self, lang: Lang) -> str:
        return self.sv if lang == "sv" else self.en

    def header(self, lang: Lang) -> str:
        """The label with its unit, as report columns show it."""
        unit = UNITS[self.unit][lang] if self.unit else ""
        return f"{self.label(lang)} ({unit})" if unit else self.label(lang)


UNITS: dict[str, dict[Lang, str]] = {
    "h": {"sv": "h", "en": "h"},
    "min": {"sv": "min", "en": "min"},
    "%": {"sv": "%", "en": "%"},
    "desks": {"sv": "platser", "en": "desks"},
    "days": {"sv": "dagar", "en": "days"},
}

_TERMS = [
    Term("desks", "Platser i dag", "Current desks", "desks"),
    Term("open_days", "Öppetdagar", "Open days", "days"),
    Term("open_desk_hours", "Öppen platstid", "Open desk-time", "h"),
    Term("occupied_hours", "Upptagen tid", "Occupied time", "h"),
    Term("free_hours", "Ledig tid", "Free time", "h"),
    Term("unknown_hours", "Okänd tid", "Unknown time", "h"),
    Term("offline_hours", "Tid utan signal", "Offline time", "h"),
    Term("stuck_hours", "Tid med misstänkt sensor", "Stuck-sensor time", "h"),
    Term("utilisation", "Nyttjandegrad", "Utilisation", "%"),
    Term("coverage", "Täckning", "Coverage", "%"),
    Term("daily_usage_rate", "Daglig användningsgrad", "Daily usage rate", "%"),
    Term("used_desk_days", "Använda platsdagar", "Used desk-days", "days"),
    Term("unused_desk_days", "Oanvända platsdagar", "Unused desk-days", "days"),
    Term("undecided_desk_days", "Oavgjorda platsdagar", "Undecided desk-days", "days"),
    Term("usage_band", "Användningsband", "Usage band"),
    Term("peak_concurrency", "Samtidig topp", "Peak concurrency", "desks"),
    Term("peak_share", "Topp som andel av platserna", "Peak share of desks", "%"),
    Term("mean_concurrency", "Genomsnittlig samtidighet", "Average concurrency", "desks"),
    Term("evidence_days", "Underlagsdagar", "Evidence days", "days"),
    Term("service_level", "Servicenivå", "Service level", "%"),
    Term("peak_at_service_level", "Topp vid servicenivån", "Peak at service level", "desks"),
    Term("buffer_desks", "Buffert", "Buffer", "desks"),
    Term("recommended_desks", "Rekommenderat antal platser", "Recommended desks", "desks"),
    Term("too_few_days", "För litet underlag", "Too few evidence days"),
    Term("at_capacity", "Alla platser upptagna", "At capacity"),
    Term("full_minutes", "Minuter med alla platser upptagna", "Minutes at full", "min"),
    Term("full_hours", "Tid med alla platser upptagna", "Time at full", "h"),
    Term("days_at_capacity", "Dagar med alla platser upptagna", "Days at capacity", "days"),
    Term(
        "days_at_capacity_share",
        "Andel dagar med alla platser upptagna",
        "Share of days at capacity",
        "%",
    ),
    Term("lower_bound", "Undre gräns", "Lower bound"),
    Term(
        "demand_at_service_level",
        "Skattad efterfrågan vid servicenivån",
        "Estimated demand at service level",
        "desks",
    ),
    Term("demand_low", "Skattad efterfrågan, lägst", "Estimated demand, low", "desks"),
    Term("demand_high", "Skattad efterfrågan, högst", "Estimated demand, high", "desks"),
    Term(
        "demand_recommended_desks",
        "Rekommenderat antal platser efter skattad efterfrågan",
        "Recommended desks from estimated demand",
        "desks",
    ),
    Term("share_exceeding", "Andel dagar över kapaciteten", "Share of days exceeding", "%"),
    Term("flickers", "Bortfiltrerade flimmer", "Flickers filtered"),
    Term("suspect_desks", "Misstänkta sensorer", "Suspect sensors", "desks"),
]

GLOSSARY: dict[str, Term] = {t.key: t for t in _TERMS}

BAND_LABELS: dict[str, dict[Lang, str]] = {
    "low": {"sv": "Låg (under 20 %)", "en": "Low (under 20 %)"},
    "medium": {"sv": "Medel (20–60 %)", "en": "Medium (20–60 %)"},
    "high": {"sv": "Hög (60–100 %)", "en": "High (60–100 %)"},
    "no_data": {"sv": "Inga data", "en": "No data"},
}

SUSPECT_LABELS: dict[str, dict[Lang, str]] = {
    "occupied": {"sv": "upptagen för länge", "en": "occupied too long"},
    "unchanged": {"sv": "oförändrad i flera dagar", "en": "unchanged for days"},
}

FORECAST_TERM_LABELS: dict[str, dict[Lang, str]] = {
    "trend": {"sv": "trend", "en": "trend"},
    "holiday_adjacent": {"sv": "dagar intill helgdagar", "en": "days next to public holidays"},
    "july": {"sv": "juli", "en": "July"},
    "christmas": {"sv": "jul och nyår", "en": "Christmas and New Year"},
}
"""The forecast's effects besides the weekday (``hubsense.forecast.TERMS``)."""

FORECAST_REASON_LABELS: dict[str, dict[Lang, str]] = {
    "short_history": {
        "sv": "{hub}: ingen prognos, perioden är kortare än 8 veckor.",
        "en": "{hub}: no forecast, the period is shorter than 8 weeks.",
    },
    "few_days": {
        "sv": "{hub}: ingen prognos, färre än 20 underlagsdagar i perioden.",
        "en": "{hub}: no forecast, fewer than 20 evidence days in the period.",
    },
}
"""Why a hub has no forecast (``hubsense.forecast.NoForecast``)."""


def label(key: str, lang: Lang) -> str:
    return GLOSSARY[key].label(lang)


def header(key: str, lang: Lang) -> str:
    return GLOSSARY[key].header(lang)
