"""The published metrics: one entry per metric, with its name (the API field), its labels
and its definition in Swedish and English. The labels head report columns and dashboard
figures; the definitions are the dashboards' definitions page (``/definitions``) and the
terms table of docs/metrics.md, which is ``markdown_table()``'s output (kept equal by
tests/analytics/test_glossary.py), so a metric is explained in one place.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Literal

Lang = Literal["sv", "en"]
LANGS: tuple[Lang, ...] = ("sv", "en")


@dataclass(frozen=True, slots=True)
class Term:
    key: str  # the API field name
    sv: str
    en: str
    unit: str = ""  # "h", "min", "%", "desks", "days", ""
    _: KW_ONLY
    sv_def: str  # the definition; `code` spans name settings, fields and formulas
    en_def: str

    def label(self, lang: Lang) -> str:
        return self.sv if lang == "sv" else self.en

    def definition(self, lang: Lang) -> str:
        return self.sv_def if lang == "sv" else self.en_def

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

UNIT_ONE: dict[str, dict[Lang, str]] = {
    "desks": {"sv": "plats", "en": "desk"},
    "days": {"sv": "dag", "en": "day"},
}
"""The singular of the counted units: "1 plats", never "1 platser"."""


def count(n: int, unit: str, lang: Lang) -> str:
    """``n`` with its unit in the right number: ``1 plats``, ``2 platser``, ``1 day``."""
    word = UNIT_ONE[unit][lang] if n == 1 else UNITS[unit][lang]
    return f"{n} {word}"


_TERMS = [
    Term(
        "desks", "Platser i dag", "Current desks", "desks",
        sv_def="Platser i områdets hubbar enligt registret just nu.",
        en_def="Desks of the scope in the registry now.",
    ),
    Term(
        "open_days", "Öppetdagar", "Open days", "days",
        sv_def="Datum i perioden då minst en hubb i området hade öppet.",
        en_def="Dates in the period on which at least one hub of the scope was open.",
    ),
    Term(
        "open_desk_hours", "Öppen platstid", "Open desk-time", "h",
        sv_def="Σ över platser och öppetdagar av öppettidens längd.",
        en_def="Σ over desks and open days of the opening window's length.",
    ),
    Term(
        "occupied_hours", "Upptagen tid", "Occupied time", "h",
        sv_def="Öppen platstid då platsen var upptagen (efter rensning).",
        en_def="Open desk-time in state occupied (after cleaning).",
    ),
    Term(
        "free_hours", "Ledig tid", "Free time", "h",
        sv_def="Öppen platstid då platsen var ledig (bortfiltrerade flimmer räknas som ledig tid).",
        en_def="Open desk-time in state free (flickers included).",
    ),
    Term(
        "unknown_hours", "Okänd tid", "Unknown time", "h",
        sv_def=(
            "`offline_hours + stuck_hours`: tid då det inte går att veta om platsen var upptagen "
            "eller ledig."
        ),
        en_def=(
            "`offline_hours + stuck_hours`: time for which we cannot tell whether the desk was "
            "occupied or free."
        ),
    ),
    Term(
        "offline_hours", "Tid utan signal", "Offline time", "h",
        sv_def="Öppen platstid utan något meddelande att lita på (tyst sensor).",
        en_def="Open desk-time with no trusted message (silent sensor).",
    ),
    Term(
        "stuck_hours", "Tid med misstänkt sensor", "Stuck-sensor time", "h",
        sv_def="Öppen platstid i fastnade perioder och i flaggade oförändrade dagar.",
        en_def="Open desk-time of stuck spells and flagged unchanged days.",
    ),
    Term(
        "utilisation", "Nyttjandegrad", "Utilisation", "%",
        sv_def=(
            "`upptagen ÷ (öppen platstid − okänd)` = `upptagen ÷ (upptagen + ledig)`; saknas när "
            "inget är känt. En plats som är upptagen 2 h av en dag med 10 h öppet har 20 %."
        ),
        en_def=(
            "`occupied ÷ (open desk-time − unknown)` = `occupied ÷ (occupied + free)`; null when "
            "nothing is known. A desk occupied 2 h of a 10 h day is 20 %."
        ),
    ),
    Term(
        "coverage", "Täckning", "Coverage", "%",
        sv_def=(
            "`(öppen platstid − okänd) ÷ öppen platstid`: hur stor del av den öppna tiden som "
            "nyttjandegraden vilar på."
        ),
        en_def=(
            "`(open desk-time − unknown) ÷ open desk-time`: how much of the open time the "
            "utilisation rests on."
        ),
    ),
    Term(
        "daily_usage_rate", "Daglig användningsgrad", "Daily usage rate", "%",
        sv_def=(
            "`använda ÷ (använda + oanvända)` platsdagar (se nedan): hur stor andel av platsdagarna"
            " som platsen användes alls."
        ),
        en_def=(
            "`used ÷ (used + unused)` desk-days (below): the share of desk-days on which the desk "
            "was used at all."
        ),
    ),
    Term(
        "used_desk_days", "Använda platsdagar", "Used desk-days", "days",
        sv_def="Öppna platsdagar med minst `daily_use_min_s` (30 min) upptagen tid.",
        en_def="Open desk-days with occupied ≥ `daily_use_min_s` (30 min).",
    ),
    Term(
        "unused_desk_days", "Oanvända platsdagar", "Unused desk-days", "days",
        sv_def=(
            "Öppna platsdagar med upptagen + okänd tid under 30 min: oanvända även om all okänd tid"
            " hade varit användning."
        ),
        en_def=(
            "Open desk-days with occupied + unknown < 30 min: unused even if all unknown time had "
            "been use."
        ),
    ),
    Term(
        "undecided_desk_days", "Oavgjorda platsdagar", "Undecided desk-days", "days",
        sv_def=(
            "Övriga öppna platsdagar (för mycket okänd tid för att avgöra); räknas inte i graden."
        ),
        en_def="The other open desk-days (too much unknown time to tell); left out of the rate.",
    ),
    Term(
        "usage_band", "Användningsband", "Usage band",
        sv_def=(
            "`låg` under 20 %, `medel` 20 % upp till (inte med) 60 %, `hög` 60–100 %, efter "
            "nyttjandegraden, exakt jämförd; inget band utan känd tid. För platser och hubbar."
        ),
        en_def=(
            "`low` under 20 %, `medium` 20 % up to (not incl.) 60 %, `high` 60–100 %, by "
            "utilisation, compared exactly; none without known time. For desks and hubs."
        ),
    ),
    Term(
        "peak_concurrency", "Samtidig topp", "Peak concurrency", "desks",
        sv_def=(
            "Per hubb (eller zon) och öppetdag: det högsta antalet platser upptagna samtidigt inom "
            "öppettiden. Pass som möts (ett slutar 12:00, nästa börjar 12:00) överlappar inte. "
            "Fastnade och tysta platser räknas inte, så en dag med okänd tid är toppen en undre "
            "gräns (se `coverage`)."
        ),
        en_def=(
            "Per hub (or zone) and open day: the highest number of desks occupied at the same "
            "moment within opening hours. Touching sessions (one ends 12:00, the next starts 12:00)"
            " do not overlap. Stuck and offline desks are not counted, so on a day with unknown "
            "time it is a lower bound (see `coverage`)."
        ),
    ),
    Term(
        "peak_share", "Topp som andel av platserna", "Peak share of desks", "%",
        sv_def="`peak_concurrency ÷ desks` för hubben (zonen).",
        en_def="`peak_concurrency ÷ desks` of the hub (zone).",
    ),
    Term(
        "mean_concurrency", "Genomsnittlig samtidighet", "Average concurrency", "desks",
        sv_def=(
            "Upptagen platstid ÷ öppen tid. Profilen timme × veckodag ger den per lokal timme och "
            "veckodag över periodens öppetdagar (höstens dubblerade timme räknas två gånger, vårens"
            " saknade timme inte alls); för flera hubbar summan av varje öppen hubbs genomsnitt."
        ),
        en_def=(
            "Occupied desk-time ÷ open time. The hour × weekday profile gives it per local hour and"
            " weekday, over the open days of the period (the doubled hour of the autumn DST day "
            "counts twice, the missing spring hour not at all); for several hubs, the sum of each "
            "open hub's average."
        ),
    ),
    Term(
        "evidence_days", "Underlagsdagar", "Evidence days", "days",
        sv_def=(
            "Öppetdagar för en hubb med `coverage ≥ evidence_min_coverage` (80 %). För en kommun "
            "eller regionen det minsta antalet bland dess hubbar."
        ),
        en_def=(
            "Open days of a hub with `coverage ≥ evidence_min_coverage` (80 %). For a municipality "
            "or the region, the smallest of its hubs'."
        ),
    ),
    Term(
        "service_level", "Servicenivå", "Service level", "%",
        sv_def=(
            "Andelen underlagsdagar då efterfrågan ska få plats: `capacity_service_level` (90 %)."
        ),
        en_def=(
            "The share of evidence days on which demand must fit: `capacity_service_level` (90 %)."
        ),
    ),
    Term(
        "peak_at_service_level", "Topp vid servicenivån", "Peak at service level", "desks",
        sv_def=(
            "Percentilen (närmaste rang) av underlagsdagarnas dagliga toppar: sortera dem stigande "
            "`x₁ ≤ … ≤ xₙ`, ta `x_r` med `r = ⌈p·n⌉` (`p` som exakt decimaltal, så 0,9 × 20 dagar ="
            " rang 18). Det är det minsta k där efterfrågan översteg k på högst (1 − p) av dagarna."
            " Vid 90 %: ”P90-topp”."
        ),
        en_def=(
            "The nearest-rank percentile of the daily peaks of the evidence days: sort them "
            "ascending `x₁ ≤ … ≤ xₙ`, take `x_r` with `r = ⌈p·n⌉` (`p` as the exact decimal, so 0.9"
            " × 20 days = rank 18). It is the smallest k with demand above k on at most (1 − p) of "
            "the days. At 90 %: \"P90 peak\"."
        ),
    ),
    Term(
        "buffer_desks", "Buffert", "Buffer", "desks",
        sv_def="Platser som läggs till ovanpå: `capacity_buffer_desks` (1).",
        en_def="Desks added on top: `capacity_buffer_desks` (1).",
    ),
    Term(
        "recommended_desks", "Rekommenderat antal platser", "Recommended desks", "desks",
        sv_def=(
            "`peak_at_service_level + buffer_desks` per hubb; saknas utan underlagsdagar. För en "
            "kommun eller regionen summan över dess hubbar (hubbar delar inte platser)."
        ),
        en_def=(
            "`peak_at_service_level + buffer_desks`, per hub; none without evidence days. For a "
            "municipality or the region, the sum over its hubs (hubs do not share desks)."
        ),
    ),
    Term(
        "too_few_days", "För litet underlag", "Too few evidence days",
        sv_def="`evidence_days < capacity_min_days` (20): rekommendationen flaggas som osäker.",
        en_def=(
            "`evidence_days < capacity_min_days` (20): the recommendation is flagged as uncertain."
        ),
    ),
    Term(
        "at_capacity", "Alla platser upptagna", "At capacity",
        sv_def=(
            "Per hubb (eller zon) och öppetdag: `peak_concurrency ≥ desks`, alla platser var "
            "upptagna vid ett och samma tillfälle. En sådan dag är toppen en undre gräns för "
            "efterfrågan: den som kom och inte fick plats mäts inte."
        ),
        en_def=(
            "Per hub (or zone) and open day: `peak_concurrency ≥ desks`, every desk was taken at "
            "one moment. On such a day the peak is a lower bound of demand: a person who came and "
            "found no desk is not measured."
        ),
    ),
    Term(
        "full_minutes", "Minuter med alla platser upptagna", "Minutes at full", "min",
        sv_def=(
            "Per hubb (eller zon) och öppetdag: tiden inom öppettiden då hubben var **full**, dvs. "
            "varje plats med känt läge var upptagen (ingen ledig, minst en upptagen). Tysta och "
            "fastnade platser är okända och varken fyller hubben eller hindrar att den är full. "
            "Sparas i grupp-dagens sammanställning; saknas för en dag som sammanställdes innan den "
            "fanns och inte längre kan räknas om."
        ),
        en_def=(
            "Per hub (or zone) and open day: the time within opening hours at which the hub was "
            "**full**, i.e. every desk whose state is known was occupied (no desk free, at least "
            "one occupied). Offline and stuck desks are unknown and neither fill the hub nor keep "
            "it from being full (a desk whose sensor is silent cannot be told apart from a taken "
            "one, and the day's `coverage` says how much was unknown). Kept in the group-day "
            "rollup; null for a day whose rollup was made before it existed and can no longer be "
            "recomputed."
        ),
    ),
    Term(
        "full_hours", "Tid med alla platser upptagna", "Time at full", "h",
        sv_def=(
            "Σ `full_minutes` över periodens öppetdagar, per hubb; för en kommun eller regionen "
            "summan över dess hubbar. Saknas när en dag inte känner sina minuter."
        ),
        en_def=(
            "Σ `full_minutes` over the open days of the period, per hub; for a municipality or the "
            "region, the sum over its hubs. Null when a day does not know its minutes."
        ),
    ),
    Term(
        "days_at_capacity", "Dagar med alla platser upptagna", "Days at capacity", "days",
        sv_def=(
            "Underlagsdagar som var `at_capacity`: efterfrågan kan ha varit högre (den som vände i "
            "dörren syns inte). För en kommun eller regionen summan över dess hubbar (hubbdagar)."
        ),
        en_def=(
            "Evidence days that were `at_capacity`: demand may have been higher (people turned "
            "away are not seen). For a municipality or the region, the sum over its hubs "
            "(hub-days)."
        ),
    ),
    Term(
        "days_at_capacity_share",
        "Andel dagar med alla platser upptagna",
        "Share of days at capacity",
        "%",
        sv_def=(
            "`days_at_capacity ÷ evidence_days` per hubb; för en kommun eller regionen hubbdagarna "
            "med alla platser upptagna ÷ hubbarnas underlagsdagar sammanlagt. Andelen dagar då den "
            "mätta toppen inte säger något om behovet över platserna."
        ),
        en_def=(
            "`days_at_capacity ÷ evidence_days` per hub; for a municipality or the region, the "
            "hub-days at capacity ÷ the hubs' evidence days summed. The share of days on which the "
            "measured peak says nothing above the desks."
        ),
    ),
    Term(
        "lower_bound", "Undre gräns", "Lower bound",
        sv_def=(
            "`days_at_capacity > 0`: någon underlagsdag var alla platser upptagna, så den mätta "
            "`peak_at_service_level` och `recommended_desks` som bygger på den är bara en undre "
            "gräns för behovet."
        ),
        en_def=(
            "`days_at_capacity > 0`: on some evidence day every desk was taken, so the measured "
            "`peak_at_service_level` and the `recommended_desks` built on it are only a lower "
            "bound of the need."
        ),
    ),
    Term(
        "demand_at_service_level",
        "Skattad efterfrågan vid servicenivån",
        "Estimated demand at service level",
        "desks",
        sv_def=(
            "Servicenivåns percentil av den obegränsade dagliga toppefterfrågan. När ingen "
            "underlagsdag var full exakt `peak_at_service_level` (topparna är efterfrågan). "
            "Annars den censurerade skattningen, aldrig under `peak_at_service_level`; saknas när "
            "den inte kan göras (varje underlagsdag full, eller färre än 3 under kapaciteten). "
            "För en kommun eller regionen summan över dess hubbar."
        ),
        en_def=(
            "The service-level percentile of unconstrained daily peak demand. When no evidence day "
            "was full, exactly `peak_at_service_level` (the peaks are the demand). Otherwise the "
            "censored estimate, never below `peak_at_service_level`; none when it cannot be made "
            "(every evidence day full, or fewer than 3 below capacity). For a municipality or the "
            "region, the sum over its hubs."
        ),
    ),
    Term(
        "demand_low", "Skattad efterfrågan, lägst", "Estimated demand, low", "desks",
        sv_def=(
            "Skattningens nedre ände: 5:e percentilen av skattningen över parametrar dragna ur "
            "anpassningens osäkerhet; saknas när ingen dag var full. För en kommun eller regionen "
            "summan av hubbarnas (en hubb som aldrig var full bidrar med sin "
            "`peak_at_service_level`)."
        ),
        en_def=(
            "Low end of the estimate's range: the 5th percentile of the estimate over parameters "
            "drawn from the fit's uncertainty; none when no day was full. For a municipality or "
            "the region, the sum of its hubs' (a hub never full adds its `peak_at_service_level`)."
        ),
    ),
    Term(
        "demand_high", "Skattad efterfrågan, högst", "Estimated demand, high", "desks",
        sv_def="Skattningens övre ände (95:e percentilen av dragningarna), som `demand_low`.",
        en_def="High end of the range (95th percentile of the draws), as `demand_low`.",
    ),
    Term(
        "demand_recommended_desks",
        "Rekommenderat antal platser efter skattad efterfrågan",
        "Recommended desks from estimated demand",
        "desks",
        sv_def=(
            "`demand_at_service_level + buffer_desks`; exakt `recommended_desks` när ingen "
            "underlagsdag var full. För en kommun eller regionen summan över dess hubbar."
        ),
        en_def=(
            "`demand_at_service_level + buffer_desks`; exactly `recommended_desks` when no "
            "evidence day was full. For a municipality or the region, the sum over its hubs."
        ),
    ),
    Term(
        "share_exceeding", "Andel dagar över kapaciteten", "Share of days exceeding", "%",
        sv_def=(
            "Servicenivåkurvan: för varje kapacitet k = 0 … max(platser, högsta topp), `dagar med "
            "topp > k ÷ underlagsdagar`, alltså andelen dagar då k platser inte hade räckt."
        ),
        en_def=(
            "Service-level curve: for each capacity k = 0 … max(desks, highest peak), `days with "
            "peak > k ÷ evidence days`, i.e. the share of days on which k desks would not have been"
            " enough."
        ),
    ),
    Term(
        "flickers", "Bortfiltrerade flimmer", "Flickers filtered",
        sv_def=(
            "Upptagna blinkningar kortare än `flicker_min_s` (2 min) som tagits bort (räknade per "
            "lokal dag då de började)."
        ),
        en_def=(
            "Occupied blips shorter than `flicker_min_s` (2 min) removed (counted per local day of "
            "their start)."
        ),
    ),
    Term(
        "suspect_desks", "Misstänkta sensorer", "Suspect sensors", "desks",
        sv_def=(
            "Platser med en fastnad period eller en oförändrad följd av dagar under perioden; de "
            "listas under sensorhälsa."
        ),
        en_def=(
            "Desks with a stuck spell or an unchanged run in the period; they are listed under "
            "sensor health."
        ),
    ),
    Term(
        "difference", "Skillnad mot i dag", "Difference from today", "desks",
        sv_def=(
            "`recommended_desks − desks`: hur många platser fler (+) eller färre (−) "
            "rekommendationen har än hubbarna har i dag."
        ),
        en_def=(
            "`recommended_desks − desks`: how many desks more (+) or fewer (−) the "
            "recommendation has than the hubs have today."
        ),
    ),
    Term(
        "long_commuters", "Långpendlare", "Long commuters",
        sv_def=(
            "Utpendlare i faktafilens avståndsband vars genomsnittliga restid enkel väg är "
            "minst `long_commute_minutes` (45 min)."
        ),
        en_def=(
            "Out-commuters in the facts file's distance bands whose mean one-way travel time "
            "is at least `long_commute_minutes` (45 min)."
        ),
    ),
    Term(
        "rest_hours", "Dygnsvila", "Daily rest", "h",
        sv_def=(
            "Långpendlarnas genomsnittliga restid tur och retur i timmar: tid som tas av de 11 "
            "timmar i följd av dygnsvila per 24 timmar som arbetstidslagen (13 §) ger."
        ),
        en_def=(
            "The long commuters' mean round trip in hours: time taken out of the 11 consecutive "
            "hours of rest in every 24 that the Working Hours Act (13 §) gives."
        ),
    ),
    Term(
        "open_positions", "Lediga tjänster", "Open positions",
        sv_def=(
            "Arbetsgivarnas lediga tjänster i kommunen enligt faktafilen; inom parentes per "
            "100 sysselsatta boende."
        ),
        en_def=(
            "Employers' open positions in the municipality, from the facts file; in brackets "
            "per 100 employed residents."
        ),
    ),
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


TABLE_HEAD = (
    "| API field | Svenska | English | Unit | Definition |",
    "|---|---|---|---|---|",
)


def markdown_table() -> str:
    """The terms table of docs/metrics.md (English definitions; the Swedish ones are on the
    dashboards' definitions page)."""
    rows = [
        f"| `{t.key}` | {t.sv} | {t.en} | {t.unit} | {t.en_def} |".replace("|  |", "| |")
        for t in _TERMS
    ]
    return "\n".join([*TABLE_HEAD, *rows]) + "\n"


if __name__ == "__main__":  # python -m hubsense.glossary > the table for docs/metrics.md
    print(markdown_table(), end="")
