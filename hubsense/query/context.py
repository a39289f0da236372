"""What every read use case reads from, and the region's local time.

Why one object: a question is always answered from the same things (the store, the
registry, the settings, the moment it is asked, and what the sensors' own networks report
unavailable); passing them together keeps the use
cases' signatures about the question itself, and gives the API, the pages and the CLI one
way to ask.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from hubsense.availability import Unavailable
from hubsense.calendar import from_ns
from hubsense.config import Settings
from hubsense.registry import Registry
from hubsense.store.base import Store


def region_tz(registry: Registry) -> tzinfo | None:
    """The region's local time zone: the first hub's (None, i.e. UTC, without hubs).

    Why the first hub: a region's hubs share one time zone in practice, and "today", the
    default period and a report's "generated at" must be in the same local time whoever
    asks. This is the one place that says so."""
    first = next(iter(registry.hubs.values()), None)
    return first.tz if first is not None else None


@dataclass(frozen=True, slots=True)
class QueryContext:
    """The store, registry and settings a question is answered from, and ``now_ns``, the
    moment it is asked (UTC nanoseconds): "today" and what counts as the future follow
    from it, so tests and the demo pass their own clock's reading."""

    store: Store
    registry: Registry
    settings: Settings
    now_ns: int
    # Sensors their own network reports offline (``hubsense.availability``): the live
    # view shows their desks offline at once.
    unavailable: Unavailable = field(default_factory=Unavailable)
    # Analyses already made for this question (``hubsense.query.analysis``): a page that
    # asks for a scope's utilisation and its capacity reads the rollups once. A context
    # lives for one request or command, so nothing outlives the moment it was asked.
    analyses: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def tz(self) -> tzinfo | None:
        return region_tz(self.registry)

    def now(self) -> datetime:
        """The moment asked, in the region's local time."""
        return from_ns(self.now_ns, self.tz)

    def today(self) -> date:
        """The region's local date at the moment asked."""
        return self.now().date()
