"""Every text the dashboards show, one dict per language (Swedish first), and formatting.

Strings are plain text with ``{name}`` fields (``tr(lang, key, name=...)``); they hold no
HTML, so the page builders escape what ``tr`` returns like any other value. The browser
gets the subset it needs (``JS_KEYS``) and formats numbers and times with ``LOCALES``
(``toLocaleString('sv-SE')`` when Swedish is chosen); the Python formatting below gives the
same text for the first, server-rendered view.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Final
from zoneinfo import ZoneInfo

from hubsense.glossary import GLOSSARY

DEFAULT_LANG: Final = "sv"
LANGS: Final = ("sv", "en")
LOCALES: Final = {"sv": "sv-SE", "en": "en-GB"}
"""BCP 47 locale of each language, for ``toLocaleString`` in the browser."""

SV: Final[dict[str, str]] = {
    "app_name": "Hubsense",
    "overview": "Översikt",
    "planning": "Planering",
    "overview_title": "Beläggning i arbetshubbarna – {region}",
    "switch_to": "English",
    "switch_to_title": "Switch to English",
    "municipality": "Kommun",
    "municipality_code": "kommunkod {code}",
    "hub": "Hubb",
    "hubs_by_municipality": "Hubbar per kommun",
    "no_hub_yet": "Ingen hubb ännu",
    "region_now": "Just nu i regionen: {occupied} av {total} platser upptagna",
    "municipality_now": "{occupied} av {total} platser upptagna",
    "desks_occupied_of_total": "{occupied} av {total} upptagna",
    "sensors_offline": "Sensorer offline",
    "low_battery_count": "Lågt batteri",
    "unknown_count": "Aldrig hörda",
    "utilisation_30d": "Nyttjandegrad, 30 dagar",
    "peak_today": "Samtidig topp i dag",
    "open_live_view": "Öppna liveläget",
    "store_unavailable": "Databasen svarar inte just nu, så livesiffrorna saknas.",
    "no_recent_data": "Ingen sensor hörd på {minutes} min",
    "attention_title": "Behöver åtgärd",
    "attention_none": "Inget behöver åtgärdas just nu.",
    "attention_unavailable": "Listan kan inte visas just nu: databasen svarar inte.",
    "attention_desk": "Plats",
    "attention_what": "Vad",
    "attention_offline": "Offline sedan {time} ({ago})",
    "attention_never": "Aldrig hörd",
    "attention_low_battery": "Lågt batteri: {pct}",
    "attention_stuck_occupied": "Fastnat som upptagen sedan {date}",
    "attention_stuck_unchanged": "Ingen förändring sedan {date}",
    "attention_hub_silent": "Ingen sensor i hubben hörs",
    "live_view": "Liveläge",
    "occupancy_now": "Beläggning just nu",
    "updated": "Uppdaterad",
    "hub_closed": "stängd",
    "hub_closed_title": "Utanför öppettiderna just nu",
    "hub_full": "fullt",
    "hub_full_title": "Alla platser är upptagna just nu",
    "open_today": "Öppet i dag {opens}–{closes}",
    "closed_today": "Stängt i dag",
    "simulated_clock": "Simulerad klocka",
    "simulated_speed": "{speed}× verklig tid",
    "zone": "Zon {zone}",
    "state_occupied": "upptagen",
    "state_free": "ledig",
    "state_offline": "offline",
    "state_unknown": "okänd",
    "network_offline": "enligt nätverket",
    "count_occupied": "Upptagna",
    "count_free": "Lediga",
    "count_offline": "Offline",
    "count_unknown": "Okända",
    "count_low_battery": "Lågt batteri",
    "low_battery": "lågt batteri",
    "battery": "batteri {pct}",
    "last_seen": "Senast hörd",
    "never_seen": "aldrig hörd",
    "just_now": "nyss",
    "minutes_ago": "{n} min sedan",
    "hours_ago": "{n} tim sedan",
    "days_ago": "{n} d sedan",
    "legend": "Teckenförklaring",
    "stale_api": "Inaktuella data: ingen sensor i hubben har hörts de senaste {minutes} minuterna.",
    "stale_fetch": "Kunde inte hämta livedata ({reason}). Visar senast kända läge; "
    "försöker igen om en stund.",
    "figure_axis": "Antal platser",
    "desks_total": "{total} platser",
    "not_found_title": "Sidan finns inte",
    "not_found_hub": "Det finns ingen hubb med id {hub}.",
    "back_to_overview": "Tillbaka till översikten",
    # --- utilisation pages (/utilisation, /compare) and the overview's analytics; metric
    # names themselves come from hubsense.glossary (docs/metrics.md), see dashboards.usage
    "nav_utilisation": "Nyttjandegrad",
    "nav_compare": "Jämför kommuner",
    "nav_definitions": "Definitioner",
    "figure_as_table": "Siffrorna i figuren som tabell",
    "skip_to_main": "Till sidans innehåll",
    "free_title": "Lediga platser just nu",
    "free_lead": "Hur många platser som är lediga i varje arbetshubb, när den har öppet i dag "
    "och när den brukar vara full, så att du kan välja var du arbetar. Bara antal visas; i en "
    "hubb med färre än {k} platser visas bara ledigt, få lediga eller fullt.",
    "free_reload": "Läs in igen",
    "free_open_until": "Öppet till {closes} i dag",
    "free_usually_busy": "Brukar vara fullt i dag {hours}",
    "free_rarely_busy": "Brukar inte bli fullt i dag",
    "free_unknown": "Inget läge just nu (stängt, eller ingen sensor hörs)",
    "free_level_free": "Lediga platser finns",
    "free_level_few": "Få lediga platser",
    "free_level_full": "Fullt",
    "free_count": "{free} av {desks} platser lediga",
    "weekday": "Veckodag",
    "definitions_of": "Definitioner",
    "definitions_link": "definitionerna",
    "definitions_title": "Definitioner av måtten",
    "definitions_lead": "Vad varje siffra på sidorna betyder och hur den räknas. Allt räknas "
    "bara inom hubbarnas öppettider, i lokal tid; tid då en sensor inte hörts eller verkar ha "
    "fastnat är okänd och räknas varken som upptagen eller ledig.",
    "definitions_field": "Fält i API:t och rapporterna",
    "definitions_unit": "Enhet",
    "of_desks": "{n} av {total}",
    "coverage_short": "täckning {pct}",
    "share_of_evidence_days": "{pct} av underlagsdagarna",
    "lower_bound_note": "undre gräns: full {n} av underlagsdagarna",
    "demand_range": "intervall {low}–{high}",
    "demand_all_full": "kan inte skattas: alla underlagsdagar var fulla",
    "demand_too_few_measured": "kan inte skattas: för få dagar under kapaciteten",
    "reason_no_data_period": "inga sensordata under perioden",
    "reason_no_open_days": "inga öppetdagar under perioden",
    "reason_closed_today": "stängt i dag",
    "reason_no_data_today": "ingen sensor hörd i dag",
    "reason_not_open_yet": "öppnar kl. {time}",
    "reason_no_evidence": "inga underlagsdagar (dagar med täckning minst {pct})",
    "reason_no_hub": "ingen hubb",
    "too_few_note": "osäkert: {n} av {min} underlagsdagar",
    "analytics_for_planners": "Nyttjandegrad och kapacitet visas bara för planerare "
    "(logga in med en planerarnyckel).",
    "analytics_unavailable": "Analysdata kunde inte läsas just nu.",
    "analytics_intro": "Nyttjandegrad och rekommenderat antal platser gäller {first} – {last} "
    "({days} dagar); samtidig topp i dag gäller hittills i dag.",
    "open_explorer": "Nyttjandegrad och kapacitet",
    "explorer_title": "Nyttjandegrad – {name}",
    "explorer_lead": "Hur mycket platserna har använts och hur många platser som behövs enligt "
    "mätningarna. Måtten förklaras bland {definitions}.",
    "form_area": "Område",
    "form_region": "Hela regionen ({name})",
    "form_municipalities": "Kommuner",
    "form_hubs": "Hubbar",
    "form_from": "Från",
    "form_last": "Till och med",
    "form_show": "Visa",
    "period_text": "Period: {first} – {last} ({days} dagar)",
    "scope_municipality": "kommun",
    "scope_hub": "hubb",
    "sec_key_figures": "Nyckeltal",
    "sec_daily": "Per dag: nyttjandegrad och samtidig topp",
    "sec_forecast": "Prognos: samtidig topp de kommande 13 veckorna",
    "forecast_band": "prognosintervall {pct}",
    "forecast_lead": "Från periodens underlagsdagar per hubb: veckodag, trend, dagar intill "
    "helgdagar, juli och jul. Över antalet platser är toppen begränsad: "
    "den som inte får plats syns inte.",
    "forecast_not_estimated": "{hub}: perioden säger inget om {terms}.",
    "band_high": "{band}, övre gräns",
    "band_low": "{band}, undre gräns",
    "sec_profile": "Genomsnittlig samtidighet per timme och veckodag",
    "sec_peaks": "Dagliga toppar mot platserna i dag och rekommendationen",
    "sec_hubs": "Hubbarna",
    "sec_desks": "Platser: mest och minst använda",
    "sec_report": "Rapport",
    "axis_date": "Datum",
    "axis_hour": "Timme",
    "axis_days": "Antal dagar",
    "axis_desks": "Antal platser",
    "other_open_days": "Övriga öppetdagar med data (täckning under {pct})",
    "share_exceeding_legend": "Andel dagar då toppen översteg x platser (höger axel)",
    "peak_value": "Samtidig topp (platser)",
    "hours_short": "kl. {h}",
    "wd_0": "mån",
    "wd_1": "tis",
    "wd_2": "ons",
    "wd_3": "tor",
    "wd_4": "fre",
    "wd_5": "lör",
    "wd_6": "sön",
    "no_data_figure": "Inga data för perioden",
    "most_used": "Mest använda",
    "least_used": "Minst använda",
    "desk": "Plats",
    "zone_col": "Zon",
    "suspect": "misstänkt sensor",
    "desks_planner_note": "Siffror per plats kan vara personuppgifter och visas bara för "
    "planerare.",
    "desks_hidden": "Rangordningen av platser visas bara för planerare.",
    "report_text": "Ladda ner planeringsrapporten för {name}, samma period:",
    "report_hub_note": "Rapporten gäller hela kommunen som hubben ligger i.",
    "report_hidden": "Rapporten kan bara laddas ner av planerare.",
    "no_hubs_here": "Ingen hubb ännu: inga mätdata.",
    "query_problem": "Frågan kunde inte besvaras: {detail}",
    "too_few_banner": "För litet underlag: {n} underlagsdagar; minst {min} behövs för en säker "
    "rekommendation.",
    "compare_title": "Jämför kommuner",
    "compare_lead": "Nyttjandegrad, topp vid servicenivån och rekommenderat antal platser mot "
    "platserna i dag, per kommun. Toppar räknas per hubb och summeras per kommun.",
    "difference": "Skillnad mot i dag",
    "sec_compare": "Nyttjandegrad och platser per kommun",
    "hubs_count": "hubbar: {n}",
    "at_service_level": "{label} ({pct})",
}

EN: Final[dict[str, str]] = {
    "app_name": "Hubsense",
    "overview": "Overview",
    "planning": "Planning",
    "overview_title": "Hub occupancy – {region}",
    "switch_to": "Svenska",
    "switch_to_title": "Byt till svenska",
    "municipality": "Municipality",
    "municipality_code": "municipality code {code}",
    "hub": "Hub",
    "hubs_by_municipality": "Hubs by municipality",
    "no_hub_yet": "No hub yet",
    "region_now": "Now in the region: {occupied} of {total} desks occupied",
    "municipality_now": "{occupied} of {total} desks occupied",
    "desks_occupied_of_total": "{occupied} of {total} occupied",
    "sensors_offline": "Sensors offline",
    "low_battery_count": "Low battery",
    "unknown_count": "Never heard",
    "utilisation_30d": "Utilisation, 30 days",
    "peak_today": "Peak concurrency today",
    "open_live_view": "Open the live view",
    "store_unavailable": "The database is not answering right now, so live figures are missing.",
    "no_recent_data": "No sensor heard for {minutes} min",
    "attention_title": "Needs attention",
    "attention_none": "Nothing needs attention right now.",
    "attention_unavailable": "The list cannot be shown now: the database does not answer.",
    "attention_desk": "Desk",
    "attention_what": "What",
    "attention_offline": "Offline since {time} ({ago})",
    "attention_never": "Never heard",
    "attention_low_battery": "Low battery: {pct}",
    "attention_stuck_occupied": "Stuck as occupied since {date}",
    "attention_stuck_unchanged": "No change since {date}",
    "attention_hub_silent": "No sensor of the hub is heard",
    "live_view": "Live view",
    "occupancy_now": "Occupancy now",
    "updated": "Updated",
    "hub_closed": "closed",
    "hub_closed_title": "Outside opening hours now",
    "hub_full": "full",
    "hub_full_title": "Every desk is taken now",
    "open_today": "Open today {opens}–{closes}",
    "closed_today": "Closed today",
    "simulated_clock": "Simulated clock",
    "simulated_speed": "{speed}× real time",
    "zone": "Zone {zone}",
    "state_occupied": "occupied",
    "state_free": "free",
    "state_offline": "offline",
    "state_unknown": "unknown",
    "network_offline": "reported by its network",
    "count_occupied": "Occupied",
    "count_free": "Free",
    "count_offline": "Offline",
    "count_unknown": "Unknown",
    "count_low_battery": "Low battery",
    "low_battery": "low battery",
    "battery": "battery {pct}",
    "last_seen": "Last heard",
    "never_seen": "never heard",
    "just_now": "just now",
    "minutes_ago": "{n} min ago",
    "hours_ago": "{n} h ago",
    "days_ago": "{n} d ago",
    "legend": "Legend",
    "stale_api": "Stale data: no sensor of this hub has been heard in the last {minutes} minutes.",
    "stale_fetch": "Could not fetch live data ({reason}). Showing the last known state; "
    "retrying shortly.",
    "figure_axis": "Number of desks",
    "desks_total": "{total} desks",
    "not_found_title": "Page not found",
    "not_found_hub": "There is no hub with id {hub}.",
    "back_to_overview": "Back to the overview",
    # --- utilisation pages (/utilisation, /compare) and the overview's analytics
    "nav_utilisation": "Utilisation",
    "nav_compare": "Compare municipalities",
    "nav_definitions": "Definitions",
    "figure_as_table": "The figure's numbers as a table",
    "skip_to_main": "Skip to the content",
    "free_title": "Free desks now",
    "free_lead": "How many desks are free in each hub, when it is open today and when it is "
    "usually full, so you can choose where to work. Only counts are shown; a hub with fewer "
    "than {k} desks shows only free, few free or full.",
    "free_reload": "Reload",
    "free_open_until": "Open until {closes} today",
    "free_usually_busy": "Usually full today {hours}",
    "free_rarely_busy": "Rarely full today",
    "free_unknown": "No state now (closed, or no sensor heard)",
    "free_level_free": "Desks free",
    "free_level_few": "Few desks free",
    "free_level_full": "Full",
    "free_count": "{free} of {desks} desks free",
    "weekday": "Weekday",
    "definitions_of": "Definitions",
    "definitions_link": "definitions",
    "definitions_title": "Definitions of the metrics",
    "definitions_lead": "What each figure on the pages means and how it is computed. "
    "Everything counts only within the hubs' opening hours, in local time; time in which a "
    "sensor was not heard or seems stuck is unknown and counts as neither occupied nor free.",
    "definitions_field": "Field in the API and the reports",
    "definitions_unit": "Unit",
    "of_desks": "{n} of {total}",
    "coverage_short": "coverage {pct}",
    "share_of_evidence_days": "{pct} of evidence days",
    "lower_bound_note": "lower bound: full on {n} of the evidence days",
    "demand_range": "range {low}–{high}",
    "demand_all_full": "cannot be estimated: every evidence day was full",
    "demand_too_few_measured": "cannot be estimated: too few days below capacity",
    "reason_no_data_period": "no sensor data in the period",
    "reason_no_open_days": "no open days in the period",
    "reason_closed_today": "closed today",
    "reason_no_data_today": "no sensor heard today",
    "reason_not_open_yet": "opens at {time}",
    "reason_no_evidence": "no evidence days (days with coverage at least {pct})",
    "reason_no_hub": "no hub",
    "too_few_note": "uncertain: {n} of {min} evidence days",
    "analytics_for_planners": "Utilisation and capacity are shown to planners only "
    "(log in with a planner key).",
    "analytics_unavailable": "Analytics could not be read right now.",
    "analytics_intro": "Utilisation and recommended desks cover {first} – {last} "
    "({days} days); today's peak concurrency is for today so far.",
    "open_explorer": "Utilisation and capacity",
    "explorer_title": "Utilisation – {name}",
    "explorer_lead": "How much the desks have been used and how many desks the measurements "
    "say are needed. The metrics are explained in the {definitions}.",
    "form_area": "Area",
    "form_region": "The whole region ({name})",
    "form_municipalities": "Municipalities",
    "form_hubs": "Hubs",
    "form_from": "From",
    "form_last": "To (inclusive)",
    "form_show": "Show",
    "period_text": "Period: {first} – {last} ({days} days)",
    "scope_municipality": "municipality",
    "scope_hub": "hub",
    "sec_key_figures": "Key figures",
    "sec_daily": "Per day: utilisation and peak concurrency",
    "sec_forecast": "Forecast: peak concurrency over the next 13 weeks",
    "forecast_band": "prediction interval {pct}",
    "forecast_lead": "From the period's evidence days per hub: weekday, trend, days next to "
    "public holidays, July and Christmas. Above the desks the peak is "
    "capped: whoever finds no desk is not seen.",
    "forecast_not_estimated": "{hub}: the period says nothing about {terms}.",
    "band_high": "{band}, upper end",
    "band_low": "{band}, lower end",
    "sec_profile": "Average concurrency by hour and weekday",
    "sec_peaks": "Daily peaks against the current and the recommended desks",
    "sec_hubs": "The hubs",
    "sec_desks": "Desks: most and least used",
    "sec_report": "Report",
    "axis_date": "Date",
    "axis_hour": "Hour",
    "axis_days": "Number of days",
    "axis_desks": "Number of desks",
    "other_open_days": "Other open days with data (coverage under {pct})",
    "share_exceeding_legend": "Share of days whose peak exceeded x desks (right axis)",
    "peak_value": "Peak concurrency (desks)",
    "hours_short": "{h}:00",
    "wd_0": "Mon",
    "wd_1": "Tue",
    "wd_2": "Wed",
    "wd_3": "Thu",
    "wd_4": "Fri",
    "wd_5": "Sat",
    "wd_6": "Sun",
    "no_data_figure": "No data for the period",
    "most_used": "Most used",
    "least_used": "Least used",
    "desk": "Desk",
    "zone_col": "Zone",
    "suspect": "suspect sensor",
    "desks_planner_note": "Per-desk figures may be personal data and are shown to planners only.",
    "desks_hidden": "The desk ranking is shown to planners only.",
    "report_text": "Download the planning report for {name}, same period:",
    "report_hub_note": "The report covers the whole municipality the hub is in.",
    "report_hidden": "Only planners can download the report.",
    "no_hubs_here": "No hub yet: no measurements.",
    "query_problem": "The query could not be answered: {detail}",
    "too_few_banner": "Too few evidence days: {n}; at least {min} are needed for a firm "
    "recommendation.",
    "compare_title": "Compare municipalities",
    "compare_lead": "Utilisation, peak at service level and recommended desks against the "
    "current desks, per municipality. Peaks are per hub, summed per municipality.",
    "difference": "Difference from now",
    "sec_compare": "Utilisation and desks per municipality",
    "hubs_count": "hubs: {n}",
    "at_service_level": "{label} ({pct})",
}

STRINGS: Final[dict[str, dict[str, str]]] = {"sv": SV, "en": EN}

JS_KEYS: Final = (
    "state_occupied",
    "state_free",
    "state_offline",
    "state_unknown",
    "network_offline",
    "low_battery",
    "battery",
    "last_seen",
    "never_seen",
    "just_now",
    "minutes_ago",
    "hours_ago",
    "days_ago",
    "stale_api",
    "stale_fetch",
    "desks_occupied_of_total",
    "no_recent_data",
)
"""Keys the pages' scripts need (they fill the ``{name}`` fields themselves)."""


def choose_lang(value: str | None) -> str:
    """The language of a ``?lang=`` value: a known one, else Swedish."""
    if value is not None and value.strip().lower() in LANGS:
        return value.strip().lower()
    return DEFAULT_LANG


def tr(lang: str, key: str, **fields: object) -> str:
    """The text of ``key`` in ``lang`` with its ``{name}`` fields filled (plain text)."""
    text = STRINGS[choose_lang(lang)][key]
    return text.format(**fields) if fields else text


def js_strings(lang: str) -> dict[str, str]:
    table = STRINGS[choose_lang(lang)]
    return {key: table[key] for key in JS_KEYS}


# --- formatting (the same text the browser's Intl gives for LOCALES[lang]) ---------------

_NBSP = "\u00a0"


def fmt_int(value: int, lang: str) -> str:
    """``1234`` → ``1 234`` (Swedish, no-break space) or ``1,234`` (English)."""
    text = f"{value:,}"
    return text.replace(",", _NBSP) if choose_lang(lang) == "sv" else text


def fmt_pct(value: float, lang: str) -> str:
    """A percentage already in percent (``42`` → ``42 %`` in Swedish, ``42%`` in English)."""
    number = fmt_int(round(value), lang)
    return f"{number}{_NBSP}%" if choose_lang(lang) == "sv" else f"{number}%"


def fmt_time(value: datetime, tz: ZoneInfo, lang: str, *, ref: datetime | None = None) -> str:
    """Local wall time of ``value`` in ``tz``: ``HH:MM`` on the same local day as ``ref``,
    else with the date (``2026-11-24 10:59`` in Swedish, ``24/11/2026, 10:59`` in English)."""
    local = value.astimezone(tz)
    if ref is not None and ref.astimezone(tz).date() == local.date():
        return local.strftime("%H:%M")
    if choose_lang(lang) == "sv":
        return local.strftime("%Y-%m-%d %H:%M")
    return local.strftime("%d/%m/%Y, %H:%M")


def fmt_ago(seconds: float | None, lang: str) -> str:
    """How long ago, coarse: ``nyss``, ``5 min sedan``, ``3 tim sedan``, ``2 d sedan``."""
    if seconds is None:
        return tr(lang, "never_seen")
    if seconds < 60:
        return tr(lang, "just_now")
    if seconds < 3600:
        return tr(lang, "minutes_ago", n=fmt_int(int(seconds // 60), lang))
    if seconds < 48 * 3600:
        return tr(lang, "hours_ago", n=fmt_int(int(seconds // 3600), lang))
    return tr(lang, "days_ago", n=fmt_int(int(seconds // 86400), lang))


def fmt_num(value: float, lang: str, decimals: int = 0) -> str:
    """``1234.5`` → ``1 234,5`` (Swedish: no-break space, decimal comma, − for minus) or
    ``1,234.5`` (English), with ``decimals`` digits, halves rounded away from zero as
    the browser's ``Intl.NumberFormat`` does."""
    step = Decimal(1).scaleb(-decimals)
    text = f"{Decimal(repr(abs(value))).quantize(step, rounding=ROUND_HALF_UP):,.{decimals}f}"
    negative = value < 0 and text.strip("0.,") != ""
    if choose_lang(lang) == "sv":
        text = text.replace(",", _NBSP).replace(".", ",")
        return ("\u2212" if negative else "") + text
    return ("-" if negative else "") + text


def fmt_share(fraction: float | None, lang: str, decimals: int = 0) -> str:
    """A share given as a fraction (``0.345``) in percent: ``35 %`` / ``34,5 %`` (Swedish)
    or ``35%`` (English); ``–`` for None."""
    if fraction is None:
        return "–"
    number = fmt_num(fraction * 100, lang, decimals)
    return f"{number}{_NBSP}%" if choose_lang(lang) == "sv" else f"{number}%"


def fmt_date(day: date, lang: str) -> str:
    """``2026-11-24`` (Swedish) or ``24/11/2026`` (English, as en-GB)."""
    return day.isoformat() if choose_lang(lang) == "sv" else day.strftime("%d/%m/%Y")


def metric(key: str, lang: str) -> str:
    """The published name of a metric (``hubsense.glossary``, docs/metrics.md) in ``lang``."""
    term = GLOSSARY[key]
    return term.sv if choose_lang(lang) == "sv" else term.en


def metric_unit(key: str, lang: str) -> str:
    """The name with its unit, as report headers show it: ``Samtidig topp (platser)``."""
    return GLOSSARY[key].header("sv" if choose_lang(lang) == "sv" else "en")
