"""The collector's counters, handed to the API process through a small JSON file.

The collector and the API are separate processes (containers, systemd units). The
collector writes ``Collector.stats()`` plus its adapters' counters to
``collector_stats_file`` every few seconds (write to a temporary file, then rename: a
reader never sees half a file); the API's ``/metrics`` reads it and reports its age, so a
stopped collector shows as stale rather than as frozen numbers.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Final

WRITE_EVERY_S: Final = 5.0
"""The collector rewrites the file this often (and logs its stats once a minute); the
alert rules call the numbers stale well after it (``hubsense.alerting``)."""


def write_stats(path: Path, stats: Mapping[str, object], now_s: float | None = None) -> None:
    body = json.dumps({"written_at": now_s or time.time(), "stats": stats}, default=str)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(body, encoding="utf-8")
    os.replace(tmp, path)


def read_stats(path: Path, now_s: float | None = None) -> dict[str, object]:
    """The stats with ``stats_age_s`` added; an empty dict if there is no usable file."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        stats = dict(doc["stats"])
        stats["stats_age_s"] = max(0.0, (now_s or time.time()) - float(doc["written_at"]))
        return stats
    except (OSError, ValueError, KeyError, TypeError):
        return {}
