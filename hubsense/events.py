"""Plain records that flow between collector, store and API (no validation here: that is
done once, at the edge, by hubsense.contract)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class PresenceEvent:
    """One accepted sensor observation of one desk, in UTC nanoseconds."""

    municipality: str
    hub: str
    desk: str
    sensor: str
    seq: int
    time_ns: int
    occupied: bool
    heartbeat: bool
    battery: int | None = None
    rssi: int | None = None


class RejectReason(StrEnum):
    OVERSIZE = "oversize"
    BAD_TOPIC = "bad_topic"
    BAD_JSON = "bad_json"
    DUPLICATE_KEY = "duplicate_key"
    BAD_SCHEMA = "bad_schema"
    UNKNOWN_DESK = "unknown_desk"
    SENSOR_MISMATCH = "sensor_mismatch"
    FUTURE = "future"
    TOO_OLD = "too_old"
    STORE_REFUSED = "store_refused"
    ADAPTER_FAILED = "adapter_failed"  # the adapter raised on it: a bug, kept for a fix


@dataclass(frozen=True, slots=True)
class Rejection:
    """A message that was not accepted, kept for inspection.

    ``payload`` is a printable, length-limited preview (control characters escaped), never
    the raw bytes, so it can be stored and shown safely.
    """

    reason: RejectReason
    detail: str
    topic: str
    payload: str
    received_ns: int
