"""Logging set-up: human-readable text, or one JSON object per line for log collectors.

``hubsense --log-format json`` (or ``HUBSENSE_LOG_FORMAT=json``, as the containers set it)
writes records like::

    {"time": "2026-11-25T08:03:12.250Z", "level": "INFO", "logger": "hubsense",
     "message": "collector running: ...", "process": 1, "thread": "MainThread"}

with ``exception`` holding the formatted traceback when there is one.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LOGGERS = ("httpx", "httpcore", "urllib3", "influxdb_client", "amqtt")
"""Libraries that log a line per request (httpx: every InfluxDB call, ~1 GB a day under
load): at WARNING unless the whole log is at DEBUG, so lines follow events, not traffic."""


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC)
        doc: dict[str, object] = {
            "time": stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
            "thread": record.threadName,
        }
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            doc["stack"] = self.formatStack(record.stack_info)
        return json.dumps(doc, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    quiet = logging.DEBUG if logging.getLevelName(level) == logging.DEBUG else logging.WARNING
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(quiet)
