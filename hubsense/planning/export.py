"""The plan as tables (``hubsense.reports.Table``, so the planning workbook is written by
the same ``hubsense.report_xlsx`` as the utilisation report) and as CSV.

Three sheets: *Planering* (the ranking: measured or projected desks needed with low/high,
the commuting saved, notes), *Planeringsunderlag* (the facts behind each number) and
*Antaganden* (every assumption, where it came from, and the formulas). Suppressed figures
are the text ``<5`` in their cells, never a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hubsense import reports
from hubsense.analytics import Scope
from hubsense.planning.model import Assumptions
from hubsense.planning.plan import MunicipalityPlan, Plan, Span
from hubsense.planning.privacy import Suppressed, Value
from hubsense.planning.text import ASSUMPTIONS, Lang, fmt_num, label, note_text
from hubsense.reports import Column, Report, Table


def cell(value: Value) -> object:
    """A table cell: numbers stay numbers, a suppressed figure is its ``<5`` text."""
    return str(value) if isinstance(value, Suppressed) else value


@dataclass(frozen=True, slots=True)
class AssumptionRow:
    key: str
    value: float | int | str | None
    source: str  # "measured", "assumed", "default", "setting" or "none"
    meaning: str


def assumption_rows(
    plan: Plan, lang: Lang, defaults: Assumptions | None = None
) -> list[AssumptionRow]:
    """Every assumption as used, and where it came from (``defaults``: the values without
    the planner's changes; a value that differs from them is "assumed")."""
    a, e = plan.assumptions, plan.effective
    d = defaults or Assumptions(buffer_desks=a.buffer_desks)

    def src(name: str) -> str:
        return "assumed" if getattr(a, name) != getattr(d, name) else "default"

    adoption = e.adoption
    rows = [
        AssumptionRow(
            "eligible",
            a.eligible,
            src("eligible"),
            ASSUMPTIONS["eligible"][lang],
        ),
        AssumptionRow(
            "adoption",
            None if adoption is None else adoption.mid,
            e.adoption_source,
            ASSUMPTIONS["adoption"][lang],
        ),
        AssumptionRow(
            "adoption_low",
            None if adoption is None else adoption.low,
            "assumed" if a.adoption_low is not None else e.adoption_source,
            ASSUMPTIONS["adoption_low"][lang],
        ),
        AssumptionRow(
            "adoption_high",
            None if adoption is None else adoption.high,
            "assumed" if a.adoption_high is not None else e.adoption_source,
            ASSUMPTIONS["adoption_high"][lang],
        ),
        AssumptionRow(
            "peak_ratio", e.peak_ratio, e.peak_ratio_source, ASSUMPTIONS["peak_ratio"][lang]
        ),
        AssumptionRow(
            "buffer",
            a.buffer_desks,
            "assumed" if a.buffer_desks != d.buffer_desks else "setting",
            ASSUMPTIONS["buffer"][lang],
        ),
        AssumptionRow(
            "horizon_years",
            a.horizon_years,
            src("horizon_years"),
            ASSUMPTIONS["horizon_years"][lang],
        ),
        AssumptionRow(
            "open_days_per_year",
            e.open_days_per_year,
            "assumed" if a.open_days_per_year is not None else "default",
            ASSUMPTIONS["open_days_per_year"][lang],
        ),
    ]
    for name in (
        "min_commute_km",
        "hub_trip_km",
        "hub_trip_minutes",
        "speed_kmh",
        "co2_kg_per_km",
        "long_commute_minutes",
    ):
        rows.append(AssumptionRow(name, getattr(a, name), src(name), ASSUMPTIONS[name][lang]))
    rows += [
        AssumptionRow(
            "service_level", e.service_level, "setting", ASSUMPTIONS["service_level"][lang]
        ),
        AssumptionRow("min_days", e.min_days, "setting", ASSUMPTIONS["min_days"][lang]),
        AssumptionRow(
            "min_group_size", plan.min_group_size, "setting", ASSUMPTIONS["min_group_size"][lang]
        ),
    ]
    return rows


def notes_text(p: MunicipalityPlan, lang: Lang) -> str:
    return " ".join(note_text(n.code, dict(n.params), lang) for n in p.notes)


def _span(s: Span | None) -> list[object]:
    if s is None:
        return [None, None, None]
    return [cell(s.low), cell(s.mid), cell(s.high)]


def _mid(s: Span | None) -> object:
    return None if s is None else cell(s.mid)


def preamble(plan: Plan, lang: Lang, generated: datetime) -> list[str]:
    last = plan.end - timedelta(days=1)
    lines = [
        label(
            "period",
            lang,
            first=plan.first.isoformat(),
            last=last.isoformat(),
            days=(plan.end - plan.first).days,
        ),
        label("generated", lang, at=generated.strftime("%Y-%m-%d %H:%M %Z")),
        label("facts_file", lang, file=plan.facts_source or "–"),
        label("privacy", lang, k=plan.min_group_size),
    ]
    if plan.facts_invented:
        lines.insert(0, label("invented", lang))
    lines += [note_text(n.code, dict(n.params), lang) for n in plan.notes]
    return lines


def plan_tables(plan: Plan, lang: Lang, defaults: Assumptions | None = None) -> list[Table]:
    lo, mid, hi = label("low", lang), label("mid", lang), label("high", lang)
    dn, pk = label("desks_needed", lang), label("peak_demand", lang)
    hs = label("hours_saved", lang)
    ranking = Table(
        label("sheet_plan", lang),
        label("t_plan", lang),
        [
            Column(label("rank", lang), "int"),
            Column(label("municipality", lang)),
            Column(label("hubs", lang), "int"),
            Column(label("desks_now", lang), "int"),
            Column(label("basis", lang)),
            Column(label("eligible", lang), "int"),
            Column(f"{dn} ({lo})", "int"),
            Column(f"{dn} ({mid})", "int"),
            Column(f"{dn} ({hi})", "int"),
            Column(f"{pk} ({mid})", "float"),
            Column(f"{label('measured', lang)}: {label('visits_per_day', lang)}", "float"),
            Column(f"{label('measured', lang)}: {label('adoption', lang)}", "percent"),
            Column(f"{label('measured', lang)}: {label('peak_at_level', lang)}", "int"),
            Column(f"{label('measured', lang)}: {label('recommended', lang)}", "int"),
            Column(f"{label('measured', lang)}: {label('evidence_days', lang)}", "int"),
            Column(f"{label('projected', lang)}: {label('adoption', lang)} ({lo})", "percent"),
            Column(f"{label('projected', lang)}: {label('adoption', lang)} ({mid})", "percent"),
            Column(f"{label('projected', lang)}: {label('adoption', lang)} ({hi})", "percent"),
            Column(f"{label('projected', lang)}: {label('peak_ratio', lang)}", "float"),
            Column(f"{label('projected', lang)}: {dn} ({lo})", "int"),
            Column(f"{label('projected', lang)}: {dn} ({mid})", "int"),
            Column(f"{label('projected', lang)}: {dn} ({hi})", "int"),
            Column(f"{label('projected', lang)}: {label('references', lang)}"),
            Column(label("visits_per_year", lang), "float"),
            Column(label("minutes_per_visit", lang), "float"),
            Column(label("km_per_visit", lang), "float"),
            Column(f"{hs} ({lo})", "float"),
            Column(f"{hs} ({mid})", "float"),
            Column(f"{hs} ({hi})", "float"),
            Column(f"{label('km_saved', lang)} ({mid})", "float"),
            Column(f"{label('co2_saved', lang)} ({mid})", "float"),
            Column(label("notes", lang)),
        ],
        notes=[
            label(
                "ranked_by_demand" if plan.assumptions.rank_by == "demand" else "ranked_by_benefit",
                lang,
            ),
            label("ranked_suppressed", lang),
        ],
    )
    for p in plan.municipalities:
        m, pr, b = p.measured, p.projection, p.benefit
        ranking.rows.append(
            [
                p.rank,
                p.name,
                p.hubs,
                p.desks_now,
                label(f"basis_{p.basis}", lang),
                cell(p.eligible),
                *_span(p.desks_needed),
                _mid(p.peak_demand),
                None if m is None else m.visits_per_day,
                None if m is None else cell(m.adoption),
                None if m is None else m.peak,
                None if m is None else m.recommended_desks,
                None if m is None else m.evidence_days,
                None if pr is None else pr.adoption.low,
                None if pr is None else pr.adoption.mid,
                None if pr is None else pr.adoption.high,
                None if pr is None else pr.peak_ratio,
                *(_span(pr.desks) if pr is not None else [None, None, None]),
                None if pr is None else ", ".join(pr.references),
                _mid(b.visits_per_year) if b else None,
                None if b is None else cell(b.minutes_per_visit),
                None if b is None else cell(b.km_per_visit),
                *(_span(b.hours_per_year) if b else [None, None, None]),
                _mid(b.km_per_year) if b else None,
                _mid(b.co2_tonnes_per_year) if b else None,
                notes_text(p, lang),
            ]
        )

    minutes = fmt_num(plan.assumptions.long_commute_minutes, lang)
    band_cols: list[Column] = []
    for band in _band_labels(plan):
        band_cols.append(Column(label("band_n", lang, band=band), "int"))
    for band in _band_labels(plan):
        band_cols.append(Column(label("band_min", lang, band=band), "float"))
    evidence = Table(
        label("sheet_evidence", lang),
        label("t_evidence", lang),
        [
            Column(label("municipality", lang)),
            Column(label("facts_period", lang)),
            Column(label("source", lang)),
            Column(label("employed_residents", lang), "int"),
            Column(label("works_in", lang), "int"),
            Column(label("works_elsewhere", lang), "int"),
            Column(label("works_outside", lang), "int"),
            Column(label("commuters", lang), "int"),
            Column(label("commuter_share", lang), "percent"),
            *band_cols,
            Column(label("long_commuters", lang, minutes=minutes), "int"),
            Column(label("long_share", lang), "percent"),
            Column(label("rest_hours", lang), "hours"),
            Column(label("shift_workers", lang), "int"),
            Column(label("shift_long", lang), "float"),
            Column(label("open_positions", lang), "int"),
            Column(label("open_per_100", lang), "float"),
            Column(label("population", lang), "int"),
            Column(label("population_change", lang), "int"),
            Column(label("growth", lang), "percent"),
            Column(label("in_migration", lang), "int"),
            Column(label("in_per_1000", lang), "float"),
        ],
        notes=[label("privacy", lang, k=plan.min_group_size)],
    )
    for p in sorted(plan.municipalities, key=lambda p: p.rank):
        ev = p.evidence
        if ev is None:
            evidence.rows.append([p.name, *([None] * (len(evidence.columns) - 1))])
            continue
        evidence.rows.append(
            [
                p.name,
                f"{ev.first_day.isoformat()} – {ev.last_day.isoformat()}",
                ev.source,
                cell(ev.employed_residents),
                cell(ev.works_in_municipality),
                cell(ev.works_elsewhere_in_region),
                cell(ev.works_outside_region),
                cell(ev.commuters),
                cell(ev.commuter_share),
                *(cell(b.n) for b in ev.bands),
                *(cell(b.mean_minutes) for b in ev.bands),
                cell(ev.long_commuters),
                cell(ev.long_commute_share),
                cell(ev.rest_hours),
                cell(ev.shift_workers),
                cell(ev.shift_workers_long_commute),
                cell(ev.open_positions),
                cell(ev.open_positions_per_100),
                cell(ev.population),
                cell(ev.population_change),
                cell(ev.growth_per_year),
                cell(ev.in_migration),
                cell(ev.in_migration_per_1000),
            ]
        )

    assumptions = Table(
        label("sheet_assumptions", lang),
        label("t_assumptions", lang),
        [
            Column(label("assumption", lang)),
            Column(label("value", lang), "float"),
            Column(label("from", lang)),
            Column(label("meaning", lang)),
        ],
        after=FORMULAS[lang],
    )
    for r in assumption_rows(plan, lang, defaults):
        value = label(f"eligible_{r.value}", lang) if r.key == "eligible" else r.value
        assumptions.rows.append([r.key, value, label(f"src_{r.source}", lang), r.meaning])
    if plan.effective.references:
        assumptions.rows.append(
            [
                "references",
                ", ".join(plan.effective.references),
                label("src_measured", lang),
                label("references", lang),
            ]
        )
    return [ranking, evidence, assumptions]


def _band_labels(plan: Plan) -> list[str]:
    from hubsense.planning.facts import BANDS

    return [b.label() for b in BANDS]


FORMULAS: dict[Lang, list[str]] = {
    "sv": [
        "Formler (docs/planning.md):",
        "Uppmätt: V = Σ hubbar (använda platsdagar ÷ underlagsdagar); a = V ÷ E; "
        "P = topp vid servicenivån; platser = P + b.",
        "Prognos: E_h = E × (1 + g)^år; besök = E_h × a; topp = besök × r; "
        "platser = ⌈topp⌉ + b; låg/hög med låg/hög a.",
        "Nytta per år: besök × D; tid = besök × D × 2 × Σ w (min − hubbresa min) ÷ 60; "
        "sträcka = besök × D × 2 × Σ w (km − hubbresa km); CO₂ = sträcka × faktor.",
        "w = andel av de behöriga i banden från min_commute_km; små grupper slås ihop "
        "(integritetsregel 3).",
    ],
    "en": [
        "Formulas (docs/planning.md):",
        "Measured: V = Σ hubs (used desk-days ÷ evidence days); a = V ÷ E; "
        "P = peak at the service level; desks = P + b.",
        "Projected: E_h = E × (1 + g)^years; visits = E_h × a; peak = visits × r; "
        "desks = ⌈peak⌉ + b; low/high with low/high a.",
        "Benefit per year: visits × D; time = visits × D × 2 × Σ w (min − hub trip min) ÷ 60; "
        "distance = visits × D × 2 × Σ w (km − hub trip km); CO₂ = distance × factor.",
        "w = share of the eligible in the bands from min_commute_km; small groups are merged "
        "(privacy rule 3).",
    ],
}


def planning_report(
    plan: Plan, lang: Lang, generated: datetime, defaults: Assumptions | None = None
) -> Report:
    """The planning workbook's content (title, preamble, the three tables)."""
    title = label("title", lang)
    return Report(
        title=title,
        lang=lang,
        scope=Scope("region", ""),
        first=plan.first,
        end=plan.end,
        preamble=preamble(plan, lang, generated),
        memo={"sv": "", "en": ""},
        tables=plan_tables(plan, lang, defaults),
    )


def xlsx_bytes(report: Report) -> bytes:
    from hubsense.report_xlsx import xlsx_bytes as write

    return write(report)


def csv_bytes(report: Report) -> bytes:
    """The planning report as CSV, in the utilisation report's layout (``<5`` stays text)."""
    return reports.csv_bytes(report)
