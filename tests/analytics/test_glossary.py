"""docs/metrics.md and hubsense.glossary agree: the terms table of the doc is the glossary's
``markdown_table()`` (regenerate it with ``python -m hubsense.glossary``), every term is defined
in both languages, and the API uses the same field names."""

from __future__ import annotations

from pathlib import Path

from api.analytics_models import CapacityOut, DayOut, HubCapacityOut, SummaryOut
from hubsense.glossary import GLOSSARY, UNITS, markdown_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def table_rows() -> dict[str, list[str]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[0].strip("`")] = cells
    return rows


def test_the_doc_holds_the_glossary_table() -> None:
    assert markdown_table() in DOC.read_text(encoding="utf-8")


def test_every_term_is_defined_in_both_languages() -> None:
    for key, term in GLOSSARY.items():
        assert term.definition("sv").strip() and term.definition("en").strip(), key
        assert term.definition("sv") != term.definition("en"), key


def test_every_term_is_defined_with_the_same_names() -> None:
    rows = table_rows()
    assert set(rows) == set(GLOSSARY)
    for key, term in GLOSSARY.items():
        _, sv, en, unit, definition = rows[key]
        assert (sv, en, unit) == (term.sv, term.en, term.unit), key
        assert definition, key
        assert not term.unit or term.unit in UNITS


def test_the_api_uses_the_glossary_names() -> None:
    fields = set(SummaryOut.model_fields) | set(DayOut.model_fields) | set(
        CapacityOut.model_fields) | set(HubCapacityOut.model_fields)
    metric_fields = {
        "desks", "open_days", "open_desk_hours", "occupied_hours", "free_hours", "unknown_hours",
        "offline_hours", "stuck_hours", "utilisation", "coverage", "daily_usage_rate",
        "used_desk_days", "unused_desk_days", "undecided_desk_days", "usage_band",
        "peak_concurrency", "peak_share", "evidence_days", "service_level",
        "peak_at_service_level", "buffer_desks", "recommended_desks", "too_few_days",
        "days_at_capacity", "flickers", "suspect_desks",
    }
    assert metric_fields <= fields
    assert metric_fields <= set(GLOSSARY)


def test_counts_say_one_in_the_singular() -> None:
    from hubsense.glossary import count

    assert [count(n, "desks", "sv") for n in (0, 1, 2)] == ["0 platser", "1 plats", "2 platser"]
    assert [count(n, "desks", "en") for n in (1, 2)] == ["1 desk", "2 desks"]
    assert count(1, "days", "sv") == "1 dag"


def test_the_report_rule_says_one_desk_of_buffer() -> None:
    from hubsense.glossary import count
    from hubsense.reports import tr

    rule = tr("capacity_rule", "sv", level=90, coverage=80, buffer=count(1, "desks", "sv"),
              min_days=20)
    assert "+ 1 plats i buffert." in rule
