"""What every read use case reads from, and the region's local time.

Why one object: a question is always answered from the same things (the store, the
registry, the settings, the moment it is asked, what the sensors' own networks report
unavailable, and the access scope of who asks); passing them together keeps the use
cases' signatures about the question itself, and gives the API, the pages and the CLI one
way to ask.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from hubsense.access import REGION, AccessScope
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
    registry: Registry  # as the caller's scope sees it (``AccessScope.restrict``)
    settings: Settings
    now_ns: int
    # Sensors their own network reports offline (``hubsense.availability``): the live
    # view shows their desks offline at once.
    unavailable: Unavailable = field(default_factory=Unavailable)
    # Who asks, and the whole registry their view was made from. Most questions need only
    # ``registry``; planning needs both, because the facts file is about every
    # municipality (it is validated, and cached, against the whole registry) and a scope
    # sees only the municipalities it sees whole (``AccessScope.planning_view``). Left out,
    # the caller is the region and ``registry`` the whole of it.
    scope: AccessScope = REGION
    full_registry: Registry | None = field(default=None, compare=False, repr=False)
    # Analyses already made for this question (``hubsense.query.analysis``): a page that
    # asks for a scope's utilisation and its capacity reads the rollups once. A context
    # lives for one request or command, so nothing outlives the moment it was asked.
    analyses: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.scope.is_region and self.full_registry is None:
            raise ValueError("a scoped question needs the whole registry its view was made of")

    @property
    def whole_registry(self) -> Registry:
        """The registry the caller's view was made of (for the region: ``registry``)."""
        return self.full_registry if self.full_registry is not None else self.registry

    @property
    def tz(self) -> tzinfo | None:
        return region_tz(self.whole_registry)  # the same for every scope

    def now(self) -> datetime:
        """The moment asked, in the region's local time."""
        return from_ns(self.now_ns, self.tz)

    def today(self) -> date:
        """The region's local date at the moment asked."""
        return self.now().date()
