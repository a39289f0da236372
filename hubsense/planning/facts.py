"""Planning facts: aggregated figures per municipality and period, from a CSV or XLSX file.

The schema is in docs/planning.md. One row is one municipality over one period
(``first_day`` … ``last_day``, both inclusive): how many employed people live there, where
they normally work, how far and how long they commute (counts per distance band, never
per person), shift work, open positions and population change. The file is validated as
a whole; every problem is reported with its row and column
(``row 4 (Berg), band_10_30_n: -3 is negative; counts are 0 or more``). Inside the
program a row is a frozen ``Facts``.

Lines whose first cell starts with ``#`` are comments; a comment or a ``note`` saying
``INVENTED DATA`` marks the whole file as invented (the page and the exports say so).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from hubsense.registry import Registry

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
INVENTED_MARK = "INVENTED DATA"


@dataclass(frozen=True, slots=True)
class BandDef:
    """A one-way commuting distance band: ``lo_km`` ≤ distance < ``hi_km``."""

    key: str  # column prefix ``band_<key>_``
    lo_km: float
    hi_km: float | None  # None: open-ended
    typical_km: float  # used when the file gives no mean distance for the band

    def label(self) -> str:
        return f"{self.lo_km:g}–{self.hi_km:g} km" if self.hi_km else f"≥ {self.lo_km:g} km"


BANDS: tuple[BandDef, ...] = (
    BandDef("0_10", 0, 10, 5.0),
    BandDef("10_30", 10, 30, 20.0),
    BandDef("30_60", 30, 60, 45.0),
    BandDef("60_100", 60, 100, 80.0),
    BandDef("100_plus", 100, None, 130.0),
)
"""One-way road distance home → regular workplace. ``typical_km`` is the band's midpoint
(130 km for the open band, an assumption: see docs/planning.md)."""


class FactsError(ValueError):
    """The facts file is unusable; ``problems`` lists every reason."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        shown = problems[:50] + ([f"… and {len(problems) - 50} more"] if len(problems) > 50 else [])
        super().__init__(f"{source}: " + "; ".join(shown))


@dataclass(frozen=True, slots=True)
class Band:
    band: BandDef
    n: int | None  # employed residents whose commute falls in the band
    mean_km: float | None  # their mean one-way distance (from the file)
    mean_minutes: float | None  # their mean one-way travel time (from the file)


@dataclass(frozen=True, slots=True)
class Facts:
    """One municipality over one period. ``None``: not given in the file."""

    municipality: str  # registry id
    first_day: date
    last_day: date  # inclusive
    row: int  # the row in the file (1-based, as a spreadsheet shows it)
    employed_residents: int
    works_in_municipality: int | None
    works_elsewhere_in_region: int | None
    works_outside_region: int | None
    bands: tuple[Band, ...]  # one per BANDS entry, in order
    shift_workers: int | None
    open_positions: int | None
    population: int | None
    population_change: int | None
    in_migration: int | None
    source: str
    note: str

    @property
    def years(self) -> float:
        """The period's length: whole years exactly (1 Jan – 31 Dec is 1), else days ÷ 365.25."""
        end = self.last_day + timedelta(days=1)
        if (end.month, end.day) == (self.first_day.month, self.first_day.day):
            return float(end.year - self.first_day.year)
        return (end - self.first_day).days / 365.25

    @property
    def commuters(self) -> int | None:
        """Employed residents whose regular workplace is outside the municipality."""
        a, b = self.works_elsewhere_in_region, self.works_outside_region
        return None if a is None or b is None else a + b


@dataclass(frozen=True)
class FactsFile:
    source: str
    rows: tuple[Facts, ...]
    invented: bool  # a comment or note says INVENTED DATA

    def for_day(self, municipality: str, day: date) -> Facts | None:
        """The municipality's latest period that began on or before ``day``."""
        candidates = [r for r in self.rows if r.municipality == municipality]
        started = [r for r in candidates if r.first_day <= day]
        return max(started, key=lambda r: r.first_day, default=None)

    def municipalities(self) -> list[str]:
        return sorted({r.municipality for r in self.rows})

    def only(self, municipalities: Collection[str]) -> FactsFile:
        """The file's rows of these municipalities (what a scoped key may see of it)."""
        rows = tuple(r for r in self.rows if r.municipality in municipalities)
        return replace(self, rows=rows)


# --- the columns --------------------------------------------------------------------------


def _clean(value: Any) -> Any:
    """Cells as typed by people: blank → None; ``1 234`` → ``1234``; ``23,5`` → ``23.5``."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        for space in (" ", "\u00a0", "\u202f", "\u2009"):
            text = text.replace(space, "")
        if text.replace(",", "", 1).replace("-", "", 1).replace("−", "", 1).isdigit():
            text = text.replace(",", ".").replace("−", "-")
        return text
    return value


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


Count = Annotated[Annotated[int, Field(ge=0)] | None, BeforeValidator(_clean)]
Signed = Annotated[int | None, BeforeValidator(_clean)]
Km = Annotated[Annotated[float, Field(ge=0, le=2000)] | None, BeforeValidator(_clean)]
Minutes = Annotated[Annotated[float, Field(gt=0, le=600)] | None, BeforeValidator(_clean)]
Day = Annotated[date, BeforeValidator(_clean)]
Text = Annotated[str, BeforeValidator(_text), Field(max_length=500)]


class _RowIn(BaseModel):
    # NaN would pass no bound check with a clear reason ("nan is negative"), so it is refused
    # as what it is.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    municipality: Text
    first_day: Day
    last_day: Day
    employed_residents: Annotated[int, BeforeValidator(_clean), Field(ge=0)]
    works_in_municipality: Count = None
    works_elsewhere_in_region: Count = None
    works_outside_region: Count = None
    band_0_10_n: Count = None
    band_0_10_km: Km = None
    band_0_10_min: Minutes = None
    band_10_30_n: Count = None
    band_10_30_km: Km = None
    band_10_30_min: Minutes = None
    band_30_60_n: Count = None
    band_30_60_km: Km = None
    band_30_60_min: Minutes = None
    band_60_100_n: Count = None
    band_60_100_km: Km = None
    band_60_100_min: Minutes = None
    band_100_plus_n: Count = None
    band_100_plus_km: Km = None
    band_100_plus_min: Minutes = None
    shift_workers: Count = None
    open_positions: Count = None
    population: Count = None
    population_change: Signed = None
    in_migration: Count = None
    source: Text = ""
    note: Text = ""


COLUMNS: tuple[str, ...] = tuple(_RowIn.model_fields)
REQUIRED: tuple[str, ...] = ("municipality", "first_day", "last_day", "employed_residents")


def _message(err: Any) -> str:
    kind, given = err.get("type", ""), err.get("input")
    shown = repr(given) if isinstance(given, str) else str(given)
    if kind == "missing" or (given is None and kind in ("int_type", "date_type")):
        return "required, but empty"
    if kind == "greater_than_equal":
        return f"{shown} is negative; counts are 0 or more"
    if kind == "greater_than":
        return f"{shown} must be more than 0"
    if kind == "less_than_equal":
        return f"{shown} is implausibly large (at most {err.get('ctx', {}).get('le')})"
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f"not a whole number: {shown}"
    if kind in ("float_parsing", "float_type"):
        return f"not a number: {shown}"
    if kind == "finite_number":
        return f"not a finite number: {shown}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"not a date (YYYY-MM-DD): {shown}"
    if kind == "string_too_long":
        return "text longer than 500 characters"
    return str(err.get("msg", "invalid"))


# --- reading CSV and XLSX -----------------------------------------------------------------


def _csv_rows(text: str) -> Iterator[tuple[int, list[Any]]]:
    lines = text.splitlines()
    header = next((ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")), "")
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for row in reader:
        yield reader.line_num, list(row)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            yield i, list(row)
    finally:
        wb.close()


def _is_comment(cells: Sequence[Any]) -> bool:
    first = next((c for c in cells if c is not None and str(c).strip()), None)
    return first is not None and str(first).lstrip().startswith("#")


def _is_blank(cells: Sequence[Any]) -> bool:
    return all(c is None or not str(c).strip() for c in cells)


def _municipality_index(registry: Registry) -> dict[str, str]:
    """Registry id, name (any case) and municipality code → registry id."""
    index: dict[str, str] = {}
    for m in registry.municipalities.values():
        for key in (m.id, m.name, m.code):
            index[key.casefold()] = m.id
    return index


def parse_facts(
    rows: Iterable[tuple[int, list[Any]]], registry: Registry, source: str = "facts"
) -> FactsFile:
    """Validate the rows of a sheet (``(row number, cells)``) into a ``FactsFile``."""
    problems: list[str] = []
    invented = False
    header: list[str] | None = None
    records: list[tuple[int, dict[str, Any]]] = []
    for number, cells in rows:
        if _is_comment(cells):
            invented = invented or INVENTED_MARK in " ".join(str(c) for c in cells).upper()
            continue
        if _is_blank(cells):
            continue
        if header is None:
            header = [_text(c).lower() for c in cells]
            while header and not header[-1]:
                header.pop()
            unknown = [h for h in header if h not in COLUMNS]
            if unknown:
                problems.append(
                    f"row {number}: unknown column(s) {', '.join(repr(h) for h in unknown)} "
                    f"(known: {', '.join(COLUMNS)})"
                )
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                problems.append(f"row {number}: missing required column(s) {', '.join(missing)}")
            dupes = sorted({h for h in header if h and header.count(h) > 1})
            if dupes:
                problems.append(f"row {number}: column(s) {', '.join(dupes)} appear twice")
            if problems:
                raise FactsError(source, problems)
            continue
        extra = [c for c in cells[len(header) :] if c is not None and str(c).strip()]
        if extra:
            problems.append(f"row {number}: more cells than columns in the header")
            continue
        records.append((number, dict(zip(header, cells, strict=False))))
        if len(records) > MAX_ROWS:
            raise FactsError(source, [f"more than {MAX_ROWS} rows"])
    if header is None:
        raise FactsError(source, ["no header row (and no data)"])
    if not records:
        raise FactsError(source, problems or ["the header is there but no data rows"])

    index = _municipality_index(registry)
    out: list[Facts] = []
    periods: list[tuple[str, date, date, int]] = []
    for number, raw in records:
        who = _text(raw.get("municipality")) or "?"
        where = f"row {number} ({who})"
        period = _period(raw, index)
        if period is not None:
            periods.append((*period, number))
        muni = index.get(who.casefold())
        if who == "?":
            problems.append(f"{where}, municipality: required, but empty")
        elif muni is None:
            problems.append(
                f"{where}, municipality: unknown municipality {who!r} (use an id, name or "
                f"code from the registry: {', '.join(sorted(registry.municipalities))})"
            )
        try:
            doc = _RowIn.model_validate({k: v for k, v in raw.items() if k})
        except ValidationError as exc:
            for err in exc.errors():
                column = ".".join(str(p) for p in err["loc"]) or "row"
                problems.append(f"{where}, {column}: {_message(err)}")
            continue
        if muni is None:
            continue
        facts = _facts(doc, muni, number)
        problems += [f"{where}, {p}" for p in _consistency(facts)]
        invented = invented or INVENTED_MARK in facts.note.upper()
        out.append(facts)
    problems += _overlaps(periods, registry)
    if problems:
        raise FactsError(source, problems)
    out.sort(key=lambda f: (f.municipality, f.first_day))
    return FactsFile(source=source, rows=tuple(out), invented=invented)


def _facts(doc: _RowIn, municipality: str, row: int) -> Facts:
    values = doc.model_dump()
    bands = tuple(
        Band(
            b,
            values[f"band_{b.key}_n"],
            values[f"band_{b.key}_km"],
            values[f"band_{b.key}_min"],
        )
        for b in BANDS
    )
    return Facts(
        municipality=municipality,
        first_day=doc.first_day,
        last_day=doc.last_day,
        row=row,
        employed_residents=doc.employed_residents,
        works_in_municipality=doc.works_in_municipality,
        works_elsewhere_in_region=doc.works_elsewhere_in_region,
        works_outside_region=doc.works_outside_region,
        bands=bands,
        shift_workers=doc.shift_workers,
        open_positions=doc.open_positions,
        population=doc.population,
        population_change=doc.population_change,
        in_migration=doc.in_migration,
        source=doc.source,
        note=doc.note,
    )


def _consistency(f: Facts) -> list[str]:
    out: list[str] = []
    if f.last_day < f.first_day:
        out.append(f"last_day: {f.last_day} is before first_day {f.first_day}")
    elif (f.last_day - f.first_day) > timedelta(days=3 * 366):
        out.append("last_day: a period is at most three years")
    residents = f.employed_residents
    work = [f.works_in_municipality, f.works_elsewhere_in_region, f.works_outside_region]
    if sum(w or 0 for w in work) > residents:
        out.append(
            f"works_*: {sum(w or 0 for w in work)} people by workplace, more than the "
            f"{residents} employed_residents"
        )
    banded = sum(b.n or 0 for b in f.bands)
    if banded > residents:
        out.append(
            f"band_*_n: {banded} people in commute bands, more than the {residents} "
            "employed_residents"
        )
    for b in f.bands:
        name = f"band_{b.band.key}"
        if b.mean_km is not None:
            hi = b.band.hi_km
            if b.mean_km < b.band.lo_km or (hi is not None and b.mean_km > hi):
                out.append(f"{name}_km: mean distance {b.mean_km:g} km is outside the band")
        if (b.mean_km is not None or b.mean_minutes is not None) and b.n is None:
            out.append(f"{name}_n: a mean is given but not how many people it is over")
    if f.shift_workers is not None and f.shift_workers > residents:
        out.append(f"shift_workers: {f.shift_workers} is more than employed_residents")
    if (
        f.population is not None
        and f.population_change is not None
        and abs(f.population_change) >= f.population
    ):
        out.append("population_change: at least as large as the population")
    if f.population_change is not None and f.population is None:
        out.append("population: needed with population_change (growth is relative to it)")
    return out


def _period(raw: dict[str, Any], index: dict[str, str]) -> tuple[str, date, date] | None:
    """Municipality and period of a row when those parse (whatever else is wrong with it),
    so overlaps are found in one pass."""
    muni = index.get(_text(raw.get("municipality")).casefold())
    try:
        first, last = (_clean(raw.get(k)) for k in ("first_day", "last_day"))
        first = first if isinstance(first, date) else date.fromisoformat(str(first))
        last = last if isinstance(last, date) else date.fromisoformat(str(last))
    except ValueError:
        return None
    return None if muni is None or last < first else (muni, first, last)


def _overlaps(periods: Sequence[tuple[str, date, date, int]], registry: Registry) -> list[str]:
    out: list[str] = []
    by_muni: dict[str, list[tuple[date, date, int]]] = {}
    for muni, first, last, row in periods:
        by_muni.setdefault(muni, []).append((first, last, row))
    for muni, items in by_muni.items():
        items.sort()
        for (p_first, p_last, p_row), (c_first, c_last, c_row) in zip(
            items, items[1:], strict=False
        ):
            if c_first <= p_last:
                name = registry.municipalities[muni].name
                out.append(
                    f"row {c_row} ({name}): period {c_first} – {c_last} overlaps row {p_row} "
                    f"({p_first} – {p_last}); one municipality has one row per period"
                )
    return out


def load_facts(path: Path | str, registry: Registry) -> FactsFile:
    """Read and validate a CSV (UTF-8, comma or semicolon separated) or XLSX file."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FactsError(str(p), [f"{size} bytes; at most {MAX_FILE_BYTES}"])
        data = p.read_bytes()
    except OSError as exc:
        raise FactsError(str(p), [f"cannot read: {exc.strerror or exc}"]) from None
    if data[:4] == b"PK\x03\x04" or p.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            rows = list(_xlsx_rows(data))
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on bad files
            raise FactsError(str(p), [f"not a readable XLSX workbook: {exc}"]) from None
        return parse_facts(rows, registry, str(p))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FactsError(str(p), ["not UTF-8 text (save the CSV as UTF-8)"]) from None
    return parse_facts(_csv_rows(text), registry, str(p))


def summary_lines(facts: FactsFile, registry: Registry, min_group_size: int) -> list[str]:
    """What ``hubsense planning import`` prints: periods and coverage, never a count
    below the minimum group size."""
    from hubsense.planning.privacy import small_cells

    lines = [
        f"{facts.source}: {len(facts.rows)} row(s), "
        f"{len(facts.municipalities())} of {len(registry.municipalities)} municipalities"
        + (" — INVENTED DATA (example figures, not real)" if facts.invented else "")
    ]
    for mid, m in registry.municipalities.items():
        rows = [r for r in facts.rows if r.municipality == mid]
        if not rows:
            lines.append(f"  {m.name:<12} no facts")
            continue
        periods = ", ".join(f"{r.first_day}–{r.last_day}" for r in rows)
        latest = rows[-1]
        given = sum(1 for b in latest.bands if b.n is not None)
        lines.append(
            f"  {m.name:<12} {periods}; latest: {given}/{len(BANDS)} commute bands"
            + ("" if latest.shift_workers is None else ", shift work")
            + ("" if latest.open_positions is None else ", open positions")
            + ("" if latest.population_change is None else ", population change")
        )
    small = sum(small_cells(r, min_group_size) for r in facts.rows)
    if small:
        lines.append(
            f"{small} figure(s) rest on fewer than {min_group_size} people (min_group_size): "
            f'they are published as "<{min_group_size}", never their value'
        )
    return lines
