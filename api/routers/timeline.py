"""One desk's occupancy over a time window, as state intervals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from api.deps import HTTP_422, ClockDep, DeskDep, SettingsDep, StoreDep
from api.models import ErrorOut, IntervalOut, TimelineOut
from api.times import BadInstant, ns_to_datetime, parse_instant
from hubsense.timeline import desk_intervals, totals_ns

router = APIRouter(prefix="/hubs", tags=["timeline"])

DAY_NS = 24 * 3600 * 10**9
_INSTANT_HELP = (
    "ISO 8601 datetime with a UTC offset, e.g. `2026-11-25T08:00:00+01:00` or "
    "`2026-11-25T07:00:00Z` (encode `+` as `%2B` in a URL)."
)


# Read as text so that a bad value gets this module's message; documented as what it is.
DATE_TIME: dict[str, object] = {"format": "date-time"}


def _instant(name: str, text: str) -> int:
    try:
        return parse_instant(text)
    except BadInstant as exc:
        raise HTTPException(HTTP_422, f"{name}: {exc}") from None


@router.get(
    "/{hub}/desks/{desk}/timeline",
    response_model=TimelineOut,
    summary="A desk's states over a time window (default: the last 24 hours)",
    description=(
        "Step function of the desk's state: the window starts with the state of the last "
        "message before `start` (`unknown` if none); a message starts a new interval only "
        "when the state changes; more than `offline_after_s` without a message makes the "
        "desk `unknown` until the next one. The last interval ends at min(`end`, now)."
    ),
    responses={
        404: {"model": ErrorOut, "description": "Unknown hub or desk."},
        422: {"model": ErrorOut, "description": "Bad or too long time range."},
        503: {"model": ErrorOut, "description": "The store is unavailable."},
    },
)
def timeline(
    desk: DeskDep,
    settings: SettingsDep,
    store: StoreDep,
    clock: ClockDep,
    start: Annotated[
        str | None,
        Query(
            description=f"Window start (default: `end` - 24 h). {_INSTANT_HELP}",
            json_schema_extra=DATE_TIME,
        ),
    ] = None,
    end: Annotated[
        str | None,
        Query(
            description=f"Window end (default: now). {_INSTANT_HELP}", json_schema_extra=DATE_TIME
        ),
    ] = None,
) -> TimelineOut:
    now_ns = clock()
    end_ns = now_ns if end is None else _instant("end", end)
    start_ns = end_ns - DAY_NS if start is None else _instant("start", start)
    if end_ns <= start_ns:
        raise HTTPException(HTTP_422, "end must be after start")
    max_ns = settings.timeline_max_days * DAY_NS
    if end_ns - start_ns > max_ns:
        raise HTTPException(
            HTTP_422,
            f"time range too long: {(end_ns - start_ns) / DAY_NS:.2f} days; at most "
            f"{settings.timeline_max_days} days per request (timeline_max_days)",
        )
    until_ns = min(end_ns, now_ns)
    events = store.timeline(desk.hub, desk.id, start_ns, until_ns) if until_ns > start_ns else []
    intervals = desk_intervals(events, start_ns, until_ns, round(settings.offline_after_s * 1e9))
    return TimelineOut(
        hub=desk.hub,
        desk=desk.id,
        start=ns_to_datetime(start_ns),
        end=ns_to_datetime(end_ns),
        as_of=ns_to_datetime(now_ns),
        offline_after_s=settings.offline_after_s,
        event_count=sum(1 for e in events if start_ns <= e.time_ns < until_ns),
        intervals=[
            IntervalOut(
                state=i.state,
                start=ns_to_datetime(i.start_ns),
                end=ns_to_datetime(i.end_ns),
                duration_s=i.duration_ns / 1e9,
            )
            for i in intervals
        ],
        totals_s={state: ns / 1e9 for state, ns in totals_ns(intervals).items()},
    )
