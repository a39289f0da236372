"""Backfill rollups (what reports read) for a registry from the simulator's ground truth.

A year of raw messages for 500 desks is ~53 million points (a heartbeat every 5 minutes);
reports never read them: they read desk-day, group-day and 15-minute slot rollups
(``hubsense.rollups``). So the backfill computes those rows with the same code the
collector's rollup path uses (``hubsense.metrics.clean_hub`` and ``hub_days``), but from each
desk's reported occupancy in ``simulators.GroundTruth`` instead of from stored events
(sensor silences are not modelled: the desk is taken as heard all the time), and writes
them with one ``store.write_rollups`` per hub over the whole range (computed in 14-day
chunks, as ``rollups.recompute`` does; one write per hub because InfluxDB 1.x's ``DELETE``,
which ``write_rollups`` issues first, takes seconds each on a growing database).
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from hubsense.metrics import CleanParams, clean_hub, hub_days, intervals_from_occupied
from hubsense.registry import Registry
from hubsense.rollups import CHUNK_DAYS, range_ns
from hubsense.store.base import Store
from simulators import GroundTruth


def backfill_rollups(
    store: Store,
    registry: Registry,
    first: date,
    end: date,
    params: CleanParams,
    *,
    seed: int = 1,
    computed_ns: int | None = None,
) -> dict[str, float]:
    """Write rollups for every hub for days ``first`` ≤ day < ``end``; returns counts and
    the seconds spent computing and writing."""
    truth = GroundTruth(registry, seed=seed)
    stamp = time.time_ns() if computed_ns is None else computed_ns
    counts = {"desk_days": 0, "group_days": 0, "slots": 0, "compute_s": 0.0, "write_s": 0.0}
    for hub in registry.hubs.values():
        desk_rows: list = []
        group_rows: list = []
        slot_rows: list = []
        day = first
        last = None  # each desk's row of the day before the chunk: idle runs continue
        t0 = time.perf_counter()
        while day < end:
            stop = min(end, day + timedelta(days=CHUNK_DAYS))
            lo, hi = range_ns(hub, day, stop)
            c_lo, c_hi = lo - params.context_ns, hi + params.context_ns
            steps = (
                (d.id, intervals_from_occupied(
                    truth.intervals(hub.id, d.id, c_lo, c_hi, reported=True), c_lo, c_hi, c_lo, c_hi
                ))
                for d in hub.desks
            )
            spans, flickers = clean_hub(
                hub, day, stop, steps, flicker_ns=params.flicker_ns, stuck_ns=params.stuck_ns
            )
            rows = hub_days(hub, day, stop, spans, flickers, params, stamp, prior=last)
            last = {r.desk: r for r in rows[0] if r.day == stop - timedelta(days=1)}
            desk_rows += rows[0]
            group_rows += rows[1]
            slot_rows += rows[2]
            day = stop
        t1 = time.perf_counter()
        lo, hi = range_ns(hub, first, end)
        store.write_rollups(hub.id, lo, hi, desk_rows, group_rows, slot_rows)
        t2 = time.perf_counter()
        counts["compute_s"] += t1 - t0
        counts["write_s"] += t2 - t1
        counts["desk_days"] += len(desk_rows)
        counts["group_days"] += len(group_rows)
        counts["slots"] += len(slot_rows)
    return counts
