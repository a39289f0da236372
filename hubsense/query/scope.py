"""Which part of the region a question is about: a desk, zone, hub, municipality or the
whole region, checked against the registry.

Why here: every use case supports some scopes only (a daily series is per hub or zone, a
capacity need per hub, municipality or region), and an unknown id is ``NotFound`` whoever
asks. ``ScopeRef`` is a scope as it is published: kind, id and name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hubsense import analytics
from hubsense.analytics import Scope, ScopeError, ScopeKind
from hubsense.query.errors import NotFound, QueryError, show_id
from hubsense.registry import Registry

ALL_SCOPES: tuple[ScopeKind, ...] = ("desk", "zone", "hub", "municipality", "region")


@dataclass(frozen=True, slots=True)
class ScopeRef:
    """A scope as published: ``id`` is '' for the region, 'hub/zone' or 'hub/desk' below
    hubs; ``name`` is the registry's name for it."""

    kind: ScopeKind
    id: str
    name: str

    @classmethod
    def of(cls, registry: Registry, scope: Scope) -> ScopeRef:
        return cls(scope.kind, scope.id, analytics.scope_name(registry, scope))


def resolve_scope(
    registry: Registry, kind: str, ident: str | None, allowed: Sequence[str] = ALL_SCOPES
) -> Scope:
    """The scope named by ``kind`` and ``ident``, if the use case supports that kind
    (``allowed``). QueryError for a kind it does not support or a malformed id, NotFound
    for an id the registry does not have."""
    if kind not in allowed:
        raise QueryError(f"scope: must be one of {', '.join(allowed)}, not {show_id(kind)}")
    try:
        return analytics.resolve(registry, kind, ident)
    except ScopeError as exc:
        if exc.not_found:
            raise NotFound(f"id: {exc}") from None
        raise QueryError(f"id: {exc}") from None


def report_scope(registry: Registry, municipality: str | None) -> Scope:
    """A report's scope: a municipality by id, or the region when none is given."""
    if municipality is None:
        return Scope("region", "")
    if municipality not in registry.municipalities:
        raise NotFound(
            f"municipality: unknown municipality {show_id(municipality)} "
            f"(known: {', '.join(sorted(registry.municipalities))})"
        )
    return Scope("municipality", municipality)
