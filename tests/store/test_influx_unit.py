"""InfluxStore without a real InfluxDB: quoting, text encoding, error classification and the
2.x code path, against small local HTTP servers that answer as scripted and record requests.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubsense.config import Settings
from hubsense.devservers import free_port
from hubsense.events import PresenceEvent, Rejection, RejectReason
from hubsense.store.base import BatchTooLarge, StoreRejected, StoreUnavailable
from hubsense.store.influx import (
    InfluxStore,
    _RejectionTimes,
    _retry_after,
    decode_text,
    encode_text,
    quote_ident,
    quote_literal,
)

# --- quoting ---------------------------------------------------------------------------------


def scan_influxql_string(quoted: str) -> tuple[str, str]:
    """InfluxQL's string scanner (influxql.ScanString): (value, rest after the closing quote).

    Raises ValueError where InfluxDB would report a bad string or a bad escape.
    """
    ending, i = quoted[0], 1
    out: list[str] = []
    while True:
        if i >= len(quoted) or quoted[i] == "\n":
            raise ValueError("bad string")
        ch = quoted[i]
        if ch == ending:
            return "".join(out), quoted[i + 1:]
        if ch == "\\":
            nxt = quoted[i + 1] if i + 1 < len(quoted) else ""
            escapes = {"n": "\n", "\\": "\\", '"': '"', "'": "'"}
            if nxt not in escapes:
                raise ValueError("bad escape")
            out.append(escapes[nxt])
            i += 2
            continue
        out.append(ch)
        i += 1


HOSTILE = [
    "x' OR 1=1 --",
    "a\\'b",
    "a\\\\'b",
    "trailing\\",
    "new\nline",
    'double"quote',
    "single'quote",
    "'; DROP DATABASE \"x\"; --",
    "\\n is not a newline",
    "",
    "Östersund ☃ 😀",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_quote_literal_hostile(text: str) -> None:
    quoted = quote_literal(text)
    assert quoted.startswith("'") and quoted.endswith("'")
    assert "\n" not in quoted
    assert scan_influxql_string(quoted) == (text, "")


@pytest.mark.parametrize("text", HOSTILE)
def test_quote_ident_hostile(text: str) -> None:
    quoted = quote_ident(text)
    assert quoted.startswith('"') and quoted.endswith('"')
    assert "\n" not in quoted
    assert scan_influxql_string(quoted) == (text, "")


def test_quote_exact_forms() -> None:
    assert quote_literal("x' OR 1=1 --") == "'x\\' OR 1=1 --'"
    assert quote_literal("a\\'b") == "'a\\\\\\'b'"
    assert quote_literal("a\nb") == "'a\\nb'"
    assert quote_literal('say "hi"') == "'say \"hi\"'"
    assert quote_ident('my "db"') == '"my \\"db\\""'
    assert quote_ident("it's") == '"it\'s"'
    assert quote_ident("c:\\") == '"c:\\\\"'


def test_quote_refuses_non_strings() -> None:
    with pytest.raises(TypeError):
        quote_literal(1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        quote_ident(None)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_quoting_round_trips_any_text(text: str) -> None:
    for quoted in (quote_literal(text), quote_ident(text)):
        assert scan_influxql_string(quoted) == (text, "")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_text_encoding_round_trips_and_has_no_line_breaks(text: str) -> None:
    encoded = encode_text(text)
    assert "\n" not in encoded and "\r" not in encoded
    assert decode_text(encoded) == text


def test_text_encoding_forms() -> None:
    assert encode_text("a\nb\r\\c") == "a\\nb\\r\\\\c"
    assert decode_text("a\\\\nb") == "a\\nb"
    assert decode_text("keep \\x01 as is") == "keep \\x01 as is"


def test_retry_after_parsing() -> None:
    assert _retry_after("7") == 7.0
    assert _retry_after(" 1.5 ") == 1.5
    assert _retry_after(None) is None
    assert _retry_after("soon") is None
    when = _retry_after(formatdate(time.time() + 60, usegmt=True))
    assert when is not None and 55 < when <= 61


def test_rejection_times_unique_and_stable_on_retry() -> None:
    times = _RejectionTimes()
    a = Rejection(RejectReason.BAD_JSON, "d", "t", "a", 100)
    b = Rejection(RejectReason.BAD_JSON, "d", "t", "b", 100)
    c = Rejection(RejectReason.BAD_JSON, "d", "t", "c", 101)
    first = times.assign([a, b, a, c])
    assert first == [100, 101, 102, 103]
    assert times.assign([a, b, a, c]) == first  # a retried batch keeps its times
    assert times.assign([Rejection(RejectReason.FUTURE, "d", "t", "x", 101)]) == [104]
    assert times.assign([Rejection(RejectReason.FUTURE, "d", "t", "y", 50)]) == [50]


def test_rejection_times_forget_beyond_capacity() -> None:
    times = _RejectionTimes(capacity=2)
    rs = [Rejection(RejectReason.BAD_JSON, "", "", str(i), 7) for i in range(3)]
    assert times.assign(rs) == [7, 8, 9]
    assert len(times._by_key) == 2 and 7 not in times._taken


# --- a scripted fake InfluxDB ----------------------------------------------------------------


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int = 204
    body: object = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


Route = Reply | Callable[[Recorded], Reply]


class FakeInflux:
    """Answers ``routes[(method, path)]``; 404 for anything else. Records every request."""

    def __init__(self, version: str = "1.8.10") -> None:
        self.requests: list[Recorded] = []
        self.routes: dict[tuple[str, str], Route] = {
            ("GET", "/ping"): Reply(204, headers={"X-Influxdb-Version": version}),
            ("POST", "/query"): Reply(200, {"results": [{"statement_id": 0}]}),
            ("GET", "/query"): Reply(200, {"results": [{"statement_id": 0}]}),
            ("POST", "/write"): Reply(204),
        }
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                rec = Recorded(
                    self.command, url.path,
                    {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()},
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length) if length else b"",
                )
                fake.requests.append(rec)
                route = fake.routes.get((self.command, url.path), Reply(404, {"error": "nope"}))
                reply = route(rec) if callable(route) else route
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                body = reply.body
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                if data:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=2)

    def find(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path == path]


@pytest.fixture
def fake1() -> Iterator[FakeInflux]:
    fake = FakeInflux("1.8.10")
    try:
        yield fake
    finally:
        fake.close()


@pytest.fixture
def fake2() -> Iterator[FakeInflux]:
    fake = FakeInflux("2.7.1")
    try:
        yield fake
    finally:
        fake.close()


def opened(store: InfluxStore) -> InfluxStore:
    store.open()
    return store


EVENT = PresenceEvent("berg", "svenstavik", "a01", "svenstavik-a01", 42, 1_764_057_600_123_456_789,
                      True, False, 87, -71)
EVENT_LINE = (
    "presence,desk=a01,hub=svenstavik,municipality=berg battery=87i,heartbeat=false,"
    'occupied=1i,rssi=-71i,sensor="svenstavik-a01",seq=42i 1764057600123456789'
)
REJECTION = Rejection(RejectReason.BAD_JSON, 'bad "json"', "hubs/a b,c=d", "{\n\\", 5)
REJECTION_LINE = (
    'rejected,reason=bad_json detail="bad \\"json\\"",payload="{\\\\n\\\\\\\\",'
    'topic="hubs/a b,c=d" 5'
)


# --- InfluxDB 1.x ------------------------------------------------------------------------------


def test_v1_open_creates_database_and_writes_line_protocol(fake1: FakeInflux) -> None:
    store = opened(InfluxStore(fake1.url, 'my "db"', username="u1", password="p'w"))
    try:
        (create,) = fake1.find("POST", "/query")
        assert create.params["q"] == 'CREATE DATABASE "my \\"db\\""'
        assert (create.params["u"], create.params["p"]) == ("u1", "p'w")
        store.write([EVENT], [REJECTION])
        (write,) = fake1.find("POST", "/write")
        assert write.params == {"db": 'my "db"', "precision": "ns", "u": "u1", "p": "p'w"}
        assert "authorization" not in write.headers
        assert write.body.decode().split("\n") == [EVENT_LINE, REJECTION_LINE]
    finally:
        store.close()


def test_from_settings() -> None:
    s = Settings.model_validate({
        "influx_url": "http://influx:8086/", "influx_database": "d", "influx_token": "t",
        "influx_org": "o", "influx_bucket": "b", "influx_timeout_s": 3})
    store = InfluxStore.from_settings(s)
    assert (store.url, store.database, store.token, store.org, store.bucket, store.timeout_s) == (
        "http://influx:8086", "d", "t", "o", "b", 3)
    assert store.name == "influxdb"


@pytest.mark.parametrize(
    ("status", "body", "headers", "exc", "retry_after"),
    [
        (400, {"error": 'partial write: field type conflict dropped=1'}, {}, StoreRejected, None),
        (400, {"error": "unable to parse 'x': bad timestamp"}, {}, StoreRejected, None),
        (404, {"error": 'database not found: "d"'}, {}, StoreRejected, None),
        (401, {"error": "authorization failed"}, {}, StoreRejected, None),
        (413, {"error": "Request Entity Too Large"}, {}, BatchTooLarge, None),
        (429, b"slow down", {"Retry-After": "7"}, StoreUnavailable, 7.0),
        (503, b"", {"Retry-After": "2"}, StoreUnavailable, 2.0),
        (500, {"error": "timeout"}, {}, StoreUnavailable, None),
    ],
)
def test_v1_write_errors_are_classified(
    fake1: FakeInflux, status: int, body: object, headers: dict[str, str],
    exc: type[Exception], retry_after: float | None,
) -> None:
    fake1.routes[("POST", "/write")] = Reply(status, body, headers)
    store = opened(InfluxStore(fake1.url, "d"))
    try:
        with pytest.raises(exc) as info:
            store.write([EVENT], [])
        assert f"HTTP {status}" in str(info.value)
        if isinstance(body, dict):
            assert body["error"] in str(info.value)
        if isinstance(info.value, StoreUnavailable):
            assert info.value.retry_after_s == retry_after
    finally:
        store.close()


def test_v1_query_errors_are_classified(fake1: FakeInflux) -> None:
    store = opened(InfluxStore(fake1.url, "d"))
    try:
        fake1.routes[("GET", "/query")] = Reply(
            200, {"results": [{"statement_id": 0, "error": "database not found: d"}]})
        with pytest.raises(StoreRejected, match="database not found"):
            store.count_events()
        fake1.routes[("GET", "/query")] = Reply(400, {"error": "error parsing query: x"})
        with pytest.raises(StoreRejected, match="error parsing query"):
            store.latest("svenstavik", 0)
        fake1.routes[("GET", "/query")] = Reply(503, b"", {"Retry-After": "3"})
        with pytest.raises(StoreUnavailable) as info:
            store.rejections()
        assert info.value.retry_after_s == 3.0
        fake1.routes[("GET", "/query")] = Reply(429, b"")
        with pytest.raises(StoreUnavailable):
            store.rejection_counts()
        fake1.routes[("GET", "/query")] = Reply(200, b"<html>proxy</html>")
        with pytest.raises(StoreRejected, match="not JSON"):
            store.timeline("svenstavik", "a01", 0, 1)
    finally:
        store.close()


def test_v1_open_fails_on_statement_error(fake1: FakeInflux) -> None:
    fake1.routes[("POST", "/query")] = Reply(
        200, {"results": [{"statement_id": 0, "error": "requires admin privilege"}]})
    store = InfluxStore(fake1.url, "d")
    try:
        with pytest.raises(StoreRejected, match="admin privilege"):
            store.open()
    finally:
        store.close()


def test_v1_open_without_admin_privilege_assumes_database_exists(fake1: FakeInflux) -> None:
    fake1.routes[("POST", "/query")] = Reply(403, {"error": "requires admin privilege"})
    store = opened(InfluxStore(fake1.url, "d", username="writer", password="pw"))
    try:
        store.write([EVENT], [])
        assert len(fake1.find("POST", "/write")) == 1
    finally:
        store.close()


def test_v1_query_parses_results(fake1: FakeInflux) -> None:
    store = opened(InfluxStore(fake1.url, "d"))
    try:
        fake1.routes[("GET", "/query")] = Reply(200, {"results": [{"statement_id": 0, "series": [
            {"name": "presence", "tags": {"desk": "a01"},
             "columns": ["time", "battery", "heartbeat", "hub", "municipality", "occupied",
                         "rssi", "seq", "sensor"],
             "values": [[1_764_057_600_123_456_789, 87, False, "svenstavik", "berg", 1, -71,
                         42, "svenstavik-a01"]]},
            {"name": "presence", "tags": {"desk": "a02"},
             "columns": ["time", "battery", "heartbeat", "hub", "municipality", "occupied",
                         "rssi", "seq", "sensor"],
             "values": [[7, None, True, "svenstavik", "berg", 0, None, 1, "svenstavik-a02"]]},
        ]}]})
        latest = store.latest("svenstavik", 5)
        assert latest["a01"] == EVENT
        assert latest["a02"] == PresenceEvent("berg", "svenstavik", "a02", "svenstavik-a02", 1,
                                              7, False, True, None, None)
        (query,) = fake1.find("GET", "/query")
        assert query.params["db"] == "d" and query.params["epoch"] == "ns"
        assert query.params["q"] == (
            "SELECT * FROM \"presence\" WHERE \"hub\" = 'svenstavik' AND time >= 5 "
            'GROUP BY "desk" ORDER BY time DESC LIMIT 1'
        )
    finally:
        store.close()


def test_unreachable_server_is_unavailable(fake1: FakeInflux) -> None:
    store = InfluxStore(f"http://127.0.0.1:{free_port()}", "d", timeout_s=0.5)
    with pytest.raises(StoreUnavailable, match="unreachable"):
        store.open()
    store.close()

    store = opened(InfluxStore(fake1.url, "d", timeout_s=0.5))
    try:
        fake1.close()  # the server goes away after open
        with pytest.raises(StoreUnavailable, match="unreachable"):
            store.ping()
        with pytest.raises(StoreUnavailable, match="unreachable"):
            store.write([EVENT], [])
        with pytest.raises(StoreUnavailable, match="unreachable"):
            store.count_events()
    finally:
        store.close()


def test_not_open_is_unavailable(fake1: FakeInflux) -> None:
    store = InfluxStore(fake1.url, "d")
    with pytest.raises(StoreUnavailable, match="not open"):
        store.write([EVENT], [])
    with pytest.raises(StoreUnavailable, match="not open"):
        store.latest("svenstavik", 0)
    store.open()
    store.close()
    with pytest.raises(StoreUnavailable, match="not open"):
        store.rejections()
    assert not fake1.find("POST", "/write") and not fake1.find("GET", "/query")


def test_slow_server_times_out_as_unavailable(fake1: FakeInflux) -> None:
    store = opened(InfluxStore(fake1.url, "d", timeout_s=0.2))
    try:
        fake1.routes[("POST", "/write")] = Reply(204, delay_s=0.6)
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="timeout"):
            store.write([EVENT], [])
        assert time.monotonic() - started < 0.55
    finally:
        store.close()


def test_ping_raises_unavailable_on_error_status(fake1: FakeInflux) -> None:
    store = opened(InfluxStore(fake1.url, "d"))
    try:
        store.ping()
        fake1.routes[("GET", "/ping")] = Reply(401, {"error": "auth"})
        with pytest.raises(StoreUnavailable):
            store.ping()
    finally:
        store.close()


# --- InfluxDB 2.x ------------------------------------------------------------------------------


def v2_routes(fake: FakeInflux, *, bucket_exists: bool, dbrp_exists: bool) -> None:
    bucket = {"id": "b0000000000000b1", "name": "sensors", "orgID": "o00000000000000a"}
    fake.routes.update({
        ("GET", "/api/v2/orgs"): Reply(200, {"orgs": [{"id": "o00000000000000a",
                                                       "name": "acme"}]}),
        ("GET", "/api/v2/buckets"): Reply(200, {"buckets": [bucket] if bucket_exists else []}),
        ("POST", "/api/v2/buckets"): Reply(201, bucket),
        ("GET", "/api/v2/dbrps"): Reply(200, {"content": [
            {"id": "d1", "database": "hubsense", "retention_policy": "autogen",
             "bucketID": "b0000000000000b1", "default": True}] if dbrp_exists else []}),
        ("POST", "/api/v2/dbrps"): Reply(201, {"id": "d1"}),
        ("POST", "/api/v2/write"): Reply(204),
    })


def v2_store(fake: FakeInflux) -> InfluxStore:
    return InfluxStore(fake.url, "hubsense", token="s3cret", org="acme", bucket="sensors",
                       username="ignored-on-2x", password="x")


def test_v2_open_creates_bucket_and_dbrp_and_writes_via_client(fake2: FakeInflux) -> None:
    v2_routes(fake2, bucket_exists=False, dbrp_exists=False)
    store = opened(v2_store(fake2))
    try:
        assert store.major == 2
        (orgs,) = fake2.find("GET", "/api/v2/orgs")
        assert orgs.params == {"org": "acme"}
        assert orgs.headers["authorization"] == "Token s3cret"
        (bucket,) = fake2.find("POST", "/api/v2/buckets")
        assert json.loads(bucket.body) == {"orgID": "o00000000000000a", "name": "sensors",
                                           "retentionRules": []}
        (dbrp,) = fake2.find("POST", "/api/v2/dbrps")
        assert json.loads(dbrp.body) == {
            "orgID": "o00000000000000a", "bucketID": "b0000000000000b1",
            "database": "hubsense", "retention_policy": "autogen", "default": True}
        assert not fake2.find("POST", "/query")  # no CREATE DATABASE on 2.x

        store.write([EVENT], [REJECTION])
        (write,) = fake2.find("POST", "/api/v2/write")
        assert write.params["org"] == "acme"
        assert write.params["bucket"] == "sensors"
        assert write.params["precision"] == "ns"
        assert write.headers["authorization"] == "Token s3cret"
        assert write.body.decode().split("\n") == [EVENT_LINE, REJECTION_LINE]
        assert not fake2.find("POST", "/write")

        store.count_events()
        (query,) = fake2.find("GET", "/query")
        assert query.params["db"] == "hubsense" and "u" not in query.params
        assert query.headers["authorization"] == "Token s3cret"
    finally:
        store.close()


def test_v2_open_is_idempotent(fake2: FakeInflux) -> None:
    v2_routes(fake2, bucket_exists=True, dbrp_exists=True)
    store = opened(v2_store(fake2))
    store.close()
    assert not fake2.find("POST", "/api/v2/buckets")
    assert not fake2.find("POST", "/api/v2/dbrps")


def test_v2_open_refuses_dbrp_to_another_bucket(fake2: FakeInflux) -> None:
    v2_routes(fake2, bucket_exists=True, dbrp_exists=False)
    fake2.routes[("GET", "/api/v2/dbrps")] = Reply(200, {"content": [
        {"id": "d9", "database": "hubsense", "retention_policy": "autogen",
         "bucketID": "other", "default": True}]})
    store = v2_store(fake2)
    try:
        with pytest.raises(StoreRejected, match="another bucket"):
            store.open()
    finally:
        store.close()


def test_v2_open_unknown_org(fake2: FakeInflux) -> None:
    fake2.routes[("GET", "/api/v2/orgs")] = Reply(404, {"code": "not found",
                                                        "message": 'organization "acme" not found'})
    store = v2_store(fake2)
    try:
        with pytest.raises(StoreRejected, match="organization"):
            store.open()
    finally:
        store.close()


@pytest.mark.parametrize(
    ("status", "body", "headers", "exc", "retry_after"),
    [
        (400, {"code": "invalid", "message": "partial write: field type conflict"}, {},
         StoreRejected, None),
        (422, {"code": "unprocessable entity", "message": "points beyond retention"}, {},
         StoreRejected, None),
        (413, {"code": "request too large", "message": "too large"}, {}, BatchTooLarge, None),
        (429, {"code": "too many requests", "message": "slow"}, {"Retry-After": "11"},
         StoreUnavailable, 11.0),
        (503, {"code": "unavailable", "message": "busy"}, {"Retry-After": "4"},
         StoreUnavailable, 4.0),
    ],
)
def test_v2_write_errors_are_classified(
    fake2: FakeInflux, status: int, body: dict[str, str], headers: dict[str, str],
    exc: type[Exception], retry_after: float | None,
) -> None:
    v2_routes(fake2, bucket_exists=True, dbrp_exists=True)
    fake2.routes[("POST", "/api/v2/write")] = Reply(status, body, headers)
    store = opened(v2_store(fake2))
    try:
        with pytest.raises(exc) as info:
            store.write([EVENT], [])
        assert body["message"] in str(info.value)
        if isinstance(info.value, StoreUnavailable):
            assert info.value.retry_after_s == retry_after
    finally:
        store.close()


def test_v2_write_to_vanished_server_is_unavailable(fake2: FakeInflux) -> None:
    v2_routes(fake2, bucket_exists=True, dbrp_exists=True)
    store = opened(v2_store(fake2))
    try:
        fake2.close()
        with pytest.raises(StoreUnavailable):
            store.write([EVENT], [])
    finally:
        store.close()


def test_v3_without_v2_management_queries_the_bucket() -> None:
    fake = FakeInflux("3.1.0")
    try:
        fake.routes[("POST", "/api/v2/write")] = Reply(204)
        store = opened(v2_store(fake))
        try:
            store.write([EVENT], [])
            store.count_events()
            (query,) = fake.find("GET", "/query")
            assert query.params["db"] == "sensors"
            assert not fake.find("POST", "/api/v2/buckets")
        finally:
            store.close()
    finally:
        fake.close()


def test_rows_with_fields_still_being_written_are_not_events() -> None:
    from hubsense.store.influx import _events

    full = {"municipality": "berg", "hub": "svenstavik", "desk": "a01", "sensor": "s",
            "seq": 3, "time": 10, "occupied": 1, "heartbeat": False}
    partial = {**full, "desk": "a02", "seq": None}
    events = _events([full, partial])
    assert [e.desk for e in events] == ["a01"]
    assert events[0].seq == 3 and events[0].occupied is True


def test_answers_are_asked_for_uncompressed(fake1: FakeInflux) -> None:
    """Compressing a query's answer cost influxd more CPU than the rest of answering it."""
    store = opened(InfluxStore(fake1.url, "d"))
    try:
        store.count_events()
        store.write([EVENT], [])
    finally:
        store.close()
    assert fake1.requests
    assert {r.headers.get("accept-encoding") for r in fake1.requests} == {"identity"}
