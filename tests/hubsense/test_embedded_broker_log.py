"""amqtt's per-message "Timeout waiting for PUBACK" warnings and tracebacks are counted and
summed up once a minute at most, not logged one by one; other amqtt records pass."""

from __future__ import annotations

import logging

from hubsense.embedded_broker import LatePubacks


def record(msg: str, level: int = logging.WARNING) -> logging.LogRecord:
    return logging.LogRecord("amqtt.broker", level, __file__, 1, msg, None, None)


def test_late_pubacks_are_counted_and_summed_up_once_a_minute():
    now = [0.0]
    f = LatePubacks(monotonic=lambda: now[0])
    late = [record(f"Timeout waiting for PUBACK for packet ID {i}") for i in range(50)]
    failed = record("Task failed and will be skipped: TimeoutError('Timeout waiting for PUBACK')")
    assert [f.filter(r) for r in late] == [False] * 50
    assert f.filter(failed) is False
    assert f.count == 50
    now[0] = 61.0
    summary = record("Timeout waiting for PUBACK for packet ID 51")
    assert f.filter(summary) is True
    assert summary.levelno == logging.INFO
    assert summary.getMessage().startswith("51 PUBACKs came after amqtt's 5 s wait")
    assert "(51 in all)" in summary.getMessage()
    other = record("Client disconnected unexpectedly")
    assert f.filter(other) is True and other.levelno == logging.WARNING
