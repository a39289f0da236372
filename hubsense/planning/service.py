"""Planning evidence from the running system: the configured facts file (re-read when it
changes), the utilisation analytics of the period, and the assumptions → a ``Plan``."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Final

from hubsense import analytics
from hubsense.access import REGION, AccessScope
from hubsense.analytics import Scope
from hubsense.config import Settings
from hubsense.planning.facts import FactsError, FactsFile, load_facts
from hubsense.planning.measure import measure
from hubsense.planning.model import Assumptions
from hubsense.planning.plan import Note, Plan, build_plan
from hubsense.planning.text import Lang
from hubsense.registry import Registry
from hubsense.reports import Table
from hubsense.store.base import Store


class FactsCache:
    """The facts file, validated once per version of it (path, size, modification time)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, int, int, str] | None = None
        self._value: FactsFile | FactsError | None = None

    def get(self, path: Path | None, registry: Registry) -> FactsFile | FactsError | None:
        if path is None:
            return None
        try:
            st = path.stat()
            key = (str(path), st.st_size, st.st_mtime_ns, registry.version)
        except OSError as exc:
            return FactsError(str(path), [f"cannot read: {exc.strerror or exc}"])
        with self._lock:
            if key != self._key:
                try:
                    self._value = load_facts(path, registry)
                except FactsError as exc:
                    self._value = exc
                self._key = key
            return self._value


_CACHE = FactsCache()


def default_assumptions(settings: Settings) -> Assumptions:
    """The assumptions when the planner changes none (the buffer from the settings)."""
    return Assumptions(buffer_desks=settings.capacity_buffer_desks)


def make_plan(
    store: Store,
    registry: Registry,
    settings: Settings,
    first: date,
    end: date,
    assumptions: Assumptions,
    *,
    now_ns: int,
    facts: FactsFile | FactsError | None | bool = True,
    scope: AccessScope = REGION,
    analysis: analytics.Analysis | None = None,
) -> tuple[Plan, FactsError | None]:
    """The plan for measurement period ``[first, end)`` as ``scope`` may see it. ``facts``:
    True reads ``settings.planning_facts_file`` (cached); or pass a loaded file (or None:
    none). A facts file that does not validate is reported, and the plan is built without it.

    ``registry`` is the whole registry, whoever asks: the facts file is about every
    municipality, so it is validated (and cached) against the whole registry, and only
    then limited to what the scope sees. The plan itself is built on the scope's
    ``planning_view``, so its rows, ranks, pooled adoption and references are the scope's
    municipalities' alone.

    ``analysis``: one the caller already made (a region report's); used when it holds
    every hub of the plan's registry over the same period, instead of reading and
    fitting the same rollups again."""
    given = None if facts is False else facts
    loaded = _CACHE.get(settings.planning_facts_file, registry) if given is True else given
    seen = scope.planning_view(registry)
    if not scope.is_region:
        loaded = _limited(loaded, seen)
    error = loaded if isinstance(loaded, FactsError) else None
    facts_file = loaded if isinstance(loaded, FactsFile) else None
    if analysis is None or not _covers(analysis, seen, first, end):
        analysis = analytics.analyse(
            store, seen, Scope("region", ""), first, end, settings, now_ns=now_ns
        )
    plan = build_plan(
        seen,
        facts_file,
        measure(analysis, seen),
        assumptions,
        first=first,
        end=end,
        min_group_size=settings.min_group_size,
        min_days=analysis.params.min_days,
        service_level=analysis.params.service_level,
    )
    notes = list(plan.notes)
    if error is not None:
        notes.insert(0, Note("facts_invalid", (("error", str(error)),)))
    if not scope.is_region and not seen.municipalities:
        notes = [Note("none_in_scope")]  # nothing else a note could be about
    elif not scope.is_region:
        names = ", ".join(m.name for m in seen.municipalities.values())
        notes.insert(0, Note("scoped", (("seen", names),)))
    return replace(plan, notes=tuple(notes)), error


def _covers(analysis: analytics.Analysis, registry: Registry, first: date, end: date) -> bool:
    return (
        analysis.registry is registry
        and (analysis.first, analysis.end) == (first, end)
        and set(analysis.hub_ids) == set(registry.hubs)
    )


SCOPED_FACTS_ERROR: Final = "does not validate (a region-wide key shows why)"
"""What a scoped key is told of a facts file that does not validate: its problems may name
any municipality."""


def _limited(
    loaded: FactsFile | FactsError | None, seen: Registry
) -> FactsFile | FactsError | None:
    """The facts a scoped key may see: the rows of its planning view's municipalities; of a
    file that does not validate, that it does not, without the problems."""
    if isinstance(loaded, FactsError):
        return FactsError(loaded.source, [SCOPED_FACTS_ERROR])
    if isinstance(loaded, FactsFile):
        return loaded.only(seen.municipalities)
    return loaded


def planning_tables(
    store: Store,
    registry: Registry,
    settings: Settings,
    first: date,
    end: date,
    lang: Lang,
    *,
    now_ns: int,
    scope: AccessScope = REGION,
    analysis: analytics.Analysis | None = None,
) -> list[Table]:
    """The planning sheets for the planner's utilisation workbook: the plan for the same
    period with the default assumptions and the configured facts file (if any), as
    ``scope`` may see it (``registry``, ``analysis``: as for ``make_plan``)."""
    from hubsense.planning.export import plan_tables

    defaults = default_assumptions(settings)
    plan, _ = make_plan(
        store, registry, settings, first, end, defaults,
        now_ns=now_ns, scope=scope, analysis=analysis,
    )
    return plan_tables(plan, lang, defaults)
