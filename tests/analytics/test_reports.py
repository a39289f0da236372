"""Planner reports: the workbook written and read back with openpyxl, the CSV, the decision
memo, and ``hubsense report`` on the command line, which answers as the API does."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from hubsense import analytics
from hubsense.config import load_settings
from hubsense.glossary import GLOSSARY
from hubsense.registry import load_registry
from hubsense.report_xlsx import xlsx_bytes
from hubsense.reports import build_report, csv_bytes, memo, sections
from hubsense.store import open_store
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from launch.cli import main
from tests.analytics.support import REGISTRY, REGISTRY_TOML, all_desks, at, settings

pytestmark = pytest.mark.dated


FIRST, END = date(2026, 11, 2), date(2026, 11, 16)  # two weeks
NOW = at(2026, 11, 25, 12)


def fill(store: SqliteStore) -> None:
    events = []
    for d in range(1, 17):
        day = (2026, 11, d)
        events += all_desks("dag", at(*day), at(*day) + 24 * 3600 * 10**9, {
            "a01": [(at(*day, 8), at(*day, 12))],
            "a02": [(at(*day, 9), at(*day, 9, 20))],  # 20 min: used less than 30
            "b01": [(at(*day, 9, 30), at(*day, 11))] if d % 2 else [],
        })
        events += all_desks("dygn", at(*day), at(*day) + 24 * 3600 * 10**9,
                            {"a01": [(at(*day, 22), at(*day, 23))]})
    store.write(events, [])


@pytest.fixture
def analysis(sqlite_store: SqliteStore) -> analytics.Analysis:
    fill(sqlite_store)
    return analytics.analyse(sqlite_store, REGISTRY,
                             analytics.resolve(REGISTRY, "municipality", "berg"), FIRST, END,
                             settings(), now_ns=NOW, slots=True)


def report(a: analytics.Analysis, lang: str = "sv"):  # noqa: ANN201
    return build_report(a, analytics.resolve(REGISTRY, "municipality", "berg"), lang,  # type: ignore[arg-type]
                        generated=datetime(2026, 11, 25, 12, tzinfo=UTC), offline_after_s=900,
                        flicker_s=120, stuck_s=43200)


def close(value: object) -> object:
    """Workbook floats carry 16 significant digits (Excel keeps 15): compare to 1e-12."""
    return pytest.approx(value, rel=1e-12, abs=1e-12)


def table(ws, first_header: str) -> tuple[list[str], list[list[object]]]:  # noqa: ANN001
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    body = []
    for r in rows[start + 1:]:
        if not r or r[0] is None:
            break
        body.append(r)
    return [str(c) for c in rows[start]], body


def test_every_sheet_has_its_header_bold_frozen_and_filtered(
    analysis: analytics.Analysis,
) -> None:
    rep = report(analysis)
    wb = load_workbook(io.BytesIO(xlsx_bytes(rep)))
    for table, ws in zip(rep.tables, wb.worksheets, strict=True):
        header = next(c.row for c in ws["A"] if c.value == table.columns[0].header)
        assert [c.value for c in ws[header]] == [c.header for c in table.columns]
        assert all(c.font.bold for c in ws[header])
        assert all(c.value is None for c in ws[header - 1])  # the blank row above it
        assert ws.freeze_panes == f"A{header + 1}"
        if table.rows:
            assert ws.auto_filter.ref.startswith(f"A{header}:")
            assert ws.auto_filter.ref.endswith(str(header + len(table.rows)))


def test_workbook_read_back(analysis: analytics.Analysis) -> None:
    wb = load_workbook(io.BytesIO(xlsx_bytes(report(analysis))))
    assert wb.sheetnames == ["Sammanfattning", "Hubbar", "Platser", "Timme × veckodag", "Dagar",
                             "Kapacitetskurva", "Fulla dagar", "Prognos", "Sensorhälsa",
                             "Definitioner"]
    for ws in wb.worksheets:  # every sheet states the title, period and units
        assert ws["A1"].value == "Nyttjande av arbetshubbar – Berg"
        assert ws["A2"].value == ("Period: 2026-11-02 – 2026-11-15 (14 dagar; lokal tid "
                                  "Europe/Stockholm)")
        texts = [c.value for c in ws["A"][:8]]
        assert any(str(t).startswith("Enheter: tider i timmar (h)") for t in texts)

    hdr, rows = table(wb["Sammanfattning"], "Kommun")
    assert hdr[:5] == ["Kommun", "Hubbar", "Platser i dag (platser)", "Öppetdagar (dagar)",
                       "Underlagsdagar (dagar)"]
    assert "Nyttjandegrad (%)" in hdr and "Rekommenderat antal platser (platser)" in hdr
    (berg,) = rows
    s = analysis.summary(analytics.resolve(REGISTRY, "municipality", "berg"))
    cap = analysis.scope_capacity(analytics.resolve(REGISTRY, "municipality", "berg"))
    assert berg[hdr.index("Nyttjandegrad (%)")] == close(s.time.utilisation)
    assert berg[hdr.index("Rekommenderat antal platser (platser)")] == cap.recommended_desks
    assert berg[hdr.index("Öppen platstid (h)")] == close(s.time.open_ns / 3.6e12)
    memo_cells = [c.value for c in wb["Sammanfattning"]["A"] if c.value]
    assert any(str(v).startswith("Daghubben har i dag 3 platser") for v in memo_cells)
    assert any(str(v).startswith("Daghubben has 3 desks now") for v in memo_cells)
    ws = wb["Sammanfattning"]
    util_cell = ws.cell(row=next(c.row for c in ws["A"] if c.value == "Berg"),
                        column=hdr.index("Nyttjandegrad (%)") + 1)
    assert util_cell.number_format == "0.0%"

    hdr, rows = table(wb["Hubbar"], "Kommun")
    by_hub = {r[1]: r for r in rows}
    dag = analysis.capacity("dag")
    assert by_hub["dag"][hdr.index("Rekommenderat antal platser (platser)")] == \
        dag.recommended_desks
    assert by_hub["dag"][hdr.index("Underlagsdagar (dagar)")] == 14

    hdr, rows = table(wb["Platser"], "Hubb")
    assert [(r[0], r[2]) for r in rows] == [("dag", "a01"), ("dag", "a02"), ("dag", "b01"),
                                            ("dygn", "a01"), ("dygn", "a02")]
    assert rows[0][hdr.index("Nyttjandegrad (%)")] == close(4 / 11)
    assert rows[1][hdr.index("Använda platsdagar (dagar)")] == 0  # 20 min a day
    assert rows[1][hdr.index("Oanvända platsdagar (dagar)")] == 14

    hdr, rows = table(wb["Timme × veckodag"], "Hubb")
    assert hdr[2].startswith("måndag (Genomsnittlig samtidighet")
    dag_rows = {r[1]: r for r in rows if r[0] == "dag"}
    assert set(dag_rows) == {f"{h:02d}:00–{h + 1:02d}:00" for h in range(7, 18)}
    grid = analysis.profile(analytics.resolve(REGISTRY, "hub", "dag"))
    assert dag_rows["09:00–10:00"][2:] == [close(grid[w][9]) for w in range(7)]

    hdr, rows = table(wb["Dagar"], "Hubb")
    assert len([r for r in rows if r[0] == "dag"]) == 14
    assert isinstance(rows[0][1], datetime)  # a date cell
    hdr, rows = table(wb["Kapacitetskurva"], "Hubb")
    assert [r[1] for r in rows if r[0] == "dag"] == [0, 1, 2, 3]
    hdr, rows = table(wb["Definitioner"], "Fält i API:t")
    assert {r[0] for r in rows} == set(GLOSSARY)


def test_csv_holds_the_same_views(analysis: analytics.Analysis) -> None:
    raw = csv_bytes(report(analysis, "en"))
    assert raw.startswith(b"\xef\xbb\xbf")
    parts = sections(raw.decode("utf-8-sig"))
    assert list(parts) == ["Summary", "Hubs", "Desks", "Hour × weekday", "Days",
                           "Capacity curve", "Full days", "Forecast", "Sensor health",
                           "Definitions"]
    hdr, berg = parts["Summary"][0], parts["Summary"][1]
    s = analysis.summary(analytics.resolve(REGISTRY, "municipality", "berg"))
    assert berg[hdr.index("Utilisation (%)")] == f"{s.time.utilisation * 100:.2f}"
    assert berg[hdr.index("Open desk-time (h)")] == f"{s.time.open_ns / 3.6e12:.3f}"
    desks = parts["Desks"]
    assert desks[0][:3] == ["Hub", "Zone", "Desk"] and len(desks) == 1 + 5


def test_memo(analysis: analytics.Analysis) -> None:
    sv = memo(analysis, "berg", "sv", flicker_s=120)
    lines = sv.split("\n")
    assert lines[0] == "Berg kommun, 2 november 2026 – 15 november 2026 (14 dagar, 14 öppetdagar)."
    cap = analysis.capacity("dag")
    # a02 leaves at 09:20, before b01 arrives at 09:30: the peak is 2 every day
    assert (cap.peak_at_service_level, cap.recommended_desks, cap.evidence_days) == (2, 3, 14)
    assert lines[1].startswith("Daghubben har i dag 3 platser. Nyttjandegraden var ")
    assert "Den samtidiga toppen var högst 2 platser på 90 % av underlagsdagarna (P90" in lines[1]
    assert "Med 1 plats i buffert rekommenderas 3 platser. Underlaget är 14 av 14 öppetdagar." \
        in lines[1]
    assert "Underlaget för Daghubben är 14 dagar, färre än 20" in sv
    assert "Totalt för kommunen: 5 platser i dag" in sv
    en = memo(analysis, "berg", "en", flicker_s=120)
    assert "With a buffer of 1 desk, 3 desks are recommended. The evidence is 14 of 14 open " \
        "days." in en


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    reg = tmp_path / "registry.toml"
    reg.write_text(REGISTRY_TOML, encoding="utf-8")
    db = tmp_path / "cli.sqlite3"
    store = SqliteStore(db)
    store.open()
    fill(store)
    store.close()
    monkeypatch.setenv("HUBSENSE_REGISTRY", str(reg))
    monkeypatch.setenv("HUBSENSE_SQLITE_PATH", str(db))
    monkeypatch.setenv("HUBSENSE_STORE", "sqlite")
    monkeypatch.setenv("HUBSENSE_STUCK_UNCHANGED_OPEN_DAYS", "10")
    yield tmp_path


def test_cli_report(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = cli_env / "berg.xlsx"
    args = ["report", "--municipality", "berg", "--from", "2026-11-02", "--to", "2026-11-16"]
    assert main([*args, "--format", "xlsx", "--out", str(out)], clock=lambda: NOW) == 0
    assert "wrote" in capsys.readouterr().err
    wb = load_workbook(out)
    hdr, rows = table(wb["Hubbar"], "Kommun")
    # dygn/a02 reports free for 16 days without a change: flagged stuck, its time unknown,
    # so the two-desk hub has 50 % coverage and no evidence days
    assert {r[1]: r[hdr.index("Rekommenderat antal platser (platser)")] for r in rows} == {
        "dag": 3, "dygn": None}
    hdr, rows = table(wb["Sensorhälsa"], "Hubb")
    assert [(r[0], r[1], r[2]) for r in rows] == [("dygn", "a02", "oförändrad i flera dagar")]
    assert main([*args, "--format", "text", "--lang", "en"], clock=lambda: NOW) == 0
    assert capsys.readouterr().out.startswith("Berg municipality, 2 November 2026")
    assert main([*args, "--format", "csv", "--refresh"], clock=lambda: NOW) == 0
    assert "## Summary" not in capsys.readouterr().out  # Swedish by default
    for bad, says in [
        (["--municipality", "atlantis"], "unknown municipality 'atlantis'"),
        (["--to", "2026-11-01"], "to must be after from (to is exclusive)"),
        (["--from", "2020-01-01"], "date range too long"),
        (["--from", "2026-02-30"], "not a date"),
        (["--format", "xlsx"], "needs --out"),
    ]:
        assert main([*args, *bad], clock=lambda: NOW) == 2
        assert says in capsys.readouterr().err


# --- the CLI and the API answer alike -------------------------------------------------------


@pytest.fixture
def api_client(cli_env: Path) -> Iterator[TestClient]:
    """The API over the CLI's store, registry and settings (same environment), with the
    real clock, as the CLI has. ``main`` replaces the root logger's handlers with one on
    the stderr of its moment (a test's captured one): root logging is put back after,
    and kept at WARNING meanwhile, so the client's request logs go nowhere stale."""
    root = logging.getLogger()
    saved = root.level, list(root.handlers)
    root.setLevel(logging.WARNING)
    settings = load_settings(auth_enabled=False)
    registry = load_registry(settings.registry)
    store = open_store(settings)
    try:
        with TestClient(create_app(settings, registry, store, clock=time.time_ns)) as client:
            yield client
    finally:
        store.close()
        root.handlers[:] = saved[1]
        root.setLevel(saved[0])


def test_cli_and_api_give_the_same_report(
    api_client: TestClient, cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dates = {"from": "2026-11-02", "to": "2026-11-16"}
    args = ["--log-level", "WARNING", "report", "--municipality", "berg"]
    args += ["--from", dates["from"], "--to", dates["to"]]
    memo_api = api_client.get("/api/reports/memo", params={"municipality": "berg", **dates})
    assert memo_api.status_code == 200
    assert main([*args, "--format", "text"]) == 0
    assert capsys.readouterr().out == memo_api.text
    for lang in ("sv", "en"):
        params = {"municipality": "berg", **dates, "format": "csv", "lang": lang}
        file_api = api_client.get("/api/reports/download", params=params)
        assert file_api.status_code == 200
        out = cli_env / f"berg-{lang}.csv"
        assert main([*args, "--format", "csv", "--lang", lang, "--out", str(out)]) == 0
        capsys.readouterr()
        cli_text = out.read_bytes().decode("utf-8-sig")
        api_text = file_api.content.decode("utf-8-sig")
        # every table alike (only the preamble's "generated at" may differ by the clock)
        assert sections(cli_text) == sections(api_text)
        assert sections(cli_text)["Hubbar" if lang == "sv" else "Hubs"]
        assert cli_text.splitlines()[:2] == api_text.splitlines()[:2]  # title, period


@pytest.mark.parametrize(
    ("dates", "status"),
    [
        ({"from": "2026-11-02", "to": "2026-11-01"}, 422),  # empty range
        ({"from": "2020-01-01", "to": "2026-11-16"}, 422),  # longer than analytics_max_days
        ({"from": "2026-02-30", "to": "2026-11-16"}, 422),  # not a date
        ({"from": "2026-11-02", "to": "2999-01-01"}, 422),  # ends in the future
    ],
)
def test_cli_and_api_refuse_a_bad_period_alike(
    api_client: TestClient,
    capsys: pytest.CaptureFixture[str],
    dates: dict[str, str],
    status: int,
) -> None:
    params = {"municipality": "berg", **dates, "format": "csv"}
    r = api_client.get("/api/reports/download", params=params)
    assert r.status_code == status
    detail = r.json()["detail"]
    cli = ["--log-level", "WARNING", "report", "--municipality", "berg"]
    assert main([*cli, "--from", dates["from"], "--to", dates["to"], "--format", "csv"]) == 2
    assert capsys.readouterr().err == f"hubsense: {detail}\n"


def test_cli_and_api_refuse_an_unknown_municipality_alike(
    api_client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    dates = {"from": "2026-11-02", "to": "2026-11-16"}
    r = api_client.get("/api/reports/memo", params={"municipality": "atlantis", **dates})
    assert r.status_code == 404
    detail = r.json()["detail"]
    assert detail == "municipality: unknown municipality 'atlantis' (known: berg, ost)"
    cli = ["--log-level", "WARNING", "report", "--municipality", "atlantis"]
    assert main([*cli, "--from", dates["from"], "--to", dates["to"], "--format", "text"]) == 2
    assert capsys.readouterr().err == f"hubsense: {detail}\n"


@pytest.fixture
def full_analysis(sqlite_store: SqliteStore) -> analytics.Analysis:
    """Daghubben full 09:30-11:00 on the odd days (7 of the 14): all three desks taken."""
    events = []
    for d in range(2, 16):
        day = (2026, 11, d)
        events += all_desks("dag", at(*day), at(*day) + 24 * 3600 * 10**9, {
            "a01": [(at(*day, 8), at(*day, 12))],
            "a02": [(at(*day, 9), at(*day, 12))],
            "b01": [(at(*day, 9, 30), at(*day, 11))] if d % 2 else [],
        })
    sqlite_store.write(events, [])
    return analytics.analyse(sqlite_store, REGISTRY,
                             analytics.resolve(REGISTRY, "municipality", "berg"), FIRST, END,
                             settings(), now_ns=NOW, slots=True)


def test_saturation_in_the_workbook_csv_and_memo(full_analysis: analytics.Analysis) -> None:
    wb = load_workbook(io.BytesIO(xlsx_bytes(report(full_analysis))))
    hdr, rows = table(wb["Hubbar"], "Kommun")
    dag = {r[1]: r for r in rows}["dag"]
    assert dag[hdr.index("Dagar med alla platser upptagna (dagar)")] == 7
    assert dag[hdr.index("Andel dagar med alla platser upptagna (%)")] == close(0.5)
    assert dag[hdr.index("Tid med alla platser upptagna (h)")] == close(7 * 1.5)
    hdr, rows = table(wb["Sammanfattning"], "Kommun")
    (berg,) = rows
    # dygn has no data: no evidence day, so 7 of Berg's 14 evidence hub-days
    assert berg[hdr.index("Dagar med alla platser upptagna (dagar)")] == 7
    assert berg[hdr.index("Andel dagar med alla platser upptagna (%)")] == close(0.5)
    hdr, rows = table(wb["Dagar"], "Hubb")
    by_day = {r[1].date(): r for r in rows if r[0] == "dag"}
    odd, even = by_day[date(2026, 11, 3)], by_day[date(2026, 11, 4)]
    full, minutes = hdr.index("Alla platser upptagna"), hdr.index(
        "Minuter med alla platser upptagna (min)")
    assert (odd[full], odd[minutes]) == ("ja", close(90.0))
    # on the even days b01 is free all day: never full
    assert (even[full], even[minutes]) == ("nej", close(0.0))
    parts = sections(csv_bytes(report(full_analysis, "en")).decode("utf-8-sig"))
    hub_hdr, hub_row = parts["Hubs"][0], parts["Hubs"][1]
    assert hub_row[hub_hdr.index("Share of days at capacity (%)")] == "50.00"
    sv = memo(full_analysis, "berg", "sv", flicker_s=120)
    assert ("Daghubben var fullt (alla 3 platser upptagna samtidigt) på 7 av 14 "
            "underlagsdagar (50,0 %), sammanlagt 10,5 h med alla upptagna.") in sv
    assert "toppen de dagarna är en undre gräns för efterfrågan" in sv
    en = memo(full_analysis, "berg", "en", flicker_s=120)
    assert ("Daghubben was full (all 3 desks taken at once) on 7 of 14 evidence days "
            "(50.0%), 10.5 h at full in all.") in en


def test_no_saturation_sentence_when_never_full(analysis: analytics.Analysis) -> None:
    assert analysis.capacity("dag").days_at_capacity == 0
    assert "fullt" not in memo(analysis, "berg", "sv", flicker_s=120)


def test_a_full_hubs_recommendation_is_a_lower_bound_with_the_estimate(
    full_analysis: analytics.Analysis,
) -> None:
    cap = full_analysis.capacity("dag")
    assert cap.lower_bound and cap.demand is not None and cap.demand.reason is None
    est, low, high = cap.demand_at_service_level, cap.demand_low, cap.demand_high
    assert est is not None and low is not None and high is not None
    assert cap.peak_at_service_level == 3 and 3 <= low <= est <= high
    sv = memo(full_analysis, "berg", "sv", flicker_s=120)
    assert ("Rekommendationen för Daghubben, 4 platser, är därför en undre gräns. Skattad "
            "efterfrågan vid 90 % servicenivå, med de fulla dagarna som censurerade "
            f"observationer (docs/metrics.md): {est} platser (intervall {low}–{high}); med "
            f"buffert {est + 1} platser.") in sv
    en = memo(full_analysis, "berg", "en", flicker_s=120)
    assert "The recommendation for Daghubben, 4 desks, is therefore a lower bound." in en
    wb = load_workbook(io.BytesIO(xlsx_bytes(report(full_analysis, "en"))))
    hdr, rows = table(wb["Hubs"], "Municipality")
    dag = {r[1]: r for r in rows}["dag"]
    assert dag[hdr.index("Lower bound")] == "yes"
    assert dag[hdr.index("Recommended desks (desks)")] == 4
    assert dag[hdr.index("Estimated demand at service level (desks)")] == est
    assert (dag[hdr.index("Estimated demand, low (desks)")],
            dag[hdr.index("Estimated demand, high (desks)")]) == (low, high)
    assert dag[hdr.index("Recommended desks from estimated demand (desks)")] == est + 1
    hdr, rows = table(wb["Summary"], "Municipality")
    (berg,) = rows
    # dygn was never full and has no evidence day: no percentile, so no sum for Berg
    assert berg[hdr.index("Lower bound")] == "yes"
    assert berg[hdr.index("Recommended desks from estimated demand (desks)")] is None


def test_an_estimate_that_cannot_be_made_says_why(sqlite_store: SqliteStore) -> None:
    events = []
    for d in range(2, 16):  # full every day
        day = (2026, 11, d)
        events += all_desks("dag", at(*day), at(*day) + 24 * 3600 * 10**9, {
            desk: [(at(*day, 9), at(*day, 12))] for desk in ("a01", "a02", "b01")})
    sqlite_store.write(events, [])
    a = analytics.analyse(sqlite_store, REGISTRY, analytics.resolve(REGISTRY, "hub", "dag"),
                          FIRST, END, settings(), now_ns=NOW, slots=True)
    cap = a.capacity("dag")
    assert cap.lower_bound and cap.demand_at_service_level is None
    assert cap.demand is not None and cap.demand.reason == "all_full"
    sv = memo(a, "berg", "sv", flicker_s=120)
    assert ("Rekommendationen för Daghubben, 4 platser, är därför en undre gräns. Efterfrågan "
            "kan inte skattas (alla underlagsdagar var fulla): den är okänd och högre.") in sv


def test_the_full_days_and_forecast_sheets(full_analysis: analytics.Analysis) -> None:
    wb = load_workbook(io.BytesIO(xlsx_bytes(report(full_analysis, "en"))))
    hdr, rows = table(wb["Full days"], "Hub")
    by_hub = {r[0]: r for r in rows}
    cap = full_analysis.capacity("dag")
    dag = by_hub["dag"]
    assert dag[hdr.index("Days at capacity (days)")] == 7
    assert dag[hdr.index("Estimated demand at service level (desks)")] == \
        cap.demand_at_service_level
    assert dag[hdr.index("Estimate")] == "censored fit per weekday"
    assert by_hub["dygn"][hdr.index("Estimate")] == "measured (never full)"
    # two weeks are no history for a forecast: the sheet says why, per hub
    texts = [str(c.value) for c in wb["Forecast"]["A"] if c.value]
    assert "Daghubben: no forecast, fewer than 20 evidence days in the period." in texts


def test_a_forecast_sheet_from_ten_weeks(sqlite_store: SqliteStore) -> None:
    events = []
    first, end = date(2026, 8, 31), date(2026, 11, 9)
    day = first
    while day < end:
        t = (day.year, day.month, day.day)
        events += all_desks("dag", at(*t), at(*t) + 24 * 3600 * 10**9, {
            "a01": [(at(*t, 8), at(*t, 12))], "a02": [(at(*t, 9), at(*t, 13))],
            "b01": [(at(*t, 14), at(*t, 15))]})
        day += timedelta(days=1)
    sqlite_store.write(events, [])
    a = analytics.analyse(sqlite_store, REGISTRY,
                          analytics.resolve(REGISTRY, "municipality", "berg"), first, end,
                          settings(), now_ns=NOW, slots=True)
    wb = load_workbook(io.BytesIO(xlsx_bytes(report(a, "sv"))))
    ws = wb["Prognos"]
    hdr, rows = table(ws, "Hubb")
    dag = [r for r in rows if r[0] == "dag"]
    # every day of 13 weeks but the six holidays from Christmas Eve to Epiphany
    assert len(dag) == 91 - 6
    assert dag[0][1].date() == end
    peak = hdr.index("Samtidig topp (platser)")
    assert all(r[peak] == close(2.0) for r in dag)  # a01 and a02 overlap every day
    texts = [str(c.value) for c in ws["A"] if c.value]
    assert any(t.startswith("Daghubben: veckodag") for t in texts)
    assert "Dygnethubben: ingen prognos, färre än 20 underlagsdagar i perioden." in texts
