"""A ``hubsense.reports.Report`` as an Excel workbook (XlsxWriter): one sheet per table.

Every sheet starts with the report title, the period and the units, so a sheet copied on
its own still says what it shows; then the table's own notes, the header row (frozen, with
a filter) and the rows. Numbers are stored at full precision with display formats: shares
as fractions shown as percent (0.0 %), hours with one decimal, dates as dates. Every text
value is written as a string cell, whatever it starts with (``hubsense.cells``): a name
such as ``=HYPERLINK(...)`` from a registry or facts file is shown, never evaluated.

Why XlsxWriter and not openpyxl (which still reads facts files): it writes a region
report's 120,000 cells in about a third of the CPU time, since it keeps no cell objects
and each value's type is said by the call that writes it (``write_string`` can only make
a string cell).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Final

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

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
_OPTIONS: Final = {
    "in_memory": True,  # no temp files: the report is built in the request's memory
    "nan_inf_to_errors": True,
    # only write_string writes text, but no string is ever read as anything else either
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def _sheet_name(name: str, taken: set[str]) -> str:
    """A name Excel accepts: at most 31 characters, none of ``[]:*?/\\``, not starting
    or ending with an apostrophe, unique regardless of case."""
    clean = "".join(" " if c in "[]:*?/\\" else c for c in name)[:31].strip("'") or "Sheet"
    candidate, n = clean, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.casefold())
    return candidate


@dataclass(frozen=True)
class _Styles:
    title: Format
    table_title: Format
    header: Format
    numbers: dict[Kind, Format]

    @classmethod
    def of(cls, wb: Workbook) -> _Styles:
        return cls(
            title=wb.add_format({"bold": True, "font_size": 14}),
            table_title=wb.add_format({"bold": True}),
            header=wb.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
            numbers={kind: wb.add_format({"num_format": f}) for kind, f in FORMATS.items()},
        )


class _Rows:
    """Writes a sheet row after row and knows the next row's number (0-based)."""

    def __init__(self, ws: Worksheet, styles: _Styles) -> None:
        self.ws = ws
        self.styles = styles
        self.next = 0

    def line(self, text: str, style: Format | None = None) -> int:
        """A line of text in the first column; returns its row."""
        self.ws.write_string(self.next, 0, xlsx_text(text), style)
        self.next += 1
        return self.next - 1

    def blank(self) -> None:
        self.next += 1

    def values(self, values: list[object], kinds: list[Kind], style: Format | None = None) -> int:
        """A row of values, each written as its type says (text as text, numbers and
        dates with their column's display format); returns its row."""
        r = self.next
        for c, (value, kind) in enumerate(zip(values, kinds, strict=True)):
            if value is None:
                continue
            if isinstance(value, str):
                self.ws.write_string(r, c, xlsx_text(value), style)
            elif isinstance(value, bool):
                self.ws.write_boolean(r, c, value, style)
            elif isinstance(value, int | float):
                self.ws.write_number(r, c, value, style or self.styles.numbers.get(kind))
            elif isinstance(value, date):
                self.ws.write_datetime(r, c, value, style or self.styles.numbers["date"])
            else:
                self.ws.write_string(r, c, xlsx_text(str(value)), style)
        self.next += 1
        return r


def _fill(ws: Worksheet, styles: _Styles, report: Report, table: Table, intro: list[str]) -> None:
    rows = _Rows(ws, styles)
    rows.line(report.title, styles.title)
    for line in intro:
        rows.line(line)
    rows.line(table.title, styles.table_title)
    for note in table.notes:
        rows.line(note)
    rows.blank()
    kinds = [c.kind for c in table.columns]
    header = rows.values([c.header for c in table.columns], ["text"] * len(kinds), styles.header)
    for row in table.rows:
        rows.values(list(row), kinds)
    if table.rows:
        ws.autofilter(header, 0, rows.next - 1, len(table.columns) - 1)
    ws.freeze_panes(header + 1, 0)
    if table.after:
        rows.blank()
        for line in table.after:
            rows.line(line)
    for i, column in enumerate(table.columns):
        values = [column.header] + [str(r[i]) for r in table.rows[:200]]
        ws.set_column(i, i, min(_MAX_WIDTH, max(10, *(min(len(v), 40) for v in values)) + 2))


def xlsx_bytes(report: Report) -> bytes:
    """The first sheet carries the whole preamble (period, time of generation, units and
    rules); the others the period and the units."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, _OPTIONS)
    styles = _Styles.of(wb)
    taken: set[str] = set()
    for i, table in enumerate(report.tables):
        ws = wb.add_worksheet(_sheet_name(table.sheet, taken))
        intro = list(report.preamble) if i == 0 else [report.preamble[0], report.preamble[2]]
        _fill(ws, styles, report, table, intro)
    wb.set_properties({"title": report.title, "author": "hubsense"})
    wb.close()
    return buf.getvalue()
