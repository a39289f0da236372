"""SQLite store: the embedded default (stdlib only), for the demo and small pilots.

WAL journal with synchronous=FULL, so a committed batch survives a power cut; the
primary key (hub, desk, time_ns) makes writes idempotent (INSERT OR REPLACE).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from hubsense.events import PresenceEvent, Rejection, RejectReason
from hubsense.store.base import StoreUnavailable

_SCHEMA = """
CREATE TABLE IF NOT EXISTS presence (
    hub TEXT NOT NULL,
    desk TEXT NOT NULL,
    time_ns INTEGER NOT NULL,
    municipality TEXT NOT NULL,
    sensor TEXT NOT NULL,
    seq INTEGER NOT NULL,
    occupied INTEGER NOT NULL,
    heartbeat INTEGER NOT NULL,
    battery INTEGER,
    rssi INTEGER,
    PRIMARY KEY (hub, desk, time_ns)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rejected (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_ns INTEGER NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    topic TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rejected_by_time ON rejected (received_ns);
"""

_COLUMNS = "municipality, hub, desk, sensor, seq, time_ns, occupied, heartbeat, battery, rssi"


def _event(row: tuple) -> PresenceEvent:
    m, h, d, s, seq, t, occ, hb, bat, rssi = row
    return PresenceEvent(m, h, d, s, seq, t, bool(occ), bool(hb), bat, rssi)


class SqliteStore:
    name = "sqlite"

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def open(self) -> None:
        try:
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"sqlite {self.path}: {exc}") from exc
        self._conn = conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreUnavailable("sqlite store is not open")
        return self._conn

    def ping(self) -> None:
        with self._lock:
            try:
                self._db().execute("SELECT 1").fetchone()
            except sqlite3.Error as exc:
                raise StoreUnavailable(f"sqlite: {exc}") from exc

    def write(self, events: Sequence[PresenceEvent], rejections: Sequence[Rejection]) -> None:
        rows = [
            (
                e.municipality,
                e.hub,
                e.desk,
                e.sensor,
                e.seq,
                e.time_ns,
                int(e.occupied),
                int(e.heartbeat),
                e.battery,
                e.rssi,
            )
            for e in events
        ]
        rej = [(r.received_ns, str(r.reason), r.detail, r.topic, r.payload) for r in rejections]
        with self._lock:
            db = self._db()
            try:
                db.execute("BEGIN IMMEDIATE")
                db.executemany(
                    f"INSERT OR REPLACE INTO presence ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    rows,
                )
                db.executemany(
                    "INSERT INTO rejected (received_ns, reason, detail, topic, payload) "
                    "VALUES (?,?,?,?,?)",
                    rej,
                )
                db.execute("COMMIT")
            except sqlite3.Error as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise StoreUnavailable(f"sqlite write failed: {exc}") from exc

    def _query(self, sql: str, params: Sequence[object]) -> list[tuple]:
        with self._lock:
            try:
                return self._db().execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise StoreUnavailable(f"sqlite read failed: {exc}") from exc

    def latest(self, hub: str, since_ns: int) -> dict[str, PresenceEvent]:
        rows = self._query(
            f"SELECT {_COLUMNS} FROM presence AS p WHERE hub = ? AND time_ns = "
            "(SELECT MAX(time_ns) FROM presence WHERE hub = p.hub AND desk = p.desk) "
            "AND time_ns >= ?",
            (hub, since_ns),
        )
        return {row[2]: _event(row) for row in rows}

    def timeline(self, hub: str, desk: str, start_ns: int, end_ns: int) -> list[PresenceEvent]:
        before = self._query(
            f"SELECT {_COLUMNS} FROM presence WHERE hub = ? AND desk = ? AND time_ns < ? "
            "ORDER BY time_ns DESC LIMIT 1",
            (hub, desk, start_ns),
        )
        inside = self._query(
            f"SELECT {_COLUMNS} FROM presence WHERE hub = ? AND desk = ? "
            "AND time_ns >= ? AND time_ns < ? ORDER BY time_ns",
            (hub, desk, start_ns, end_ns),
        )
        return [_event(r) for r in before + inside]

    def count_events(self, hub: str | None = None) -> int:
        if hub is None:
            return int(self._query("SELECT COUNT(*) FROM presence", ())[0][0])
        return int(self._query("SELECT COUNT(*) FROM presence WHERE hub = ?", (hub,))[0][0])

    def rejections(self, limit: int = 100) -> list[Rejection]:
        rows = self._query(
            "SELECT reason, detail, topic, payload, received_ns FROM rejected "
            "ORDER BY received_ns DESC, id DESC LIMIT ?",
            (limit,),
        )
        return [Rejection(RejectReason(r[0]), r[1], r[2], r[3], r[4]) for r in rows]

    def rejection_counts(self) -> dict[str, int]:
        rows = self._query("SELECT reason, COUNT(*) FROM rejected GROUP BY reason", ())
        return {r[0]: int(r[1]) for r in rows}
