"""Calendar and time helpers shared by analytics, simulators and the API.

Instants are ``int`` UTC epoch nanoseconds; an interval is a half-open ``(start_ns,
end_ns)``. Local dates and opening hours are in the hub's zone (Europe/Stockholm), so DST
days are 23 or 25 hours long. A hub is open on a local date when its opening hours have
that weekday, the date is not one of its ``closed_dates`` and it is not a Swedish public
holiday or de-facto holiday (Midsummer Eve, Christmas Eve, New Year's Eve), from the
maintained ``holidays`` package.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from hubsense.registry import Hub

NS = 1_000_000_000
Interval = tuple[int, int]
"""Half-open ``(start_ns, end_ns)``, UTC epoch nanoseconds."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _midsummer_eve(year: int) -> date:
    d = date(year, 6, 19)
    return d + timedelta(days=(4 - d.weekday()) % 7)  # the Friday between 19 and 25 June


@lru_cache(maxsize=64)
def swedish_holidays(year: int) -> dict[date, str]:
    """Public holidays plus Midsummer/Christmas/New Year's Eve; ordinary Sundays excluded."""
    try:
        cal = holidays.Sweden(
            years=year,
            include_sundays=False,
            categories=("public", "de_facto"),
            language="en_US",
        )
    except (TypeError, ValueError, NotImplementedError):  # older holidays: no categories
        cal = holidays.Sweden(years=year, include_sundays=False)
    out: dict[date, str] = {d: str(name) for d, name in cal.items()}
    out.setdefault(_midsummer_eve(year), "Midsummer Eve")
    out.setdefault(date(year, 12, 24), "Christmas Eve")
    out.setdefault(date(year, 12, 31), "New Year's Eve")
    return out


def closure_reason(hub: Hub, day: date) -> str | None:
    """Why the hub is closed on this local date, or None if it is open."""
    if day.weekday() not in hub.opening_hours:
        return f"closed on {day.strftime('%A')}s"
    if day in hub.closed_dates:
        return "closed date"
    name = swedish_holidays(day.year).get(day)
    if name is not None:
        return f"holiday: {name}"
    return None


def is_open(hub: Hub, day: date) -> bool:
    return closure_reason(hub, day) is None


def to_ns(t: datetime | int) -> int:
    """UTC epoch nanoseconds of an aware datetime (ints pass through)."""
    if isinstance(t, int):
        return t
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"naive datetime {t!r}: give a time zone")
    return (t - _EPOCH) // timedelta(microseconds=1) * 1000


def from_ns(t_ns: int, tz: tzinfo | None = None) -> datetime:
    """Aware datetime of UTC epoch nanoseconds (in ``tz``, default UTC), to the microsecond."""
    utc = _EPOCH + timedelta(microseconds=t_ns // 1000)
    return utc if tz is None else utc.astimezone(tz)


def local_ns(hub: Hub, day: date, seconds_of_day: int) -> int:
    """Instant of a local wall-clock time (seconds after local midnight, DST-aware)."""
    return _local_ns(hub.timezone, day, min(max(seconds_of_day, 0), 86399))


def day_bounds(hub: Hub, day: date) -> Interval:
    """Local midnight to next local midnight."""
    return _local_ns(hub.timezone, day, 0), _local_ns(hub.timezone, day + timedelta(days=1), 0)


@lru_cache(maxsize=65_536)
def _local_ns(timezone: str, day: date, s: int) -> int:
    # Kept: a planner's page over a year of the region asks for the same few thousand
    # (zone, day, time) instants tens of thousands of times, and each costs a zone lookup.
    dt = datetime(day.year, day.month, day.day, s // 3600, s // 60 % 60, s % 60,
                  tzinfo=ZoneInfo(timezone))
    return int(dt.timestamp()) * NS


def opening_window(hub: Hub, day: date) -> Interval | None:
    """Opening to closing instant on an open day (whole seconds), else None."""
    if not is_open(hub, day):
        return None
    opens, closes = hub.opening_hours[day.weekday()]
    # "24:00" is stored as 23:59:59.999999: the hub closes at the next local midnight
    close_ns = (
        day_bounds(hub, day)[1]
        if closes.microsecond
        else local_ns(hub, day, seconds_of_day(closes))
    )
    return local_ns(hub, day, seconds_of_day(opens)), close_ns


def seconds_of_day(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def local_dates(hub: Hub, start_ns: int, end_ns: int) -> list[date]:
    """Local dates touched by ``[start_ns, end_ns)``."""
    tz = hub.tz
    first = datetime.fromtimestamp(start_ns // NS, tz).date()
    last = datetime.fromtimestamp(max(start_ns, end_ns - 1) // NS, tz).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
