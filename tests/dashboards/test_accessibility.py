"""WCAG 2.1 AA in real headless Chromium: axe-core (axe-playwright-python, run in Debian's
chromium of test_browser.py) on every page, in both languages, logged out, as a viewer
and as a planner, on a laptop (1,366 px) and on a phone (390 px), finds no serious or
critical violation; every page is screenshot at both widths. The app runs with
authentication on, the known data of test_browser.py and the example planning facts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from hubsense.keys import KeyEntry, KeyRing, Role, key_digest, new_key
from hubsense.registry import Registry
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from tests.api.api_support import NOW
from tests.dashboards import test_browser
from tests.dashboards.test_browser import LAPTOP, Tab
from tests.planning.conftest import planning_settings
from tests.serving import served

pytestmark = pytest.mark.browser

# the Chromium and the store of known data of test_browser.py (shared, not copied)
context = test_browser.context
open_tab = test_browser.open_tab
store = test_browser.store

PHONE = {"width": 390, "height": 844}
WIDTHS = {"laptop": LAPTOP, "phone": PHONE}
KEYS = {role: new_key() for role in (Role.VIEWER, Role.PLANNER)}
RING = KeyRing(
    KeyEntry(f"{role}-key", role, key_digest(key).hex(), datetime(2026, 11, 1, tzinfo=UTC))
    for role, key in KEYS.items()
)
VIEWER_PAGES = ["/", "/hubs/svenstavik", "/definitions", "/hubs/atlantis"]
PLANNER_PAGES = [
    *VIEWER_PAGES,
    "/utilisation?scope=hub&id=svenstavik",
    "/utilisation?scope=municipality&id=harjedalen",
    "/utilisation?from=2026-13-01",  # a bad question: the form and the message
    "/compare",
    "/planning",
]
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def secure_url(registry: Registry, store: SqliteStore) -> Iterator[str]:
    app = create_app(
        planning_settings(auth_enabled=True, employee_view=True),
        registry,
        store,
        clock=lambda: NOW,
        keys=RING,
    )
    with served(app, "a11y") as url:
        yield url


def violations(page: Any) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        test_browser._missing("axe-playwright-python is not installed (pip install -e '.[test]')")
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]},
    )
    out = []
    for v in results.response["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = [n["target"] for n in v["nodes"]][:5]
            out.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])}): {v['help']} {targets}")
    return out


def log_in(tab: Tab, base: str, role: Role | None) -> None:
    tab.page.context.clear_cookies()
    if role is None:
        return
    tab.page.goto(f"{base}/login?next=/definitions")
    tab.page.fill("#key", KEYS[role])
    with tab.page.expect_navigation():
        tab.page.click("button[type=submit]")
    assert tab.page.url.endswith("/definitions")


def settle(tab: Tab) -> None:
    """The page with its scripts done: every figure drawn (the pages mark it on <body>)."""
    page = tab.page
    page.wait_for_load_state("networkidle")
    wanted = page.locator("div[data-figure]").count()
    if wanted:
        page.wait_for_function(f"() => document.body.dataset.figures === '{wanted}'")
    if page.locator("#planning-figure").count():
        try:
            page.wait_for_function("() => document.body.dataset.figure === 'drawn'")
        except Exception as exc:
            raise AssertionError(f"planning figure not drawn: {tab.console_errors}") from exc


def slug(path: str) -> str:
    return path.strip("/").replace("/", "-").replace("?", "-").replace("&", "-").replace(
        "=", "-"
    ) or "overview"


CASES = [
    (role, path)
    for role, pages in ((Role.VIEWER, VIEWER_PAGES), (Role.PLANNER, PLANNER_PAGES))
    for path in pages
]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(("role", "path"), CASES, ids=[f"{r}:{p}" for r, p in CASES])
def test_every_page_passes_axe_at_both_widths(
    open_tab: Any, secure_url: str, role: Role, path: str, lang: str
) -> None:
    tab = open_tab()
    log_in(tab, secure_url, role)
    sep = "&" if "?" in path else "?"
    for width, viewport in WIDTHS.items():
        tab.page.set_viewport_size(viewport)
        tab.page.goto(f"{secure_url}{path}{sep}lang={lang}")
        settle(tab)
        found = violations(tab.page)
        assert found == [], f"{width}:\n" + "\n".join(found)
        tab.screenshot(f"a11y-{slug(path)}-{lang}-{role}-{width}.png")
    assert tab.external_requests() == []


@pytest.mark.parametrize("path", ["/login", "/utilisation"])
def test_logged_out_pages_pass_axe(open_tab: Any, secure_url: str, path: str) -> None:
    """Logged out, every page is the login form (bilingual)."""
    tab = open_tab()
    log_in(tab, secure_url, None)
    for width, viewport in WIDTHS.items():
        tab.page.set_viewport_size(viewport)
        tab.page.goto(f"{secure_url}{path}")
        assert tab.page.locator("#key").count() == 1
        found = violations(tab.page)
        assert found == [], f"{width}:\n" + "\n".join(found)
        tab.screenshot(f"a11y-login-{slug(path)}-{width}.png")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_employees_view_on_a_phone(open_tab: Any, secure_url: str, lang: str) -> None:
    """Logged out (no account), on a phone: the free desks per hub, styled, and axe-clean."""
    tab = open_tab(PHONE)
    log_in(tab, secure_url, None)
    for width, viewport in WIDTHS.items():
        tab.page.set_viewport_size(viewport)
        response = tab.page.goto(f"{secure_url}/free?lang={lang}")
        assert response is not None and response.status == 200
        assert tab.page.locator(".free-card").count() == 11
        card = tab.page.locator('.free-card[data-hub="svenstavik"] [data-field="now"]')
        assert card.inner_text().endswith(
            "2 av 12 platser lediga" if lang == "sv" else "2 of 12 desks free"
        )
        # the stylesheet loaded for a caller without an account: the cards are laid out
        assert tab.page.evaluate(
            "() => getComputedStyle(document.querySelector('.free-cards')).display"
        ) == "grid"
        assert tab.page.evaluate(test_browser.NO_OVERFLOW)
        found = violations(tab.page)
        assert found == [], f"{width}:\n" + "\n".join(found)
        tab.screenshot(f"a11y-free-{lang}-{width}.png")
    tab.assert_clean()


def test_axe_finds_what_it_should(open_tab: Any, secure_url: str) -> None:
    """The check can fail: an unlabelled image and grey-on-white text are found."""
    tab = open_tab()
    log_in(tab, secure_url, Role.VIEWER)
    tab.page.goto(f"{secure_url}/definitions")
    tab.page.evaluate(
        """() => { const img = document.createElement('img'); img.src = 'data:,';
        document.querySelector('main').appendChild(img);
        const p = document.createElement('p'); p.textContent = 'faint';
        p.style.color = '#ddd'; document.querySelector('main').appendChild(p); }"""
    )
    found = violations(tab.page)
    assert any(v.startswith("image-alt") for v in found), found
    assert any(v.startswith("color-contrast") for v in found), found

