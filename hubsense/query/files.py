"""A report as a file: its name, format and bytes, the same whether the API sends it or
the CLI writes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

FileFormat = Literal["xlsx", "csv"]
MEDIA_TYPES: Final[dict[str, str]] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class ReportFile:
    name: str  # e.g. hubsense-berg-2026-11-01-2026-12-01.xlsx
    format: FileFormat
    body: bytes
    recomputed_days: int = 0  # hub-days whose rollups were computed to answer

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]
