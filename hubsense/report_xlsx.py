"""A ``hubsense.reports.Report`` as an Excel workbook (openpyxl): one sheet per table.

Every sheet starts with the report title, the period and the units, so a sheet copied on
its own still says what it shows; then the table's own notes, the header row (frozen, with
a filter) and the rows. Numbers are stored at full precision with display formats: shares
as fractions shown as percent (0.0 %), hours with one decimal, dates as dates. Every text
value is a string cell, whatever it starts with (``hubsense.cells``): a name such as
``=HYPERLINK(...)`` from a registry or facts file is shown, never evaluated.
"""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hubsense.cells import xlsx_text
from hubsense.reports import Kind, Report, Table

FORMATS: dict[Kind, str] = {
    "percent": "0.0%",
    "hours": "0.0",
    "float": "0.00",
    "int": "0",
    "date": "yyyy-mm-dd",
}
_MAX_WIDTH = 60


def _sheet_name(name: str, taken: set[str]) -> str:
    clean = "".join(" " if c in "[]:*?/\\" else c for c in name)[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate in taken:
        suffix = f" ({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


def _append(ws: Worksheet, values: list[object]) -> None:
    """A row whose text stays text: openpyxl would store a string starting with ``=`` as a
    formula, so each text cell's type is set to string after the value."""
    ws.append([xlsx_text(v) if isinstance(v, str) else v for v in values])
    if not values:
        return
    r = ws.max_row
    for i, value in enumerate(values, start=1):
        if isinstance(value, str):
            ws.cell(row=r, column=i).data_type = "s"


def _fill(ws: Worksheet, report: Report, table: Table, intro: list[str]) -> None:
    _append(ws, [report.title])
    ws["A1"].font = Font(bold=True, size=14)
    for line in intro:
        _append(ws, [line])
    _append(ws, [table.title])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    for note in table.notes:
        _append(ws, [note])
    _append(ws, [])
    header_row = ws.max_row + 1
    _append(ws, [c.header for c in table.columns])
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        _append(ws, list(row))
        r = ws.max_row
        for i, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            fmt = FORMATS.get(column.kind)
            if (
                fmt
                and value is not None
                and (isinstance(value, int | float) or isinstance(value, date))
            ):
                ws.cell(row=r, column=i).number_format = fmt
    if table.rows:
        last = get_column_letter(len(table.columns))
        ws.auto_filter.ref = f"A{header_row}:{last}{ws.max_row}"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if table.after:
        _append(ws, [])
        for line in table.after:
            _append(ws, [line])
    for i, column in enumerate(table.columns, start=1):
        values = [column.header] + [str(r[i - 1]) for r in table.rows[:200]]
        width = min(_MAX_WIDTH, max(10, *(min(len(v), 40) for v in values)) + 2)
        ws.column_dimensions[get_column_letter(i)].width = width


def workbook(report: Report) -> Workbook:
    """The first sheet carries the whole preamble (period, time of generation, units and
    rules); the others the period and the units."""
    wb = Workbook()
    taken: set[str] = set()
    for i, table in enumerate(report.tables):
        if i == 0:
            ws = wb.active
            assert isinstance(ws, Worksheet)
            ws.title = _sheet_name(table.sheet, taken)
            intro = list(report.preamble)
        else:
            ws = wb.create_sheet(_sheet_name(table.sheet, taken))
            intro = [report.preamble[0], report.preamble[2]]
        _fill(ws, report, table, intro)
    wb.properties.title = report.title
    wb.properties.creator = "hubsense"
    return wb


def xlsx_bytes(report: Report) -> bytes:
    buf = io.BytesIO()
    workbook(report).save(buf)
    return buf.getvalue()
