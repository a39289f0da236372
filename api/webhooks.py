"""Sensor-cloud webhooks: Disruptive Technologies Data Connector (HTTP push).

Design: the webhook authenticates and forwards, the collector converts. A Data Connector
delivers each event at least once and retries until it gets a 2xx. The route

1. verifies ``X-Dt-Signature``: a JWT (HS256, the connector's signature secret) whose
   ``checksum`` claim is the SHA-1 of the exact request body (``checksum_sha256``, when
   present, the SHA-256) and whose ``exp`` has not passed;
2. republishes the verified body unchanged to
   ``<dt_topic_root>/<project>/<device>/<eventType>`` with QoS 1, and
3. answers 200 only after the broker's PUBACK for that message (503 otherwise, so the
   connector retries).

From the broker on, the event takes the path every sensor message takes: the collector's
``disruptive`` adapter converts it, dedups it by (hub, desk, time), rejects unknown devices
(stored, with a reason), and acknowledges it only once stored. The webhook stays thin and
holds no state, and a broker ACL lets the API's MQTT user publish only under the DT topic.
Event types that carry no presence (touch, networkStatus, temperature, ...) are answered
200 and dropped here; they are counted in ``/metrics``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, Protocol, cast

import paho.mqtt.client as mqtt
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from hubsense.config import Settings
from hubsense.mqtt import new_client, parse_mqtt_url

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "x-dt-signature"
FORWARDED = ("deskOccupancy", "objectPresent", "batteryStatus")
LEEWAY_S = 60.0
_SEGMENT = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


# --- signature --------------------------------------------------------------------------


class SignatureError(ValueError):
    """The request is not signed by the configured Data Connector."""


def _b64url(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise SignatureError("token is not base64url") from None


def verify_dt_signature(
    token: str | None, body: bytes, secret: str, now_s: float, leeway_s: float = LEEWAY_S
) -> dict[str, Any]:
    """The token's claims if it is a valid DT signature of ``body``; SignatureError else.

    Only HS256 is accepted (never ``none`` or another algorithm the token names)."""
    if not secret:
        raise SignatureError("no signature secret configured")
    if not token:
        raise SignatureError("missing X-Dt-Signature header")
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise SignatureError("X-Dt-Signature is not a JWT")
    try:
        header = json.loads(_b64url(parts[0]))
        claims = json.loads(_b64url(parts[1]))
    except (ValueError, UnicodeDecodeError):
        raise SignatureError("JWT header or claims are not JSON") from None
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        raise SignatureError("JWT algorithm must be HS256")
    expected = hmac.new(
        secret.encode(), f"{parts[0]}.{parts[1]}".encode("ascii", "replace"), hashlib.sha256
    ).digest()
    if not hmac.compare_digest(expected, _b64url(parts[2])):
        raise SignatureError("signature does not match the secret")
    if not isinstance(claims, dict):
        raise SignatureError("JWT claims are not an object")
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise SignatureError("JWT has no exp claim")
    if now_s > exp + leeway_s:
        raise SignatureError("JWT has expired")
    checksum = claims.get("checksum")
    if not isinstance(checksum, str) or not hmac.compare_digest(
        checksum.lower(),
        hashlib.sha1(body).hexdigest(),  # noqa: S324 - DT's checksum
    ):
        raise SignatureError("body checksum does not match")
    sha256 = claims.get("checksum_sha256")
    if sha256 is not None and (
        not isinstance(sha256, str)
        or not hmac.compare_digest(sha256.lower(), hashlib.sha256(body).hexdigest())
    ):
        raise SignatureError("body checksum_sha256 does not match")
    return claims


# --- publishing -------------------------------------------------------------------------


class PublishFailed(RuntimeError):
    """The broker did not acknowledge the message in time (or refused it)."""


class Publisher(Protocol):
    def publish(self, topic: str, payload: bytes, timeout_s: float) -> None:
        """Return once the broker acknowledged (PUBACK) the QoS 1 message."""

    def close(self) -> None: ...


class MqttPublisher:
    """One MQTT 5 connection; ``publish`` waits for the PUBACK and checks its reason code."""

    def __init__(self, settings: Settings) -> None:
        self._address = parse_mqtt_url(settings.mqtt_url)
        self._client = new_client(
            self._address,
            f"hubsense-webhook-{secrets.token_hex(4)}",
            protocol="5",
            ca_file=settings.mqtt_ca_file,
        )
        self._client.on_publish = self._on_publish
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._cond = threading.Condition()
        self._acks: dict[int, bool] = {}
        self._abandoned: set[int] = set()
        self._connected = False
        self._started = False

    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: object,
        flags: object,
        rc: Any,
        properties: object = None,
    ) -> None:
        with self._cond:
            self._connected = not rc.is_failure
            self._cond.notify_all()

    def _on_disconnect(
        self,
        client: mqtt.Client,
        userdata: object,
        flags: object,
        rc: Any,
        properties: object = None,
    ) -> None:
        with self._cond:
            self._connected = False

    def _on_publish(
        self, client: mqtt.Client, userdata: object, mid: int, rc: Any, properties: object = None
    ) -> None:
        with self._cond:
            if mid in self._abandoned:
                self._abandoned.discard(mid)
                return
            self._acks[mid] = not rc.is_failure
            self._cond.notify_all()

    def _ensure_started(self, deadline: float) -> None:
        with self._cond:
            if not self._started:
                self._client.connect_async(self._address.host, self._address.port)
                self._client.loop_start()
                self._started = True
            if not self._cond.wait_for(lambda: self._connected, deadline - time.monotonic()):
                raise PublishFailed("not connected to the broker")

    def publish(self, topic: str, payload: bytes, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        self._ensure_started(deadline)
        info = self._client.publish(topic, payload, qos=1)
        with self._cond:
            done = self._cond.wait_for(
                lambda: info.mid in self._acks, max(0.0, deadline - time.monotonic())
            )
            if not done:
                self._abandoned.add(info.mid)
                raise PublishFailed("no PUBACK from the broker in time")
            if not self._acks.pop(info.mid):
                raise PublishFailed("the broker refused the message (not authorised?)")

    def close(self) -> None:
        if self._started:
            self._client.disconnect()
            self._client.loop_stop()


# --- the route --------------------------------------------------------------------------


def _segment(value: object) -> str:
    return value if isinstance(value, str) and _SEGMENT.match(value) else "_"


def topic_for(root: str, body: bytes) -> tuple[str, str | None]:
    """(topic, eventType) for a verified body; unusable ids become ``_`` (the collector
    then rejects the message and records why)."""
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return f"{root}/_/_/_", None
    event = doc.get("event") if isinstance(doc, dict) else None
    event = event if isinstance(event, dict) else {}
    kind = event.get("eventType")
    target = event.get("targetName")
    parts = target.split("/") if isinstance(target, str) else []
    project, device = (parts[1], parts[3]) if len(parts) == 4 else (None, None)
    return f"{root}/{_segment(project)}/{_segment(device)}/{_segment(kind)}", (
        kind if isinstance(kind, str) else None
    )


def get_publisher(request: Request) -> Publisher:
    state = request.app.state
    with state.webhook_lock:
        if state.webhook_publisher is None:
            state.webhook_publisher = MqttPublisher(cast(Settings, state.settings))
        return cast(Publisher, state.webhook_publisher)


@router.post(
    "/disruptive-technologies",
    summary="Disruptive Technologies Data Connector push (signed with X-Dt-Signature)",
    responses={
        200: {"description": "Verified and handed to the broker (or not presence data)."},
        401: {"description": "Missing or invalid signature."},
        404: {"description": "No signature secret configured: the webhook is off."},
        503: {"description": "The broker did not acknowledge in time; the sender retries."},
    },
)
async def disruptive_technologies(request: Request) -> JSONResponse:
    settings = cast(Settings, request.app.state.settings)
    counts = cast(Counter[str], request.app.state.webhook_counts)
    clock = cast(Callable[[], int], request.app.state.clock)
    if not settings.dt_signature_secret:
        counts["not_configured"] += 1
        return JSONResponse({"detail": "webhook not configured"}, status_code=404)
    body = await request.body()
    try:
        verify_dt_signature(
            request.headers.get(SIGNATURE_HEADER),
            body,
            settings.dt_signature_secret,
            now_s=clock() / 1e9,
        )
    except SignatureError as exc:
        counts["unauthorized"] += 1
        log.warning("disruptive webhook: refused a request: %s", exc)
        return JSONResponse({"detail": f"invalid signature: {exc}"}, status_code=401)
    topic, kind = topic_for(settings.dt_topic_root, body)
    if kind is not None and kind not in FORWARDED:
        counts["ignored"] += 1
        return JSONResponse({"status": "ignored", "eventType": kind[:64]})
    publisher = get_publisher(request)
    try:
        await run_in_threadpool(publisher.publish, topic, body, settings.webhook_publish_timeout_s)
    except (PublishFailed, OSError, ValueError) as exc:
        counts["broker_unavailable"] += 1
        log.warning("disruptive webhook: could not hand over to the broker: %s", exc)
        return JSONResponse(
            {"detail": "broker unavailable, retry later"},
            status_code=503,
            headers={"Retry-After": "5"},
        )
    counts["accepted"] += 1
    return JSONResponse({"status": "accepted", "topic": topic})
