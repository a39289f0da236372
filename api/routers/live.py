"""What every desk of a hub is doing now."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ClockDep, HubDep, LiveCacheDep, SettingsDep, StoreDep
from api.models import ErrorOut, LiveCountsOut, LiveDeskOut, LiveOut, LiveState
from api.times import ns_to_datetime
from hubsense.events import PresenceEvent
from hubsense.registry import Desk

router = APIRouter(prefix="/hubs", tags=["live"])


def _desk_state(
    desk: Desk, event: PresenceEvent | None, now_ns: int, offline_after_ns: int, low_pct: int
) -> LiveDeskOut:
    if event is None:
        return LiveDeskOut(
            desk=desk.id,
            zone=desk.zone,
            state="unknown",
            occupied=None,
            last_occupied=None,
            last_seen=None,
            seconds_since_seen=None,
            battery=None,
            low_battery=False,
            rssi=None,
        )
    age_ns = max(0, now_ns - event.time_ns)  # a sensor clock slightly ahead: just heard
    state: LiveState
    if age_ns > offline_after_ns:
        state = "offline"
    else:
        state = "occupied" if event.occupied else "free"
    return LiveDeskOut(
        desk=desk.id,
        zone=desk.zone,
        state=state,
        occupied=None if state == "offline" else event.occupied,
        last_occupied=event.occupied,
        last_seen=ns_to_datetime(event.time_ns),
        seconds_since_seen=age_ns / 1e9,
        battery=event.battery,
        low_battery=event.battery is not None and event.battery <= low_pct,
        rssi=event.rssi,
    )


@router.get(
    "/{hub}/live",
    response_model=LiveOut,
    summary="Live state of every desk of a hub",
    responses={
        404: {"model": ErrorOut, "description": "Unknown hub."},
        503: {"model": ErrorOut, "description": "The store is unavailable."},
    },
)
def live(
    hub: HubDep,
    settings: SettingsDep,
    store: StoreDep,
    clock: ClockDep,
    cache: LiveCacheDep = None,
) -> LiveOut:
    now_ns = clock()
    offline_after_ns = round(settings.offline_after_s * 1e9)
    since_ns = now_ns - round(settings.live_lookback_s * 1e9)
    def load() -> dict[str, PresenceEvent]:
        return store.latest(hub.id, since_ns=since_ns)

    latest = cache.get(hub.id, load) if cache is not None else load()
    desks = [
        _desk_state(d, latest.get(d.id), now_ns, offline_after_ns, settings.low_battery_pct)
        for d in hub.desks
    ]
    states = [d.state for d in desks]
    counts = LiveCountsOut(
        occupied=states.count("occupied"),
        free=states.count("free"),
        offline=states.count("offline"),
        unknown=states.count("unknown"),
        low_battery=sum(d.low_battery for d in desks),
        total=len(desks),
    )
    return LiveOut(
        hub=hub.id,
        as_of=ns_to_datetime(now_ns),
        stale=counts.occupied + counts.free == 0,
        offline_after_s=settings.offline_after_s,
        counts=counts,
        desks=desks,
    )
