"""``hubsense report`` and ``hubsense planning report`` as a user meets them: a database
path that does not exist is refused (exit code 2, nothing created), a period without data
is said to be empty (exit 0), and a planning report without a facts file says that no
facts file was loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubsense.store.sqlite import SqliteStore
from launch.cli import main
from tests.api.api_support import NOW

pytestmark = pytest.mark.dated


def run(argv: list[str]) -> int:
    return main(argv, clock=lambda: NOW)


@pytest.mark.parametrize(
    "command",
    [
        ["report", "--from", "2026-11-02", "--to", "2026-11-09", "--format", "text"],
        ["planning", "report", "--format", "csv"],
    ],
)
def test_a_missing_database_is_refused_and_nothing_is_created(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HUBSENSE_SQLITE_PATH", raising=False)
    monkeypatch.delenv("HUBSENSE_CONFIG", raising=False)
    assert run(command) == 2
    err = capsys.readouterr().err
    assert f"no database at {tmp_path / 'hubsense.sqlite3'}" in err
    assert "HUBSENSE_SQLITE_PATH" in err
    elsewhere = tmp_path / "sub" / "demo.sqlite3"
    monkeypatch.setenv("HUBSENSE_SQLITE_PATH", str(elsewhere))
    assert run(command) == 2
    assert f"no database at {elsewhere}" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_period_without_data_is_called_empty(
    sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("HUBSENSE_SQLITE_PATH", str(sqlite_store.path))
    argv = ["report", "--municipality", "berg", "--from", "2026-11-02", "--to", "2026-11-09"]
    assert run([*argv, "--format", "text"]) == 0
    out, err = capsys.readouterr()
    assert "Berg" in out
    assert "no sensor data for Berg from 2026-11-02 to 2026-11-08 in the sqlite store" in err


def test_a_period_with_data_is_not_called_empty(
    measured_store: SqliteStore, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("HUBSENSE_SQLITE_PATH", str(measured_store.path))
    argv = ["report", "--from", "2026-11-09", "--to", "2026-11-21", "--format", "text"]
    assert run(argv) == 0
    out, err = capsys.readouterr()
    assert "Nyttjandegraden var" in out
    assert "no sensor data" not in err


def test_a_planning_report_without_facts_says_no_facts_file_was_loaded(
    measured_store: SqliteStore, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("HUBSENSE_SQLITE_PATH", str(measured_store.path))
    monkeypatch.delenv("HUBSENSE_PLANNING_FACTS_FILE", raising=False)
    monkeypatch.delenv("HUBSENSE_CONFIG", raising=False)
    argv = ["planning", "report", "--from", "2026-11-09", "--to", "2026-11-21", "--format", "csv"]
    assert run([*argv, "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "No facts file loaded" in text
    assert "The facts file has no period" not in text
    assert run(argv) == 0
    text = capsys.readouterr().out
    assert "Ingen faktafil är inläst" in text
    assert "Faktafilen har ingen period" not in text
