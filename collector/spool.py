"""A durable local buffer for batches the store could not take (a SQLite file, stdlib).

When the store is down, the collector appends the batch here (one transaction,
synchronous=FULL: on disk when ``append`` returns), acknowledges the MQTT messages, and
keeps receiving. A drainer writes the spool to the store, oldest first, and deletes what
the store confirmed. Nothing is acknowledged that is not either in the store or here, and
the spool survives a crash: a restarted collector drains it first.

The file is bounded by ``max_bytes``; when full, ``append`` refuses and the collector falls
back to holding messages unacknowledged (the broker keeps them) until space frees up.

The same file keeps the (hub, day) pairs whose rollups were marked but not recomputed when
the collector stopped (``save_marks``), so that the next start recomputes them
(``take_marks``) instead of leaving them stale.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import astuple
from datetime import date
from pathlib import Path

import orjson

from hubsense.events import PresenceEvent, Rejection, RejectReason


class SpoolFull(Exception):
    """The spool reached its size bound."""


def _encode(item: PresenceEvent | Rejection) -> tuple[str, bytes]:
    if isinstance(item, PresenceEvent):
        return "e", orjson.dumps(astuple(item))
    return "r", orjson.dumps(
        [str(item.reason), item.detail, item.topic, item.payload, item.received_ns]
    )


def _decode(kind: str, body: bytes) -> PresenceEvent | Rejection:
    values = orjson.loads(body)
    if kind == "e":
        return PresenceEvent(*values)
    reason, detail, topic, payload, received_ns = values
    return Rejection(RejectReason(reason), detail, topic, payload, received_ns)


class Spool:
    def __init__(self, path: Path | str, max_bytes: int) -> None:
        self.path = str(path)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS spool (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
            "body BLOB NOT NULL)"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS rollup_marks (hub TEXT NOT NULL, day TEXT NOT NULL, "
            "PRIMARY KEY (hub, day))"
        )
        row = self._db.execute("SELECT COUNT(*), COALESCE(SUM(LENGTH(body)), 0) FROM spool")
        self._count, self._bytes = row.fetchone()

    def __len__(self) -> int:
        return int(self._count)

    @property
    def bytes(self) -> int:
        return int(self._bytes)

    def append(self, events: Sequence[PresenceEvent], rejections: Sequence[Rejection]) -> None:
        rows = [_encode(e) for e in events] + [_encode(r) for r in rejections]
        size = sum(len(body) for _, body in rows)
        with self._lock:
            if self._bytes + size > self.max_bytes:
                raise SpoolFull(f"spool holds {self._bytes} bytes, limit {self.max_bytes}")
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("INSERT INTO spool (kind, body) VALUES (?, ?)", rows)
                self._db.execute("COMMIT")
            except sqlite3.Error:
                self._db.execute("ROLLBACK")
                raise
            self._count += len(rows)
            self._bytes += size

    def peek(self, limit: int) -> tuple[int, list[PresenceEvent], list[Rejection]]:
        """The oldest ``limit`` items, and the highest id among them (for ``remove_upto``)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, kind, body FROM spool ORDER BY id LIMIT ?", (limit,)
            ).fetchall()
        events: list[PresenceEvent] = []
        rejections: list[Rejection] = []
        for _, kind, body in rows:
            item = _decode(kind, body)
            if isinstance(item, PresenceEvent):
                events.append(item)
            else:
                rejections.append(item)
        return (rows[-1][0] if rows else 0), events, rejections

    def remove_upto(self, last_id: int) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            gone = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(LENGTH(body)), 0) FROM spool WHERE id <= ?",
                (last_id,),
            ).fetchone()
            self._db.execute("DELETE FROM spool WHERE id <= ?", (last_id,))
            self._db.execute("COMMIT")
            self._count -= gone[0]
            self._bytes -= gone[1]

    def save_marks(self, marks: Mapping[str, Iterable[date]]) -> None:
        """Replace the saved marks by these (kept until the next save, so a crash after a
        start loses none: recomputing a day twice changes nothing)."""
        rows = [(hub, day.isoformat()) for hub, days in marks.items() for day in days]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM rollup_marks")
                self._db.executemany("INSERT OR IGNORE INTO rollup_marks VALUES (?, ?)", rows)
                self._db.execute("COMMIT")
            except sqlite3.Error:
                self._db.execute("ROLLBACK")
                raise

    def marks(self) -> dict[str, list[date]]:
        with self._lock:
            rows = self._db.execute("SELECT hub, day FROM rollup_marks ORDER BY hub, day")
            out: dict[str, list[date]] = {}
            for hub, day in rows.fetchall():
                out.setdefault(hub, []).append(date.fromisoformat(day))
        return out

    def close(self) -> None:
        with self._lock:
            self._db.close()
