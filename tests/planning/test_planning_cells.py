"""Text from a planning facts file stays text in every sheet and CSV of the planning report
that the API and the CLI produce, with numbers still numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hubsense.registry import Registry
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from launch.cli import main
from tests.analytics.cells_support import assert_csv_safe, assert_workbook_safe
from tests.api.api_support import NOW
from tests.planning.conftest import END, FIRST, planning_settings
from tests.planning.support import EXAMPLE

pytestmark = pytest.mark.dated

HOSTILE_SOURCE = '=HYPERLINK("http://x.invalid","SCB")'
HOSTILE_NOTE = "@SUM(1+1)"


@pytest.fixture
def hostile_facts(tmp_path: Path) -> Path:
    """The example facts, every row's source and note replaced by formulas."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    for line in lines:
        if line.startswith("#") or line.startswith("municipality,"):
            out.append(line)
            continue
        cells = next(csv.reader([line]))
        cells[-2], cells[-1] = HOSTILE_SOURCE, HOSTILE_NOTE
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(cells)
        out.append(buf.getvalue())
    path = tmp_path / "facts.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def test_planning_report_files_keep_hostile_facts_as_text(
    registry: Registry,
    measured_store: SqliteStore,
    hostile_facts: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = create_app(
        planning_settings(planning_facts_file=hostile_facts),
        registry,
        measured_store,
        clock=lambda: NOW,
    )
    period = {"from": FIRST.isoformat(), "to": END.isoformat()}
    with TestClient(app) as client:
        for lang in ("sv", "en"):
            for fmt, check in (("xlsx", assert_workbook_safe), ("csv", assert_csv_safe)):
                r = client.get(
                    "/api/planning/download", params={**period, "format": fmt, "lang": lang}
                )
                assert r.status_code == 200, r.text
                check(r.content, [HOSTILE_SOURCE])
    monkeypatch.setenv("HUBSENSE_SQLITE_PATH", str(measured_store.path))
    monkeypatch.setenv("HUBSENSE_CAPACITY_MIN_DAYS", "5")
    args = ["--log-level", "WARNING", "planning", "report", "--from", period["from"]]
    args += ["--to", period["to"], "--facts", str(hostile_facts)]
    out = tmp_path / "plan.xlsx"
    assert main([*args, "--format", "xlsx", "--out", str(out)], clock=lambda: NOW) == 0
    assert_workbook_safe(out.read_bytes(), [HOSTILE_SOURCE])
    out = tmp_path / "plan.csv"
    assert main([*args, "--format", "csv", "--out", str(out)], clock=lambda: NOW) == 0
    assert_csv_safe(out.read_bytes(), [HOSTILE_SOURCE])
    capsys.readouterr()
