"""InfluxDB store: the production backend (InfluxDB 1.x, 2.x, and 3.x through its v1/v2 APIs).

Writes
    1.x: ``POST /write?db=<database>&precision=ns`` (user/password as ``u``/``p`` if set).
    2.x/3.x: influxdb-client's ``WriteApi`` in SYNCHRONOUS mode to org/bucket with the token.
    Presence and rejections of one batch go out in one request. Line protocol is built by
    influxdb-client's ``Point``, never by hand.

Schema
    ``presence``  tags municipality, hub, desk; fields occupied (0/1 integer), heartbeat
                  (boolean), seq, sensor, battery, rssi; time = event time (ns). The series
                  plus time is (hub, desk, time), so re-writing an event replaces it.
    ``rejected``  tag reason; fields detail, topic, payload; time = received_ns, bumped by
                  1 ns where needed so two rejections never share a time (they would
                  overwrite each other). The same batch written again (a retry) gets the
                  same times, so retries do not duplicate rejections.

    ``rollup_desk_day``   tags hub, desk; time = local midnight of the day; the fields of
                          ``hubsense.store.rollup_rows.DESK_DAY_FIELDS``.
    ``rollup_group_day``  tags hub, group; time = local midnight; the fields of
                          ``GROUP_DAY_FIELDS``.
    ``rollup_slot``       tags hub, group; time = slot start; integer fields open_ns,
                          occupied_ns, peak.
    ``rollup_desk_block`` tag hub; time = block start; text field desks: the hub's
                          desk-days summed per desk over 16 days
                          (``hubsense.store.desk_blocks``), rewritten with every write of
                          its desk-days, so a year's desk totals read ~23 rows per hub.
    ``rollup_group_block`` tag hub; time = block start; text field rows: the hub's
                          group-days of the block, compressed
                          (``hubsense.store.group_blocks``), rewritten after every write
                          of its group-days; ``group_day_rollups`` reads the blocks within
                          the range and the days they leave uncovered.
    ``write_rollups`` deletes the hub's rollups in the range first (1.x: InfluxQL ``DELETE``;
    2.x: ``POST /api/v2/delete``; 3.x without the v2 management API: no delete, rows are
    only overwritten, so a row that should vanish, e.g. after opening hours changed, stays)
    and then writes the rows. Reads ask for at most 31 days per query (a year, grouped by a
    tag); ``desk_day_totals`` and ``flagged_desk_days`` read the desk blocks and the days
    they leave uncovered.

    Rejection texts are stored with ``\\`` → ``\\\\``, newline → ``\\n`` and CR → ``\\r``
    (line protocol does not allow raw newlines in values) and decoded on read, so they
    round-trip exactly through this class; raw InfluxDB readers see the escaped form.

Reads
    InfluxQL on ``GET /query`` with ``epoch=ns`` (on 2.x through the DBRP mapping this class
    creates on ``open``). Every identifier and string in a query goes through
    ``quote_ident``/``quote_literal``; every number through ``int``.

Errors
    Connection problems, timeouts, 429 and 5xx raise ``StoreUnavailable`` (with the
    ``Retry-After`` seconds if given), 413 ``BatchTooLarge``, other 4xx (including 1.x
    "partial write" 400s) and InfluxQL errors ``StoreRejected``.

Setup on ``open``
    1.x: ``CREATE DATABASE`` (a 403, i.e. a user without admin privilege, is logged and the
    database assumed to exist). 2.x: bucket created if missing, DBRP database/autogen →
    bucket created if missing. 3.x without ``/api/v2/orgs`` (Core/Enterprise): no setup,
    queries go to the database named like the bucket. Tests run against a real 1.6 and
    scripted 2.x/3.x HTTP fakes; no real 2.x/3.x server was tested.
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import hashlib
import itertools
import json
import logging
import operator
import re
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import orjson
import urllib3.exceptions
from influxdb_client import InfluxDBClient, Point, WritePrecision
from influxdb_client.client.write_api import SYNCHRONOUS, WriteApi
from influxdb_client.rest import ApiException

from hubsense.config import Settings
from hubsense.events import PresenceEvent, Rejection, RejectReason
from hubsense.metrics import DeskDayRollup, DeskTotals, GroupDayRollup, SlotRollup
from hubsense.store.base import (
    BatchTooLarge,
    StoreError,
    StoreRejected,
    StoreUnavailable,
    check_rollups,
)
from hubsense.store.desk_blocks import (
    BLOCK_NS,
    COPY_MIN_IDLE_OPEN_DAYS,
    Block,
    Blocks,
    add_rollups,
    add_row,
    block_from_text,
    block_of,
    block_text,
    blocks_between,
    consecutive,
    full_blocks,
    is_copied,
    uncovered,
)
from hubsense.store.group_blocks import StoredGroupDay, pack, unpack
from hubsense.store.rollup_rows import (
    GROUP_DAY_FIELDS,
    add_sums,
    desk_day_from,
    desk_day_values,
    group_day_from,
    group_day_values,
    totals_of,
)

log = logging.getLogger(__name__)

PRESENCE = "presence"
REJECTED = "rejected"
DESK_DAY = "rollup_desk_day"
GROUP_DAY = "rollup_group_day"
SLOT = "rollup_slot"
DESK_FLAG = "rollup_desk_flag"  # copies of flagged-looking desk-days (desk_blocks.is_copied)
ROLLUPS = (DESK_DAY, GROUP_DAY, SLOT, DESK_FLAG)
DESK_BLOCK = "rollup_desk_block"  # hubsense.store.desk_blocks; rewritten, never deleted
GROUP_BLOCK = "rollup_group_block"  # hubsense.store.group_blocks; rewritten, never deleted
_GROUP_DAY_NAMES = tuple(name for name, _ in GROUP_DAY_FIELDS)
_B = TypeVar("_B")  # a decoded block (desk_blocks.Block, a group block's rows)
_WRITE_CHUNK = 5000
_READ_CHUNK_NS = 31 * 86400 * 1_000_000_000
_GROUPED_READ_CHUNK_NS = 4 * 366 * 86400 * 1_000_000_000
_PLAIN_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
_DESK_FILTER_MAX = 50  # more desks than this: read the hub's rows and keep theirs here
_STATEMENTS_PER_REQUEST = 100
_DAY_GAP_NS = 22 * 3600 * 1_000_000_000  # a local day after the one before: 23–25 h later

# InfluxDB's valid time range (models.MinNanoTime / MaxNanoTime).
MIN_TIME_NS = -9223372036854775806
MAX_TIME_NS = 9223372036854775806

_ERROR_TEXT_LIMIT = 500


# --- InfluxQL quoting -----------------------------------------------------------------------


def _escape_influxql(text: str, quote: str) -> str:
    # InfluxQL strings and quoted identifiers know the escapes \\ \n \" \' ; a raw newline
    # ends the string with an error, so it is written as \n.
    return text.replace("\\", "\\\\").replace(quote, "\\" + quote).replace("\n", "\\n")


def quote_ident(name: str) -> str:
    """An InfluxQL identifier (measurement, tag or field key) in double quotes."""
    if not isinstance(name, str):
        raise TypeError(f"identifier must be str, not {type(name).__name__}")
    return '"' + _escape_influxql(name, '"') + '"'


def quote_literal(value: str) -> str:
    """An InfluxQL string literal in single quotes."""
    if not isinstance(value, str):
        raise TypeError(f"string literal must be str, not {type(value).__name__}")
    return "'" + _escape_influxql(value, "'") + "'"


def _time_literal(ns: int) -> str:
    """An integer epoch-ns time bound, clamped to InfluxDB's time range."""
    return str(min(max(int(ns), MIN_TIME_NS), MAX_TIME_NS))


# --- reversible text encoding of rejection fields -------------------------------------------

_DECODE = re.compile(r"\\([\\nr])")
_DECODED = {"\\": "\\", "n": "\n", "r": "\r"}


def encode_text(text: str) -> str:
    """Escape backslash, newline and CR so a stored value never holds a raw line break."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def decode_text(text: str) -> str:
    """Inverse of ``encode_text``."""
    return _DECODE.sub(lambda m: _DECODED[m.group(1)], text)


# --- HTTP error classification --------------------------------------------------------------


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _error_text(body: bytes | str | None) -> str:
    """The server's error message: ``error`` (1.x) or ``message`` (2.x) of a JSON body."""
    if body is None:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        for key in ("error", "message"):
            if isinstance(data.get(key), str):
                return str(data[key])
    return text.strip()[:_ERROR_TEXT_LIMIT]


def http_error(
    status: int, body: bytes | str | None, retry_after: str | None, what: str
) -> StoreError:
    """The store error for an unsuccessful HTTP status."""
    text = _error_text(body)
    msg = f"{what}: HTTP {status}" + (f": {text}" if text else "")
    if status == 413:
        return BatchTooLarge(msg)
    if status == 429 or status >= 500:
        return StoreUnavailable(msg, _retry_after(retry_after))
    return StoreRejected(msg)


# --- the store ------------------------------------------------------------------------------


class _RejectionTimes:
    """Assigns each rejection a unique time (ns), stable for a rejection written again.

    A rejection's time is its received_ns, moved forward by 1 ns while that time is taken
    by another rejection this object has placed. The k-th identical rejection of a batch
    keeps its time when the batch is retried. Remembers the last ``capacity`` rejections.
    """

    def __init__(self, capacity: int = 20_000) -> None:
        self._capacity = capacity
        self._by_key: OrderedDict[tuple[bytes, int], int] = OrderedDict()
        self._taken: dict[int, tuple[bytes, int]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _digest(r: Rejection) -> bytes:
        text = repr((str(r.reason), r.detail, r.topic, r.payload, r.received_ns))
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def assign(self, rejections: Sequence[Rejection]) -> list[int]:
        times: list[int] = []
        occurrences: Counter[bytes] = Counter()
        with self._lock:
            for r in rejections:
                digest = self._digest(r)
                key = (digest, occurrences[digest])
                occurrences[digest] += 1
                t = self._by_key.get(key)
                if t is None:
                    t = int(r.received_ns)
                    while t in self._taken:
                        t += 1
                    self._taken[t] = key
                    self._by_key[key] = t
                    if len(self._by_key) > self._capacity:
                        _, old = self._by_key.popitem(last=False)
                        self._taken.pop(old, None)
                else:
                    self._by_key.move_to_end(key)
                times.append(t)
        return times


STREAM_ROWS = 1_000
"""Points per chunk of a streamed read (``InfluxStore.each_timeline``): some 100 KB of JSON,
some 300 KB decoded. A desk's series ends its chunk, so this bounds what a rollup pass
decodes at once only for a desk of more messages than this in the range read."""


@functools.lru_cache(maxsize=65536)
def _presence_parts(municipality: str, hub: str, desk: str, sensor: str) -> tuple[str, str]:
    """(measurement and tags, the sensor field) of a desk, escaped by influxdb-client's
    Point; computed once per desk, since escaping is most of the cost of a line."""
    key = Point(PRESENCE).tag("municipality", municipality).tag("hub", hub).tag("desk", desk)
    key_line = key.field("x", 0).to_line_protocol()
    sensor_line = Point("m").field("sensor", sensor).to_line_protocol()
    return key_line.removesuffix(" x=0i"), sensor_line.removeprefix("m ")


def presence_line(e: PresenceEvent) -> str:
    """Exactly ``presence_point(e).to_line_protocol()`` (fields in Point's sorted order),
    without building a Point per event."""
    key, sensor = _presence_parts(e.municipality, e.hub, e.desk, e.sensor)
    fields = f"battery={int(e.battery)}i," if e.battery is not None else ""
    fields += f"heartbeat={'true' if e.heartbeat else 'false'},occupied={int(bool(e.occupied))}i,"
    if e.rssi is not None:
        fields += f"rssi={int(e.rssi)}i,"
    return f"{key} {fields}{sensor},seq={int(e.seq)}i {int(e.time_ns)}"


def presence_point(e: PresenceEvent) -> Point:
    p = (
        Point(PRESENCE)
        .tag("municipality", e.municipality)
        .tag("hub", e.hub)
        .tag("desk", e.desk)
        .field("occupied", int(bool(e.occupied)))
        .field("heartbeat", bool(e.heartbeat))
        .field("seq", int(e.seq))
        .field("sensor", e.sensor)
        .time(int(e.time_ns), WritePrecision.NS)
    )
    if e.battery is not None:
        p.field("battery", int(e.battery))
    if e.rssi is not None:
        p.field("rssi", int(e.rssi))
    return p


def rejection_point(r: Rejection, time_ns: int) -> Point:
    return (
        Point(REJECTED)
        .tag("reason", str(r.reason))
        .field("detail", encode_text(r.detail))
        .field("topic", encode_text(r.topic))
        .field("payload", encode_text(r.payload))
        .time(int(time_ns), WritePrecision.NS)
    )


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


_REQUIRED_FIELDS = ("sensor", "seq", "occupied", "heartbeat")


def _complete(row: Mapping[str, Any]) -> bool:
    """InfluxDB 1.x stores each field apart: a read racing a write can see a point with
    some of its fields missing. Such a row is not an event (yet)."""
    return all(row.get(f) is not None for f in _REQUIRED_FIELDS)


def _events(rows: Iterable[Mapping[str, Any]]) -> list[PresenceEvent]:
    return [_event(r) for r in rows if _complete(r)]


def _event(row: Mapping[str, Any]) -> PresenceEvent:
    return PresenceEvent(
        municipality=str(row["municipality"]),
        hub=str(row["hub"]),
        desk=str(row["desk"]),
        sensor=str(row["sensor"]),
        seq=int(row["seq"]),
        time_ns=int(row["time"]),
        occupied=bool(row["occupied"]),
        heartbeat=bool(row["heartbeat"]),
        battery=_opt_int(row.get("battery")),
        rssi=_opt_int(row.get("rssi")),
    )


def _rejection(row: Mapping[str, Any]) -> Rejection:
    return Rejection(
        reason=RejectReason(row["reason"]),
        detail=decode_text(str(row.get("detail") or "")),
        topic=decode_text(str(row.get("topic") or "")),
        payload=decode_text(str(row.get("payload") or "")),
        received_ns=int(row["time"]),
    )


def _major_version(header: str | None) -> int | None:
    m = re.match(r"\s*v?(\d+)", header or "")
    return int(m.group(1)) if m else None


class InfluxStore:
    name = "influxdb"

    def __init__(
        self,
        url: str,
        database: str,
        *,
        username: str = "",
        password: str = "",
        token: str = "",
        org: str = "hubsense",
        bucket: str = "hubsense",
        timeout_s: float = 10.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.database = database
        self.username = username
        self.password = password
        self.token = token
        self.org = org
        self.bucket = bucket
        self.timeout_s = timeout_s
        self.version: str | None = None
        self.major: int | None = None
        self._query_db = database
        self._org_id: str | None = None  # 2.x: set on open; enables /api/v2/delete
        self._http: httpx.Client | None = None
        self._http_lock = threading.Lock()
        self._client: InfluxDBClient | None = None
        self._write_api: WriteApi | None = None
        self._times = _RejectionTimes()

    @classmethod
    def from_settings(cls, settings: Settings) -> InfluxStore:
        return cls(
            settings.influx_url,
            settings.influx_database,
            username=settings.influx_username,
            password=settings.influx_password,
            token=settings.influx_token,
            org=settings.influx_org,
            bucket=settings.influx_bucket,
            timeout_s=settings.influx_timeout_s,
        )

    # --- plumbing ---------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        if self.token and self.major is not None and self.major >= 2:
            return {"Authorization": f"Token {self.token}"}
        return {}

    def _auth_params(self) -> dict[str, str]:
        if self.username and (self.major is None or self.major < 2):
            return {"u": self.username, "p": self.password}
        return {}

    def _httpc(self) -> httpx.Client:
        with self._http_lock:
            if self._http is None:
                # Answers uncompressed: httpx asks for gzip by default, and compressing
                # them cost influxd more CPU than the rest of answering (a region's
                # analysis: 0.39–1.19 s of influxd CPU gzipped, 0.28–0.31 s not), for
                # bytes that cross a loopback or a LAN.
                self._http = httpx.Client(
                    base_url=self.url,
                    timeout=self.timeout_s,
                    headers={"Accept-Encoding": "identity"},
                )
            return self._http

    def _require_open(self) -> None:
        if self.major is None:
            raise StoreUnavailable("InfluxDB store is not open")

    @staticmethod
    def _json(resp: httpx.Response, what: str) -> Any:
        # orjson: a year of a region's rollups is megabytes of JSON per report, and the
        # standard library's decoder was a tenth of a report's time
        try:
            return orjson.loads(resp.content)
        except ValueError as exc:
            raise StoreRejected(f"{what}: response is not JSON: {resp.text[:200]}") from exc

    @contextlib.contextmanager
    def _http_errors(self, what: str) -> Iterator[None]:
        """A timeout or a connection that fails is the store being unavailable."""
        try:
            yield
        except httpx.TimeoutException as exc:
            raise StoreUnavailable(f"{what}: timeout after {self.timeout_s}s: {exc}") from exc
        except (httpx.TransportError, OSError) as exc:
            raise StoreUnavailable(f"{what}: {self.url} unreachable: {exc}") from exc

    def _request(
        self,
        method: str,
        path: str,
        what: str,
        *,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
        json_body: Any = None,
        ok: tuple[int, ...] = (200, 201, 204),
    ) -> httpx.Response:
        with self._http_errors(what):
            resp = self._httpc().request(
                method,
                path,
                params=params,
                content=content,
                json=json_body,
                headers=self._headers(),
            )
        if resp.status_code not in ok:
            raise http_error(resp.status_code, resp.content, resp.headers.get("Retry-After"), what)
        return resp

    # --- lifecycle --------------------------------------------------------------------------

    def _detect_version(self) -> None:
        resp = self._request("GET", "/ping", "InfluxDB ping")
        self.version = resp.headers.get("X-Influxdb-Version")
        major = _major_version(self.version)
        if major is None:  # no or unparsable version header: guess from the credentials
            major = 2 if self.token else 1
        self.major = major

    def open(self) -> None:
        try:
            self._detect_version()
            self._setup()
        except BaseException:
            self.close()
            raise
        log.info("InfluxDB %s at %s, database %s", self.version, self.url, self._query_db)

    def _setup(self) -> None:
        if self.major is not None and self.major >= 2:
            self._setup_v2()
            if self._client is not None:  # opened again
                return
            self._client = InfluxDBClient(
                url=self.url,
                token=self.token,
                org=self.org,
                timeout=int(self.timeout_s * 1000),
                retries=False,
            )
            self._write_api = self._client.write_api(write_options=SYNCHRONOUS)
        else:
            what = "InfluxDB create database"
            resp = self._request(
                "POST",
                "/query",
                what,
                params={
                    "q": f"CREATE DATABASE {quote_ident(self.database)}",
                    **self._auth_params(),
                },
                ok=(200, 403),
            )
            if resp.status_code == 403:
                # Authenticated but no admin privilege: the database must already exist
                # (if it does not, every write reports it).
                log.warning(
                    "%s: %s; assuming database %s exists",
                    what,
                    _error_text(resp.content),
                    self.database,
                )
                return
            self._results(resp, what)

    def _setup_v2(self) -> None:
        """Create the bucket if missing and a DBRP mapping database/autogen → bucket."""
        what = "InfluxDB 2.x setup"
        v3 = self.major is not None and self.major >= 3
        resp = self._request(
            "GET", "/api/v2/orgs", what, params={"org": self.org}, ok=(200, 404) if v3 else (200,)
        )
        if resp.status_code == 404:
            # InfluxDB 3 Core/Enterprise: no orgs/buckets/DBRP; the v1 query API reads the
            # database the v2 write API writes, which is named after the bucket.
            log.info(
                "InfluxDB %s has no /api/v2/orgs; querying database %s", self.version, self.bucket
            )
            self._query_db = self.bucket
            return
        orgs = self._json(resp, what).get("orgs") or []
        if not orgs:
            raise StoreRejected(f"{what}: organisation {self.org!r} not found")
        org_id = str(orgs[0]["id"])
        self._org_id = org_id

        resp = self._request(
            "GET", "/api/v2/buckets", what, params={"orgID": org_id, "name": self.bucket}
        )
        buckets = [
            b for b in self._json(resp, what).get("buckets") or [] if b.get("name") == self.bucket
        ]
        if buckets:
            bucket_id = str(buckets[0]["id"])
        else:
            resp = self._request(
                "POST",
                "/api/v2/buckets",
                what,
                json_body={"orgID": org_id, "name": self.bucket, "retentionRules": []},
            )
            bucket_id = str(self._json(resp, what)["id"])
            log.info("created InfluxDB bucket %s", self.bucket)

        resp = self._request(
            "GET", "/api/v2/dbrps", what, params={"orgID": org_id, "db": self.database}
        )
        mappings = [
            m
            for m in self._json(resp, what).get("content") or []
            if m.get("database") == self.database
        ]
        if any(str(m.get("bucketID")) == bucket_id for m in mappings):
            return
        if mappings:
            raise StoreRejected(
                f"{what}: database {self.database!r} is already mapped (DBRP) to another "
                f"bucket than {self.bucket!r}; InfluxQL reads would not see our writes"
            )
        self._request(
            "POST",
            "/api/v2/dbrps",
            what,
            json_body={
                "orgID": org_id,
                "bucketID": bucket_id,
                "database": self.database,
                "retention_policy": "autogen",
                "default": True,
            },
        )
        log.info("created DBRP %s/autogen -> bucket %s", self.database, self.bucket)

    def close(self) -> None:
        self.major = None
        self._query_db = self.database
        self._org_id = None
        if self._write_api is not None:
            self._write_api.close()
            self._write_api = None
        if self._client is not None:
            self._client.close()
            self._client = None
        with self._http_lock:
            if self._http is not None:
                self._http.close()
                self._http = None

    def ping(self) -> None:
        try:
            self._request("GET", "/ping", "InfluxDB ping")
        except StoreUnavailable:
            raise
        except StoreError as exc:
            raise StoreUnavailable(str(exc)) from exc

    # --- writes -----------------------------------------------------------------------------

    def write(self, events: Sequence[PresenceEvent], rejections: Sequence[Rejection]) -> None:
        self._require_open()
        if not events and not rejections:
            return
        points: list[Point | str] = [presence_line(e) for e in events]
        times = self._times.assign(rejections)
        points += [rejection_point(r, t) for r, t in zip(rejections, times, strict=True)]
        self._send(points)

    def _send(self, points: Sequence[Point | str]) -> None:
        if self._write_api is not None:
            self._write_v2(points)
        else:
            body = "\n".join(
                p if isinstance(p, str) else p.to_line_protocol() for p in points
            ).encode("utf-8")
            self._request(
                "POST",
                "/write",
                "InfluxDB write",
                params={"db": self.database, "precision": "ns", **self._auth_params()},
                content=body,
            )

    def _write_v2(self, points: Sequence[Point | str]) -> None:
        assert self._write_api is not None
        what = "InfluxDB write"
        try:
            self._write_api.write(
                bucket=self.bucket,
                org=self.org,
                record=points,  # precision: NS (default)
            )
        except ApiException as exc:
            retry_after = exc.headers.get("Retry-After") if exc.headers else None
            status = exc.status if isinstance(exc.status, int) else 503
            raise http_error(status, exc.body, retry_after, what) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise StoreUnavailable(f"{what}: {self.url} unreachable: {exc}") from exc

    # --- reads ------------------------------------------------------------------------------

    def _query(self, q: str) -> list[dict[str, Any]]:
        """Run InfluxQL statements; one result dict per statement. Errors raise."""
        self._require_open()
        what = "InfluxDB query"
        resp = self._request(
            "GET",
            "/query",
            what,
            params={"db": self._query_db, "q": q, "epoch": "ns", **self._auth_params()},
        )
        return self._results(resp, what)

    @classmethod
    def _results(cls, resp: httpx.Response, what: str) -> list[dict[str, Any]]:
        results = _checked_results(cls._json(resp, what), what, resp.text)
        for result in results:
            for series in result.get("series") or []:
                if series.get("partial"):
                    raise StoreRejected(f"{what}: result truncated by the server (max-row-limit)")
        return results

    @staticmethod
    def _rows(result: Mapping[str, Any]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for series in result.get("series") or []:
            tags = series.get("tags") or {}
            columns = series.get("columns") or []
            for values in series.get("values") or []:
                row = dict(tags)
                row.update(zip(columns, values, strict=False))
                rows.append(row)
        return rows

    def latest(self, hub: str, since_ns: int) -> dict[str, PresenceEvent]:
        q = (
            f"SELECT * FROM {quote_ident(PRESENCE)} WHERE {quote_ident('hub')} = "
            f"{quote_literal(hub)} AND time >= {_time_literal(since_ns)} "
            f"GROUP BY {quote_ident('desk')} ORDER BY time DESC LIMIT 1"
        )
        rows = self._rows(self._query(q)[0])
        if not all(_complete(r) for r in rows):
            time.sleep(0.05)  # a point was being written: read again once it has landed
            rows = self._rows(self._query(q)[0])
        return {e.desk: e for e in _events(rows)}

    def timeline(self, hub: str, desk: str, start_ns: int, end_ns: int) -> list[PresenceEvent]:
        where = (
            f"{quote_ident('hub')} = {quote_literal(hub)} AND "
            f"{quote_ident('desk')} = {quote_literal(desk)}"
        )
        start = _time_literal(start_ns)
        q = (
            f"SELECT * FROM {quote_ident(PRESENCE)} WHERE {where} AND time < {start} "
            f"ORDER BY time DESC LIMIT 1; "
            f"SELECT * FROM {quote_ident(PRESENCE)} WHERE {where} AND time >= {start} "
            f"AND time < {_time_literal(end_ns)} ORDER BY time ASC"
        )
        before, inside = self._query(q)
        events = _events(self._rows(before) + self._rows(inside))
        events.sort(key=lambda e: e.time_ns)
        return events

    def hub_timelines(
        self, hub: str, desks: Sequence[str], start_ns: int, end_ns: int
    ) -> dict[str, list[PresenceEvent]]:
        return {d: list(events) for d, events in self.each_timeline(hub, desks, start_ns, end_ns)}

    def each_timeline(
        self, hub: str, desks: Sequence[str], start_ns: int, end_ns: int
    ) -> Iterator[tuple[str, Iterable[PresenceEvent]]]:
        wanted = list(dict.fromkeys(desks))
        if not wanted:
            return
        wanted_set = set(wanted)
        where = f"{quote_ident('hub')} = {quote_literal(hub)}"
        start = _time_literal(start_ns)
        by_desk = f"GROUP BY {quote_ident('desk')}"
        before = {
            e.desk: e
            for e in _events(
                self._rows(
                    self._query(
                        f"SELECT * FROM {quote_ident(PRESENCE)} WHERE {where} AND "
                        f"time < {start} {by_desk} ORDER BY time DESC LIMIT 1"
                    )[0]
                )
            )
        }
        inside = (
            f"SELECT * FROM {quote_ident(PRESENCE)} WHERE {where} AND time >= {start} "
            f"AND time < {_time_literal(end_ns)} {by_desk} ORDER BY time ASC"
        )
        done: set[str] = set()
        for desk, events in self._desk_series(inside):
            if desk in done:
                raise StoreRejected(f"InfluxDB query: the series of desk {desk!r} came apart")
            done.add(desk)
            if desk in wanted_set:  # the query's ORDER BY time: the events are in order
                yield desk, itertools.chain([before[desk]], events) if desk in before else events
        for desk in wanted:
            if desk not in done:
                yield desk, [before[desk]] if desk in before else []

    def _desk_series(self, q: str) -> Iterator[tuple[str, Iterator[PresenceEvent]]]:
        """The events of a query grouped by desk, one desk at a time, each desk's as they
        arrive. From InfluxDB 1.x a chunked response read as it comes (``STREAM_ROWS``
        points a chunk; a desk's series may span chunks), so no more than a chunk is held,
        whatever the number of a desk's events (``itertools.groupby``: the reader takes a
        desk's events before the next desk)."""
        for desk, rows in itertools.groupby(self._series_events(q), key=operator.itemgetter(0)):
            yield desk, (event for _, event in rows)

    def _series_events(self, q: str) -> Iterator[tuple[str, PresenceEvent]]:
        for result in self._streamed(q):
            for series in result.get("series") or []:
                tags = series.get("tags") or {}
                desk = str(tags.get("desk"))
                columns = series.get("columns") or []
                for values in series.get("values") or []:
                    row = dict(tags)
                    row.update(zip(columns, values, strict=False))
                    if _complete(row):
                        yield desk, _event(row)

    def _streamed(self, q: str) -> Iterator[Mapping[str, Any]]:
        """The results of one statement, chunk by chunk (InfluxDB 2.x's 1.x-compatible
        endpoint: in one piece)."""
        self._require_open()
        if self.major is not None and self.major >= 2:
            yield from self._query(q)
            return
        what = "InfluxDB query"
        params = {
            "db": self._query_db,
            "q": q,
            "epoch": "ns",
            "chunked": "true",
            "chunk_size": str(STREAM_ROWS),
            **self._auth_params(),
        }
        with self._http_errors(what):
            with self._httpc().stream(
                "GET", "/query", params=params, headers=self._headers()
            ) as resp:
                if resp.status_code != 200:
                    body = resp.read()
                    raise http_error(resp.status_code, body, resp.headers.get("Retry-After"), what)
                for line in resp.iter_lines():
                    if line.strip():
                        yield from self._chunk_results(line, what)

    @staticmethod
    def _chunk_results(line: str, what: str) -> list[dict[str, Any]]:
        try:
            data = orjson.loads(line)
        except ValueError as exc:
            raise StoreRejected(f"{what}: response is not JSON: {line[:200]}") from exc
        # (a chunk's series may be "partial": the next chunk goes on with it)
        return _checked_results(data, what, line)

    def count_events(self, hub: str | None = None) -> int:
        q = f"SELECT COUNT({quote_ident('seq')}) FROM {quote_ident(PRESENCE)}"
        if hub is not None:
            q += f" WHERE {quote_ident('hub')} = {quote_literal(hub)}"
        rows = self._rows(self._query(q)[0])
        return sum(int(r.get("count") or 0) for r in rows)

    def rejections(self, limit: int = 100) -> list[Rejection]:
        limit = int(limit)
        if limit <= 0:
            return []
        q = f"SELECT * FROM {quote_ident(REJECTED)} ORDER BY time DESC LIMIT {limit}"
        return [_rejection(r) for r in self._rows(self._query(q)[0])]

    def rejection_counts(self) -> dict[str, int]:
        q = f"SELECT COUNT(*) FROM {quote_ident(REJECTED)} GROUP BY {quote_ident('reason')}"
        counts: dict[str, int] = {}
        for row in self._rows(self._query(q)[0]):
            n = max((int(v or 0) for k, v in row.items() if k.startswith("count_")), default=0)
            if n:
                counts[str(row["reason"])] = n
        return counts

    # --- rollups ------------------------------------------------------------------------
    def write_rollups(
        self,
        hub: str,
        start_ns: int,
        end_ns: int,
        desk_days: Sequence[DeskDayRollup],
        group_days: Sequence[GroupDayRollup],
        slots: Sequence[SlotRollup],
    ) -> None:
        self._require_open()
        check_rollups(hub, start_ns, end_ns, desk_days, group_days, slots)
        new_keys = {
            DESK_DAY: {(r.desk, r.day_start_ns) for r in desk_days},
            GROUP_DAY: {(r.group, r.day_start_ns) for r in group_days},
            SLOT: {(r.group, r.start_ns) for r in slots},
        }
        new_keys[DESK_FLAG] = new_keys[DESK_DAY]  # a copy of a row written again is rewritten
        stored = self._stored_keys(hub, start_ns, end_ns)
        no_delete_api = self.major is not None and self.major >= 2 and self._org_id is None
        if no_delete_api or any(not stored[m] <= new_keys[m] for m in ROLLUPS):
            self._delete_rollups(hub, start_ns, end_ns)  # (logs and only overwrites without)
        blocks = self._blocks_around(hub, start_ns, end_ns)
        add_rollups(blocks, desk_days)
        group_blocks = self._group_blocks_around(hub, start_ns, end_ns)
        for g in group_days:
            group_blocks.setdefault(block_of(g.day_start_ns), []).append(
                StoredGroupDay(g.group, g.day_start_ns, group_day_values(g))
            )
        copies = [r for r in desk_days
                  if is_copied(r.idle_open_days, r.day_stuck_ns)
                  or (r.desk, r.day_start_ns) in stored[DESK_FLAG]]
        # group-days last: they mark the days computed (``rollups.stale_days``), so a write
        # cut short leaves its days to be computed again, desk blocks included
        points = [desk_day_point(r) for r in desk_days]
        points += [desk_flag_point(r) for r in copies]
        points += [slot_point(r) for r in slots]
        points += [desk_block_point(hub, b, block) for b, block in sorted(blocks.items())]
        points += [group_day_point(r) for r in group_days]
        # and the group blocks after the group-days, so that they say what the rows say
        points += [group_block_point(hub, b, rows) for b, rows in sorted(group_blocks.items())]
        for i in range(0, len(points), _WRITE_CHUNK):
            self._send(points[i : i + _WRITE_CHUNK])

    def _blocks_around(self, hub: str, start_ns: int, end_ns: int) -> Blocks:
        """The desk blocks overlapping ``[start_ns, end_ns)`` summed from the stored rows
        outside it (the rows inside are about to be replaced): what a write of that range
        adds its rows to. Every write of a block thus recomputes it from its rows, and a
        block left behind by a concurrent write of other days of it is right again after
        the next write."""
        spans = blocks_between(start_ns, end_ns)
        blocks: Blocks = {b: {} for b in spans}
        if not spans:
            return blocks
        before = (spans[0], start_ns)
        after = (end_ns, spans[-1] + BLOCK_NS)
        for lo, hi in (before, after):
            if lo < hi:
                self._add_stored_rows(blocks, hub, lo, hi)
        return blocks

    def _group_blocks_around(
        self, hub: str, start_ns: int, end_ns: int
    ) -> dict[int, list[StoredGroupDay]]:
        """The stored group-days of the blocks overlapping ``[start_ns, end_ns)`` that lie
        outside it (those inside are about to be replaced), by block: what a write of that
        range adds its group-days to, as ``_blocks_around`` does for the desk blocks."""
        spans = blocks_between(start_ns, end_ns)
        out: dict[int, list[StoredGroupDay]] = {b: [] for b in spans}
        if not spans:
            return out
        outside = [(spans[0], start_ns), (end_ns, spans[-1] + BLOCK_NS)]
        statements = [self._select(GROUP_DAY, hub, lo, hi, "*", "group")
                      for lo, hi in outside if lo < hi]
        for r in self._batched(statements):
            out[block_of(int(r["time"]))].append(_stored_group_day(r))
        return out

    def _add_stored_rows(self, blocks: Blocks, hub: str, lo: int, hi: int) -> None:
        """Add the stored desk-days in ``[lo, hi)`` to their blocks, making sure that the
        flagged-looking ones among them have their copy (rows written before copies were
        kept have none), as a block row vouches for its copies."""
        fields = ", ".join(quote_ident(f) for f in ("sums", "idle_open_days", "day_stuck_ns"))
        rows = self._rollup_rows(
            DESK_DAY, hub, lo, hi, select=fields, group_by=f" GROUP BY {quote_ident('desk')}"
        )
        flagged: set[tuple[str, int]] = set()
        for r in rows:
            b = block_of(int(r["time"]))
            block = blocks.setdefault(b, {})
            if block is None:
                continue
            if not r.get("sums"):  # a row stored before version 3
                blocks[b] = None
                continue
            idle = _opt_int(r.get("idle_open_days")) or 0
            stuck = _opt_int(r.get("day_stuck_ns")) or 0
            add_row(block, str(r["desk"]), str(r["sums"]), idle, stuck)
            if is_copied(idle, stuck):
                flagged.add((str(r["desk"]), int(r["time"])))
        missing = flagged - self._copy_keys(hub, lo, hi) if flagged else set()
        if missing:
            statements = [
                self._select(DESK_DAY, hub, t, t + 1, "*", "desk",
                             f"{quote_ident('desk')} = {quote_literal(d)}")
                for d, t in sorted(missing)
            ]
            self._send([
                desk_flag_point(desk_day_from(str(r["hub"]), str(r["desk"]), int(r["time"]), r))
                for r in self._batched(statements)
            ])

    def _copy_keys(self, hub: str, lo: int, hi: int) -> set[tuple[str, int]]:
        rows = self._rollup_rows(DESK_FLAG, hub, lo, hi, select=quote_ident("open_ns"),
                                 group_by=f" GROUP BY {quote_ident('desk')}")
        return {(str(r["desk"]), int(r["time"])) for r in rows}

    def _stored_keys(self, hub: str, start_ns: int, end_ns: int) -> dict[str, set[tuple[str, int]]]:
        """The keys of every rollup row stored for the hub in the range, by measurement.
        Where they are all among the rows about to be written, the write alone replaces
        them (a point with the same series and time is overwritten, and every row writes
        all its fields), and the DELETE, which InfluxDB 1.x makes slow on a large database
        (seconds per hub), is not needed: the first computation of a range and a
        recomputation of the same days skip it."""
        tag = {DESK_DAY: "desk", GROUP_DAY: "group", SLOT: "group", DESK_FLAG: "desk"}
        keys: dict[str, set[tuple[str, int]]] = {m: set() for m in ROLLUPS}
        t = start_ns
        while t < end_ns:  # in the chunks reads use, so no answer grows without bound
            u = min(end_ns, t + _READ_CHUNK_NS)
            where = (
                f"WHERE {quote_ident('hub')} = {quote_literal(hub)} AND time >= "
                f"{_time_literal(t)} AND time < {_time_literal(u)}"
            )
            q = "; ".join(
                f"SELECT {quote_ident('open_ns')} FROM {quote_ident(m)} {where} "
                f"GROUP BY {quote_ident(tag[m])}"
                for m in ROLLUPS
            )
            for m, result in zip(ROLLUPS, self._query(q), strict=True):
                keys[m] |= {(str(row.get(tag[m])), int(row["time"])) for row in self._rows(result)}
            t = u
        return keys

    def _delete_rollups(self, hub: str, start_ns: int, end_ns: int) -> None:
        if end_ns <= start_ns:
            return
        if self.major is not None and self.major >= 2:
            if self._org_id is None:
                log.debug("InfluxDB %s: no delete API; rollups are overwritten", self.version)
                return
            if not _PLAIN_ID.match(hub):
                raise StoreRejected(
                    f"InfluxDB delete: hub id {hub!r} cannot be used in a predicate"
                )
            for measurement in ROLLUPS:
                self._request(
                    "POST",
                    "/api/v2/delete",
                    "InfluxDB delete",
                    params={"org": self.org, "bucket": self.bucket},
                    json_body={
                        "start": _rfc3339(start_ns),
                        "stop": _rfc3339(end_ns - 1),
                        "predicate": f'_measurement="{measurement}" AND hub="{hub}"',
                    },
                )
            return
        where = (
            f"WHERE {quote_ident('hub')} = {quote_literal(hub)} AND time >= "
            f"{_time_literal(start_ns)} AND time < {_time_literal(end_ns)}"
        )
        q = "; ".join(f"DELETE FROM {quote_ident(m)} {where}" for m in ROLLUPS)
        what = "InfluxDB delete"
        resp = self._request(
            "POST",
            "/query",
            what,
            params={"db": self._query_db, "q": q, **self._auth_params()},
        )
        self._results(resp, what)

    def delete_before(self, presence_ns: int | None, rejected_ns: int | None) -> None:
        """Retention: drop raw events and rejection records older than the cutoffs."""
        self._require_open()
        cutoffs = [(m, c) for m, c in ((PRESENCE, presence_ns), (REJECTED, rejected_ns)) if c]
        if self.major is not None and self.major >= 2:
            if self._org_id is None:
                log.warning("InfluxDB %s: no delete API; use the bucket's retention", self.version)
                return
            for measurement, cutoff in cutoffs:
                self._request(
                    "POST",
                    "/api/v2/delete",
                    "InfluxDB delete",
                    params={"org": self.org, "bucket": self.bucket},
                    json_body={
                        "start": _rfc3339(0),
                        "stop": _rfc3339(cutoff - 1),
                        "predicate": f'_measurement="{measurement}"',
                    },
                )
            return
        if not cutoffs:
            return
        q = "; ".join(
            f"DELETE FROM {quote_ident(m)} WHERE time < {_time_literal(c)}" for m, c in cutoffs
        )
        what = "InfluxDB delete"
        resp = self._request(
            "POST", "/query", what, params={"db": self._query_db, "q": q, **self._auth_params()}
        )
        self._results(resp, what)

    def _rollup_rows(
        self,
        measurement: str,
        hub: str,
        start_ns: int,
        end_ns: int,
        where: str = "",
        select: str = "*",
        group_by: str = "",
    ) -> list[dict[str, Any]]:
        """Rows of a rollup measurement of ``hub`` in the range; ``where`` adds conditions
        (quoted). Read in chunks of at most 31 days, so that no series of the answer grows
        past the server's max-row-limit; grouped by a tag (each series then holds a row per
        day at most), four years at a time: a query costs InfluxDB per series and field, so
        fewer, longer ones are cheaper."""
        cond = f"{quote_ident('hub')} = {quote_literal(hub)}" + (f" AND ({where})" if where else "")
        chunk = _GROUPED_READ_CHUNK_NS if group_by else _READ_CHUNK_NS
        rows: list[dict[str, Any]] = []
        t = start_ns
        while t < end_ns:
            u = min(end_ns, t + chunk)
            q = (
                f"SELECT {select} FROM {quote_ident(measurement)} WHERE {cond} "
                f"AND time >= {_time_literal(t)} AND time < {_time_literal(u)}{group_by}"
            )
            rows += self._rows(self._query(q)[0])
            t = u
        return rows

    def desk_day_rollups(
        self, hub: str, start_ns: int, end_ns: int, desks: Sequence[str] | None = None
    ) -> list[DeskDayRollup]:
        where = ""
        if desks is not None and len(desks) <= _DESK_FILTER_MAX:
            if not desks:
                return []
            where = " OR ".join(f"{quote_ident('desk')} = {quote_literal(d)}" for d in desks)
        # (by desk: each series then holds at most a chunk's days, under max-row-limit)
        rows = self._rollup_rows(
            DESK_DAY, hub, start_ns, end_ns, where, group_by=f" GROUP BY {quote_ident('desk')}"
        )
        wanted = None if desks is None else set(desks)
        out = [
            desk_day_from(str(r["hub"]), str(r["desk"]), int(r["time"]), r)
            for r in rows
            if wanted is None or r["desk"] in wanted
        ]
        out.sort(key=lambda r: (r.day_start_ns, r.desk))
        return out

    def desk_day_totals(self, hub: str, start_ns: int, end_ns: int) -> dict[str, DeskTotals]:
        # From the desk blocks within the range, and the rows' one ``sums`` field for the
        # days they do not cover: InfluxDB 1.x's SUM over nine fields takes longer than
        # reading them (a cursor per field and series), and reading a year of rows costs
        # in proportion to their bytes (hubsense.store.desk_blocks).
        # (blocks not stored or not summable: rows stored before blocks or before version 3)
        sums_field = quote_ident("sums")
        blocks, rows = self._blocks_and_rows(
            hub, start_ns, end_ns, DESK_BLOCK, "desks", block_from_text,
            lambda lo, hi: self._select(DESK_DAY, hub, lo, hi, sums_field, "desk"),
        )
        sums: dict[str, list[int]] = {}
        for block in blocks.values():
            for desk, x in block.items():
                acc = sums.setdefault(desk, [0] * 10)
                for i, v in enumerate(x.sums):
                    acc[i] += v
        for r in rows:
            text = r.get("sums")
            if text:
                add_sums(sums.setdefault(str(r["desk"]), [0] * 10), str(text))
        return {desk: totals_of(acc) for desk, acc in sums.items()}

    def flagged_desk_days(
        self, hub: str, start_ns: int, end_ns: int, min_idle_open_days: int
    ) -> list[DeskDayRollup]:
        # Where a block row vouches for the copies of its flagged-looking rows, the copies
        # are read (about 2 % of the rows); elsewhere the rows are scanned: all of them
        # where no block row was written, only the desks and blocks a block row names for
        # a threshold below the copies' one.
        where = f"{quote_ident('day_stuck_ns')} > 0"
        if min_idle_open_days > 0:
            where += f" OR {quote_ident('idle_open_days')} >= {int(min_idle_open_days)}"
        if 0 < min_idle_open_days < COPY_MIN_IDLE_OPEN_DAYS:
            blocks, rest = self._summed_blocks(hub, start_ns, end_ns)
            windows: list[tuple[str | None, int, int]] = [(None, lo, hi) for lo, hi in rest]
            hits: dict[str, list[int]] = {}
            for b, block in sorted(blocks.items()):
                for desk, x in block.items():
                    if x.flagged(min_idle_open_days):
                        hits.setdefault(desk, []).append(b)
            for desk, starts in sorted(hits.items()):
                windows += [(desk, a, b) for a, b in consecutive(starts, BLOCK_NS)]
            out = self._flagged_rows(hub, where, windows)
        else:
            # Every copy, filtered here (a condition on fields makes InfluxDB 1.x read the
            # copies several times slower than reading them all), and the block rows that
            # vouch for them, in one request.
            q = "; ".join((
                self._select(DESK_BLOCK, hub, block_of(start_ns), end_ns,
                             quote_ident("summable"), "hub"),
                self._select(DESK_FLAG, hub, start_ns, end_ns, "*", "desk"),
            ))
            blocks_result, copies_result = self._query(q)
            vouched = {int(r["time"]) for r in self._rows(blocks_result) if r.get("summable")}
            copies = [
                desk_day_from(str(r["hub"]), str(r["desk"]), int(r["time"]), r)
                for r in self._rows(copies_result)
                if block_of(int(r["time"])) in vouched
            ]
            out = [r for r in copies if r.day_stuck_ns > 0
                   or 0 < min_idle_open_days <= r.idle_open_days]
            rest = uncovered(start_ns, end_ns, vouched)
            out += self._flagged_rows(hub, where, [(None, lo, hi) for lo, hi in rest])
        out.sort(key=lambda r: (r.day_start_ns, r.desk))
        return out

    @staticmethod
    def _select(
        measurement: str, hub: str, lo: int, hi: int, select: str, tag: str, where: str = ""
    ) -> str:
        """A statement for the hub's rows of ``measurement`` in ``[lo, hi)`` that meet
        ``where`` (quoted), grouped by ``tag``: for a range short enough that no series
        exceeds max-row-limit (a row per day or block: decades)."""
        cond = f" AND ({where})" if where else ""
        return (
            f"SELECT {select} FROM {quote_ident(measurement)} WHERE {quote_ident('hub')} = "
            f"{quote_literal(hub)}{cond} AND time >= {_time_literal(lo)} AND time < "
            f"{_time_literal(hi)} GROUP BY {quote_ident(tag)}"
        )

    def _flagged_rows(
        self, hub: str, where: str, windows: Sequence[tuple[str | None, int, int]]
    ) -> list[DeskDayRollup]:
        """Whole rows matching ``where`` within each window (of its desk, or of every
        desk). First which desks and days, reading only the two fields the condition
        needs (a query costs a cursor per field and series, and the condition visits every
        row), then each desk's runs of consecutive hits, whole: no query reads a row that
        is not one. Each step is one request of many statements."""
        desk = quote_ident("desk")
        narrow = f"{quote_ident('day_stuck_ns')}, {quote_ident('idle_open_days')}"
        scans = [
            self._select(DESK_DAY, hub, lo, hi, narrow, "desk", where if d is None else
                         f"{desk} = {quote_literal(d)} AND ({where})")
            for d, lo, hi in windows
        ]
        hits: dict[str, list[int]] = {}
        for row in self._batched(scans):
            hits.setdefault(str(row["desk"]), []).append(int(row["time"]))
        reads = [
            self._select(DESK_DAY, hub, a, b, "*", "desk",
                         f"{desk} = {quote_literal(d)} AND ({where})")
            for d, times in sorted(hits.items())
            for a, b in consecutive(times, _DAY_GAP_NS)
        ]
        return [
            desk_day_from(str(r["hub"]), str(r["desk"]), int(r["time"]), r)
            for r in self._batched(reads)
        ]

    def _batched(self, statements: Sequence[str]) -> list[dict[str, Any]]:
        """The rows of many statements (``_query_many``), one list."""
        return [row for result in self._query_many(statements) for row in self._rows(result)]

    def desk_day_windows(
        self, hub: str, windows: Sequence[tuple[str, int, int]]
    ) -> list[DeskDayRollup]:
        # A statement per window, all in one request, each naming its desk (a tag, so
        # influxd reads that series only) and its days, no field condition.
        desk = quote_ident("desk")
        statements = [
            self._select(DESK_DAY, hub, lo, hi, "*", "desk", f"{desk} = {quote_literal(d)}")
            for d, lo, hi in windows
            if lo < hi
        ]
        out = [
            desk_day_from(str(r["hub"]), str(r["desk"]), int(r["time"]), r)
            for r in self._batched(statements)
        ]
        out.sort(key=lambda r: (r.day_start_ns, r.desk))
        return out

    def _summed_blocks(
        self, hub: str, start_ns: int, end_ns: int
    ) -> tuple[dict[int, Block], list[tuple[int, int]]]:
        """The stored desk blocks that lie wholly within the range and can be summed, and
        the parts of the range they leave uncovered (to be read as desk-days)."""
        starts = full_blocks(start_ns, end_ns)
        blocks: dict[int, Block] = {}
        if starts:
            rows = self._rollup_rows(
                DESK_BLOCK,
                hub,
                starts[0],
                starts[-1] + 1,
                select=quote_ident("desks"),
                group_by=f" GROUP BY {quote_ident('hub')}",
            )
            for r in rows:
                block = block_from_text(str(r.get("desks") or ""))
                if block is not None:
                    blocks[int(r["time"])] = block
        return blocks, uncovered(start_ns, end_ns, set(blocks))

    def rewrite_desk_days(self, hub: str, rows: Sequence[DeskDayRollup]) -> None:
        # A point with the same series and time replaces the stored one (every field is
        # written), so this is a plain write; then the desk blocks of those days again.
        self._require_open()
        for r in rows:
            if r.hub != hub:
                raise ValueError(f"rollup of hub {r.hub!r} written as hub {hub!r}")
        if not rows:
            return
        lo = min(r.day_start_ns for r in rows)
        copied = self._copy_keys(hub, lo, max(r.day_start_ns for r in rows) + 1)
        points = [desk_day_point(r) for r in rows]
        points += [desk_flag_point(r) for r in rows
                   if is_copied(r.idle_open_days, r.day_stuck_ns)
                   or (r.desk, r.day_start_ns) in copied]
        for i in range(0, len(points), _WRITE_CHUNK):
            self._send(points[i : i + _WRITE_CHUNK])
        starts = sorted({block_of(r.day_start_ns) for r in rows})
        blocks: Blocks = {b: {} for b in starts}
        self._add_stored_rows(blocks, hub, starts[0], starts[-1] + BLOCK_NS)
        self._send([desk_block_point(hub, b, block) for b, block in sorted(blocks.items())])

    def group_day_rollups(
        self, hub: str, start_ns: int, end_ns: int, group: str | None = None
    ) -> list[GroupDayRollup]:
        # From the group blocks that lie within the range, and the rows of the days they
        # leave uncovered, both ends in one request (hubsense.store.group_blocks).
        # A second request only for blocks not stored or stored empty (rows written
        # before group blocks existed; a block too long for a field).
        where = "" if group is None else f"{quote_ident('group')} = {quote_literal(group)}"
        blocks, rows = self._blocks_and_rows(
            hub, start_ns, end_ns, GROUP_BLOCK, "rows", unpack,
            lambda lo, hi: self._select(GROUP_DAY, hub, lo, hi, "*", "group", where),
        )
        stored = [g for days in blocks.values() for g in days
                  if group is None or g.group == group]
        stored += [_stored_group_day(r) for r in rows]
        out = [group_day_from(hub, g.group, g.time_ns, g.values) for g in stored]
        out.sort(key=lambda r: (r.day_start_ns, r.group))
        return out

    def _blocks_and_rows(
        self,
        hub: str,
        start_ns: int,
        end_ns: int,
        measurement: str,
        field: str,
        decode: Callable[[str], _B | None],
        rows_of: Callable[[int, int], str],
    ) -> tuple[dict[int, _B], list[dict[str, Any]]]:
        """The hub's blocks (``measurement``, text ``field`` decoded) that lie wholly within
        the range, and the rows (``rows_of(lo, hi)``: the statement) of the days they do
        not cover: the blocks and both ends in one request, and a second request only for
        blocks not stored or stored empty (``decode`` gives None)."""
        starts = full_blocks(start_ns, end_ns)
        statements = [rows_of(lo, hi) for lo, hi in uncovered(start_ns, end_ns, set(starts))]
        if starts:
            statements.insert(0, self._select(measurement, hub, starts[0], starts[-1] + 1,
                                              quote_ident(field), "hub"))
        results = self._query_many(statements)
        blocks: dict[int, _B] = {}
        if starts:
            for r in self._rows(results.pop(0)):
                block = decode(str(r.get(field) or ""))
                if block is not None:
                    blocks[int(r["time"])] = block
        rows = [r for result in results for r in self._rows(result)]
        rows += self._batched([rows_of(b, b + BLOCK_NS) for b in starts if b not in blocks])
        return blocks, rows

    def _query_many(self, statements: Sequence[str]) -> list[dict[str, Any]]:
        """The results of many statements, in their order, ``_STATEMENTS_PER_REQUEST`` to
        a request."""
        results: list[dict[str, Any]] = []
        for i in range(0, len(statements), _STATEMENTS_PER_REQUEST):
            results += self._query("; ".join(statements[i : i + _STATEMENTS_PER_REQUEST]))
        return results

    def slot_rollups(
        self,
        hub: str,
        start_ns: int,
        end_ns: int,
        group: str | None = None,
    ) -> list[SlotRollup]:
        out = [
            SlotRollup(
                hub=str(r["hub"]),
                group=str(r["group"]),
                start_ns=int(r["time"]),
                open_ns=int(r["open_ns"]),
                occupied_ns=int(r["occupied_ns"]),
                peak=int(r["peak"]),
            )
            for r in self._rollup_rows(
                SLOT,
                hub,
                start_ns,
                end_ns,
                "" if group is None else f"{quote_ident('group')} = {quote_literal(group)}",
            )
        ]
        out.sort(key=lambda r: (r.start_ns, r.group))
        return out


# --- rollups --------------------------------------------------------------------------------


def _checked_results(data: Any, what: str, text: str) -> list[dict[str, Any]]:
    """The ``results`` of a decoded /query answer; an error in it, or another shape, raises
    StoreRejected (``text``: the answer, for the message)."""
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        raise StoreRejected(f"{what}: {data['error']}")
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        raise StoreRejected(f"{what}: unexpected response {text[:200]}")
    for result in results:
        if result.get("error"):
            raise StoreRejected(f"{what}: {result['error']}")
    return results


def _rollup_point(
    measurement: str, tags: Mapping[str, str], time_ns: int, values: Mapping[str, int | str]
) -> Point:
    p = Point(measurement)
    for k, v in tags.items():
        p = p.tag(k, v)
    for name, value in values.items():
        p = p.field(name, value if isinstance(value, str) else int(value))
    return p.time(int(time_ns), WritePrecision.NS)


def desk_day_point(r: DeskDayRollup) -> Point:
    return _rollup_point(
        DESK_DAY, {"hub": r.hub, "desk": r.desk}, r.day_start_ns, desk_day_values(r)
    )


def group_day_point(r: GroupDayRollup) -> Point:
    return _rollup_point(
        GROUP_DAY, {"hub": r.hub, "group": r.group}, r.day_start_ns, group_day_values(r)
    )


def desk_block_point(hub: str, start_ns: int, block: Block | None) -> Point:
    return _rollup_point(DESK_BLOCK, {"hub": hub}, start_ns,
                         {"desks": block_text(block), "summable": int(block is not None)})


def group_block_point(hub: str, start_ns: int, rows: Sequence[StoredGroupDay]) -> Point:
    return _rollup_point(GROUP_BLOCK, {"hub": hub}, start_ns,
                         {"rows": pack(rows, _GROUP_DAY_NAMES)})


def _stored_group_day(row: Mapping[str, Any]) -> StoredGroupDay:
    """A group-day row of a /query answer (``SELECT *``, grouped by group)."""
    return StoredGroupDay(
        str(row["group"]), int(row["time"]), {n: row.get(n) for n in _GROUP_DAY_NAMES}
    )


def desk_flag_point(r: DeskDayRollup) -> Point:
    return _rollup_point(
        DESK_FLAG, {"hub": r.hub, "desk": r.desk}, r.day_start_ns, desk_day_values(r)
    )


def slot_point(r: SlotRollup) -> Point:
    return (
        Point(SLOT)
        .tag("hub", r.hub)
        .tag("group", r.group)
        .field("open_ns", int(r.open_ns))
        .field("occupied_ns", int(r.occupied_ns))
        .field("peak", int(r.peak))
        .time(int(r.start_ns), WritePrecision.NS)
    )


def _rfc3339(ns: int) -> str:
    sec, rest = divmod(int(ns), 1_000_000_000)
    return f"{datetime.fromtimestamp(sec, UTC):%Y-%m-%dT%H:%M:%S}.{rest:09d}Z"
