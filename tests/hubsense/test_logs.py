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


def test_request_loggers_of_libraries_stay_quiet_unless_debugging():
    """httpx logs every InfluxDB request at INFO: kept at WARNING at the default level."""
    from hubsense.logs import QUIET_LOGGERS, configure_logging

    configure_logging("INFO")
    assert "httpx" in QUIET_LOGGERS
    for name in QUIET_LOGGERS:
        assert not logging.getLogger(name).isEnabledFor(logging.INFO), name
        assert logging.getLogger(name).isEnabledFor(logging.WARNING), name
    assert logging.getLogger("hubsense").isEnabledFor(logging.INFO)
    configure_logging("DEBUG")
    assert logging.getLogger("httpx").isEnabledFor(logging.DEBUG)
    configure_logging("INFO")
