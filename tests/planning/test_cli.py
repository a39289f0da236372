"""``hubsense planning import`` (validate a facts file, summary) and ``hubsense planning
report`` (the planning evidence as XLSX or CSV) from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from hubsense.store.sqlite import SqliteStore
from launch.cli import main
from tests.api.api_support import NOW
from tests.planning.conftest import planning_settings
from tests.planning.support import EXAMPLE

pytestmark = pytest.mark.dated


def run(argv: list[str]) -> int:
    """The hubsense command with the suite's fixed "now" (the measured period's end)."""
    return main(argv, clock=lambda: NOW)


def test_cli_report(
    measured_store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("HUBSENSE_SQLITE_PATH", str(measured_store.path))
    monkeypatch.setenv("HUBSENSE_CAPACITY_MIN_DAYS", "5")
    out = tmp_path / "plan.xlsx"
    args = ["planning", "report", "--from", "2026-11-09", "--to", "2026-11-21"]
    facts = ["--facts", str(planning_settings().planning_facts_file)]
    assert run([*args, "--format", "xlsx", "--out", str(out), *facts]) == 0
    assert "INVENTED DATA" in capsys.readouterr().err
    wb = load_workbook(out)
    assert wb.sheetnames == ["Planering", "Planeringsunderlag", "Antaganden"]
    assert run([*args, "--format", "csv", *facts, "--assume", "adoption=0.004",
                 "--assume", "peak_ratio=1", "--lang", "en"]) == 0  # fmt: skip
    text = capsys.readouterr().out
    assert "## Planning:" in text
    assert run([*args, "--format", "csv", "--assume", "adoption=7"]) == 2
    assert "--assume adoption: Input should be less than or equal to 1" in capsys.readouterr().err
    assert run([*args, "--format", "xlsx"]) == 2
    assert "--format xlsx needs --out FILE" in capsys.readouterr().err


def test_cli_import_prints_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["planning", "import", str(EXAMPLE)]) == 0
    out, err = capsys.readouterr()
    assert "9 row(s), 8 of 8 municipalities — INVENTED DATA" in out
    assert "Berg         2024-01-01–2024-12-31, 2025-01-01–2025-12-31" in out
    assert (
        '2 figure(s) rest on fewer than 5 people (min_group_size): they are published as "<5"'
        in out
    )
    assert "HUBSENSE_PLANNING_FACTS_FILE=" in err


def test_cli_import_lists_every_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(
        tmp_path,
        "municipality,first_day,last_day,employed_residents\nGotland,2025-01-01,2025-12-31,1\nberg,x,2025-01-01,-1\n",
    )
    assert run(["planning", "import", str(path)]) == 1
    _out, err = capsys.readouterr()
    assert f"{path}: 3 problem(s):" in err
    assert "row 2 (Gotland), municipality: unknown municipality 'Gotland'" in err
    assert "row 3 (berg), first_day: not a date (YYYY-MM-DD): 'x'" in err
    assert "row 3 (berg), employed_residents: '-1' is negative" in err


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "facts.csv"
    path.write_text(text, encoding="utf-8")
    return path
