"""The collector's write signal and the API's reading of it (``hubsense.writesignal``)."""

from __future__ import annotations

import os
from pathlib import Path

from hubsense.writesignal import SignalVersion, WriteSignal


def test_every_bump_is_a_new_version_even_within_one_clock_tick(tmp_path: Path) -> None:
    path = tmp_path / "signal"
    version = SignalVersion(path)
    assert version() is None  # no file yet: no signal
    signal = WriteSignal(path)
    seen = []
    for _ in range(50):  # far quicker than the kernel's own timestamps tick
        signal.bump()
        seen.append(version())
    assert None not in seen
    assert seen == sorted(set(seen))  # all different, always forward


def test_a_file_that_cannot_be_touched_is_logged_once_and_not_raised(
    tmp_path: Path, caplog
) -> None:
    signal = WriteSignal(tmp_path / "missing-dir" / "signal")
    signal.bump()
    signal.bump()
    warnings = [r for r in caplog.records if "store_signal_file" in r.getMessage()]
    assert len(warnings) == 1


def test_a_file_replaced_meanwhile_still_moves_forward(tmp_path: Path) -> None:
    path = tmp_path / "signal"
    signal = WriteSignal(path)
    signal.bump()
    first = SignalVersion(path)()
    os.remove(path)
    signal.bump()
    second = SignalVersion(path)()
    assert first is not None and second is not None and second > first
