"""Checks that a report file holds text from outside as text (OWASP's CSV-injection rule
for CSV, string cells for XLSX) and numbers as numbers."""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import load_workbook

from hubsense.cells import FORMULA_STARTS


def assert_workbook_safe(body: bytes, hostile: list[str]) -> None:
    """No formula anywhere; each hostile text is there as a string; numbers are numbers."""
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    wb = load_workbook(io.BytesIO(body))
    found: dict[str, set[str]] = {h: set() for h in hostile}
    numbers = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert cell.data_type in ("s", "inlineStr")
                    for h in hostile:
                        if h in cell.value:
                            found[h].add(ws.title)
                elif isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    assert cell.data_type == "n"
                    numbers += 1
    assert all(found.values()), found
    assert numbers > 0
    # a name on its own in a cell is exactly the name (shown, not changed)
    texts = {c.value for ws in wb.worksheets for r in ws.iter_rows() for c in r}
    assert any(h in texts for h in hostile)


def assert_csv_safe(body: bytes, hostile: list[str]) -> None:
    """A field that starts like a formula is a number; each hostile text is there, as
    text (a name on its own gets the apostrophe); numbers are numbers."""
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    fields = [f for row in rows for f in row]
    numbers = 0
    for f in fields:
        try:
            float(f)
        except ValueError:
            assert not f.startswith(FORMULA_STARTS), f
        else:
            numbers += 1
    assert numbers > 0
    for h in hostile:
        assert any(h in f for f in fields), h
    assert any(("'" + h) in fields for h in hostile)
