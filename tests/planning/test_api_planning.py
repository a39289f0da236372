"""GET /api/planning and its file download: the JSON, validated assumptions, XLSX and CSV,
a broken facts file, the access policy."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.security import rule_for
from hubsense.keys import Role
from hubsense.registry import Registry
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from tests.api.api_support import NOW
from tests.planning.conftest import END, FIRST, planning_settings

pytestmark = pytest.mark.dated


PERIOD = {"from": FIRST.isoformat(), "to": END.isoformat()}


@pytest.fixture
def client(registry: Registry, measured_store: SqliteStore) -> Iterator[TestClient]:
    app = create_app(planning_settings(), registry, measured_store, clock=lambda: NOW)
    with TestClient(app) as c:
        yield c


def test_planning_json(client: TestClient) -> None:
    r = client.get("/api/planning", params=PERIOD)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["period"] == {"from": "2026-11-09", "to": "2026-11-21", "last_day": "2026-11-20",
                              "days": 12}  # fmt: skip
    assert body["facts"]["invented"] is True and body["facts"]["error"] is None
    assert body["min_group_size"] == 5
    assert body["references"] == ["berg", "krokom"]
    munis = body["municipalities"]
    assert [m["rank"] for m in munis] == list(range(1, 9))
    assert len({m["id"] for m in munis}) == 8
    berg = next(m for m in munis if m["id"] == "berg")
    assert berg["basis"] == "measured"
    assert berg["desks_needed"] == {"low": 7, "mid": 7, "high": 7}
    assert berg["measured"]["visits_per_day"] == pytest.approx(4.3)
    assert berg["measured"]["peak_at_service_level"] == 6
    ragunda = next(m for m in munis if m["id"] == "ragunda")
    assert ragunda["desks_needed"] == {"low": 5, "mid": 5, "high": 6}
    assert ragunda["projection"]["references"] == ["berg", "krokom"]
    bands = {b["band"]: b["people"] for b in ragunda["evidence"]["bands"]}
    assert bands["100_plus"] == "<5"
    assumptions = {a["key"]: a for a in body["assumptions"]}
    assert assumptions["adoption"]["source"] == "measured"
    assert assumptions["adoption"]["value"] == pytest.approx(12.3 / 10490)
    assert assumptions["co2_kg_per_km"] == {
        "key": "co2_kg_per_km", "value": 0.15, "source": "default",
        "meaning": assumptions["co2_kg_per_km"]["meaning"],
    }  # fmt: skip
    assert "Ragunda 2023" in assumptions["co2_kg_per_km"]["meaning"]
    assert assumptions["eligible"]["value"] == "residents"


def test_assumptions_are_query_parameters(client: TestClient) -> None:
    r = client.get(
        "/api/planning",
        params={**PERIOD, "adoption": 0.004, "peak_ratio": 1, "buffer": 2, "lang": "en"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    ost = next(m for m in body["municipalities"] if m["id"] == "ostersund")
    assert ost["projection"]["desks"]["mid"] == 127  # 31 200 × 0.004 = 124.8 → 125 + 2
    assumptions = {a["key"]: a for a in body["assumptions"]}
    assert assumptions["adoption"]["source"] == "assumed"
    assert assumptions["buffer"] == {"key": "buffer", "value": 2, "source": "assumed",
                                     "meaning": assumptions["buffer"]["meaning"]}  # fmt: skip
    assert ost["notes"][0] == {
        "code": "no_evidence",
        "text": "No evidence days in the period for Arbetshubb Östersund centrum, "
        "Arbetshubb Östersund campus: nothing measured.",
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"adoption": "2"}, "query.adoption: Input should be less than or equal to 1"),
        ({"adoption": "x"}, "query.adoption: Input should be a valid number"),
        ({"adoption": "NaN"}, "query.adoption: Input should be a finite number"),
        ({"adoptoin": "0.1"}, "query.adoptoin: Extra inputs are not permitted"),
        ({"adoption_low": "0.3", "adoption_high": "0.1"}, "adoption_low must not be above"),
        ({"adoption": "0.1", "adoption_high": "0.05"}, "adoption_high must not be below"),
        ({"peak_ratio": "0"}, "query.peak_ratio: Input should be greater than 0"),
        ({"eligible": "everyone"}, "query.eligible: Input should be 'residents' or 'commuters'"),
        ({"rank_by": "size"}, "query.rank_by"),
        ({"horizon_years": "-1"}, "query.horizon_years"),
        ({"from": "2026-13-01"}, "from: not a date (YYYY-MM-DD)"),
        ({"from": "2026-11-21", "to": "2026-11-09"}, "to must be after from"),
        ({"from": "2020-01-01"}, "date range too long"),
    ],
)
def test_bad_queries_are_422(client: TestClient, params: dict[str, str], expected: str) -> None:
    r = client.get("/api/planning", params=params)
    assert r.status_code == 422, r.text
    assert expected in r.json()["detail"]


def test_xlsx_download(client: TestClient) -> None:
    r = client.get("/api/planning/download", params={**PERIOD, "format": "xlsx"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert (
        'filename="hubsense-planning-2026-11-09-2026-11-21.xlsx"'
        in r.headers["content-disposition"]
    )
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Planering", "Planeringsunderlag", "Antaganden"]
    ws = wb["Planering"]
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "Planeringsunderlag för arbetshubbar"
    assert rows[1][0].startswith("EXEMPELDATA")  # INVENTED DATA, before anything else
    header = next(i for i, row in enumerate(rows) if row[0] == "Rang")
    table = [dict(zip(rows[header], row, strict=False)) for row in rows[header + 1 : header + 9]]
    assert [t["Rang"] for t in table] == list(range(1, 9))
    assert {t["Kommun"] for t in table} == {"Berg", "Bräcke", "Härjedalen", "Krokom",
                                           "Ragunda", "Strömsund", "Åre", "Östersund"}  # fmt: skip
    ragunda = next(t for t in table if t["Kommun"] == "Ragunda")
    assert [ragunda[f"Platser som behövs ({x})"] for x in ("låg", "mitt", "hög")] == [5, 5, 6]
    berg = next(t for t in table if t["Kommun"] == "Berg")
    assert berg["Underlag"] == "uppmätt" and berg["Uppmätt: Rekommenderade platser"] == 7
    assert isinstance(berg["Sparad restid (h/år) (mitt)"], float)
    evidence = [list(r) for r in wb["Planeringsunderlag"].iter_rows(values_only=True)]
    flat = [c for row in evidence for c in row]
    assert "<5" in flat  # Bräcke's open positions, Ragunda's small band
    assert 2 not in [row[-8] for row in evidence if row and row[0] == "Bräcke"]
    assumptions = [list(r) for r in wb["Antaganden"].iter_rows(values_only=True)]
    assert ["co2_kg_per_km", 0.15, "standard"] == assumptions[[r[0] for r in assumptions].index(
        "co2_kg_per_km")][:3]  # fmt: skip


def test_csv_download(client: TestClient) -> None:
    r = client.get("/api/planning/download", params={**PERIOD, "format": "csv", "lang": "en"})
    assert r.status_code == 200
    assert r.content.startswith(b"\xef\xbb\xbf")  # BOM for spreadsheet programs
    text = r.content.decode("utf-8-sig")
    assert "## Planning: Municipalities ranked by demand and benefit" in text
    rows = list(csv.reader(io.StringIO(text)))
    header = rows.index(next(r for r in rows if r and r[0] == "Rank"))
    ragunda = next(r for r in rows[header:] if len(r) > 1 and r[1] == "Ragunda")
    cols = rows[header]
    assert ragunda[cols.index("Desks needed (mid)")] == "5"
    assert "<5" in text and "INVENTED DATA" in text


def test_a_broken_facts_file_is_reported_not_fatal(
    registry: Registry, measured_store: SqliteStore, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("municipality,first_day,last_day,employed_residents\nGotland,x,y,1\n")
    app = create_app(
        planning_settings(planning_facts_file=bad), registry, measured_store, clock=lambda: NOW
    )
    with TestClient(app) as c:
        body = c.get("/api/planning", params=PERIOD).json()
        assert "unknown municipality 'Gotland'" in body["facts"]["error"]
        assert body["notes"][0]["code"] == "facts_invalid"
        berg = next(m for m in body["municipalities"] if m["id"] == "berg")
        assert berg["desks_needed"]["mid"] == 7  # measured figures still there


def test_planning_is_for_planners() -> None:
    for path in ("/api/planning", "/api/planning/download"):
        assert rule_for("GET", path).access is Role.PLANNER, path
    assert rule_for("POST", "/api/planning").access is Role.ADMIN  # read-only
