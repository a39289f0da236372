"""JSON log format: one parseable object per line, exceptions included."""

from __future__ import annotations

import json
import logging

from hubsense.logs import JsonFormatter


def test_json_records():
    formatter = JsonFormatter()
    record = logging.LogRecord(
        "hubsense", logging.WARNING, __file__, 1, "store %s: %s", ("down", "näthinder\n"), None
    )
    doc = json.loads(formatter.format(record))
    assert doc["level"] == "WARNING" and doc["logger"] == "hubsense"
    assert doc["message"] == "store down: näthinder\n"
    assert doc["time"].endswith("Z")
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    line = formatter.format(record)
    assert "\n" not in line and "ValueError: boom" in json.loads(line)["exception"]
