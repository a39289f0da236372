"""SQLite store: the embedded default (stdlib only), for the demo and small pilots.

WAL journal with synchronous=FULL, so a committed batch survives a power cut; the
primary key (hub, desk, time_ns) makes writes idempotent (INSERT OR REPLACE).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from hubsense.events import PresenceEvent, Rejection, RejectReason
from hubsense.metrics import DeskDayRollup, DeskTotals, GroupDayRollup, SlotRollup
from hubsense.store.base import StoreUnavailable, check_rollups
from hubsense.store.rollup_rows import (
    DESK_DAY_FIELDS,
    DESK_DAY_SUMS,
    GROUP_DAY_FIELDS,
    desk_day_from,
    desk_day_values,
    group_day_from,
    group_day_values,
    totals_from,
)

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
{rollup_tables}CREATE TABLE IF NOT EXISTS rollup_slot (
    hub TEXT NOT NULL,
    grp TEXT NOT NULL,
    start_ns INTEGER NOT NULL,
    open_ns INTEGER NOT NULL,
    occupied_ns INTEGER NOT NULL,
    peak INTEGER NOT NULL,
    PRIMARY KEY (hub, start_ns, grp)
) WITHOUT ROWID;
"""

_SQL_TYPES = {"int": "INTEGER NOT NULL DEFAULT 0", "text": "TEXT NOT NULL DEFAULT ''"}
# The rollup day tables: (table, key columns, fields). Columns come from the one field list
# of ``hubsense.store.rollup_rows``; ``open`` adds any that an existing database lacks.
_DAY_TABLES = (
    ("rollup_desk_day", "desk", DESK_DAY_FIELDS),
    ("rollup_group_day", "grp", GROUP_DAY_FIELDS),
)


def _day_table(table: str, key: str, fields: Sequence[tuple[str, str]]) -> str:
    columns = "".join(f"    {name} {_SQL_TYPES[kind]},\n" for name, kind in fields)
    return (
        f"CREATE TABLE IF NOT EXISTS {table} (\n    hub TEXT NOT NULL,\n"
        f"    {key} TEXT NOT NULL,\n    day_start_ns INTEGER NOT NULL,\n{columns}"
        f"    PRIMARY KEY (hub, day_start_ns, {key})\n) WITHOUT ROWID;\n"
    )


_SCHEMA = _SCHEMA.format(rollup_tables="".join(_day_table(*t) for t in _DAY_TABLES))
_DESK_DAY_NAMES = tuple(name for name, _ in DESK_DAY_FIELDS)
_DESK_DAY_COLUMNS = "hub, desk, day_start_ns, " + ", ".join(_DESK_DAY_NAMES)
_GROUP_DAY_NAMES = tuple(name for name, _ in GROUP_DAY_FIELDS)
_GROUP_DAY_COLUMNS = "hub, grp, day_start_ns, " + ", ".join(_GROUP_DAY_NAMES)
_SLOT_COLUMNS = "hub, grp, start_ns, open_ns, occupied_ns, peak"

_COLUMNS = "municipality, hub, desk, sensor, seq, time_ns, occupied, heartbeat, battery, rssi"


def _event(row: tuple) -> PresenceEvent:
    m, h, d, s, seq, t, occ, hb, bat, rssi = row
    return PresenceEvent(m, h, d, s, seq, t, bool(occ), bool(hb), bat, rssi)


_SEEKS_PER_QUERY = 200
_RUNS_PER_QUERY = 200  # two parameters each, under SQLite's limit of 999


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    for table, _key, fields in _DAY_TABLES:
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        for column, kind in fields:
            if column not in have:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {_SQL_TYPES[kind]}")


def _desk_day_tuple(r: DeskDayRollup) -> tuple[object, ...]:
    values = desk_day_values(r)
    return (r.hub, r.desk, r.day_start_ns, *(values[n] for n in _DESK_DAY_NAMES))


def _group_day_tuple(r: GroupDayRollup) -> tuple[object, ...]:
    values = group_day_values(r)
    return (r.hub, r.group, r.day_start_ns, *(values[n] for n in _GROUP_DAY_NAMES))


def _desk_day(r: Sequence[object]) -> DeskDayRollup:
    return desk_day_from(
        str(r[0]), str(r[1]), int(r[2]), dict(zip(_DESK_DAY_NAMES, r[3:], strict=True))  # type: ignore[call-overload]
    )


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
            _add_missing_columns(conn)
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
        # Newest time per desk from the primary key's index, then those rows by key.
        rows = self._query(
            f"SELECT {', '.join('p.' + c.strip() for c in _COLUMNS.split(','))} "
            "FROM (SELECT desk, MAX(time_ns) AS t FROM presence WHERE hub = ? AND time_ns >= ? "
            "GROUP BY desk) AS m JOIN presence AS p "
            "ON p.hub = ? AND p.desk = m.desk AND p.time_ns = m.t",
            (hub, since_ns, hub),
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

    def hub_timelines(
        self, hub: str, desks: Sequence[str], start_ns: int, end_ns: int
    ) -> dict[str, list[PresenceEvent]]:
        out: dict[str, list[PresenceEvent]] = {d: [] for d in desks}
        # the newest event before the window of each desk: one primary-key seek per desk
        # (a GROUP BY over the hub would walk its whole history), in compound SELECTs of
        # at most _SEEKS_PER_QUERY (SQLite allows 500)
        names = list(out)
        before: list[tuple] = []
        for i in range(0, len(names), _SEEKS_PER_QUERY):
            part = names[i : i + _SEEKS_PER_QUERY]
            seeks = " UNION ALL ".join(
                f"SELECT * FROM (SELECT {_COLUMNS} FROM presence WHERE hub = ? AND desk = ? "
                "AND time_ns < ? ORDER BY time_ns DESC LIMIT 1)"
                for _ in part
            )
            before += self._query(seeks, tuple(v for d in part for v in (hub, d, start_ns)))
        inside = self._query(
            f"SELECT {_COLUMNS} FROM presence WHERE hub = ? "
            "AND time_ns >= ? AND time_ns < ? ORDER BY desk, time_ns",
            (hub, start_ns, end_ns),
        )
        for event in map(_event, before + inside):
            if event.desk in out:
                out[event.desk].append(event)
        return out

    def count_events(self, hub: str | None = None) -> int:
        if hub is None:
            return int(self._query("SELECT COUNT(*) FROM presence", ())[0][0])
        return int(self._query("SELECT COUNT(*) FROM presence WHERE hub = ?", (hub,))[0][0])

    def delete_before(self, presence_ns: int | None, rejected_ns: int | None) -> None:
        """Retention: drop raw events and rejection records older than the cutoffs."""
        with self._lock:
            db = self._db()
            try:
                db.execute("BEGIN IMMEDIATE")
                if presence_ns:
                    db.execute("DELETE FROM presence WHERE time_ns < ?", (presence_ns,))
                if rejected_ns:
                    db.execute("DELETE FROM rejected WHERE received_ns < ?", (rejected_ns,))
                db.execute("COMMIT")
            except sqlite3.Error as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise StoreUnavailable(f"sqlite delete failed: {exc}") from exc

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

    # --- rollups ----------------------------------------------------------------------------

    def write_rollups(
        self,
        hub: str,
        start_ns: int,
        end_ns: int,
        desk_days: Sequence[DeskDayRollup],
        group_days: Sequence[GroupDayRollup],
        slots: Sequence[SlotRollup],
    ) -> None:
        check_rollups(hub, start_ns, end_ns, desk_days, group_days, slots)
        dd = [_desk_day_tuple(r) for r in desk_days]
        gd = [_group_day_tuple(r) for r in group_days]
        sl = [(r.hub, r.group, r.start_ns, r.open_ns, r.occupied_ns, r.peak) for r in slots]
        with self._lock:
            db = self._db()
            try:
                db.execute("BEGIN IMMEDIATE")
                for table, column in (
                    ("rollup_desk_day", "day_start_ns"),
                    ("rollup_group_day", "day_start_ns"),
                    ("rollup_slot", "start_ns"),
                ):
                    db.execute(
                        f"DELETE FROM {table} WHERE hub = ? AND {column} >= ? AND {column} < ?",
                        (hub, start_ns, end_ns),
                    )
                db.executemany(
                    f"INSERT INTO rollup_desk_day ({_DESK_DAY_COLUMNS}) "
                    f"VALUES ({','.join('?' * (3 + len(_DESK_DAY_NAMES)))})",
                    dd,
                )
                db.executemany(
                    f"INSERT INTO rollup_group_day ({_GROUP_DAY_COLUMNS}) "
                    f"VALUES ({','.join('?' * (3 + len(_GROUP_DAY_NAMES)))})",
                    gd,
                )
                db.executemany(
                    f"INSERT INTO rollup_slot ({_SLOT_COLUMNS}) VALUES (?,?,?,?,?,?)", sl
                )
                db.execute("COMMIT")
            except sqlite3.Error as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise StoreUnavailable(f"sqlite rollup write failed: {exc}") from exc

    def desk_day_rollups(
        self, hub: str, start_ns: int, end_ns: int, desks: Sequence[str] | None = None
    ) -> list[DeskDayRollup]:
        where, params = "", []
        if desks is not None:
            where, params = f"desk IN ({','.join('?' * len(desks))})", list(desks)
        return [_desk_day(r) for r in self._day_rows("desk", hub, start_ns, end_ns, where, params)]

    def _day_rows(
        self, key: str, hub: str, start_ns: int, end_ns: int, where: str, params: Sequence[object]
    ) -> list[tuple]:
        """Rows of a rollup day table (``key``: desk or grp) of ``hub`` in the range that
        meet ``where`` (with its ``params``), by day then key."""
        table, columns = (
            ("rollup_desk_day", _DESK_DAY_COLUMNS)
            if key == "desk"
            else ("rollup_group_day", _GROUP_DAY_COLUMNS)
        )
        return self._query(
            f"SELECT {columns} FROM {table} WHERE hub = ? AND day_start_ns >= ? "
            f"AND day_start_ns < ?{f' AND ({where})' if where else ''} "
            f"ORDER BY day_start_ns, {key}",
            [hub, start_ns, end_ns, *params],
        )

    def desk_day_totals(self, hub: str, start_ns: int, end_ns: int) -> dict[str, DeskTotals]:
        sums = ", ".join(f"SUM({c})" for c in DESK_DAY_SUMS)
        rows = self._query(
            f"SELECT desk, COUNT(*), {sums} FROM rollup_desk_day WHERE hub = ? "
            "AND day_start_ns >= ? AND day_start_ns < ? GROUP BY desk",
            (hub, start_ns, end_ns),
        )
        return {r[0]: totals_from(dict(zip(DESK_DAY_SUMS, r[2:], strict=True)), r[1]) for r in rows}

    def flagged_desk_days(
        self, hub: str, start_ns: int, end_ns: int, min_idle_open_days: int
    ) -> list[DeskDayRollup]:
        flag, params = "day_stuck_ns > 0", []
        if min_idle_open_days > 0:
            flag, params = flag + " OR idle_open_days >= ?", [int(min_idle_open_days)]
        return [_desk_day(r) for r in self._day_rows("desk", hub, start_ns, end_ns, flag, params)]

    def idle_run_days(
        self, hub: str, runs: Sequence[tuple[str, date]], start_ns: int, end_ns: int
    ) -> list[DeskDayRollup]:
        out: list[DeskDayRollup] = []
        for i in range(0, len(runs), _RUNS_PER_QUERY):
            chunk = runs[i : i + _RUNS_PER_QUERY]
            where = " OR ".join(["(desk = ? AND idle_since = ?)"] * len(chunk))
            params = [v for desk, since in chunk for v in (desk, since.isoformat())]
            out += [_desk_day(r) for r in self._day_rows("desk", hub, start_ns, end_ns, where,
                                                         params)]
        out.sort(key=lambda r: (r.day_start_ns, r.desk))
        return out

    def rewrite_desk_days(self, hub: str, rows: Sequence[DeskDayRollup]) -> None:
        for r in rows:
            if r.hub != hub:
                raise ValueError(f"rollup of hub {r.hub!r} written as hub {hub!r}")
        with self._lock:
            db = self._db()
            try:
                with db:
                    db.executemany(
                        f"INSERT OR REPLACE INTO rollup_desk_day ({_DESK_DAY_COLUMNS}) "
                        f"VALUES ({','.join('?' * (3 + len(_DESK_DAY_NAMES)))})",
                        [_desk_day_tuple(r) for r in rows],
                    )
            except sqlite3.Error as exc:
                raise StoreUnavailable(f"sqlite rollup write failed: {exc}") from exc

    def group_day_rollups(
        self, hub: str, start_ns: int, end_ns: int, group: str | None = None
    ) -> list[GroupDayRollup]:
        where, params = ("", []) if group is None else ("grp = ?", [group])
        rows = self._day_rows("grp", hub, start_ns, end_ns, where, params)
        return [
            group_day_from(r[0], r[1], r[2], dict(zip(_GROUP_DAY_NAMES, r[3:], strict=True)))
            for r in rows
        ]

    def slot_rollups(
        self, hub: str, start_ns: int, end_ns: int, group: str | None = None
    ) -> list[SlotRollup]:
        sql = (
            f"SELECT {_SLOT_COLUMNS} FROM rollup_slot WHERE hub = ? "
            "AND start_ns >= ? AND start_ns < ?"
        )
        params: list[object] = [hub, start_ns, end_ns]
        if group is not None:
            sql += " AND grp = ?"
            params.append(group)
        rows = self._query(sql + " ORDER BY start_ns, grp", params)
        return [SlotRollup(*r) for r in rows]
