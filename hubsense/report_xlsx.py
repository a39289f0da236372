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


class _Rows:
    """Appends rows to a sheet and counts them. Why count: openpyxl's ``max_row`` looks at
    every cell of the sheet, so asking it after each row made a region report's workbook
    quadratic (18 of its 19 s), and it does not count a blank row, which put the header's
    style, the frozen pane and the filter on the blank row above the header."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.last = 0  # the number of the last row appended

    def append(self, values: list[object]) -> int:
        """A row whose text stays text: openpyxl would store a string starting with ``=``
        as a formula, so each text cell's type is set to string after the value. Returns
        the row's number."""
        self.ws.append([xlsx_text(v) if isinstance(v, str) else v for v in values])
        self.last += 1
        for i, value in enumerate(values, start=1):
            if isinstance(value, str):
                self.ws.cell(row=self.last, column=i).data_type = "s"
        return self.last


def _fill(ws: Worksheet, report: Report, table: Table, intro: list[str]) -> None:
    rows = _Rows(ws)
    rows.append([report.title])
    ws["A1"].font = Font(bold=True, size=14)
    for line in intro:
        rows.append([line])
    title_row = rows.append([table.title])
    ws.cell(row=title_row, column=1).font = Font(bold=True)
    for note in table.notes:
        rows.append([note])
    rows.append([])
    header_row = rows.append([c.header for c in table.columns])
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    formats = [FORMATS.get(column.kind) for column in table.columns]
    for row in table.rows:
        r = rows.append(list(row))
        for i, (value, fmt) in enumerate(zip(row, formats, strict=True), start=1):
            if fmt and value is not None and isinstance(value, int | float | date):
                ws.cell(row=r, column=i).number_format = fmt
    if table.rows:
        last = get_column_letter(len(table.columns))
        ws.auto_filter.ref = f"A{header_row}:{last}{rows.last}"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if table.after:
        rows.append([])
        for line in table.after:
            rows.append([line])
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
