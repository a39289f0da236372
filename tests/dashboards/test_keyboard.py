"""Keyboard-only use in real headless Chromium (the fixtures of test_browser.py and
test_planning_browser.py): the first Tab reaches "skip to the content"; Tab then moves
through the live page, the explorer and the planning form in reading order, every stop
shows a visible focus outline, and the forms are filled and sent with the keyboard."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dashboards import test_browser, test_planning_browser

pytestmark = pytest.mark.browser

context = test_browser.context
open_tab = test_browser.open_tab
store = test_browser.store
base_url = test_browser.base_url
planning_url = test_planning_browser.planning_url

FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || '').trim(),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
}"""
FOLLOWS = """([a, b]) => {
    // b comes after a in the document (reading order)
    return Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
}"""


def tab_stops(page: Any, count: int) -> list[dict[str, Any]]:
    """Press Tab ``count`` times; each stop as FOCUSED sees it, and whether it follows the
    stop before it in the document."""
    stops: list[dict[str, Any]] = []
    previous = None
    for _ in range(count):
        page.keyboard.press("Tab")
        stop = dict(page.evaluate(FOCUSED))
        handle = page.evaluate_handle("() => document.activeElement")
        stop["in_order"] = previous is None or page.evaluate(FOLLOWS, [previous, handle])
        previous = handle
        stops.append(stop)
    return stops


def assert_visible_and_in_order(stops: list[dict[str, Any]]) -> None:
    for stop in stops:
        assert stop["outline"], stop
        assert stop["in_order"], stop


def test_the_live_page_by_keyboard(open_tab: Any, base_url: str) -> None:
    tab = open_tab()
    page = tab.page
    page.goto(base_url + "/hubs/svenstavik")
    stops = tab_stops(page, 12)
    assert stops[0]["text"] == "Till sidans innehåll"
    assert [s["text"] for s in stops[1:7]] == [
        "Hubsense", "Översikt", "Planering", "Nyttjandegrad", "Jämför kommuner", "Definitioner",
    ]  # fmt: skip
    assert_visible_and_in_order(stops)
    assert page.evaluate("() => [...document.querySelectorAll('[tabindex]')]"
                         ".every(el => el.tabIndex <= 0)")
    # the skip link goes past the navigation
    page.goto(base_url + "/hubs/svenstavik")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate(
        "() => document.querySelector('main').contains(document.activeElement)"
    )
    tab.assert_clean()


def test_the_explorer_form_by_keyboard(open_tab: Any, base_url: str) -> None:
    tab = open_tab()
    page = tab.page
    page.goto(base_url + "/utilisation")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip to the content
    stops = tab_stops(page, 5)
    assert stops[0]["text"] == "definitionerna"  # the lead's link, then the form
    assert [s["id"] for s in stops[1:4]] == ["f-area", "f-from", "f-last"]
    assert stops[4]["tag"] == "button"
    assert_visible_and_in_order(stops)
    # choose an area and a period with the keyboard only, send with Enter
    page.focus("#f-area")
    page.keyboard.press("ArrowDown")
    page.focus("#f-from")
    page.keyboard.press("Control+A")
    page.keyboard.type("2026-10-27")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("2026-11-10")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "from=2026-10-27" in page.url and "last=2026-11-10" in page.url
    assert page.locator("#period").inner_text().startswith("Period: 2026-10-27 – 2026-11-10")
    # the tables that scroll sideways take the focus, with a visible outline
    page.evaluate("() => document.getElementById('hubs-table').parentElement.focus()")
    assert page.evaluate(FOCUSED)["outline"] is True
    tab.assert_clean()


def test_the_planning_form_by_keyboard(open_tab: Any, planning_url: str) -> None:
    tab = open_tab()
    page = tab.page
    page.goto(f"{planning_url}?{test_planning_browser.QUERY}")
    page.focus("#f-from")
    stops = tab_stops(page, 4)
    assert [s["id"] for s in stops] == ["f-last", "f-rank_by", "", "f-eligible"]
    assert_visible_and_in_order(stops)
    page.focus("#f-adoption")
    page.keyboard.type("0.004")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "adoption=0.004" in page.url
    assert page.input_value("#f-adoption") == "0.004"
    tab.assert_clean()
