"""Dates as the pages show and take them: one format per language (``2026-11-01`` in
Swedish, as Swedish users write it; ``01/11/2026`` in English, as en-GB), and periods
entered inclusively (*from* 1 November *to and including* 30 November) whatever the API
uses.

Why a module of its own: the API and ``hubsense.query.period`` keep ``to`` exclusive
(``to=2026-12-01`` is November), which is exact for code and links but asks a person to
type the day after the last one. The forms therefore send ``last`` (the last day
included); links and the API's spelling ``to`` keep working. Both date spellings are
accepted in either language (they cannot be confused: ISO starts with the year).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from dashboards.i18n import choose_lang, fmt_date
from dashboards.render import esc
from hubsense.query.errors import QueryError, show_id
from hubsense.query.period import Period, parse_day

_DAY_FIRST: Final = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
PLACEHOLDER: Final = {"sv": "ÅÅÅÅ-MM-DD", "en": "DD/MM/YYYY"}
"""The format a date field asks for, in the field's language."""
PATTERN: Final = r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}"
"""The HTML ``pattern`` of a date field: what ``parse_ui_date`` accepts."""


def parse_ui_date(name: str, text: str) -> date:
    """A date typed in a form: ``01/11/2026`` (day first, as the English pages show it) or
    what the API takes (``2026-11-01``), with the API's error for anything else, so the
    same mistake reads the same on a page and in the API."""
    day_first = _DAY_FIRST.fullmatch(text.strip())
    if day_first is None:
        return parse_day(name, text)
    try:
        return date(int(day_first[3]), int(day_first[2]), int(day_first[1]))
    except ValueError:
        raise QueryError(f"{name}: not a date (DD/MM/YYYY): {show_id(text)}") from None


@dataclass(frozen=True, slots=True)
class PeriodInput:
    """A period as a form gave it: ``from``, and either ``to`` (exclusive, as links and the
    API write it) or ``last`` (inclusive, as the form's field says). Empty means default."""

    from_: str | None = None
    to: str | None = None
    last: str | None = None

    def api_dates(self) -> tuple[str | None, str | None]:
        """``from`` and the exclusive ``to`` as ``hubsense.query.period`` takes them (ISO);
        QueryError for a malformed date or for ``to`` and ``last`` together."""
        if self.to is not None and self.last is not None:
            raise QueryError("give either to (exclusive) or last (inclusive), not both")
        first = None if self.from_ is None else parse_ui_date("from", self.from_).isoformat()
        if self.last is not None:
            end = parse_ui_date("last", self.last) + timedelta(days=1)
            return first, end.isoformat()
        to = None if self.to is None else parse_ui_date("to", self.to).isoformat()
        return first, to

    def shown(self, lang: str, period: Period | None) -> tuple[str, str]:
        """The form's two fields (from, last) in ``lang``: the period's dates when it is
        known, else what was typed (so a mistake can be corrected)."""
        if period is not None:
            return fmt_date(period.first, lang), fmt_date(period.last_day, lang)
        last = self.last or ""
        if self.to is not None and not last:
            try:
                last = fmt_date(parse_ui_date("to", self.to) - timedelta(days=1), lang)
            except QueryError:
                last = self.to
        return self.from_ or "", last


def date_field(lang: str, field_id: str, name: str, label: str, value: str) -> str:
    """A date field that takes the language's format (a text field: a browser's date
    picker shows the browser's locale, not the page's); the format is part of the label."""
    chosen = choose_lang(lang)
    hint = PLACEHOLDER[chosen]
    return (
        f'<label for="{esc(field_id)}">{esc(label)} <span class="date-format">({esc(hint)})'
        f"</span></label>\n"
        f'<input id="{esc(field_id)}" name="{esc(name)}" type="text" inputmode="numeric" '
        f'pattern="{esc(PATTERN)}" placeholder="{esc(hint)}" size="10" autocomplete="off" '
        f'value="{esc(value)}">'
    )
