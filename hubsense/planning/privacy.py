"""The minimum group size: no published figure may rest on fewer people than
``min_group_size`` (a setting, default 5). Such a figure is published as ``<5`` — the
``Suppressed`` marker — and its value never leaves this package.

Three rules (docs/planning.md, "Privacy"):

1. **Primary:** a count of people below the minimum is suppressed (0 too: "nobody" is
   a figure about fewer than five people).
2. **Secondary:** in a group of counts that add up to a published total (where people
   work; the commute bands), one suppressed count could be recovered by subtraction, so
   when exactly one is suppressed the next smallest is suppressed as well.
3. **Derived figures** (sums, shares, means, projections) never let a suppressed count
   be recovered. A sum is suppressed when it rests on a suppressed count alone, on
   exactly one suppressed count among several, or on suppressed counts adding up to
   fewer people than the minimum. Figures weighted by the commute bands (what a visit
   saves, long commutes) use the published bands plus *one* band made of all suppressed
   ones together (their sum, at least the minimum, else left out) at the published
   distance and time of its largest member (typical ones if that member is small):
   they then depend on nothing but published values and a sum of at least ``k`` people.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hubsense.planning.model import BandInput

if TYPE_CHECKING:
    from hubsense.planning.facts import Facts


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A figure withheld because it rests on fewer than ``k`` people."""

    k: int

    def __str__(self) -> str:
        return f"<{self.k}"


Value = int | float | Suppressed | None
"""A published figure: a number, ``Suppressed``, or None (not known / not computable)."""


@dataclass(frozen=True, slots=True)
class Cell:
    """A count of people as the facts file gives it, with its publication verdict."""

    raw: int | None
    hidden: bool

    def published(self, k: int) -> int | Suppressed | None:
        if self.raw is None:
            return None
        return Suppressed(k) if self.hidden else self.raw


def primary(raw: int | None, k: int) -> Cell:
    return Cell(raw, raw is not None and raw < k)


def secondary(cells: Sequence[Cell]) -> list[Cell]:
    """Rule 2 for one additive group: with exactly one suppressed count, also suppress the
    smallest of the others (the first of equals)."""
    hidden = [c for c in cells if c.hidden]
    if len(hidden) != 1:
        return list(cells)
    shown = [(c.raw, i) for i, c in enumerate(cells) if not c.hidden and c.raw is not None]
    if not shown:
        return list(cells)
    _, j = min(shown)
    return [Cell(c.raw, True) if i == j else c for i, c in enumerate(cells)]


def derived_hidden(cells: Iterable[Cell], k: int) -> bool:
    """Rule 3: must a figure derived from these counts be suppressed?"""
    cells = list(cells)
    if any(c.raw is None for c in cells):
        return False  # an unknown input makes the figure unknown, not small
    total = sum(c.raw or 0 for c in cells)
    hidden = [c.raw or 0 for c in cells if c.hidden]
    if total < k:
        return True
    if not hidden:
        return False
    return len(hidden) == 1 or sum(hidden) < k


def sum_cell(cells: Sequence[Cell], k: int) -> Cell:
    """A published sum of counts (a count itself)."""
    if any(c.raw is None for c in cells):
        return Cell(None, False)
    return Cell(sum(c.raw or 0 for c in cells), derived_hidden(cells, k))


def publish(value: float | None, hidden: bool, k: int) -> Value:
    if value is None:
        return None
    return Suppressed(k) if hidden else value


@dataclass(frozen=True, slots=True)
class FactCells:
    """Every count of one facts row, with rules 1 and 2 applied."""

    residents: Cell
    works_in: Cell
    works_elsewhere: Cell
    works_outside: Cell
    commuters: Cell  # elsewhere + outside
    bands: tuple[Cell, ...]
    shift_workers: Cell
    open_positions: Cell
    in_migration: Cell


def fact_cells(f: Facts, k: int) -> FactCells:
    residents = primary(f.employed_residents, k)
    work = [
        primary(f.works_in_municipality, k),
        primary(f.works_elsewhere_in_region, k),
        primary(f.works_outside_region, k),
    ]
    if residents.hidden:
        work = [Cell(c.raw, c.raw is not None) for c in work]
    elif all(c.raw is not None for c in work):
        work = secondary(work)
    works_in, elsewhere, outside = work
    commuters = sum_cell([elsewhere, outside], k)
    if works_in.hidden and commuters.raw is not None:
        # residents − commuters would give the suppressed works_in back
        commuters = Cell(commuters.raw, True)
    bands = [primary(b.n, k) for b in f.bands]
    if residents.hidden:
        bands = [Cell(c.raw, c.raw is not None) for c in bands]
    else:
        known = [i for i, c in enumerate(bands) if c.raw is not None]
        fixed = secondary([bands[i] for i in known])
        for i, c in zip(known, fixed, strict=True):
            bands[i] = c
    return FactCells(
        residents=residents,
        works_in=works_in,
        works_elsewhere=elsewhere,
        works_outside=outside,
        commuters=commuters,
        bands=tuple(bands),
        shift_workers=primary(f.shift_workers, k),
        open_positions=primary(f.open_positions, k),
        in_migration=primary(f.in_migration, k),
    )


def small_cells(f: Facts, k: int) -> int:
    """How many counts of the row are below the minimum (rule 1)."""
    counts = [
        f.employed_residents,
        f.works_in_municipality,
        f.works_elsewhere_in_region,
        f.works_outside_region,
        *(b.n for b in f.bands),
        f.shift_workers,
        f.open_positions,
        f.in_migration,
    ]
    return sum(1 for n in counts if n is not None and n < k)


def derived_bands(f: Facts, cells: FactCells, k: int) -> list[BandInput]:
    """The bands that figures weighted by them may use (rule 3): published bands as they
    are; suppressed ones merged into one (dropped when it holds fewer than ``k`` people)."""
    out: list[BandInput] = []
    hidden: list[tuple[int, int]] = []  # (n, index)
    for i, (b, c) in enumerate(zip(f.bands, cells.bands, strict=True)):
        if c.raw is None:
            continue
        if c.hidden:
            hidden.append((c.raw, i))
            continue
        km = b.mean_km if b.mean_km is not None else b.band.typical_km
        out.append(BandInput(b.band.lo_km, c.raw, km, b.mean_minutes))
    total = sum(n for n, _ in hidden)
    if hidden and total >= k:
        n_rep, i = max(hidden)
        rep = f.bands[i]
        own = n_rep >= k  # its means rest on enough people to be published
        km = rep.mean_km if own and rep.mean_km is not None else rep.band.typical_km
        out.append(BandInput(rep.band.lo_km, total, km, rep.mean_minutes if own else None))
    return sorted(out, key=lambda b: b.lo_km)
