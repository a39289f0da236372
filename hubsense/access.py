"""What part of the region a key (and the login session it opens) may see: the whole
region, one or more municipalities, or one or more hubs.

Why a registry view: every read use case asks its questions of ``QueryContext.registry``
and reads the store per registry hub only. Handing a scoped caller a registry that holds
only the hubs it may see therefore limits every list, aggregate, report, export and figure
to those hubs, and makes anything outside the scope an unknown id (``NotFound``, 404) with
no hint that it exists. The region's own staff keep the whole registry.

Aggregates that would mix in other scopes are *limited* to the scope: for a scoped key the
"region" is what the key sees, and a municipality of which it sees only some hubs is those
hubs. Their names say so (``Region Jämtland Härjedalen (Berg)``, ``Härjedalen (Arbetshubb
Sveg)``), so a report never presents part of a municipality as the whole of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Final, Literal

from hubsense.registry import ID_PATTERN, Municipality, Registry

AccessKind = Literal["region", "municipalities", "hubs"]
KINDS: Final[tuple[AccessKind, ...]] = ("region", "municipalities", "hubs")
_ID = re.compile(ID_PATTERN)


@dataclass(frozen=True, slots=True)
class AccessScope:
    """``kind`` and, unless it is the region, the registry ids it names (sorted, unique)."""

    kind: AccessKind
    ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"scope kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if (self.kind == "region") != (not self.ids):
            raise ValueError("the region names no ids; a municipality or hub scope names some")
        bad = [i for i in self.ids if not _ID.fullmatch(i)]
        if bad:
            raise ValueError(f"not a registry id: {', '.join(repr(i) for i in bad)}")
        object.__setattr__(self, "ids", tuple(sorted(set(self.ids))))

    @classmethod
    def of(cls, municipalities: Iterable[str] = (), hubs: Iterable[str] = ()) -> AccessScope:
        """The scope of these municipalities or these hubs; the region when neither is
        given. ValueError for both at once or an id that is not a registry id."""
        munis, hub_ids = tuple(municipalities), tuple(hubs)
        if munis and hub_ids:
            raise ValueError("a key is scoped to municipalities or to hubs, not both")
        if munis:
            return cls("municipalities", munis)
        if hub_ids:
            return cls("hubs", hub_ids)
        return REGION

    @property
    def is_region(self) -> bool:
        return self.kind == "region"

    def __str__(self) -> str:
        if self.is_region:
            return "region"
        singular = "municipality" if self.kind == "municipalities" else "hub"
        return f"{singular if len(self.ids) == 1 else self.kind} {', '.join(self.ids)}"

    def unknown_ids(self, registry: Registry) -> list[str]:
        """The ids this scope names that the registry does not have (they grant nothing)."""
        known = registry.municipalities if self.kind == "municipalities" else registry.hubs
        return [i for i in self.ids if i not in known]

    def visible_hubs(self, registry: Registry) -> tuple[str, ...]:
        """The ids of the registry's hubs this scope may see, in registry order."""
        if self.is_region:
            return tuple(registry.hubs)
        if self.kind == "municipalities":
            return tuple(h.id for h in registry.hubs.values() if h.municipality in self.ids)
        return tuple(h for h in registry.hubs if h in self.ids)

    def restrict(self, registry: Registry) -> Registry:
        """The registry as this scope sees it (the region: the registry itself)."""
        if self.is_region:
            return registry
        visible = registry.only(self.visible_hubs(registry))
        munis = {mid: _named(registry, m) for mid, m in visible.municipalities.items()}
        seen = munis.values() if self.kind == "municipalities" else visible.hubs.values()
        shown = ", ".join(item.name for item in seen) or "–"
        return replace(visible, region=f"{registry.region} ({shown})", municipalities=munis)


REGION: Final = AccessScope("region")
"""Everything: the region's own staff, and every key written before scopes existed."""


def _named(full: Registry, seen: Municipality) -> Municipality:
    """A municipality whose hubs are all visible keeps its name; one seen in part is named
    with the hubs that are seen."""
    if len(seen.hubs) == len(full.municipalities[seen.id].hubs):
        return seen
    hubs = ", ".join(full.hubs[h].name for h in seen.hubs)
    return replace(seen, name=f"{seen.name} ({hubs})")
