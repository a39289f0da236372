"""Spreadsheet cells that hold text from outside (registry names, facts files, sensor ids,
rejection previews): the one rule both report writers apply so that such text is only
ever shown, never run as a formula.

A spreadsheet program treats a CSV field starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return as a formula (OWASP, "CSV Injection"), so such a text field gets a leading
apostrophe, which makes it plain text. Numbers are not text: the writers format them
themselves and never pass them through here, so ``-3.5`` stays a number. In a workbook the
cell type says what a value is, so there text is stored as a string cell
(``hubsense.report_xlsx``), after removing the control characters XML cannot hold.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(text: str) -> str:
    """A text field as a CSV writer should write it (OWASP's CSV-injection rule)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def xlsx_text(text: str) -> str:
    """Text an XLSX string cell can hold: control characters other than tab and line
    breaks (illegal in XML 1.0) shown as ``\\x01`` instead of failing the whole file."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: m.group().encode("unicode_escape").decode(), text)
