"""GET /api/rejections."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from hubsense.events import Rejection, RejectReason
from hubsense.store.sqlite import SqliteStore
from tests.api.api_support import NOW, S


@pytest.fixture
def filled(sqlite_store: SqliteStore) -> SqliteStore:
    rows = [
        Rejection(
            RejectReason.BAD_JSON,
            "Expecting value",
            "hubs/berg/svenstavik/a01/presence",
            "{oops",
            NOW - 30 * S,
        ),
        Rejection(
            RejectReason.UNKNOWN_DESK,
            "no desk svenstavik/z99",
            "hubs/berg/svenstavik/z99/presence",
            '{"v":1}',
            NOW - 20 * S,
        ),
        Rejection(
            RejectReason.BAD_JSON,
            "Expecting value",
            "hubs/berg/svenstavik/a02/presence",
            "\\x00\\x01",
            NOW - 10 * S,
        ),
    ]
    sqlite_store.write([], rows)
    return sqlite_store


def test_recent_rejections_and_counts(
    make_client: Callable[..., TestClient], filled: SqliteStore
) -> None:
    r = make_client(filled).get("/api/rejections")
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 3
    assert body["counts"] == {str(reason): 0 for reason in RejectReason} | {
        "bad_json": 2,
        "unknown_desk": 1,
    }
    assert [x["received"] for x in body["rejections"]] == [
        "2026-11-25T09:59:50Z",
        "2026-11-25T09:59:40Z",
        "2026-11-25T09:59:30Z",
    ]
    assert body["rejections"][0] == {
        "reason": "bad_json",
        "detail": "Expecting value",
        "topic": "hubs/berg/svenstavik/a02/presence",
        "payload": "\\x00\\x01",
        "received": "2026-11-25T09:59:50Z",
    }


def test_limit(make_client: Callable[..., TestClient], filled: SqliteStore) -> None:
    body = make_client(filled).get("/api/rejections", params={"limit": 1}).json()
    assert len(body["rejections"]) == 1
    assert body["rejections"][0]["topic"] == "hubs/berg/svenstavik/a02/presence"
    assert body["total"] == 3  # counts are over everything stored


def test_limit_1000_is_allowed(client: TestClient) -> None:
    r = client.get("/api/rejections", params={"limit": 1000})
    assert r.status_code == 200
    assert r.json()["rejections"] == []
    assert r.json()["total"] == 0


@pytest.mark.parametrize("limit", ["0", "1001", "-1", "abc", "1.5", "';--", "9" * 400])
def test_bad_limit_is_422_with_a_message(client: TestClient, limit: str) -> None:
    r = client.get("/api/rejections", params={"limit": limit})
    assert r.status_code == 422
    body = r.json()
    assert body["detail"].startswith("query.limit: ")
    assert body["errors"][0]["loc"] == ["query", "limit"]


def test_store_down_is_503(broken_client: TestClient) -> None:
    r = broken_client.get("/api/rejections")
    assert r.status_code == 503
    assert "connection refused (test)" in r.json()["detail"]
