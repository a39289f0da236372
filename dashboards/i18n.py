"""Every text the dashboards show, one dict per language (Swedish first), and formatting.

Strings are plain text with ``{name}`` fields (``tr(lang, key, name=...)``); they hold no
HTML, so the page builders escape what ``tr`` returns like any other value. The browser
gets the subset it needs (``JS_KEYS``) and formats numbers and times with ``LOCALES``
(``toLocaleString('sv-SE')`` when Swedish is chosen); the Python formatting below gives the
same text for the first, server-rendered view.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

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
    "peak_today": "Dagens topp",
    "pending_analytics": "Nyttjandegrad och topp kommer från analys-API:t (ej klart än).",
    "open_live_view": "Öppna liveläget",
    "store_unavailable": "Databasen svarar inte just nu, så livesiffrorna saknas.",
    "no_recent_data": "Ingen sensor hörd på {minutes} min",
    "live_view": "Liveläge",
    "occupancy_now": "Beläggning just nu",
    "updated": "Uppdaterad",
    "zone": "Zon {zone}",
    "state_occupied": "upptagen",
    "state_free": "ledig",
    "state_offline": "offline",
    "state_unknown": "okänd",
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
    "peak_today": "Today's peak",
    "pending_analytics": "Utilisation and peak will come from the analytics API (not ready yet).",
    "open_live_view": "Open the live view",
    "store_unavailable": "The database is not answering right now, so live figures are missing.",
    "no_recent_data": "No sensor heard for {minutes} min",
    "live_view": "Live view",
    "occupancy_now": "Occupancy now",
    "updated": "Updated",
    "zone": "Zone {zone}",
    "state_occupied": "occupied",
    "state_free": "free",
    "state_offline": "offline",
    "state_unknown": "unknown",
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
}

STRINGS: Final[dict[str, dict[str, str]]] = {"sv": SV, "en": EN}

JS_KEYS: Final = (
    "state_occupied",
    "state_free",
    "state_offline",
    "state_unknown",
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
