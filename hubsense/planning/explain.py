"""The calculation behind each municipality's numbers, as sentences with the numbers filled
in (Swedish or English): what the page shows under "Så räknades det" and the workbook in
its last column. Suppressed inputs appear as ``<5`` and so do the results built on them."""

from __future__ import annotations

from hubsense.planning.plan import MunicipalityPlan, Plan
from hubsense.planning.text import Lang, fmt_num, fmt_pct, fmt_range, label


def explain(p: MunicipalityPlan, plan: Plan, lang: Lang) -> list[str]:
    a = plan.assumptions
    sv = lang == "sv"
    lines: list[str] = []
    who = label(f"eligible_{a.eligible}", lang)
    m = p.measured
    if m is not None:
        rec = fmt_num(m.recommended_desks, lang)
        peak = fmt_num(m.peak, lang)
        level = round(plan.effective.service_level * 100)
        v = fmt_num(m.visits_per_day, lang, 1)
        if sv:
            lines.append(
                f"Uppmätt ({m.evidence_days} underlagsdagar): V = {v} besök per öppetdag; "
                f"a = V ÷ E = {v} ÷ {fmt_num(p.eligible, lang)} = {fmt_pct(m.adoption, lang)}; "
                f"topp P{level} = {peak}; platser = {peak} + buffert = {rec}."
            )
        else:
            lines.append(
                f"Measured ({m.evidence_days} evidence days): V = {v} visits per open day; "
                f"a = V ÷ E = {v} ÷ {fmt_num(p.eligible, lang)} = {fmt_pct(m.adoption, lang)}; "
                f"peak P{level} = {peak}; desks = {peak} + buffer = {rec}."
            )
    pr = p.projection
    if pr is not None:
        ad = pr.adoption
        span = f"{fmt_pct(ad.low, lang)}–{fmt_pct(ad.high, lang)}"
        if pr.adoption_source == "measured":
            names = ", ".join(_names(plan, pr.references)) or "–"
            src = f"uppmätt i {names}" if sv else f"measured in {names}"
        else:
            src = "ditt antagande" if sv else "your assumption"
        eligible = fmt_num(pr.eligible, lang)
        horizon = (
            (
                f" om {fmt_num(a.horizon_years, lang, 1)} år"
                if sv
                else f" in {fmt_num(a.horizon_years, lang, 1)} years"
            )
            if a.horizon_years
            else ""
        )
        peak = fmt_num(pr.peak.mid, lang, 1)
        desks = fmt_range(pr.desks.low, pr.desks.mid, pr.desks.high, lang)
        if sv:
            lines.append(
                f"Prognos: E = {eligible} ({who}{horizon}); a = {fmt_pct(ad.mid, lang)} "
                f"({span}, {src}); r = {fmt_num(pr.peak_ratio, lang, 2)}; topp = E × a × r = "
                f"{peak}; platser = ⌈topp⌉ + {a.buffer_desks} = {desks}."
            )
        else:
            lines.append(
                f"Projected: E = {eligible} ({who}{horizon}); a = {fmt_pct(ad.mid, lang)} "
                f"({span}, {src}); r = {fmt_num(pr.peak_ratio, lang, 2)}; peak = E × a × r = "
                f"{peak}; desks = ⌈peak⌉ + {a.buffer_desks} = {desks}."
            )
    b = p.benefit
    if b is not None:
        visits = fmt_range(
            b.visits_per_year.low, b.visits_per_year.mid, b.visits_per_year.high, lang
        )
        hours = fmt_range(b.hours_per_year.low, b.hours_per_year.mid, b.hours_per_year.high, lang)
        km = fmt_num(b.km_per_year.mid, lang)
        co2 = fmt_num(b.co2_tonnes_per_year.mid, lang, 1)
        factor = fmt_num(a.co2_kg_per_km, lang, 3)
        basis = label(f"basis_{b.basis}", lang)
        if sv:
            lines.append(
                f"Nytta ({basis}): {visits} besök per år ({b.open_days_per_year} öppetdagar); "
                f"varje besök sparar {fmt_num(b.minutes_per_visit, lang)} min och "
                f"{fmt_num(b.km_per_visit, lang)} km tur och retur (pendlare från "
                f"{fmt_num(a.min_commute_km, lang)} km, minus resan till hubben) → {hours} h, "
                f"{km} km och {co2} ton CO₂ per år ({factor} kg/km)."
            )
        else:
            lines.append(
                f"Benefit ({basis}): {visits} visits per year ({b.open_days_per_year} open "
                f"days); each visit saves {fmt_num(b.minutes_per_visit, lang)} min and "
                f"{fmt_num(b.km_per_visit, lang)} km round trip (commuters from "
                f"{fmt_num(a.min_commute_km, lang)} km, less the trip to the hub) → {hours} h, "
                f"{km} km and {co2} t CO₂ per year ({factor} kg/km)."
            )
    return lines


def _names(plan: Plan, ids: tuple[str, ...]) -> list[str]:
    names = {p.id: p.name for p in plan.municipalities}
    return [names.get(i, i) for i in ids]
