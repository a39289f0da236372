"""The period a question covers: local dates ``[first, end)``, parsed and checked once.

Why here: the API's ``from``/``to`` parameters, the pages' date fields and the CLI's
``--from``/``--to`` follow the same rules (defaults, the longest range, no future), and a
mistake reads the same wherever it is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hubsense.query.context import QueryContext
from hubsense.query.errors import QueryError, show_id

DEFAULT_DAYS = 30
"""Without ``from``, a period covers this many days before ``to``."""
EARLIEST = date(1970, 1, 2)
"""The stores keep UTC nanoseconds since 1970: no period begins before this."""


@dataclass(frozen=True, slots=True)
class Period:
    """Local dates ``first`` ≤ day < ``end`` (``end`` exclusive, like the API's ``to``)."""

    first: date
    end: date

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.first).days


def parse_day(name: str, text: str) -> date:
    """A local date typed as YYYY-MM-DD; ``name`` says which field in the error."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise QueryError(f"{name}: not a date (YYYY-MM-DD): {show_id(text)}") from None


def period(
    ctx: QueryContext, from_: str | None, to: str | None, *, default_days: int = DEFAULT_DAYS
) -> Period:
    """The checked period of ``from_`` and ``to`` (either may be None: ``to`` defaults to
    today, so the range ends yesterday; ``from_`` to ``default_days`` before ``to``).
    QueryError when a date is malformed, the range is empty, longer than
    ``analytics_max_days`` or ends after today."""
    now_day = ctx.today()
    end = now_day if to is None else parse_day("to", to)
    first = end - timedelta(days=default_days) if from_ is None else parse_day("from", from_)
    if end <= first:
        raise QueryError("to must be after from (to is exclusive)")
    if first < EARLIEST:
        raise QueryError(f"from: {first.isoformat()} is before {EARLIEST.isoformat()}")
    max_days = ctx.settings.analytics_max_days
    if (end - first).days > max_days:
        raise QueryError(
            f"date range too long: {(end - first).days} days; at most "
            f"{max_days} (analytics_max_days)"
        )
    latest = now_day + timedelta(days=1)
    if end > latest:
        raise QueryError(
            f"to: {end.isoformat()} is in the future; the latest allowed is "
            f"{latest.isoformat()} (the range then ends with today)"
        )
    return Period(first, end)
