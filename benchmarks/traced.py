"""The collector CLI with tracemalloc on, for finding what grows (``benchmarks.soak --trace``).

    python -m benchmarks.traced OUT_DIR EVERY_S [cli arguments …]

Runs ``launch.cli`` with the given arguments while a thread takes a tracemalloc snapshot
every ``EVERY_S`` seconds and writes, to ``OUT_DIR/growth.txt``, the allocation sites whose
live size grew most since the first snapshot after warm-up (the second one). Kept out of
the collector itself: tracing slows every allocation, and a diagnostic has no place in
the process Docker runs. A snapshot of the traced collector takes tens of seconds and
some 100 MB on a busy machine: 600 msg/s and ``EVERY_S`` 45 gave one report in a
4-minute soak at load 9–13.
"""

from __future__ import annotations

import sys
import threading
import time
import tracemalloc
from pathlib import Path

FRAMES = 2  # more frames make each snapshot slower than the interval
TOP = 25


def _watch(out_dir: Path, every_s: float) -> None:
    base: tracemalloc.Snapshot | None = None
    taken = 0
    started = time.monotonic()
    while True:
        time.sleep(every_s)
        snap = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)]
        )
        taken += 1
        if taken == 1:
            continue  # the first interval is warm-up: every desk seen, pools filled
        if base is None:
            base = snap
            continue
        minute = (time.monotonic() - started) / 60
        total = sum(s.size for s in snap.statistics("filename")) / 2**20
        lines = [f"--- minute {minute:.1f}: traced {total:.1f} MiB; growth since warm-up:"]
        for stat in snap.compare_to(base, "traceback")[:TOP]:
            lines.append(f"{stat.size_diff / 1024:+10.1f} KiB {stat.count_diff:+8d} blocks")
            lines.extend(f"      {line}" for line in stat.traceback.format()[-2 * FRAMES :])
        with (out_dir / "growth.txt").open("a", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")


def main() -> int:
    out_dir, every_s, args = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
    out_dir.mkdir(parents=True, exist_ok=True)
    tracemalloc.start(FRAMES)
    threading.Thread(target=_watch, args=(out_dir, every_s), daemon=True).start()
    from launch.cli import main as cli

    return cli(args)


if __name__ == "__main__":
    raise SystemExit(main())
