"""Parsing: raw MQTT (topic, payload) → a PresenceEvent, or a Rejection with its reason.

Pure and synchronous: no I/O, no clock of its own (the caller passes the receive time), so
every rule is testable alone. The checks run cheapest first.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import ValidationError

from hubsense.contract import PresencePayload, parse_topic
from hubsense.events import PresenceEvent, Rejection, RejectReason
from hubsense.registry import Registry
from hubsense.strictjson import duplicate_key, may_repeat

PREVIEW_BYTES = 512
TOPIC_PREVIEW_CHARS = 256
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
# The contract's keys as they appear in a payload: a duplicate of any other key is refused
# by the schema anyway (extra="forbid").
_QUOTED_KEYS = tuple(f'"{name}"'.encode() for name in PresencePayload.model_fields)


def printable(text: str, limit: int) -> str:
    """Control and other non-printable characters escaped, cut to ``limit`` characters."""
    out = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
    return out if len(out) <= limit else out[:limit] + "…"


def preview(payload: bytes) -> str:
    text = payload[:PREVIEW_BYTES].decode("utf-8", errors="backslashreplace")
    more = f" (+{len(payload) - PREVIEW_BYTES} bytes)" if len(payload) > PREVIEW_BYTES else ""
    return printable(text, PREVIEW_BYTES * 4) + more


def decode_topic(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _schema_problem(exc: ValidationError) -> tuple[RejectReason, str]:
    errors = exc.errors(include_url=False, include_input=False)
    if any(e["type"] == "json_invalid" for e in errors):
        return RejectReason.BAD_JSON, "payload is not valid JSON"
    parts = []
    for e in errors[:5]:
        loc = ".".join(str(p) for p in e["loc"]) or "payload"
        parts.append(f"{loc}: {e['msg']}")
    return RejectReason.BAD_SCHEMA, "; ".join(parts)


class MessageParser:
    def __init__(
        self,
        registry: Registry,
        *,
        topic_root: str,
        max_payload_bytes: int,
        max_future_s: float,
        max_age_s: float,
    ) -> None:
        self.registry = registry
        self.topic_root = topic_root
        self.max_payload_bytes = max_payload_bytes
        self.max_future_ns = int(max_future_s * 1e9)
        self.max_age_ns = int(max_age_s * 1e9)

    def parse(self, topic: str, payload: bytes, received_ns: int) -> PresenceEvent | Rejection:
        def reject(reason: RejectReason, detail: str) -> Rejection:
            return Rejection(
                reason=reason,
                detail=printable(detail, 1000),
                topic=printable(topic, TOPIC_PREVIEW_CHARS),
                payload=preview(payload),
                received_ns=received_ns,
            )

        if len(payload) > self.max_payload_bytes:
            return reject(
                RejectReason.OVERSIZE,
                f"payload is {len(payload)} bytes, limit {self.max_payload_bytes}",
            )
        where = parse_topic(topic, self.topic_root)
        if where is None:
            return reject(
                RejectReason.BAD_TOPIC,
                f"expected {self.topic_root}/<municipality>/<hub>/<desk>/presence",
            )
        municipality, hub_id, desk_id = where
        # pydantic keeps the last of repeated keys; such a payload is ambiguous. The full
        # check (the standard library's parser) runs only when a repeat is possible.
        if may_repeat(payload, _QUOTED_KEYS) and (key := duplicate_key(payload)) is not None:
            return reject(
                RejectReason.DUPLICATE_KEY,
                f"key {key!r} appears more than once; the payload is ambiguous",
            )
        try:
            msg = PresencePayload.model_validate_json(payload)
        except ValidationError as exc:
            return reject(*_schema_problem(exc))
        desk = self.registry.desk(hub_id, desk_id)
        if desk is None or desk.municipality != municipality:
            return reject(
                RejectReason.UNKNOWN_DESK,
                f"no desk {municipality}/{hub_id}/{desk_id} in registry "
                f"{self.registry.version}; add it to the registry file to accept it",
            )
        if msg.sensor != desk.sensor:
            return reject(
                RejectReason.SENSOR_MISMATCH,
                f"desk {hub_id}/{desk_id} has sensor {desk.sensor!r}, message says {msg.sensor!r}",
            )
        ts = msg.ts
        time_ns = (ts - EPOCH) // MICROSECOND * 1000
        if time_ns > received_ns + self.max_future_ns:
            return reject(
                RejectReason.FUTURE,
                f"timestamp {ts.isoformat()} is more than {self.max_future_ns // 10**9}s "
                "ahead of the collector's clock",
            )
        if time_ns < received_ns - self.max_age_ns:
            return reject(
                RejectReason.TOO_OLD,
                f"timestamp {ts.isoformat()} is older than {self.max_age_ns // 10**9}s",
            )
        return PresenceEvent(
            municipality=municipality,
            hub=hub_id,
            desk=desk_id,
            sensor=msg.sensor,
            seq=msg.seq,
            time_ns=time_ns,
            occupied=msg.occupied,
            heartbeat=msg.kind == "heartbeat",
            battery=msg.battery,
            rssi=msg.rssi,
        )
