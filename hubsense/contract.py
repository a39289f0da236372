"""The MQTT message contract: topic scheme and JSON payload (schema version 1).

Topic:    <root>/<municipality>/<hub>/<desk>/presence      (root defaults to "hubs")
Payload:  {"v": 1, "sensor": "svenstavik-a01", "seq": 42,
           "ts": "2026-11-25T08:03:12.250+01:00", "occupied": true,
           "kind": "change", "battery": 87, "rssi": -71}

See docs/contract.md for the rules; this module is their single implementation.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from hubsense.registry import ID_PATTERN

SCHEMA_VERSION = 1
SEQ_MODULUS = 2**32
TOPIC_SUFFIX = "presence"


class PresencePayload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1]
    sensor: Annotated[str, StringConstraints(pattern=ID_PATTERN)]
    seq: Annotated[int, Field(strict=True, ge=0, lt=SEQ_MODULUS)]
    ts: Annotated[AwareDatetime, Field(strict=True)]  # an ISO 8601 string, not a number
    occupied: Annotated[bool, Field(strict=True)]
    kind: Literal["change", "heartbeat"]
    battery: Annotated[int, Field(strict=True, ge=0, le=100)] | None = None
    rssi: Annotated[int, Field(strict=True, ge=-200, le=0)] | None = None


def topic_for(root: str, municipality: str, hub: str, desk: str) -> str:
    return f"{root}/{municipality}/{hub}/{desk}/{TOPIC_SUFFIX}"


def subscription(root: str) -> str:
    return f"{root}/+/+/+/{TOPIC_SUFFIX}"


def parse_topic(topic: str, root: str) -> tuple[str, str, str] | None:
    """(municipality, hub, desk) of a presence topic, or None if it is not one."""
    parts = topic.split("/")
    if len(parts) != 5 or parts[0] != root or parts[4] != TOPIC_SUFFIX or not all(parts):
        return None
    return parts[1], parts[2], parts[3]


def encode_payload(
    *,
    sensor: str,
    seq: int,
    ts: datetime,
    occupied: bool,
    heartbeat: bool,
    battery: int | None = None,
    rssi: int | None = None,
) -> bytes:
    """The wire form a conforming sensor sends (used by the simulators and tests)."""
    body: dict[str, object] = {
        "v": SCHEMA_VERSION,
        "sensor": sensor,
        "seq": seq % SEQ_MODULUS,
        "ts": ts.isoformat(timespec="milliseconds"),
        "occupied": occupied,
        "kind": "heartbeat" if heartbeat else "change",
    }
    if battery is not None:
        body["battery"] = battery
    if rssi is not None:
        body["rssi"] = rssi
    return json.dumps(body, separators=(",", ":")).encode()
