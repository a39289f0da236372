"""Facts import: the example file, CSV and XLSX, and every kind of bad file rejected with
its row, column and reason (all problems at once)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from hubsense.planning.facts import BANDS, COLUMNS, FactsError, load_facts
from hubsense.registry import Registry
from tests.planning.support import EXAMPLE

HEADER = "municipality,first_day,last_day,employed_residents"


def write(tmp_path: Path, text: str, name: str = "facts.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path, registry: Registry) -> list[str]:
    with pytest.raises(FactsError) as err:
        load_facts(path, registry)
    return err.value.problems


def test_the_example_file_is_valid_and_marked_invented(registry: Registry) -> None:
    facts = load_facts(EXAMPLE, registry)
    assert facts.invented
    assert facts.municipalities() == sorted(registry.municipalities)
    assert len(facts.rows) == 9
    assert all(r.note == "INVENTED DATA" for r in facts.rows)
    berg = facts.for_day("berg", date(2026, 11, 24))
    assert berg is not None
    assert (berg.first_day, berg.last_day, berg.row) == (date(2025, 1, 1), date(2025, 12, 31), 5)
    assert berg.employed_residents == 3010
    assert berg.commuters == 640 + 170
    assert [b.n for b in berg.bands] == [1500, 600, 350, 300, 150]
    assert [b.mean_minutes for b in berg.bands] == [8, 21, 41, 66, 98]
    assert berg.population_change == 40
    assert EXAMPLE.read_text(encoding="utf-8").startswith("# INVENTED DATA")


def test_the_period_is_the_latest_begun_by_the_day(registry: Registry) -> None:
    facts = load_facts(EXAMPLE, registry)
    assert facts.for_day("berg", date(2024, 6, 1)).first_day == date(2024, 1, 1)  # type: ignore[union-attr]
    assert facts.for_day("berg", date(2025, 1, 1)).first_day == date(2025, 1, 1)  # type: ignore[union-attr]
    assert facts.for_day("berg", date(2023, 12, 31)) is None
    assert facts.for_day("bracke", date(2024, 6, 1)) is None


def test_ids_names_and_codes_and_swedish_number_formats(registry: Registry, tmp_path: Path) -> None:
    """Semicolons (Swedish Excel), names in any case, municipality codes, "1 234" with a
    space and "23,5" with a decimal comma; blank cells are unknown."""
    path = write(
        tmp_path,
        "# a comment line\n"
        "municipality;first_day;last_day;employed_residents;band_10_30_n;band_10_30_min;"
        "open_positions\n"
        "ÅRE;2025-01-01;2025-12-31;6 730;1\u00a0260;23,5;\n"
        "2380;2025-01-01;2025-12-31;31200;6400;24;540\n"
        "krokom;2025-01-01;2025-06-30;7480;;;\n",
    )
    facts = load_facts(path, registry)
    assert not facts.invented
    are, krokom, ostersund = facts.rows  # sorted by municipality id
    assert (are.municipality, are.employed_residents) == ("are", 6730)
    assert (are.bands[1].n, are.bands[1].mean_minutes) == (1260, 23.5)
    assert are.open_positions is None
    assert ostersund.municipality == "ostersund" and ostersund.open_positions == 540
    assert krokom.bands[1].n is None


def test_xlsx_reads_like_csv(registry: Registry, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["# INVENTED DATA for the test"])
    ws.append(["municipality", "first_day", "last_day", "employed_residents", "band_0_10_n",
               "band_0_10_min", "population", "population_change"])  # fmt: skip
    ws.append(["Berg", date(2025, 1, 1), date(2025, 12, 31), 3010, 1500.0, 8.5, 6880, -40])
    ws.append([])
    ws.append(["Bräcke", "2025-01-01", "2025-12-31", "2690", None, None, None, None])
    path = tmp_path / "facts.xlsx"
    wb.save(path)
    facts = load_facts(path, registry)
    assert facts.invented
    berg, bracke = facts.rows
    assert (berg.employed_residents, berg.bands[0].n, berg.bands[0].mean_minutes) == (
        3010,
        1500,
        8.5,
    )
    assert (berg.row, bracke.row) == (3, 5)
    assert berg.population_change == -40
    assert bracke.employed_residents == 2690 and bracke.population is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Gotland,2025-01-01,2025-12-31,100",
            "row 2 (Gotland), municipality: unknown municipality 'Gotland'",
        ),
        (
            "berg,2025-01-01,2025-12-31,-3",
            "row 2 (berg), employed_residents: '-3' is negative; counts are 0 or more",
        ),
        (
            "berg,2025-01-01,2025-12-31,10,x",
            "row 2: more cells than columns in the header",
        ),
        ("berg,2025-01-01,2025-12-31,", "row 2 (berg), employed_residents: required, but empty"),
        (",2025-01-01,2025-12-31,5", "row 2 (?), municipality: required, but empty"),
        ("berg,2025-02-30,2025-12-31,10", "row 2 (berg), first_day: not a date (YYYY-MM-DD)"),
        ("berg,2025-12-31,2025-01-01,10", "last_day: 2025-01-01 is before first_day 2025-12-31"),
        ("berg,2025-01-01,2029-01-01,10", "last_day: a period is at most three years"),
        ("berg,2025-01-01,2025-12-31,ten", "employed_residents: not a whole number: 'ten'"),
        ("berg,2025-01-01,2025-12-31,1.5", "employed_residents: not a whole number"),
    ],
)
def test_bad_rows(registry: Registry, tmp_path: Path, body: str, expected: str) -> None:
    problems = problems_of(write(tmp_path, f"{HEADER}\n{body}\n"), registry)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("columns", "cells", "expected"),
    [
        ("band_30_60_n", "-4", "band_30_60_n: '-4' is negative; counts are 0 or more"),
        ("shift_workers", "-1", "shift_workers: '-1' is negative"),
        ("in_migration", "-7", "in_migration: '-7' is negative"),
        ("band_30_60_n,band_30_60_min", "10,0", "band_30_60_min: '0' must be more than 0"),
        ("band_30_60_n,band_30_60_min", "10,900", "band_30_60_min: '900' is implausibly large"),
        ("band_30_60_n,band_30_60_min", "10,nan", "band_30_60_min: not a finite number: 'nan'"),
        ("band_30_60_n,band_30_60_km", "10,inf", "band_30_60_km: not a finite number: 'inf'"),
        ("band_30_60_n,band_30_60_km", "10,80", "band_30_60_km: mean distance 80 km is outside"),
        ("band_30_60_min", "40", "band_30_60_n: a mean is given but not how many people"),
        ("band_0_10_n,band_10_30_n", "60,60", "120 people in commute bands, more than the 100"),
        ("works_in_municipality,works_outside_region", "90,20", "110 people by workplace"),
        ("shift_workers", "101", "shift_workers: 101 is more than employed_residents"),
        ("population,population_change", "50,-50", "population_change: at least as large"),
        ("population_change", "5", "population: needed with population_change"),
    ],
)
def test_bad_counts_and_inconsistent_rows(
    registry: Registry, tmp_path: Path, columns: str, cells: str, expected: str
) -> None:
    text = f"{HEADER},{columns}\nberg,2025-01-01,2025-12-31,100,{cells}\n"
    problems = problems_of(write(tmp_path, text), registry)
    assert any(expected in p for p in problems), problems
    assert all(p.startswith("row 2 (berg), ") for p in problems), problems


def test_overlapping_periods(registry: Registry, tmp_path: Path) -> None:
    """Also when the overlapping row has other problems: every problem is reported."""
    text = (
        f"{HEADER},shift_workers\n"
        "berg,2025-01-01,2025-12-31,100,-1\n"
        "Bräcke,2025-01-01,2025-12-31,100,\n"
        "2326,2025-12-31,2026-06-30,100,\n"  # Berg again, by its code: one day overlaps
        "berg,2026-07-01,2026-12-31,100,\n"  # adjacent: fine
    )
    problems = problems_of(write(tmp_path, text), registry)
    assert problems == [
        "row 2 (berg), shift_workers: '-1' is negative; counts are 0 or more",
        "row 4 (Berg): period 2025-12-31 – 2026-06-30 overlaps row 2 (2025-01-01 – 2025-12-31); "
        "one municipality has one row per period",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "no header row"),
        ("# only a comment\n\n", "no header row"),
        (HEADER + "\n", "the header is there but no data rows"),
        ("municipality,first_day,last_day\nberg,2025-01-01,2025-12-31\n", "missing required"),
        (HEADER + ",employees\nberg,2025-01-01,2025-12-31,1,2\n", "unknown column(s) 'employees'"),
        (HEADER + ",note,note\n", "column(s) note appear twice"),
    ],
)
def test_bad_files(registry: Registry, tmp_path: Path, text: str, expected: str) -> None:
    problems = problems_of(write(tmp_path, text), registry)
    assert any(expected in p for p in problems), problems


def test_unreadable_files(registry: Registry, tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes((HEADER + "\nBräcke,2025-01-01,2025-12-31,1\n").encode("latin-1"))
    assert "not UTF-8" in problems_of(latin1, registry)[0]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    assert "not a readable XLSX workbook" in problems_of(broken, registry)[0]
    assert "cannot read" in problems_of(tmp_path / "missing.csv", registry)[0]


def test_every_documented_column_is_in_the_schema() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "planning.md").read_text("utf-8")
    for column in COLUMNS:
        assert f"`{column}`" in doc or f"`band_<b>_{column.rsplit('_', 1)[-1]}`" in doc, column
    for band in BANDS:
        assert f"`{band.key}`" in doc, band.key
