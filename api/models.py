"""Response models: the API's JSON shapes, as they appear in the OpenAPI schema at /docs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

LiveState = Literal["occupied", "free", "offline", "unknown"]
IntervalState = Literal["occupied", "free", "unknown"]


class FieldErrorOut(BaseModel):
    loc: list[str] = Field(description='Where: e.g. `["query", "limit"]`.')
    msg: str = Field(description="What is wrong with it.")
    type: str = Field(description="pydantic's error type, e.g. `greater_than_equal`.")


class ErrorOut(BaseModel):
    """Every error answer (4xx, 5xx) of the JSON API has this shape."""

    detail: str = Field(description="What went wrong, for a human.")
    errors: list[FieldErrorOut] | None = Field(
        default=None, description="For invalid parameters (422): every problem, machine-readable."
    )
    required_role: str | None = Field(
        default=None, description="For 401 and 403: the role the route needs."
    )


# --- health -----------------------------------------------------------------------------


class HealthOut(BaseModel):
    status: Literal["ok"] = "ok"


class CheckOut(BaseModel):
    ok: bool
    error: str | None = Field(default=None, description="Why the check failed (null when ok).")


class ReadyOut(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: dict[str, CheckOut]
    failing: list[str] = Field(description="Names of the failed checks (empty when ready).")


# --- registry ---------------------------------------------------------------------------


class RegistryOut(BaseModel):
    region: str
    version: str = Field(description="Version of the hub registry file.")
    municipalities: int
    hubs: int
    desks: int


class MunicipalityOut(BaseModel):
    id: str
    name: str
    code: str = Field(description="Official four-digit municipality code.")
    hubs: list[str] = Field(description="Ids of the municipality's hubs.")
    desk_count: int


# --- hubs -------------------------------------------------------------------------------


class HubSummaryOut(BaseModel):
    id: str
    name: str
    municipality: str
    timezone: str
    zones: list[str]
    desk_count: int


class OpeningSpanOut(BaseModel):
    opens: str = Field(description="Local time HH:MM.", examples=["07:00"])
    closes: str = Field(description="Local time HH:MM (24:00 = midnight).", examples=["18:00"])


class ZoneOut(BaseModel):
    id: str
    desks: list[str]


class DeskOut(BaseModel):
    id: str
    zone: str
    sensor: str


class HubOut(BaseModel):
    id: str
    name: str
    municipality: str
    timezone: str
    opening_hours: dict[str, OpeningSpanOut | None] = Field(
        description="Every weekday (mon..sun) in order; null = closed all day."
    )
    closed_dates: list[date]
    zones: list[ZoneOut]
    desks: list[DeskOut]


# --- live -------------------------------------------------------------------------------


class LiveDeskOut(BaseModel):
    desk: str
    zone: str
    state: LiveState = Field(
        description="occupied/free: heard within offline_after_s; offline: last message "
        "older than that, or the sensor's network reports it offline (network_offline); "
        "unknown: not heard within live_lookback_s."
    )
    occupied: bool | None = Field(
        description="Current occupancy; null when offline or unknown (see last_occupied)."
    )
    last_occupied: bool | None = Field(
        description="Occupancy in the last message (null if never heard)."
    )
    last_seen: datetime | None = Field(description="Time of the last message (UTC).")
    seconds_since_seen: float | None
    battery: int | None = Field(description="Battery % in the last message (null if it had none).")
    low_battery: bool
    rssi: int | None
    network_offline: bool = Field(
        False,
        description="Offline because the sensor's own network (e.g. zigbee2mqtt "
        "availability) reports it so, with no message from it since.",
    )


class LiveCountsOut(BaseModel):
    occupied: int
    free: int
    offline: int
    unknown: int
    low_battery: int
    total: int


class LiveOut(BaseModel):
    hub: str
    as_of: datetime
    stale: bool = Field(description="True if no desk of the hub was heard within offline_after_s.")
    open: bool = Field(
        description="True within the hub's opening hours at as_of (its local time; closed "
        "days and public holidays are closed)."
    )
    offline_after_s: float
    counts: LiveCountsOut
    desks: list[LiveDeskOut]


# --- timeline ---------------------------------------------------------------------------


class IntervalOut(BaseModel):
    state: IntervalState
    start: datetime
    end: datetime
    duration_s: float


class TimelineOut(BaseModel):
    hub: str
    desk: str
    start: datetime = Field(description="Start of the requested window (UTC).")
    end: datetime = Field(description="End of the requested window (UTC).")
    as_of: datetime = Field(description="Server time: intervals end at min(end, as_of).")
    offline_after_s: float
    event_count: int = Field(description="Messages stored for the desk within the window.")
    intervals: list[IntervalOut]
    totals_s: dict[IntervalState, float] = Field(description="Seconds spent in each state.")


# --- rejections -------------------------------------------------------------------------


class RejectionOut(BaseModel):
    reason: str
    detail: str
    topic: str
    payload: str = Field(description="Printable, length-limited preview of the payload.")
    received: datetime


class RejectionsOut(BaseModel):
    total: int = Field(description="All stored rejections.")
    counts: dict[str, int] = Field(description="Stored rejections per reason (every reason).")
    rejections: list[RejectionOut] = Field(description="The most recent ones, newest first.")
