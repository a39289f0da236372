"""Disruptive Technologies: the adapter (documented event bodies) and the signed webhook.

The signature check is tested against a real Data Connector request: the body and
X-Dt-Signature header of DT's own integration tests (python-integrations, tests/events.py,
signed with the secret 'test-secret'), checked at a clock inside the token's lifetime.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.webhooks import PublishFailed, SignatureError, topic_for, verify_dt_signature
from launch.app import create_app
from tests.collector.adapters.support import ADAPTERS_DIR, cases, check, registry, sample_adapter
from tests.collector.adapters.support import settings as adapter_settings

pytestmark = pytest.mark.dated


CASES = cases("disruptive")
TESTDATA = ADAPTERS_DIR / "disruptive" / "testdata"
SIGNED_BODY = (TESTDATA / "touch-signed.json").read_bytes()
SIGNED_TOKEN = (TESTDATA / "touch-signed.header").read_text().strip()
SIGNED_IAT, SIGNED_EXP = 1644496933, 1644500533
SECRET = "test-secret"  # noqa: S105 - DT's published test secret


def test_cases_in_order_share_one_adapter():
    adapter = sample_adapter("disruptive")  # the battery report is kept for the next event
    for case in CASES:
        check(adapter, case)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(body: bytes, secret: str = SECRET, *, iat: int, alg: str = "HS256", **claims) -> str:
    """A token as a Data Connector makes it (HS256 over header.claims, SHA-1 checksum)."""
    payload = {
        "checksum": hashlib.sha1(body).hexdigest(),
        "exp": iat + 3600,
        "iat": iat,
        "jti": "test",
    } | claims
    head = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body_part = _b64(json.dumps(payload).encode())
    mac = hmac.new(secret.encode(), f"{head}.{body_part}".encode(), hashlib.sha256).digest()
    return f"{head}.{body_part}.{_b64(mac)}"


def test_real_dt_signature_verifies():
    claims = verify_dt_signature(SIGNED_TOKEN, SIGNED_BODY, SECRET, now_s=SIGNED_IAT + 10)
    assert claims["checksum"] == hashlib.sha1(SIGNED_BODY).hexdigest()
    assert claims["checksum_sha256"] == hashlib.sha256(SIGNED_BODY).hexdigest()


@pytest.mark.parametrize(
    ("token", "body", "secret", "now", "why"),
    [
        (SIGNED_TOKEN, SIGNED_BODY, "bad-secret", SIGNED_IAT, "does not match the secret"),
        (SIGNED_TOKEN, SIGNED_BODY + b" ", SECRET, SIGNED_IAT, "checksum does not match"),
        (SIGNED_TOKEN, SIGNED_BODY, SECRET, SIGNED_EXP + 61, "expired"),
        (None, SIGNED_BODY, SECRET, SIGNED_IAT, "missing"),
        ("a.b", SIGNED_BODY, SECRET, SIGNED_IAT, "not a JWT"),
        (SIGNED_TOKEN, SIGNED_BODY, "", SIGNED_IAT, "no signature secret"),
    ],
    ids=["wrong-secret", "tampered-body", "expired", "no-header", "not-jwt", "no-secret"],
)
def test_bad_signatures_are_refused(token, body, secret, now, why):
    with pytest.raises(SignatureError, match=why):
        verify_dt_signature(token, body, secret, now_s=now)


def test_alg_none_and_other_algorithms_are_refused():
    body = b"{}"
    head = _b64(b'{"alg":"none","typ":"JWT"}')
    claims = _b64(json.dumps({"checksum": hashlib.sha1(body).hexdigest(), "exp": 2e9}).encode())
    with pytest.raises(SignatureError, match="HS256"):
        verify_dt_signature(f"{head}.{claims}.", body, SECRET, now_s=1e9)
    with pytest.raises(SignatureError, match="HS256"):
        verify_dt_signature(sign(body, iat=10**9, alg="HS512"), body, SECRET, now_s=1e9)


def test_checksum_sha256_is_checked_when_present():
    body = b'{"event":{}}'
    token = sign(body, iat=10**9, checksum_sha256="00" * 32)
    with pytest.raises(SignatureError, match="sha256"):
        verify_dt_signature(token, body, SECRET, now_s=1e9)


def test_topics_from_the_body_are_safe():
    occupied = (TESTDATA / "desk-occupancy-occupied.json").read_bytes()
    assert topic_for("disruptive", occupied) == (
        "disruptive/d0cv6cco848c73ajtmv0/cj5jpe7r23r0008c1pmg/deskOccupancy",
        "deskOccupancy",
    )
    hostile = json.dumps(
        {"event": {"eventType": "desk#/+", "targetName": "projects/a/b/devices/../x"}}
    ).encode()
    assert topic_for("disruptive", hostile) == ("disruptive/_/_/_", "desk#/+")
    assert topic_for("disruptive", b"not json") == ("disruptive/_/_/_", None)


class FakePublisher:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[tuple[str, bytes]] = []
        self.fail = fail

    def publish(self, topic: str, payload: bytes, timeout_s: float) -> None:
        if self.fail:
            raise PublishFailed("no PUBACK")
        self.sent.append((topic, payload))

    def close(self) -> None:
        pass


def client_for(tmp_path: Path, publisher: FakePublisher, now_s: int, secret: str = SECRET):
    from hubsense.store.sqlite import SqliteStore

    store = SqliteStore(tmp_path / "s.sqlite3")
    store.open()
    app = create_app(
        adapter_settings(dt_signature_secret=secret),
        registry(),
        store,
        clock=lambda: now_s * 10**9,
        webhook_publisher=publisher,
    )
    return TestClient(app), store


URL = "/api/webhooks/disruptive-technologies"


def test_webhook_forwards_verified_presence_and_answers_after_the_puback(tmp_path):
    publisher = FakePublisher()
    client, store = client_for(tmp_path, publisher, now_s=1_746_787_000)
    body = (TESTDATA / "desk-occupancy-occupied.json").read_bytes()
    resp = client.post(URL, content=body, headers={"X-Dt-Signature": sign(body, iat=1_746_787_000)})
    assert resp.status_code == 200, resp.text
    assert publisher.sent == [
        ("disruptive/d0cv6cco848c73ajtmv0/cj5jpe7r23r0008c1pmg/deskOccupancy", body)
    ]
    # DT's own signed touch request: verified, but touch is no presence: 200, not forwarded
    client.app.state.clock = lambda: (SIGNED_IAT + 5) * 10**9
    resp = client.post(URL, content=SIGNED_BODY, headers={"x-dt-signature": SIGNED_TOKEN})
    assert resp.status_code == 200 and resp.json()["status"] == "ignored"
    assert len(publisher.sent) == 1
    metrics = client.get("/metrics").text
    assert (
        'hubsense_webhook_requests_total{result="accepted",source="disruptive-technologies"}'
        " 1.0" in metrics
    )
    store.close()


def test_webhook_refuses_unsigned_and_tampered_requests(tmp_path):
    publisher = FakePublisher()
    client, store = client_for(tmp_path, publisher, now_s=1_746_787_000)
    body = (TESTDATA / "desk-occupancy-occupied.json").read_bytes()
    assert client.post(URL, content=body).status_code == 401
    token = sign(body, iat=1_746_787_000)
    assert (
        client.post(URL, content=body + b"\n", headers={"X-Dt-Signature": token}).status_code == 401
    )
    assert (
        client.post(
            URL, content=body, headers={"X-Dt-Signature": sign(body, "other", iat=1_746_787_000)}
        ).status_code
        == 401
    )
    assert publisher.sent == []
    store.close()


def test_webhook_answers_503_when_the_broker_does_not_ack(tmp_path):
    client, store = client_for(tmp_path, FakePublisher(fail=True), now_s=1_746_787_000)
    body = (TESTDATA / "desk-occupancy-occupied.json").read_bytes()
    resp = client.post(URL, content=body, headers={"X-Dt-Signature": sign(body, iat=1_746_787_000)})
    assert resp.status_code == 503 and resp.headers["retry-after"] == "5"
    store.close()


def test_webhook_is_off_without_a_secret(tmp_path):
    client, store = client_for(tmp_path, FakePublisher(), now_s=1_746_787_000, secret="")
    assert client.post(URL, content=b"{}").status_code == 404
    store.close()
