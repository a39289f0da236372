"""Desk blocks: each hub's desk-days summed per desk over fixed 16-day blocks, so that a
store whose reads cost in proportion to the rows and bytes returned (InfluxDB 1.x: about
0.2 µs per byte of answer) can answer "each desk's sums over a year" and "which desks have
flagged days" from a row per hub and block instead of a row per desk and day.

Why blocks of a fixed length and not months: a block is found from a row's time alone
(``block_of``), whatever the hub's time zone, and the days of a range that do not fill a
block (at most 15 at each end) are read as desk-days. Sixteen days balance the two costs: a
year of a 20-desk hub is 23 block rows of ~2 KB plus on average 15 edge days of 20 rows.

A block row holds, per desk, the ``DESK_DAY_SUMS`` of its desk-days in the block, their
number, the largest ``idle_open_days`` and the number of days with stuck time: enough to
sum, and to know whether ``flagged_desk_days`` would return one of its rows. It is written
with every write of the block's desk-days, after them and before the group-days (which
mark the days as computed), so an interrupted write leaves the days stale, to be computed
again, rather than a block that disagrees with its rows. A block row also vouches that
every flagged-looking row of its block has a copy (``is_copied``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import orjson

from hubsense.metrics import DeskDayRollup, DeskTotals
from hubsense.store.rollup_rows import add_sums, sums_text

BLOCK_NS = 16 * 86_400 * 1_000_000_000

COPY_MIN_IDLE_OPEN_DAYS = 10
"""Desk-days with stuck time or an idle run of at least this many open days are also kept
as copies (``is_copied``), so that "which rows are flagged" is read from the few copies
(about 2 % of the rows) instead of scanned from every row; a reader asking for a lower
threshold scans the blocks that the block rows name."""


def is_copied(idle_open_days: int, day_stuck_ns: int) -> bool:
    return day_stuck_ns > 0 or idle_open_days >= COPY_MIN_IDLE_OPEN_DAYS


def block_of(time_ns: int) -> int:
    """The start of the block holding a row at ``time_ns`` (blocks are counted from the
    epoch, so every store and every hub agrees)."""
    return time_ns - time_ns % BLOCK_NS


def blocks_between(start_ns: int, end_ns: int) -> list[int]:
    """Starts of the blocks that overlap ``[start_ns, end_ns)``."""
    if end_ns <= start_ns:
        return []
    return list(range(block_of(start_ns), end_ns, BLOCK_NS))


def full_blocks(start_ns: int, end_ns: int) -> list[int]:
    """Starts of the blocks that lie wholly within ``[start_ns, end_ns)``."""
    first = block_of(start_ns) + (BLOCK_NS if start_ns % BLOCK_NS else 0)
    return list(range(first, end_ns - BLOCK_NS + 1, BLOCK_NS))


def uncovered(start_ns: int, end_ns: int, blocks: set[int]) -> list[tuple[int, int]]:
    """The parts of ``[start_ns, end_ns)`` outside these blocks."""
    rest: list[tuple[int, int]] = []
    t = start_ns
    for b in sorted(blocks):
        if b + BLOCK_NS <= t or b >= end_ns:
            continue
        if t < b:
            rest.append((t, b))
        t = b + BLOCK_NS
    if t < end_ns:
        rest.append((t, end_ns))
    return rest


def consecutive(starts: Iterable[int], step_ns: int) -> list[tuple[int, int]]:
    """Starts of days (or blocks) grouped into runs of consecutive ones, each as the range
    ``[first, last + step_ns)``; the next one starts less than ``step_ns`` after it ends
    (a local day is 23 to 25 hours long)."""
    spans: list[tuple[int, int]] = []
    for t in sorted(starts):
        if spans and t - spans[-1][1] < step_ns:
            spans[-1] = (spans[-1][0], t + step_ns)
        else:
            spans.append((t, t + step_ns))
    return spans



@dataclass(slots=True)
class DeskInBlock:
    """One desk's desk-days in one block, summed."""

    sums: list[int] = field(default_factory=lambda: [0] * 10)  # as ``add_sums`` keeps them
    max_idle_open_days: int = 0
    stuck_days: int = 0

    def add(self, sums: str, idle_open_days: int, day_stuck_ns: int) -> None:
        add_sums(self.sums, sums)
        self.max_idle_open_days = max(self.max_idle_open_days, idle_open_days)
        self.stuck_days += day_stuck_ns > 0

    def flagged(self, min_idle_open_days: int) -> bool:
        """Whether ``flagged_desk_days`` would return one of its rows."""
        return self.stuck_days > 0 or (
            min_idle_open_days > 0 and self.max_idle_open_days >= min_idle_open_days
        )


Block = dict[str, DeskInBlock]
"""A hub's block: its desks (those with desk-days in the block) by id."""

Blocks = dict[int, Block | None]
"""A hub's blocks by start; None: a block that cannot be summed (it holds rows stored
before version 3, without ``sums``), stored as an empty text so readers read its rows."""


def add_row(block: Block, desk: str, sums: str, idle_open_days: int, day_stuck_ns: int) -> None:
    block.setdefault(desk, DeskInBlock()).add(sums, idle_open_days, day_stuck_ns)


def add_rollups(blocks: Blocks, rows: Iterable[DeskDayRollup]) -> None:
    """Add desk-day rollups to the blocks that hold them."""
    for r in rows:
        block = blocks.setdefault(block_of(r.day_start_ns), {})
        if block is not None:
            add_row(block, r.desk, sums_text(DeskTotals.of(r)), r.idle_open_days,
                    r.day_stuck_ns)


def block_text(block: Block | None) -> str:
    """The stored form: JSON, ``{desk: [nine sums, rows, max idle open days, stuck days]}``
    (JSON, because desk ids are any text); "" for a block that cannot be summed."""
    if block is None:
        return ""
    return orjson.dumps(
        {d: [*b.sums, b.max_idle_open_days, b.stuck_days] for d, b in sorted(block.items())}
    ).decode()


def block_from_text(text: str) -> Block | None:
    if not text:
        return None
    data: Mapping[str, list[int]] = orjson.loads(text)
    return {
        desk: DeskInBlock(sums=list(v[:10]), max_idle_open_days=v[10], stuck_days=v[11])
        for desk, v in data.items()
    }
