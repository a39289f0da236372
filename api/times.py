"""Conversions between the store's UTC nanoseconds and the API's ISO 8601 datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NS_MAX = 2**63 - 1  # what the stores keep (64-bit signed): until 2262-04-11
# "...T08:00:00 01:00": a "+" sent unencoded in a query string arrives as a space.
_PLUS_AS_SPACE = re.compile(
    r"^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?) (\d\d(?::?\d\d)?)$"
)


class BadInstant(ValueError):
    """The text is not an ISO 8601 datetime with a UTC offset in the supported range."""


def ns_to_datetime(ns: int) -> datetime:
    """UTC datetime of a nanosecond timestamp (truncated to microseconds)."""
    return EPOCH + timedelta(microseconds=ns // 1000)


def datetime_to_ns(value: datetime) -> int:
    """Exact nanoseconds since the epoch of an aware datetime."""
    return (value - EPOCH) // timedelta(microseconds=1) * 1000


def parse_instant(text: str) -> int:
    """UTC nanoseconds of an ISO 8601 datetime that has a UTC offset (or ``Z``).

    Raises BadInstant with a message meant for the API client.
    """
    text = text.strip()
    plus = _PLUS_AS_SPACE.match(text)
    if plus:
        text = f"{plus.group(1)}+{plus.group(2)}"
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadInstant(
            "not an ISO 8601 datetime; expected e.g. 2026-11-25T08:00:00+01:00 or "
            "2026-11-25T07:00:00Z"
        ) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise BadInstant(
            "a UTC offset is required (e.g. 2026-11-25T08:00:00+01:00 or "
            "2026-11-25T07:00:00Z); a datetime without one is ambiguous"
        )
    ns = datetime_to_ns(value)
    if not 0 <= ns <= _NS_MAX:
        raise BadInstant("out of range: must be between 1970-01-01 and 2262-04-11 (UTC)")
    return ns
