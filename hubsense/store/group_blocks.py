"""Group blocks: each hub's group-days of a 16-day desk block (``desk_blocks.block_of``)
kept together in one compressed row, so that a store whose reads cost in proportion to the
rows and fields it returns (InfluxDB 1.x) reads a year of a hub's group-days as ~23 rows
of one field instead of ~365 rows per group of 24 fields.

Why: on a backfilled year of 25 hubs, reading every group-day took influxd 0.7–0.8 s (10 MB
of JSON) and the same rows packed per hub and block, compressed, 0.13 s with their
decoding (2 MB). Planners' pages and reports read a year of group-days for every hub they
show.

A block row holds the stored fields of each group-day of the block (the same values a
row read returns, ``GROUP_DAY_FIELDS``'s names stored once), as JSON, zlib-compressed
and base64-encoded (a text field). It is rewritten from the stored rows with every write
of one of its days, after the group-days, so that it says what they say; a write cut
short between the two leaves the block of the previous write until the next write of one
of its days. A block too large for a field (over ``MAX_TEXT`` characters: a hub with very
many zones) is stored as "" and its days are read as rows, as are days in blocks written
before group blocks existed.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import orjson

MAX_TEXT = 60_000
"""Longest stored text: InfluxDB keeps string fields up to 64 KB."""


@dataclass(frozen=True, slots=True)
class StoredGroupDay:
    """A group-day as stored: its group, its time (local midnight) and its fields' values
    by name (None where a row of an earlier version has no such field)."""

    group: str
    time_ns: int
    values: Mapping[str, object]


def pack(rows: Iterable[StoredGroupDay], names: Sequence[str]) -> str:
    """The stored text of a block's group-days ("" when too long for a field)."""
    data = {
        "fields": list(names),
        "rows": [[r.group, r.time_ns, *(r.values.get(n) for n in names)]
                 for r in sorted(rows, key=lambda r: (r.time_ns, r.group))],
    }
    text = base64.b64encode(zlib.compress(orjson.dumps(data), 6)).decode("ascii")
    return text if len(text) <= MAX_TEXT else ""


def unpack(text: str) -> list[StoredGroupDay] | None:
    """A block's group-days read back; None for a block stored as "" (read its rows)."""
    if not text:
        return None
    data = orjson.loads(zlib.decompress(base64.b64decode(text)))
    names: list[str] = data["fields"]
    return [
        StoredGroupDay(str(row[0]), int(row[1]), dict(zip(names, row[2:], strict=True)))
        for row in data["rows"]
    ]
