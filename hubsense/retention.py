"""Privacy retention: raw events and rejection records are deleted after a configured age.

Desk-level raw events can be personal data where a desk is tied to a person; planners
work from rollups, which are kept. Rollups of days whose raw events are gone are never
recomputed (hubsense.rollups.recompute checks ``raw_retention_ns``).
"""

from __future__ import annotations

import logging

from hubsense.config import Settings
from hubsense.store.base import Store

log = logging.getLogger(__name__)
DAY_NS = 86400 * 10**9


def cutoffs(settings: Settings, now_ns: int) -> tuple[int | None, int | None]:
    """(presence, rejected) cutoffs in UTC ns; None where retention is off."""
    raw = now_ns - settings.retention_raw_days * DAY_NS if settings.retention_raw_days else None
    rejected = (
        now_ns - settings.retention_rejected_days * DAY_NS
        if settings.retention_rejected_days
        else None
    )
    return raw, rejected


def apply_retention(store: Store, settings: Settings, now_ns: int) -> tuple[int | None, int | None]:
    """Delete what is past retention; returns the cutoffs used."""
    raw, rejected = cutoffs(settings, now_ns)
    if raw is not None or rejected is not None:
        store.delete_before(raw, rejected)
        log.info("retention applied: raw events before %s, rejections before %s", raw, rejected)
    return raw, rejected
