"""Planner reports: the views of an ``Analysis`` as tables (one per sheet), the decision
memo text, and CSV output (XLSX: ``hubsense.report_xlsx``).

A report covers a municipality or the whole region over local dates ``first`` ≤ day <
``end``. Every header is a glossary term (``hubsense.glossary``) with its unit; every
number comes from ``hubsense.analytics``. Values are kept raw in the tables — hours as
hours, shares as fractions (0.345), dates as dates — and formatted by the writers: the
workbook stores full precision with display formats, the CSV writes shares as percent
with two decimals and hours with three. Text that could come from outside is written as
text in both (``hubsense.cells``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal, TextIO

from hubsense import forecast as forecast_model
from hubsense.analytics import Analysis, Scope, Summary, scope_hubs
from hubsense.calendar import from_ns
from hubsense.cells import csv_text
from hubsense.glossary import (
    BAND_LABELS,
    FORECAST_REASON_LABELS,
    FORECAST_TERM_LABELS,
    GLOSSARY,
    SUSPECT_LABELS,
    Lang,
    count,
    header,
    label,
)
from hubsense.metrics import HUB_GROUP, NS, Capacity
from hubsense.registry import Hub, Registry

Kind = Literal["text", "int", "hours", "percent", "float", "date", "bool"]

WEEKDAYS: dict[Lang, tuple[str, ...]] = {
    "sv": ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS: dict[Lang, tuple[str, ...]] = {
    "sv": (
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

T: dict[str, dict[Lang, str]] = {
    "title": {"sv": "Nyttjande av arbetshubbar – {name}", "en": "Hub utilisation – {name}"},
    "period": {
        "sv": "Period: {first} – {last} ({days} dagar; lokal tid Europe/Stockholm)",
        "en": "Period: {first} – {last} ({days} days; local time Europe/Stockholm)",
    },
    "generated": {"sv": "Skapad {at}", "en": "Generated {at}"},
    "units": {
        "sv": "Enheter: tider i timmar (h), andelar i procent (%), platser och dagar i antal. "
        "Bara öppettid räknas: hubbens öppettider per veckodag, utom helgdagar och stängda "
        "dagar.",
        "en": "Units: times in hours (h), shares in percent (%), desks and days as counts. "
        "Only opening hours count: each hub's hours per weekday, minus public holidays and "
        "closed days.",
    },
    "rules": {
        "sv": "Nyttjandegrad = upptagen tid ÷ (öppen platstid − okänd tid). Okänd tid (sensor "
        "tyst längre än {offline} min, eller misstänkt fastnad) räknas varken som ledig eller "
        "upptagen och redovisas som täckning. Sensorbrus: upptaget kortare än {flicker} s är "
        "bortfiltrerat. Fastnad: upptagen utan uppehåll längre än {stuck} h, eller bara "
        "ledig utan en enda ändring i minst {unchanged} öppetdagar.",
        "en": "Utilisation = occupied time ÷ (open desk-time − unknown time). Unknown time "
        "(sensor silent for more than {offline} min, or suspected stuck) is neither free nor "
        "occupied and is reported as coverage. Sensor noise: occupied spells shorter than "
        "{flicker} s are filtered out. Stuck: occupied without a break for longer than "
        "{stuck} h, or only free without a single change for at least {unchanged} open days.",
    },
    "capacity_rule": {
        "sv": "Rekommenderat antal platser = {level} %-percentilen (närmaste rang) av dagliga "
        "samtidiga toppar på underlagsdagar (öppetdagar med minst {coverage} % täckning) + "
        "{buffer} i buffert. Färre än {min_days} underlagsdagar flaggas. Var hubben "
        "full någon underlagsdag är rekommendationen en undre gräns; då skattas efterfrågan "
        "med de fulla dagarna som censurerade observationer (docs/metrics.md).",
        "en": "Recommended desks = the {level} % percentile (nearest rank) of daily peak "
        "concurrency on evidence days (open days with at least {coverage} % coverage) + "
        "{buffer} of buffer. Fewer than {min_days} evidence days are flagged. If the "
        "hub was full on an evidence day, the recommendation is a lower bound; demand is then "
        "estimated with the full days as censored observations (docs/metrics.md).",
    },
    "sheet_summary": {"sv": "Sammanfattning", "en": "Summary"},
    "sheet_hubs": {"sv": "Hubbar", "en": "Hubs"},
    "sheet_desks": {"sv": "Platser", "en": "Desks"},
    "sheet_profile": {"sv": "Timme × veckodag", "en": "Hour × weekday"},
    "sheet_days": {"sv": "Dagar", "en": "Days"},
    "sheet_curve": {"sv": "Kapacitetskurva", "en": "Capacity curve"},
    "sheet_sensors": {"sv": "Sensorhälsa", "en": "Sensor health"},
    "sheet_saturation": {"sv": "Fulla dagar", "en": "Full days"},
    "sheet_forecast": {"sv": "Prognos", "en": "Forecast"},
    "sheet_terms": {"sv": "Definitioner", "en": "Definitions"},
    "t_summary": {
        "sv": "Sammanfattning per kommun, med rekommendation",
        "en": "Summary per municipality, with the recommendation",
    },
    "t_hubs": {"sv": "Per hubb", "en": "Per hub"},
    "t_desks": {"sv": "Per plats", "en": "Per desk"},
    "t_profile": {
        "sv": "Genomsnittlig samtidighet (upptagna platser) per timme och veckodag",
        "en": "Average concurrency (desks occupied) by hour and weekday",
    },
    "t_days": {"sv": "Per öppetdag och hubb", "en": "Per open day and hub"},
    "t_curve": {
        "sv": "Servicenivåkurva: andel underlagsdagar då efterfrågan hade överstigit k platser",
        "en": "Service-level curve: share of evidence days on which demand would have "
        "exceeded k desks",
    },
    "t_sensors": {
        "sv": "Misstänkta sensorer (räknas som okänd tid)",
        "en": "Suspect sensors (counted as unknown time)",
    },
    "t_terms": {"sv": "Begrepp (se docs/metrics.md)", "en": "Terms (see docs/metrics.md)"},
    "t_saturation": {
        "sv": "Fulla dagar och skattad efterfrågan per hubb (efterfrågan som platserna inte "
        "rymde: se docs/metrics.md)",
        "en": "Full days and estimated demand per hub (demand the desks could not hold: see "
        "docs/metrics.md)",
    },
    "t_forecast": {
        "sv": "Prognos per hubb och öppetdag de kommande 13 veckorna, från periodens "
        "underlagsdagar (prognosintervall {pct} %)",
        "en": "Forecast per hub and open day for the next 13 weeks, from the period's "
        "evidence days ({pct} % prediction interval)",
    },
    "method": {"sv": "Skattning", "en": "Estimate"},
    "method_fit": {"sv": "censurerad anpassning per veckodag", "en": "censored fit per weekday"},
    "method_pooled": {
        "sv": "censurerad anpassning, veckodagarna sammanslagna (en veckodag var alltid full)",
        "en": "censored fit, weekdays pooled (a weekday was always full)",
    },
    "method_all_full": {
        "sv": "ingen: alla underlagsdagar var fulla",
        "en": "none: every evidence day was full",
    },
    "method_too_few_measured": {
        "sv": "ingen: för få dagar under kapaciteten",
        "en": "none: too few days below capacity",
    },
    "method_measured": {"sv": "uppmätt (aldrig full)", "en": "measured (never full)"},
    "forecast_low": {"sv": "lägst", "en": "low"},
    "forecast_high": {"sv": "högst", "en": "high"},
    "forecast_terms": {
        "sv": "{hub}: veckodag{terms}; perioden säger inget om {missing}.",
        "en": "{hub}: weekday{terms}; the period says nothing about {missing}.",
    },
    "municipality": {"sv": "Kommun", "en": "Municipality"},
    "hub": {"sv": "Hubb", "en": "Hub"},
    "hub_name": {"sv": "Namn", "en": "Name"},
    "hubs": {"sv": "Hubbar", "en": "Hubs"},
    "zone": {"sv": "Zon", "en": "Zone"},
    "desk": {"sv": "Plats", "en": "Desk"},
    "date": {"sv": "Datum", "en": "Date"},
    "weekday": {"sv": "Veckodag", "en": "Weekday"},
    "hour": {"sv": "Timme", "en": "Hour"},
    "opening_hours": {"sv": "Öppet (h)", "en": "Open (h)"},
    "peak_time": {"sv": "Toppen kl.", "en": "Peak at"},
    "evidence": {"sv": "Underlagsdag", "en": "Evidence day"},
    "max_peak": {"sv": "Högsta samtidiga topp (platser)", "en": "Highest peak (desks)"},
    "capacity_k": {"sv": "Kapacitet k (platser)", "en": "Capacity k (desks)"},
    "days_exceeding": {"sv": "Dagar över k", "en": "Days exceeding k"},
    "kind": {"sv": "Slag", "en": "Kind"},
    "first_day": {"sv": "Första dag", "en": "First day"},
    "last_day": {"sv": "Sista dag", "en": "Last day"},
    "suspect": {"sv": "Misstänkt sensor", "en": "Suspect sensor"},
    "term": {"sv": "Fält i API:t", "en": "API field"},
    "name": {"sv": "Benämning", "en": "Name"},
    "other_name": {"sv": "Engelska", "en": "Swedish"},
    "unit": {"sv": "Enhet", "en": "Unit"},
    "memo_heading": {"sv": "Text för beslutsunderlag", "en": "Text for a decision memo"},
    "yes": {"sv": "ja", "en": "yes"},
    "no": {"sv": "nej", "en": "no"},
}


def tr(key: str, lang: Lang, **fields: object) -> str:
    return T[key][lang].format(**fields)


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: Kind = "text"


@dataclass
class Table:
    sheet: str  # sheet name (at most 31 characters)
    title: str
    columns: list[Column]
    rows: list[list[object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # shown above the table
    after: list[str] = field(default_factory=list)  # shown below it


@dataclass
class Report:
    title: str
    lang: Lang
    scope: Scope
    first: date
    end: date
    preamble: list[str]  # period, generation time, units, rules
    memo: dict[Lang, str]
    tables: list[Table]


# --- number formatting for text -------------------------------------------------------------


def fmt_pct(value: float | None, lang: Lang) -> str:
    if value is None:
        return "–"
    text = f"{value * 100:.1f}"
    return f"{text.replace('.', ',')} %" if lang == "sv" else f"{text}%"


def fmt_date(d: date, lang: Lang) -> str:
    month = MONTHS[lang][d.month - 1]
    return f"{d.day} {month} {d.year}"


def hours(ns: int) -> float:
    return ns / (3600 * NS)


def hours_or_none(ns: int | None) -> float | None:
    return None if ns is None else hours(ns)


def minutes_or_none(ns: int | None) -> float | None:
    return None if ns is None else ns / (60 * NS)


def _yes(value: bool, lang: Lang) -> str:
    return tr("yes" if value else "no", lang)


def _band(value: str | None, lang: Lang) -> str:
    return BAND_LABELS[value or "no_data"][lang]


# --- the memo -----------------------------------------------------------------------------


def memo(analysis: Analysis, municipality: str, lang: Lang, *, flicker_s: int) -> str:
    """A municipality's paragraph for a decision memo (every hub, then the total);
    ``flicker_s`` is the flicker threshold the rollups were made with."""
    reg = analysis.registry
    muni = reg.municipalities[municipality]
    p = analysis.params
    last = analysis.end - timedelta(days=1)
    days = (analysis.end - analysis.first).days
    muni_scope = Scope("municipality", municipality)
    s = analysis.summary(muni_scope)
    level = round(p.service_level * 100)
    lines: list[str] = []
    if lang == "sv":
        lines.append(
            f"{muni.name} kommun, {fmt_date(analysis.first, lang)} – {fmt_date(last, lang)} "
            f"({days} dagar, {s.open_days} öppetdagar)."
        )
    else:
        lines.append(
            f"{muni.name} municipality, {fmt_date(analysis.first, lang)} – "
            f"{fmt_date(last, lang)} ({days} days, {s.open_days} open days)."
        )
    total = analysis.scope_capacity(muni_scope)
    for hub in reg.hubs_of(municipality):
        hs = analysis.summary(Scope("hub", hub.id, hub=hub.id))
        cap = analysis.capacity(hub.id)
        minutes = round(p.min_use_ns / (60 * NS))
        lines.append(_hub_sentence(hub.name, hs, cap, level, p.buffer_desks, minutes, lang))
        if cap.days_at_capacity:
            lines.append(_saturation_sentence(hub.name, cap, lang))
            lines.append(_demand_sentence(hub.name, cap, level, lang))
        if cap.too_few_days:
            lines.append(
                f"Underlaget för {hub.name} är {cap.evidence_days} dagar, färre än "
                f"{cap.min_days}: rekommendationen är osäker."
                if lang == "sv"
                else f"The evidence for {hub.name} is {cap.evidence_days} days, fewer than "
                f"{cap.min_days}: the recommendation is uncertain."
            )
    if len(total.hubs) > 1:
        rec = "–" if total.recommended_desks is None else str(total.recommended_desks)
        lines.append(
            f"Totalt för kommunen: {total.desks} platser i dag, {rec} rekommenderade "
            "(hubbarna delar inte platser, så behoven räknas per hubb och summeras)."
            if lang == "sv"
            else f"Municipality total: {total.desks} desks now, {rec} recommended (hubs do "
            "not share desks, so needs are computed per hub and added up)."
        )
    suspects = s.suspect_desks
    if lang == "sv":
        lines.append(
            f"Sensorbrus (upptaget kortare än {flicker_s} s) är bortfiltrerat"
            + (
                f"; {suspects} {'misstänkt sensor' if suspects == 1 else 'misstänkta sensorer'}"
                " redovisas som okänd tid."
                if suspects
                else "."
            )
        )
    else:
        lines.append(
            f"Sensor noise (occupied for less than {flicker_s} s) is filtered out"
            + (
                f"; {suspects} suspect {'sensor is' if suspects == 1 else 'sensors are'} "
                "counted as unknown time."
                if suspects
                else "."
            )
        )
    return "\n".join(lines)


def _hub_sentence(
    name: str, s: Summary, cap: Capacity, level: int, buffer: int, minutes: int, lang: Lang
) -> str:
    util, cov, rate = s.time.utilisation, s.time.coverage, s.use.rate
    p, rec = cap.peak_at_service_level, cap.recommended_desks
    if lang == "sv":
        text = (
            f"{name} har i dag {s.desks} platser. Nyttjandegraden var {fmt_pct(util, lang)} "
            f"(upptagen tid av den öppna platstid då sensorerna gav besked; täckning "
            f"{fmt_pct(cov, lang)}), och en öppetdag användes i snitt {fmt_pct(rate, lang)} "
            f"av platserna i minst {minutes} minuter. "
        )
        if p is None:
            return text + "Det finns inga underlagsdagar för en rekommendation."
        return text + (
            f"Den samtidiga toppen var högst {p} platser på {level} % av underlagsdagarna "
            f"(P{level}, närmaste rang; högsta {cap.max_peak}). Med "
            f"{count(buffer, 'desks', lang)} i buffert rekommenderas {rec} platser. "
            f"Underlaget är {cap.evidence_days} av {cap.open_days} öppetdagar."
        )
    text = (
        f"{name} has {s.desks} desks now. Utilisation was {fmt_pct(util, lang)} (occupied "
        f"share of the open desk-time in which sensors reported; coverage "
        f"{fmt_pct(cov, lang)}), and on an average open day {fmt_pct(rate, lang)} of the "
        f"desks were used for at least {minutes} minutes. "
    )
    if p is None:
        return text + "There are no evidence days for a recommendation."
    return text + (
        f"Peak concurrency was at most {p} desks on {level}% of evidence days "
        f"(P{level}, nearest rank; highest {cap.max_peak}). With a buffer of "
        f"{count(buffer, 'desks', lang)}, {rec} desks are recommended. The evidence is "
        f"{cap.evidence_days} of {cap.open_days} open days."
    )


def _saturation_sentence(name: str, cap: Capacity, lang: Lang) -> str:
    """Why a hub's measured peaks understate its demand, with how often it was full."""
    n, of = cap.days_at_capacity, cap.evidence_days
    share = fmt_pct(cap.days_at_capacity_share, lang)
    full = hours_or_none(cap.full_ns)
    if lang == "sv":
        time = "" if full is None else f", sammanlagt {fmt_hours(full, lang)} h med alla upptagna"
        return (
            f"{name} var fullt (alla {cap.desks} platser upptagna samtidigt) på {n} av {of} "
            f"underlagsdagar ({share}){time}. Den som kom då fick ingen plats och syns inte "
            "i mätningen, så toppen de dagarna är en undre gräns för efterfrågan."
        )
    time = "" if full is None else f", {fmt_hours(full, lang)} h at full in all"
    return (
        f"{name} was full (all {cap.desks} desks taken at once) on {n} of {of} evidence "
        f"days ({share}){time}. Whoever came then found no desk and is not measured, so "
        "the peak on those days is a lower bound of demand."
    )


def _demand_sentence(name: str, cap: Capacity, level: int, lang: Lang) -> str:
    """The recommendation of a hub that was full: a lower bound, and the censored estimate
    with its range (or why there is none)."""
    rec, est = cap.recommended_desks, cap.demand_at_service_level
    d = cap.demand
    if lang == "sv":
        head = f"Rekommendationen för {name}, {rec} platser, är därför en undre gräns."
        if est is None:
            why = (
                "alla underlagsdagar var fulla"
                if d is not None and d.reason == "all_full"
                else "för få dagar var under kapaciteten"
            )
            return head + f" Efterfrågan kan inte skattas ({why}): den är okänd och högre."
        return head + (
            f" Skattad efterfrågan vid {level} % servicenivå, med de fulla dagarna som "
            f"censurerade observationer (docs/metrics.md): {est} platser (intervall "
            f"{cap.demand_low}–{cap.demand_high}); med buffert {cap.demand_recommended_desks} "
            "platser."
        )
    head = f"The recommendation for {name}, {rec} desks, is therefore a lower bound."
    if est is None:
        why = (
            "every evidence day was full"
            if d is not None and d.reason == "all_full"
            else "too few days were below capacity"
        )
        return head + f" Demand cannot be estimated ({why}): it is unknown and higher."
    return head + (
        f" Estimated demand at the {level}% service level, with the full days as censored "
        f"observations (docs/metrics.md): {est} desks (range {cap.demand_low}–"
        f"{cap.demand_high}); with the buffer, {cap.demand_recommended_desks} desks."
    )


def fmt_hours(value: float, lang: Lang) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "sv" else text


# --- the tables -----------------------------------------------------------------------------


def _time_columns(lang: Lang) -> list[Column]:
    return [
        Column(header("open_desk_hours", lang), "hours"),
        Column(header("occupied_hours", lang), "hours"),
        Column(header("free_hours", lang), "hours"),
        Column(header("unknown_hours", lang), "hours"),
        Column(header("utilisation", lang), "percent"),
        Column(header("coverage", lang), "percent"),
        Column(header("daily_usage_rate", lang), "percent"),
        Column(label("usage_band", lang)),
    ]


def _demand_columns(lang: Lang) -> list[Column]:
    return [
        Column(label("lower_bound", lang)),
        Column(header("demand_at_service_level", lang), "int"),
        Column(header("demand_low", lang), "int"),
        Column(header("demand_high", lang), "int"),
        Column(header("demand_recommended_desks", lang), "int"),
    ]


def _time_values(s: Summary, lang: Lang) -> list[object]:
    t = s.time
    return [
        hours(t.open_ns),
        hours(t.occupied_ns),
        hours(t.free_ns),
        hours(t.unknown_ns),
        t.utilisation,
        t.coverage,
        s.use.rate,
        _band(s.band, lang),
    ]


def build_report(
    analysis: Analysis,
    scope: Scope,
    lang: Lang,
    *,
    generated: datetime,
    offline_after_s: float,
    flicker_s: int,
    stuck_s: int,
) -> Report:
    """Every view of a municipality or the region (``analysis`` loaded with slots)."""
    if scope.kind not in ("municipality", "region"):
        raise ValueError("reports are per municipality or for the region")
    reg: Registry = analysis.registry
    p = analysis.params
    hubs = scope_hubs(reg, scope)
    munis = [scope.id] if scope.kind == "municipality" else list(reg.municipalities)
    last = analysis.end - timedelta(days=1)
    name = analysis.summary(scope).name
    preamble = [
        tr(
            "period",
            lang,
            first=analysis.first.isoformat(),
            last=last.isoformat(),
            days=(analysis.end - analysis.first).days,
        ),
        tr("generated", lang, at=generated.strftime("%Y-%m-%d %H:%M %Z")),
        tr("units", lang),
        tr(
            "rules",
            lang,
            offline=round(offline_after_s / 60),
            flicker=flicker_s,
            stuck=round(stuck_s / 3600),
            unchanged=p.unchanged_open_days,
        ),
        tr(
            "capacity_rule",
            lang,
            level=round(p.service_level * 100),
            coverage=round(p.min_coverage * 100),
            buffer=count(p.buffer_desks, "desks", lang),
            min_days=p.min_days,
        ),
    ]
    memos: dict[Lang, str] = {
        lg: "\n\n".join(memo(analysis, m, lg, flicker_s=flicker_s) for m in munis)
        for lg in ("sv", "en")
    }

    # summary per municipality
    summary = Table(
        tr("sheet_summary", lang),
        tr("t_summary", lang),
        [
            Column(tr("municipality", lang)),
            Column(tr("hubs", lang), "int"),
            Column(header("desks", lang), "int"),
            Column(header("open_days", lang), "int"),
            Column(header("evidence_days", lang), "int"),
            *_time_columns(lang),
            Column(header("peak_at_service_level", lang), "int"),
            Column(header("recommended_desks", lang), "int"),
            Column(label("too_few_days", lang)),
            Column(header("days_at_capacity", lang), "int"),
            Column(header("days_at_capacity_share", lang), "percent"),
            Column(header("full_hours", lang), "hours"),
            *_demand_columns(lang),
            Column(header("suspect_desks", lang), "int"),
        ],
    )
    for m in munis:
        ms = Scope("municipality", m)
        s = analysis.summary(ms)
        mcap = analysis.scope_capacity(ms)
        evidence = min((c.evidence_days for _, c in mcap.hubs), default=0)
        summary.rows.append(
            [
                s.name,
                s.hubs,
                s.desks,
                s.open_days,
                evidence,
                *_time_values(s, lang),
                mcap.peak_at_service_level,
                mcap.recommended_desks,
                _yes(mcap.too_few_days, lang),
                mcap.days_at_capacity,
                mcap.days_at_capacity_share,
                hours_or_none(mcap.full_ns),
                _yes(mcap.lower_bound, lang),
                mcap.demand_at_service_level,
                mcap.demand_low,
                mcap.demand_high,
                mcap.demand_recommended_desks,
                s.suspect_desks,
            ]
        )
    summary.after = [tr("memo_heading", lang) + ":", *memos[lang].split("\n")]
    other: Lang = "en" if lang == "sv" else "sv"
    summary.after += ["", f"({other}):", *memos[other].split("\n")]

    hub_table = Table(
        tr("sheet_hubs", lang),
        tr("t_hubs", lang),
        [
            Column(tr("municipality", lang)),
            Column(tr("hub", lang)),
            Column(tr("hub_name", lang)),
            Column(header("desks", lang), "int"),
            Column(header("open_days", lang), "int"),
            Column(header("evidence_days", lang), "int"),
            *_time_columns(lang),
            Column(tr("max_peak", lang), "int"),
            Column(header("peak_share", lang), "percent"),
            Column(header("peak_at_service_level", lang), "int"),
            Column(header("buffer_desks", lang), "int"),
            Column(header("recommended_desks", lang), "int"),
            Column(header("days_at_capacity", lang), "int"),
            Column(header("days_at_capacity_share", lang), "percent"),
            Column(header("full_hours", lang), "hours"),
            *_demand_columns(lang),
            Column(label("too_few_days", lang)),
            Column(header("suspect_desks", lang), "int"),
            Column(label("flickers", lang), "int"),
        ],
    )
    desk_table = Table(
        tr("sheet_desks", lang),
        tr("t_desks", lang),
        [
            Column(tr("hub", lang)),
            Column(tr("zone", lang)),
            Column(tr("desk", lang)),
            Column(header("open_desk_hours", lang), "hours"),
            Column(header("occupied_hours", lang), "hours"),
            Column(header("free_hours", lang), "hours"),
            Column(header("offline_hours", lang), "hours"),
            Column(header("stuck_hours", lang), "hours"),
            Column(header("utilisation", lang), "percent"),
            Column(header("coverage", lang), "percent"),
            Column(header("used_desk_days", lang), "int"),
            Column(header("unused_desk_days", lang), "int"),
            Column(header("undecided_desk_days", lang), "int"),
            Column(header("daily_usage_rate", lang), "percent"),
            Column(label("usage_band", lang)),
            Column(label("flickers", lang), "int"),
            Column(tr("suspect", lang)),
        ],
    )
    wd = WEEKDAYS[lang]
    profile_table = Table(
        tr("sheet_profile", lang),
        tr("t_profile", lang),
        [
            Column(tr("hub", lang)),
            Column(tr("hour", lang)),
            *[Column(f"{d} ({header('mean_concurrency', lang)})", "float") for d in wd],
        ],
    )
    days_table = Table(
        tr("sheet_days", lang),
        tr("t_days", lang),
        [
            Column(tr("hub", lang)),
            Column(tr("date", lang), "date"),
            Column(tr("weekday", lang)),
            Column(tr("opening_hours", lang), "hours"),
            Column(header("desks", lang), "int"),
            Column(header("peak_concurrency", lang), "int"),
            Column(tr("peak_time", lang)),
            Column(header("peak_share", lang), "percent"),
            Column(header("utilisation", lang), "percent"),
            Column(header("coverage", lang), "percent"),
            Column(header("daily_usage_rate", lang), "percent"),
            Column(tr("evidence", lang)),
            Column(label("at_capacity", lang)),
            Column(header("full_minutes", lang), "float"),
        ],
    )
    curve_table = Table(
        tr("sheet_curve", lang),
        tr("t_curve", lang),
        [
            Column(tr("hub", lang)),
            Column(tr("capacity_k", lang), "int"),
            Column(tr("days_exceeding", lang), "int"),
            Column(header("share_exceeding", lang), "percent"),
            Column(header("evidence_days", lang), "int"),
        ],
    )
    sensor_table = Table(
        tr("sheet_sensors", lang),
        tr("t_sensors", lang),
        [
            Column(tr("hub", lang)),
            Column(tr("desk", lang)),
            Column(tr("kind", lang)),
            Column(tr("first_day", lang), "date"),
            Column(tr("last_day", lang), "date"),
            Column(header("open_days", lang), "int"),
            Column(header("stuck_hours", lang), "hours"),
        ],
    )
    suspects = {(r.hub, r.desk) for r in analysis.suspects}
    for hub in hubs:
        hs = analysis.summary(Scope("hub", hub.id, hub=hub.id))
        cap = analysis.capacity(hub.id)
        hub_table.rows.append(
            [
                reg.municipalities[hub.municipality].name,
                hub.id,
                hub.name,
                hs.desks,
                hs.open_days,
                cap.evidence_days,
                *_time_values(hs, lang),
                hs.peak_max,
                hs.peak_share_max,
                cap.peak_at_service_level,
                cap.buffer_desks,
                cap.recommended_desks,
                cap.days_at_capacity,
                cap.days_at_capacity_share,
                hours_or_none(cap.full_ns),
                _yes(cap.lower_bound, lang),
                cap.demand_at_service_level,
                cap.demand_low,
                cap.demand_high,
                cap.demand_recommended_desks,
                _yes(cap.too_few_days, lang),
                hs.suspect_desks,
                hs.flickers,
            ]
        )
        for d in hub.desks:
            ds = analysis.summary(Scope("desk", f"{hub.id}/{d.id}", hub=hub.id, item=d.id))
            t = ds.time
            desk_table.rows.append(
                [
                    hub.id,
                    d.zone,
                    d.id,
                    hours(t.open_ns),
                    hours(t.occupied_ns),
                    hours(t.free_ns),
                    hours(t.offline_ns),
                    hours(t.stuck_ns),
                    t.utilisation,
                    t.coverage,
                    ds.use.used,
                    ds.use.unused,
                    ds.use.undecided,
                    ds.use.rate,
                    _band(ds.band, lang),
                    ds.flickers,
                    _yes((hub.id, d.id) in suspects, lang),
                ]
            )
        grid = analysis.profile(Scope("hub", hub.id, hub=hub.id))
        for hour in range(24):
            cells = [grid[w][hour] for w in range(7)]
            if any(c is not None for c in cells):
                profile_table.rows.append([hub.id, f"{hour:02d}:00–{hour + 1:02d}:00", *cells])
        for row in analysis.day_rows(hub.id, HUB_GROUP):
            days_table.rows.append(
                [
                    hub.id,
                    row.day,
                    wd[row.day.weekday()],
                    hours(row.open_ns),
                    row.desks,
                    row.peak,
                    from_ns(row.peak_at_ns, hub.tz).strftime("%H:%M"),
                    row.peak_share,
                    row.time.utilisation,
                    row.time.coverage,
                    row.use.rate,
                    _yes(row.evidence, lang),
                    _yes(row.at_capacity, lang),
                    minutes_or_none(row.full_ns),
                ]
            )
        for point in cap.curve:
            curve_table.rows.append(
                [
                    hub.id,
                    point.capacity,
                    point.days_exceeding,
                    point.share_exceeding,
                    cap.evidence_days,
                ]
            )
    for run in sorted(analysis.suspects, key=lambda r: (r.hub, r.desk, r.first_day)):
        if run.hub in {h.id for h in hubs}:
            sensor_table.rows.append(
                [
                    run.hub,
                    run.desk,
                    SUSPECT_LABELS[run.kind][lang],
                    run.first_day,
                    run.last_day,
                    run.open_days,
                    hours(run.stuck_ns),
                ]
            )
    saturation = _saturation_table(analysis, hubs, lang)
    forecast_table = _forecast_table(analysis, hubs, lang)
    terms = Table(
        tr("sheet_terms", lang),
        tr("t_terms", lang),
        [
            Column(tr("term", lang)),
            Column(tr("name", lang)),
            Column(tr("other_name", lang)),
            Column(tr("unit", lang)),
        ],
    )
    for term in GLOSSARY.values():
        terms.rows.append([term.key, term.label(lang), term.label(other), term.unit])
    return Report(
        title=tr("title", lang, name=name),
        lang=lang,
        scope=scope,
        first=analysis.first,
        end=analysis.end,
        preamble=preamble,
        memo=memos,
        tables=[
            summary,
            hub_table,
            desk_table,
            profile_table,
            days_table,
            curve_table,
            saturation,
            forecast_table,
            sensor_table,
            terms,
        ],
    )


def _saturation_table(analysis: Analysis, hubs: list[Hub], lang: Lang) -> Table:
    """Per hub: how often it was full, and the demand estimated with the full days as
    censored observations (the measured figures when it never was)."""
    table = Table(
        tr("sheet_saturation", lang),
        tr("t_saturation", lang),
        [
            Column(tr("hub", lang)),
            Column(tr("hub_name", lang)),
            Column(header("desks", lang), "int"),
            Column(header("evidence_days", lang), "int"),
            Column(header("days_at_capacity", lang), "int"),
            Column(header("days_at_capacity_share", lang), "percent"),
            Column(header("full_hours", lang), "hours"),
            Column(header("peak_at_service_level", lang), "int"),
            Column(header("recommended_desks", lang), "int"),
            *_demand_columns(lang),
            Column(tr("method", lang)),
        ],
    )
    for hub in hubs:
        cap = analysis.capacity(hub.id)
        if not cap.lower_bound:
            method = "method_measured"
        elif cap.demand is None or cap.demand.reason is not None:
            method = f"method_{cap.demand.reason if cap.demand else 'all_full'}"
        else:
            method = "method_pooled" if cap.demand.pooled else "method_fit"
        table.rows.append(
            [
                hub.id,
                hub.name,
                cap.desks,
                cap.evidence_days,
                cap.days_at_capacity,
                cap.days_at_capacity_share,
                hours_or_none(cap.full_ns),
                cap.peak_at_service_level,
                cap.recommended_desks,
                _yes(cap.lower_bound, lang),
                cap.demand_at_service_level,
                cap.demand_low,
                cap.demand_high,
                cap.demand_recommended_desks,
                tr(method, lang),
            ]
        )
    return table


def _forecast_table(analysis: Analysis, hubs: list[Hub], lang: Lang) -> Table:
    """Per hub and open day of the 13 weeks after the period: the expected daily peak and
    utilisation with their prediction intervals (``hubsense.forecast``)."""
    peak, util = header("peak_concurrency", lang), header("utilisation", lang)
    low, high = tr("forecast_low", lang), tr("forecast_high", lang)
    table = Table(
        tr("sheet_forecast", lang),
        tr("t_forecast", lang, pct=round(forecast_model.LEVEL * 100)),
        [
            Column(tr("hub", lang)),
            Column(tr("date", lang), "date"),
            Column(tr("weekday", lang)),
            Column(peak, "float"),
            Column(f"{peak}, {low}", "float"),
            Column(f"{peak}, {high}", "float"),
            Column(util, "percent"),
            Column(f"{util}, {low}", "percent"),
            Column(f"{util}, {high}", "percent"),
        ],
    )
    wd = WEEKDAYS[lang]
    for hub in hubs:
        history = [
            forecast_model.Observed(r.day, r.peak, r.time.utilisation)
            for r in analysis.day_rows(hub.id, HUB_GROUP)
            if r.evidence
        ]
        f = forecast_model.forecast(hub, history, analysis.end)
        if f.reason is not None:
            table.notes.append(FORECAST_REASON_LABELS[f.reason][lang].format(hub=hub.name))
            continue
        names = {t: FORECAST_TERM_LABELS[t][lang] for t in forecast_model.TERMS}
        table.notes.append(
            tr(
                "forecast_terms",
                lang,
                hub=hub.name,
                terms="".join(f", {names[t]}" for t in f.terms),
                missing=", ".join(names[t] for t in f.not_estimated) or "–",
            )
        )
        for d in f.days:
            u = d.utilisation
            table.rows.append(
                [
                    hub.id,
                    d.day,
                    wd[d.day.weekday()],
                    d.peak.value,
                    d.peak.low,
                    d.peak.high,
                    None if u is None else u.value,
                    None if u is None else u.low,
                    None if u is None else u.high,
                ]
            )
    return table


# --- CSV ----------------------------------------------------------------------------------


def csv_value(value: object, kind: Kind) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(value)  # text, or a figure suppressed for privacy ("<5")
    if kind == "percent":
        return f"{float(value) * 100:.2f}"  # type: ignore[arg-type]
    if kind == "hours":
        return f"{float(value):.3f}"  # type: ignore[arg-type]
    if kind == "float":
        return f"{float(value):.3f}"  # type: ignore[arg-type]
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(report: Report, out: TextIO) -> None:
    """One CSV file holding every table in turn: the title and preamble first, then per
    table a line ``## <sheet>: <title>``, its notes, its header and rows, a blank line.
    Every field is quoted, so a separator inside a name (``;`` for a spreadsheet set to
    Swedish) cannot start a new field; spreadsheet programs still read quoted numbers as
    numbers."""
    w = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def line(text: str) -> None:
        w.writerow([csv_text(text)] if text else [])

    line(report.title)
    for text in report.preamble:
        line(text)
    w.writerow([])
    for table in report.tables:
        line(f"## {table.sheet}: {table.title}")
        for text in table.notes:
            line(text)
        w.writerow([csv_text(c.header) for c in table.columns])
        for row in table.rows:
            w.writerow([csv_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
        for text in table.after:
            line(text)
        w.writerow([])


def csv_bytes(report: Report) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read å, ä, ö right."""
    buf = io.StringIO()
    write_csv(report, buf)
    return buf.getvalue().encode("utf-8-sig")


def sections(text: str) -> dict[str, list[list[str]]]:
    """Parse ``write_csv`` output back into ``{sheet: non-empty rows}`` (notes, the
    header, the rows and what follows the table, in order)."""
    out: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for row in csv.reader(io.StringIO(text)):
        if row and row[0].startswith("## "):
            current = out.setdefault(row[0][3:].split(":", 1)[0], [])
        elif current is not None and row:
            current.append(row)
    return out
