"""What the employees' view's JSON route and page share: whether it is on, and the one
cached answer (``app.state.free_now_cache``, an ``AnswerCache`` of ``CACHE_S``)."""

from __future__ import annotations

from dataclasses import replace

from fastapi import HTTPException, Request, status

from api.answer_cache import AnswerCache
from hubsense.access import REGION
from hubsense.query.context import QueryContext
from hubsense.query.free_now import FreeNow, free_now, seen_by

CACHE_S = 30.0
"""How long one answer serves every caller."""


def cached_free_now(request: Request, ask: QueryContext) -> FreeNow:
    """The shared answer of the last ``CACHE_S`` seconds (``app.state.free_now_cache``),
    made for the whole region whoever asks first, and shown as the caller's scope sees it
    (a partner's key: its hubs only)."""
    cache: AnswerCache[FreeNow] = request.app.state.free_now_cache
    region = replace(ask, registry=ask.whole_registry, scope=REGION, full_registry=None,
                     analyses={})
    return seen_by(cache.get(lambda: free_now(region)), ask.registry)


def require_enabled(enabled: bool) -> None:
    if not enabled:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")
