"""The live hub view's model: desk tiles grouped by zone, built from ``/api/hubs/{hub}/live``.

Input is the endpoint's JSON (a dict, as ``LiveOut.model_dump(mode="json")`` or
``response.json()`` gives it); the registry decides the layout (zones, desks in id order),
so a desk missing from the JSON still gets a tile, as unknown. The page's script
(``static/live.js``) applies the same ``STATE_STYLE`` to each poll's JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from hubsense.query.live import LiveCounts
from hubsense.registry import Hub

STATES: Final = ("occupied", "free", "offline", "unknown")
"""Every desk state, in the order counts and figures show them."""


@dataclass(frozen=True, slots=True)
class StateStyle:
    icon: str  # the second cue besides colour (plus the CSS fill pattern of ``css``)
    css: str


STATE_STYLE: Final[dict[str, StateStyle]] = {
    "occupied": StateStyle(icon="●", css="state-occupied"),
    "free": StateStyle(icon="○", css="state-free"),
    "offline": StateStyle(icon="×", css="state-offline"),
    "unknown": StateStyle(icon="?", css="state-unknown"),
}
LOW_BATTERY_ICON: Final = "⚠"
LOW_BATTERY_CSS: Final = "low-battery"


@dataclass(frozen=True, slots=True)
class DeskTile:
    desk: str
    zone: str
    state: str  # one of STATES
    low_battery: bool
    battery: int | None
    last_seen: datetime | None
    seconds_since_seen: float | None
    network_offline: bool = False  # offline because the sensor's own network says so

    @property
    def icon(self) -> str:
        return STATE_STYLE[self.state].icon

    @property
    def css_classes(self) -> str:
        classes = ["desk", STATE_STYLE[self.state].css]
        if self.low_battery:
            classes.append(LOW_BATTERY_CSS)
        return " ".join(classes)


@dataclass(frozen=True, slots=True)
class ZoneTiles:
    zone: str
    tiles: tuple[DeskTile, ...]




def parse_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def desk_tile(desk_id: str, zone: str, item: Mapping[str, Any] | None) -> DeskTile:
    """One desk's tile from its entry in the live JSON (``None``: the API did not list it)."""
    if item is None:
        return DeskTile(desk_id, zone, "unknown", False, None, None, None)
    state = item.get("state")
    battery = item.get("battery")
    return DeskTile(
        desk=desk_id,
        zone=zone,
        state=state if state in STATE_STYLE else "unknown",
        low_battery=item.get("low_battery") is True,
        battery=battery if isinstance(battery, int) and not isinstance(battery, bool) else None,
        last_seen=parse_datetime(item.get("last_seen")),
        seconds_since_seen=_number(item.get("seconds_since_seen")),
        network_offline=state == "offline" and item.get("network_offline") is True,
    )


def hub_tiles(hub: Hub, live: Mapping[str, Any] | None) -> list[ZoneTiles]:
    """Tiles of every registry desk of ``hub``, by zone (sorted), desks in id order.

    ``live`` is the live endpoint's JSON for this hub, or ``None`` when it could not be had
    (every desk is then unknown)."""
    by_desk: dict[str, Mapping[str, Any]] = {}
    if live is not None:
        for item in live.get("desks", ()):
            if isinstance(item, Mapping) and isinstance(item.get("desk"), str):
                by_desk[item["desk"]] = item
    return [
        ZoneTiles(
            zone=zone,
            tiles=tuple(
                desk_tile(d.id, zone, by_desk.get(d.id))
                for d in sorted((d for d in hub.desks if d.zone == zone), key=lambda d: d.id)
            ),
        )
        for zone in hub.zones()
    ]


def live_counts(live: Mapping[str, Any] | None, total: int) -> LiveCounts:
    """The live JSON's counts; with no JSON every one of ``total`` desks is unknown."""
    raw = live.get("counts") if live is not None else None
    if not isinstance(raw, Mapping):
        return LiveCounts(0, 0, 0, total, 0, total)
    return LiveCounts(
        occupied=int(raw.get("occupied", 0)),
        free=int(raw.get("free", 0)),
        offline=int(raw.get("offline", 0)),
        unknown=int(raw.get("unknown", 0)),
        low_battery=int(raw.get("low_battery", 0)),
        total=int(raw.get("total", total)),
    )


def browser_styles() -> dict[str, dict[str, str]]:
    """``STATE_STYLE`` as JSON for the page's script."""
    return {state: {"icon": s.icon, "css": s.css} for state, s in STATE_STYLE.items()}
