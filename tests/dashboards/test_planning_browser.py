"""The planning page in real headless Chromium (the fixtures of test_browser.py): all eight
municipalities with measured or projected desks needed and ranges, the figure with error
bars, "<5" for small groups, the calculation behind a number, and the assumptions form
re-querying the page. The app runs with the example facts (INVENTED DATA) over a store of
known hub use (tests/planning/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hubsense.planning.model import Assumptions
from hubsense.planning.service import make_plan
from hubsense.registry import Registry
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from tests.api.api_support import NOW
from tests.dashboards import test_browser
from tests.dashboards.test_browser import NO_OVERFLOW, TABLET, Tab
from tests.planning.conftest import END, FIRST, USED, planning_settings
from tests.planning.support import fill
from tests.serving import served

pytestmark = pytest.mark.browser

# the Chromium of test_browser.py (its fixtures, shared rather than copied)
context = test_browser.context
open_tab = test_browser.open_tab

QUERY = f"from={FIRST.isoformat()}&to={END.isoformat()}"
ORDER = ["Östersund", "Åre", "Krokom"]  # the top three (tests/planning/test_plan.py)


@pytest.fixture(scope="module")
def planning_url(tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> Iterator[str]:
    store = SqliteStore(tmp_path_factory.mktemp("planning-page") / "store.sqlite3")
    store.open()
    fill(store, registry, FIRST, END, USED)
    settings = planning_settings()
    make_plan(store, registry, settings, FIRST, END, Assumptions(), now_ns=NOW)  # warm rollups
    try:
        with served(create_app(settings, registry, store, clock=lambda: NOW), "planning") as url:
            yield f"{url}/planning"
    finally:
        store.close()


def field(tab: Tab, municipality: str, name: str) -> str:
    return str(
        tab.page.locator(
            f'#planning-table tr[data-municipality="{municipality}"] [data-field="{name}"]'
        ).inner_text()
    )


def test_planning_page(open_tab: Any, planning_url: str) -> None:
    tab = open_tab()
    page = tab.page
    assert page.goto(f"{planning_url}?{QUERY}").status == 200
    page.wait_for_function("() => document.body.dataset.figure === 'drawn'")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("h1").inner_text() == "Planeringsunderlag för arbetshubbar"
    assert page.locator("#invented-banner").is_visible()
    assert "INVENTED DATA" in page.locator("#invented-banner").inner_text()

    # all eight municipalities, ranked, each with desks needed (measured or projected)
    rows = page.locator("#planning-table tr.plan-row")
    assert rows.count() == 8
    names = rows.locator("th").all_inner_texts()
    assert names[:3] == ORDER
    assert sorted(names) == sorted(
        ["Berg", "Bräcke", "Härjedalen", "Krokom", "Ragunda", "Strömsund", "Åre", "Östersund"]
    )
    for muni in ("berg", "bracke", "harjedalen", "krokom", "ragunda", "stromsund", "are",
                 "ostersund"):  # fmt: skip
        assert field(tab, muni, "desks-needed") not in ("", "–"), muni
        assert field(tab, muni, "hours") not in ("", "–"), muni
    assert (field(tab, "berg", "basis"), field(tab, "berg", "desks-needed")) == ("uppmätt", "7")
    assert field(tab, "berg", "measured-desks") == "7"
    assert field(tab, "berg", "projected-desks") == "6"  # from Krokom alone: next to it
    assert (field(tab, "ragunda", "basis"), field(tab, "ragunda", "desks-needed")) == (
        "prognos",
        "5 (5–6)",
    )
    # Östersund, E = 31 200, r = 16/12.3: mid 31 200 × 16/10 490 = 47.6 → 49; low
    # 31 200 × 8/7 480 × 16/12.3 = 43.4 → 45; high 31 200 × 4.3/3 010 × 16/12.3 = 58.0 → 59
    assert field(tab, "ostersund", "desks-needed") == "49 (45–59)"

    # the figure: projected with low–high error bars, measured, desks now; rank 1 on top
    traces = page.evaluate(
        """() => document.getElementById('planning-figure').data.map(t => ({
            name: t.name, y: t.y, x: t.x,
            plus: t.error_x ? t.error_x.array : null,
            minus: t.error_x ? t.error_x.arrayminus : null}))"""
    )
    projected, measured, now = traces
    assert projected["name"] == "Prognos (låg–hög)"
    assert projected["y"][:3] == ORDER and len(projected["y"]) == 8
    i = projected["y"].index("Ragunda")
    assert (projected["x"][i], projected["minus"][i], projected["plus"][i]) == (5, 0, 1)
    assert measured["y"] == ["Krokom", "Berg"] and measured["x"] == [11, 7]
    assert now["name"] == "Platser i dag" and len(now["y"]) == 8
    assert page.locator("#planning-figure .main-svg").count() >= 1

    # small groups: "<5", never the value (Bräcke has 2 open positions in the file)
    bracke = page.locator('#evidence-table tr[data-municipality="bracke"] [data-field="open"]')
    assert bracke.inner_text() == "<5"
    # a note shared by several municipalities is said once, with their names
    common = page.locator("#common-notes").inner_text()
    assert "Värden som bygger på färre än 5 personer" in common and "Bräcke" in common
    assert common.count("Värden som bygger på färre än 5 personer") == 1
    assert "Värden som bygger på färre än 5 personer" not in page.locator(
        '#planning-table tr[data-detail="bracke"]'
    ).inner_text()
    # the assumptions by their names, the parameter's name beside; the facts file by its
    # name, never the server's path
    assert page.locator('[data-assumption="hub_trip_km"] th').inner_text() == (
        "Resa till hubben (km) hub_trip_km"
    )
    meta = page.locator(".plan-meta").inner_text()
    assert "Faktafil: " in meta and "/" not in meta.split("Faktafil: ")[1].split(" · ")[0]
    # the measurement period says how much of it has data
    assert "mätdata från högst" in page.locator("#period").inner_text()
    # the eligible select shows its whole choice; the facts table fits its section
    assert page.evaluate(
        "() => { const s = document.getElementById('f-eligible');"
        " return s.scrollWidth <= s.clientWidth + 1; }"
    )
    widths = page.evaluate(
        "() => { const t = document.getElementById('evidence-table');"
        " const box = t.closest('section');"
        " return [t.getBoundingClientRect().width, box.getBoundingClientRect().width]; }"
    )
    assert widths[0] <= widths[1], widths

    # the calculation behind a number
    detail = page.locator('#planning-table tr[data-detail="ragunda"] details')
    detail.locator("summary").click()
    text = detail.inner_text()
    assert "E = 2\u00a0210 (sysselsatta som bor i kommunen)" in text
    assert "uppmätt i Berg, Krokom" in text
    assert "platser = ⌈topp⌉ + 1 = 5 (5–6)" in text
    tab.screenshot("planning-sv-laptop.png")
    page.set_viewport_size(TABLET)
    page.wait_for_timeout(300)
    assert page.evaluate(NO_OVERFLOW)
    tab.screenshot("planning-sv-tablet.png")
    tab.assert_clean()


def test_editing_an_assumption_requeries(open_tab: Any, planning_url: str) -> None:
    """adoption 0.4 %, peak ratio 1, buffer 2: Östersund 31 200 × 0.004 = 124.8 → 127."""
    tab = open_tab()
    page = tab.page
    page.goto(f"{planning_url}?{QUERY}")
    page.wait_for_function("() => document.body.dataset.figure === 'drawn'")
    assert page.locator('[data-assumption="adoption"] [data-field="source"]').inner_text() == (
        "uppmätt"
    )
    page.fill("#f-adoption", "0.004")
    page.fill("#f-peak_ratio", "1")
    page.fill("#f-buffer", "2")
    with page.expect_navigation():
        page.click("#recompute")
    page.wait_for_function("() => document.body.dataset.figure === 'drawn'")
    assert "adoption=0.004" in page.url and "from=2026-11-09" in page.url
    assert field(tab, "ostersund", "projected-desks").startswith("127 ")
    assert page.locator('[data-assumption="adoption"] [data-field="source"]').inner_text() == (
        "ditt antagande"
    )
    assert page.input_value("#f-adoption") == "0.004"  # the form keeps what was entered
    xlsx = page.locator("#download-xlsx").get_attribute("href") or ""
    assert "adoption=0.004" in xlsx and "format=xlsx" in xlsx

    # a bad value: the page says what is wrong and keeps the form
    page.fill("#f-adoption", "3")
    with page.expect_navigation():
        page.click("#recompute")
    assert (
        "adoption: Input should be less than or equal to 1"
        in page.locator("#query-problems").inner_text()
    )
    assert tab.external_requests() == []


def test_planning_page_in_english(open_tab: Any, planning_url: str) -> None:
    tab = open_tab()
    page = tab.page
    page.goto(f"{planning_url}?{QUERY}&lang=en")
    page.wait_for_function("() => document.body.dataset.figure === 'drawn'")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Planning evidence for coworking hubs"
    assert field(tab, "berg", "basis") == "measured"
    assert field(tab, "ostersund", "desks-needed") == "49 (45–59)"
    assert page.evaluate("() => document.getElementById('planning-figure').data[0].name") == (
        "Projected (low–high)"
    )
    assert page.locator("#lang-switch").inner_text() == "Svenska"
    tab.screenshot("planning-en-laptop.png")
    tab.assert_clean()
