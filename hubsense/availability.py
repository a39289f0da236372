"""Sensors their own network reports offline (zigbee2mqtt's availability), as the
collector last heard it.

Why a module of the domain: the collector hears the reports and the API shows the live
view, and they are separate processes. The collector's stats file carries the reports
(``UNAVAILABLE_KEY``, see ``hubsense.statsfile``); the live view reads them through
``UnavailableFile``, so a desk whose gateway says "offline" shows offline at once — on its
tile, in the overview's counts and in the needs-attention list — instead of keeping its
last state until ``offline_after_s`` has passed. A report counts only while no message of
the sensor is newer: any sign of life clears it (the collector clears it too, on the next
message it reads).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hubsense.statsfile import read_stats

UNAVAILABLE_KEY = "sensors_unavailable_since"
"""Key in the collector's stats: sensor id → when its network's offline report was
received (UTC nanoseconds)."""


@dataclass(frozen=True, slots=True)
class Unavailable:
    """Sensor id → when its network reported it offline (UTC ns); empty: none reported."""

    since_ns: Mapping[str, int] = field(default_factory=dict)

    def reported_offline(self, sensor: str, last_seen_ns: int) -> bool:
        """Whether ``sensor`` is reported offline and nothing was heard from it since."""
        since = self.since_ns.get(sensor)
        return since is not None and since >= last_seen_ns


def from_stats(stats: Mapping[str, object]) -> Unavailable:
    """The reports in a stats document; entries that are not sensor id → integer time are
    left out (the file is another process's output, read as untrusted)."""
    raw = stats.get(UNAVAILABLE_KEY)
    if not isinstance(raw, Mapping):
        return Unavailable()
    return Unavailable(
        {
            sensor: t
            for sensor, t in raw.items()
            if isinstance(sensor, str) and isinstance(t, int) and not isinstance(t, bool)
        }
    )


def read_unavailable(stats_file: Path | None) -> Unavailable:
    """The reports in the collector's stats file; none without a (usable) file."""
    if stats_file is None:
        return Unavailable()
    return from_stats(read_stats(stats_file))


class UnavailableFile:
    """The reports in the collector's stats file, read again only when the file changed:
    the collector rewrites it every few seconds, the API asks on every request."""

    def __init__(self, stats_file: Path | None) -> None:
        self.stats_file = stats_file
        self._seen: tuple[int, int] | None = None  # (mtime_ns, size) of the file read
        self._value = Unavailable()
        self._lock = threading.Lock()

    def __call__(self) -> Unavailable:
        if self.stats_file is None:
            return self._value
        try:
            st = self.stats_file.stat()
        except OSError:
            return Unavailable()
        seen = (st.st_mtime_ns, st.st_size)
        with self._lock:
            if seen != self._seen:
                self._value = read_unavailable(self.stats_file)
                self._seen = seen
            return self._value
