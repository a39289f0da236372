"""Planning evidence from the running system: the configured facts file (re-read when it
changes), the utilisation analytics of the period, and the assumptions → a ``Plan``."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

from hubsense import analytics
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
) -> tuple[Plan, FactsError | None]:
    """The plan for measurement period ``[first, end)``. ``facts``: True reads
    ``settings.planning_facts_file`` (cached); or pass a loaded file (or None: none).
    A facts file that does not validate is reported, and the plan is built without it."""
    loaded = _CACHE.get(settings.planning_facts_file, registry) if facts is True else facts
    error = loaded if isinstance(loaded, FactsError) else None
    facts_file = loaded if isinstance(loaded, FactsFile) else None
    analysis = analytics.analyse(
        store, registry, Scope("region", ""), first, end, settings, now_ns=now_ns
    )
    plan = build_plan(
        registry,
        facts_file,
        measure(analysis, registry),
        assumptions,
        first=first,
        end=end,
        min_group_size=settings.min_group_size,
        min_days=analysis.params.min_days,
        service_level=analysis.params.service_level,
    )
    if error is not None:
        plan = replace(plan, notes=(Note("facts_invalid", (("error", str(error)),)), *plan.notes))
    return plan, error


def planning_tables(
    store: Store,
    registry: Registry,
    settings: Settings,
    first: date,
    end: date,
    lang: Lang,
    *,
    now_ns: int,
) -> list[Table]:
    """The planning sheets for the planner's utilisation workbook: the plan for the same
    period with the default assumptions and the configured facts file (if any)."""
    from hubsense.planning.export import plan_tables

    defaults = default_assumptions(settings)
    plan, _ = make_plan(store, registry, settings, first, end, defaults, now_ns=now_ns)
    return plan_tables(plan, lang, defaults)
