"""The definitions page (``/definitions``) explains every metric of the glossary in both
languages with an anchor per API field, and the pages link the metrics they show to it."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from dashboards.definitions import definition_html
from hubsense.glossary import GLOSSARY, LANGS, Lang


def anchors(page: str) -> set[str]:
    return set(re.findall(r'<div class="term-def" id="([^"]+)">', page))


def term_links(page: str) -> list[str]:
    """The glossary keys that the page's metric names link to."""
    return re.findall(r'<a class="term" href="/definitions(?:\?lang=en)?#([^"]+)"', page)


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.mark.parametrize("lang", LANGS)
def test_every_metric_is_defined_on_the_page_in_its_language(
    client: TestClient, lang: Lang
) -> None:
    r = client.get("/definitions", params={"lang": lang})
    assert r.status_code == 200
    page = r.text
    assert f'<html lang="{lang}">' in page
    assert anchors(page) == set(GLOSSARY)
    for key, term in GLOSSARY.items():
        entry = page[page.index(f'id="{key}"') :]
        entry = entry[: entry.index("</div>")]
        assert f"<dfn>{html.escape(term.label(lang))}</dfn>" in entry, key
        definition = term.definition(lang).replace("`", "")
        assert definition in text_of(entry), key
        other: Lang = "en" if lang == "sv" else "sv"
        assert term.definition(other).replace("`", "") not in text_of(entry), key


def test_a_metric_named_in_a_definition_links_to_its_own_definition(client: TestClient) -> None:
    page = client.get("/definitions").text
    entry = page[page.index('id="recommended_desks"') :]
    entry = entry[: entry.index("</div>")]
    assert (
        '<code><a href="#peak_at_service_level">peak_at_service_level</a> + '
        '<a href="#buffer_desks">buffer_desks</a></code>'
    ) in entry


@pytest.mark.parametrize(
    ("path", "must_link"),
    [
        (
            "/utilisation?scope=hub&id=svenstavik",
            {
                "utilisation", "daily_usage_rate", "peak_concurrency", "coverage", "desks",
                "peak_at_service_level", "recommended_desks", "evidence_days", "mean_concurrency",
                "share_exceeding", "usage_band", "open_days", "suspect_desks",
            },
        ),
        (
            "/compare",
            {"utilisation", "desks", "peak_at_service_level", "recommended_desks", "difference"},
        ),
        ("/planning", {"long_commuters", "rest_hours", "open_positions"}),
        ("/", {"utilisation", "peak_concurrency", "recommended_desks"}),
    ],
)
def test_pages_link_the_metrics_they_show_to_their_definitions(
    client: TestClient, path: str, must_link: set[str]
) -> None:
    definitions = anchors(client.get("/definitions").text)
    for lang in LANGS:
        page = client.get(path, params={"lang": lang}).text
        linked = set(term_links(page))
        assert must_link <= linked, (lang, must_link - linked)
        assert linked <= definitions
        if lang == "en":
            assert "/definitions#" not in page.replace("/definitions?lang=en#", "")


def test_table_headers_of_metrics_link_to_their_definitions(client: TestClient) -> None:
    page = client.get("/utilisation", params={"scope": "hub", "id": "svenstavik"}).text
    table = page[page.index('id="hubs-table"') :]
    head = table[: table.index("</thead>")]
    cells = re.findall(r'<th scope="col">(.*?)</th>', head)
    assert text_of(cells[0]) == "Hubb" and "term" not in cells[0]
    for cell in cells[1:]:
        assert cell.startswith('<a class="term" href="/definitions#'), cell
        key = re.search(r"#([a-z_]+)", cell)
        assert key is not None
        # the hover text is the definition itself
        assert f'title="{html.escape(GLOSSARY[key.group(1)].sv_def.replace("`", ""))}"' in cell


def test_the_explorer_lead_links_the_definitions_page(client: TestClient) -> None:
    page = client.get("/utilisation").text
    assert "docs/metrics.md" not in page
    assert '<a href="/definitions">definitionerna</a>' in page


@given(st.text())
def test_a_definition_is_escaped_text_with_code_spans(text: str) -> None:
    out = definition_html(text)
    plain = re.sub(r"</?code>|<a href=\"#[a-z_]+\">|</a>", "", out)
    assert "<" not in plain and ">" not in plain
    assert html.unescape(plain) == text.replace("`", "") or text.count("`") % 2 == 1
