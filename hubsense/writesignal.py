""" "Something new is in the store": a file the collector touches after every write, so
the API's live cache drops a hub's events as soon as newer ones can be read.

Without it the live view trails the store by up to ``live_cache_s``; publish → visible
was the collector's batch wait plus that. The collector and the API are separate
processes, so the signal is a file's modification time (``store_signal_file``, set to the
same path for both): setting it costs the collector one ``utime`` per batch (a few a
second) and reading it costs the API one ``stat`` per request, the same check the keys
file gets. The time is set explicitly in nanoseconds (the kernel's own file timestamps
tick in jiffies, too coarsely to tell two writes apart) and only ever moves forward.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)


class WriteSignal:
    """The collector's side: ``bump`` after every successful write to the store."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._last_ns = 0
        self._failing = False

    def bump(self) -> None:
        now = max(time.time_ns(), self._last_ns + 1)
        try:
            try:
                os.utime(self.path, ns=(now, now))
            except FileNotFoundError:
                self.path.touch()
                os.utime(self.path, ns=(now, now))
        except OSError as exc:
            # the live view then follows live_cache_s alone: slower, never wrong
            if not self._failing:
                log.warning("cannot touch %s (store_signal_file): %s", self.path, exc)
            self._failing = True
            return
        self._failing = False
        self._last_ns = now


class SignalVersion:
    """The API's side: the signal file's current version (None while there is no file:
    the cache then keeps entries for ``live_cache_s``, as without a signal)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self) -> int | None:
        try:
            return os.stat(self.path).st_mtime_ns
        except OSError:
            return None
