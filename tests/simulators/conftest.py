"""Fixtures for the simulator tests: a small registry whose hubs open every day."""

from __future__ import annotations

import pytest

from hubsense.registry import Registry, parse_registry

ALL_WEEK = """
schema_version = 1
version = "test"
region = "Test"

[municipalities]
berg = { name = "Berg", code = "2326" }

[[hubs]]
id = "daily"
municipality = "berg"
name = "Open every day 07-18"
%(daily_hours)s
desks = [
%(daily)s
]

[[hubs]]
id = "allday"
municipality = "berg"
name = "Open around the clock"
%(allday_hours)s
desks = [
%(allday)s
]
"""


def _hours(span: str) -> str:
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return "opening_hours = { " + ", ".join(f'{d} = "{span}"' for d in days) + " }"


def _desks(hub: str, n: int) -> str:
    return ",\n".join(
        f'  {{ id = "d{i:02d}", zone = "a", sensor = "{hub}-d{i:02d}" }}' for i in range(n)
    )


@pytest.fixture(scope="session")
def week_registry() -> Registry:
    text = ALL_WEEK % {
        "daily": _desks("daily", 10),
        "allday": _desks("allday", 40),
        "daily_hours": _hours("07:00-18:00"),
        "allday_hours": _hours("00:00-24:00"),
    }
    return parse_registry(text, "test-registry")
