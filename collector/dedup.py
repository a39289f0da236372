"""Duplicate detection and sequence bookkeeping.

A message is a duplicate when its desk already had a message with the same timestamp
recently (a QoS 1 redelivery, or a sensor resending). The sequence number is not used on
its own as a key: it restarts at 0 when a sensor reboots and wraps at 2**32, and a
restarted sequence with a new timestamp is a new observation. Sequence numbers are used to
count messages that never arrived (gaps) and restarts, which feed sensor health. A frame
that arrived without presence (``heard``, e.g. an Elsys "pending" frame) counts for the
sequence too: the frame after it is no gap.

An adapter whose format has an identity of its own for a message (LoRaWAN: device and
frame counter) gives every copy of that message the first copy's time, so this check on
(desk, time) is the one place that drops duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass

from hubsense.contract import SEQ_MODULUS
from hubsense.events import PresenceEvent


@dataclass
class SequenceStats:
    gaps: int = 0  # messages missing between two received ones
    restarts: int = 0  # sequence went backwards: reboot, wrap, or late delivery


class Deduplicator:
    def __init__(self, window: int) -> None:
        self.window = window
        # per desk the last ``window`` timestamps, oldest first: a plain dict keeps insertion
        # order at a third of an OrderedDict's size (this is most of the collector's memory:
        # desks × window entries)
        self._recent: dict[tuple[str, str], dict[int, None]] = {}
        self._last_seq: dict[str, int] = {}
        self.seq = SequenceStats()

    def is_duplicate(self, event: PresenceEvent) -> bool:
        """True if seen recently; otherwise remember it and return False."""
        key = (event.hub, event.desk)
        recent = self._recent.get(key)
        if recent is None:
            recent = self._recent[key] = {}
        if event.time_ns in recent:
            return True
        recent[event.time_ns] = None
        if len(recent) > self.window:
            del recent[next(iter(recent))]
        self._track_sequence(event.sensor, event.seq)
        return False

    def heard(self, sensor: str, seq: int) -> None:
        """A frame of ``sensor`` with sequence number ``seq`` arrived but carries no
        presence; the same number again is that frame again, not a restart."""
        if self._last_seq.get(sensor) != seq:
            self._track_sequence(sensor, seq)

    def _track_sequence(self, sensor: str, seq: int) -> None:
        last = self._last_seq.get(sensor)
        self._last_seq[sensor] = seq
        if last is None or (last == 0 and seq == 0):
            return  # adapters for sensors that keep no sequence send 0 every time
        step = (seq - last) % SEQ_MODULUS
        if step == 0 or step > SEQ_MODULUS // 2:
            self.seq.restarts += 1
        elif step > 1:
            self.seq.gaps += step - 1
