"""End-to-end: the dashboards in real headless Chromium (Debian's ``chromium``) driven by
Playwright, against the app served by uvicorn on a free loopback port with a SqliteStore of
known data and a fixed clock.

Without Chromium or the playwright package these tests skip; with CI=true they fail.
Screenshots of every page go to artifacts/screenshots/ (gitignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import httpx
import pytest

from dashboards.i18n import fmt_int, fmt_share
from hubsense.registry import Registry
from hubsense.store.sqlite import SqliteStore
from tests.conftest import IN_CI
from tests.dashboards.support import (
    PERIOD_30,
    SVENSTAVIK_EXPECTED,
    EventMaker,
    expected_peaks,
    fill_history,
    fill_known,
    make_app,
)
from tests.serving import served

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("HUBSENSE_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
LAPTOP = {"width": 1366, "height": 900}
TABLET = {"width": 820, "height": 1180}


def _missing(what: str) -> NoReturn:
    if IN_CI:
        pytest.fail(f"CI=true and the browser tests cannot run: {what}")
    pytest.skip(what)


# --- the app on a real port ---------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> Iterator[SqliteStore]:
    """The KNOWN messages, and the history of three hubs (older than the live views look
    back, so they only show in the analytics). Tests that write more use hubs no other test
    checks (sveg, krokom) and keep to the file order (the overview test before them)."""
    s = SqliteStore(tmp_path_factory.mktemp("dash") / "store.sqlite3")
    s.open()
    fill_known(s, EventMaker(registry))
    fill_history(s, registry)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="module")
def base_url(registry: Registry, store: SqliteStore) -> Iterator[str]:
    with served(make_app(registry, store), "dashboards") as url:
        yield url


# --- the browser ------------------------------------------------------------------------------

PATIENCE_MS = 60_000
"""How long any navigation or wait may take. These tests check what a page shows, not how
fast (that is benchmarks/): on a machine busy with other work a page load or a poll can take
many seconds, and that must not turn a test red. A test that passes waits no longer."""


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Chromium with a throwaway profile on disk, shared by the module's tests: with a disk
    cache, Chromium keeps plotly.js compiled after two loads (~0.4 s a page instead of ~2 s,
    as for a real user's browser), so the file stays fast."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[test]')")
    if not os.access(CHROMIUM, os.X_OK):
        _missing(f"{CHROMIUM} is missing (Debian: apt-get install chromium)")
    with sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch_persistent_context(
                tmp_path_factory.mktemp("chromium-profile"),
                executable_path=CHROMIUM,
                args=LAUNCH_ARGS,
                viewport={"width": LAPTOP["width"], "height": LAPTOP["height"]},
            )
        except Error as exc:
            pytest.fail(f"{CHROMIUM} is installed but did not start: {exc}")
        chromium.set_default_timeout(PATIENCE_MS)
        chromium.set_default_navigation_timeout(PATIENCE_MS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Tab:
    """A page with everything it logged and requested."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def external_requests(self) -> list[str]:
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in {"data", "blob", "about"}:
                continue
            if parts.hostname not in LOOPBACK:
                out.append(url)
        return out

    def assert_clean(self) -> None:
        assert self.console_errors == []
        assert self.external_requests() == []

    def wait_polls(self, at_least: int = 1) -> None:
        self.page.wait_for_function(
            f"() => Number(document.body.dataset.polls || 0) >= {at_least}")

    def tile(self, desk: str) -> dict[str, Any]:
        return dict(
            self.page.eval_on_selector(
                f'.floor .desk[data-desk="{desk}"]',
                """el => ({state: el.dataset.state, low: el.dataset.lowBattery,
                           cls: el.className,
                           icon: el.querySelector('.desk-icon').textContent,
                           label: el.querySelector('.desk-state').textContent,
                           battery: el.querySelector('.desk-battery').hidden ? null
                                    : el.querySelector('.desk-battery-text').textContent,
                           seen: el.querySelector('.desk-seen').textContent})""",
            )
        )

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


@pytest.fixture
def open_tab(context: Any) -> Iterator[Any]:
    pages = []

    def open_(viewport: dict[str, int] = LAPTOP, scripts: bool = True) -> Tab:
        page = context.new_page()
        page.set_viewport_size(viewport)
        if not scripts:  # what the server rendered, as without JavaScript
            page.route("**/dashboards/static/*.js*", lambda route: route.abort())
        pages.append(page)
        page.set_default_timeout(PATIENCE_MS)
        tab = Tab(page)
        page.on(
            "console",
            lambda msg: tab.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: tab.console_errors.append(f"pageerror: {exc}"))
        page.on("request", lambda req: tab.requests.append(req.url))
        return tab

    yield open_
    for page in pages:
        page.close()


# --- the tests --------------------------------------------------------------------------------

NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"
# Every figure redrawn for the current viewport now (the pages redraw them on a debounced
# resize; a fixed wait for that would depend on the machine's speed).
RESIZED = """async () => {
    for (const el of document.querySelectorAll('.js-plotly-plot')) await Plotly.Plots.resize(el);
}"""
ICONS = {"occupied": "●", "free": "○", "offline": "×", "unknown": "?"}
SV_LABELS = {"occupied": "upptagen", "free": "ledig", "offline": "offline", "unknown": "okänd"}


def assert_script_matches_server(open_tab: Any, live: Tab, url: str) -> None:
    """The tiles as the script re-rendered them from the API's JSON read the same as the
    server rendered them (the same page with its scripts blocked)."""
    static = open_tab(scripts=False)
    static.page.goto(url)
    for desk in SVENSTAVIK_EXPECTED:
        assert static.tile(desk) == live.tile(desk), desk


def test_overview_page(open_tab: Any, base_url: str) -> None:
    tab = open_tab()
    response = tab.page.goto(base_url + "/")
    assert response.status == 200
    page = tab.page
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("h1").inner_text() == (
        "Beläggning i arbetshubbarna – Region Jämtland Härjedalen"
    )
    munis = page.locator(".municipality h2").all_inner_texts()
    assert [m.split(" kommunkod")[0].strip() for m in munis] == [
        "Berg", "Bräcke", "Härjedalen", "Krokom", "Ragunda", "Strömsund", "Åre", "Östersund",
    ]  # fmt: skip
    assert page.locator(".card[data-hub]").count() == 11
    card = page.locator('.card[data-hub="svenstavik"]')
    assert card.locator('[data-field="occupied"]').inner_text() == "2"
    assert card.locator('[data-field="total"]').inner_text() == "12"
    assert card.locator('[data-field="offline"]').inner_text() == "2"
    assert card.locator('[data-field="low_battery"]').inner_text() == "2"
    assert card.locator(".card-occupancy").inner_text() == "2 av 12 upptagna"
    # the analytics API's numbers: utilisation of the 30 days before today with its
    # coverage, today's peak so far, the recommended desks (few evidence days: flagged)
    summary = api(base_url, "utilisation", scope="hub", id="svenstavik")["summary"]
    capacity = api(base_url, "capacity", scope="hub", id="svenstavik")
    assert card.locator('[data-analytics="utilisation_30d"]').inner_text() == fmt_share(
        summary["utilisation"], "sv"
    )
    assert card.locator('[data-analytics-note="utilisation_30d"]').inner_text() == (
        "täckning " + fmt_share(summary["coverage"], "sv")
    )
    assert card.locator('[data-analytics="peak_today"]').inner_text() == "2 av 12"
    assert card.locator('[data-analytics="recommended_desks"]').inner_text() == fmt_int(
        capacity["recommended_desks"], "sv"
    )
    # full on one evidence day: a lower bound as well
    assert capacity["hubs"][0]["days_at_capacity"] == 1
    assert card.locator('[data-analytics-note="recommended_desks"]').inner_text() == (
        "osäkert: 11 av 20 underlagsdagar; undre gräns: full 1 av underlagsdagarna"
    )
    # no data, no number: "–" and why
    bracke = page.locator('.card[data-hub="bracke"]')
    assert bracke.locator('[data-analytics="utilisation_30d"]').inner_text() == "–"
    assert bracke.locator('[data-analytics-note="peak_today"]').inner_text() == (
        "ingen sensor hörd i dag"
    )
    assert page.locator('.card[data-hub="bracke"] [data-field="stale"]').is_visible()
    assert not card.locator('[data-field="stale"]').is_visible()
    assert page.locator("#stale-banner").is_hidden()
    assert page.locator(".region-now").inner_text() == (
        "Just nu i regionen: 5 av 126 platser upptagna"
    )
    tab.screenshot("overview-sv-laptop.png")
    page.set_viewport_size(TABLET)
    assert page.evaluate(NO_OVERFLOW)
    tab.screenshot("overview-sv-tablet.png")
    tab.assert_clean()


def test_overview_refreshes_its_cards(
    open_tab: Any, base_url: str, store: SqliteStore, registry: Registry
) -> None:
    """The overview re-reads every hub's live state every 15 s (Playwright's clock runs the
    timer at once): numbers and totals follow the store, a failing hub shows the banner."""
    tab = open_tab()
    page = tab.page
    page.clock.install()
    page.goto(base_url + "/")
    card = page.locator('.card[data-hub="krokom"]')
    assert card.locator('[data-field="occupied"]').inner_text() == "2"
    store.write([EventMaker(registry)("krokom", "a02", ago_s=30, occupied=True)], [])
    page.clock.run_for(15_500)
    page.wait_for_function("() => document.body.dataset.lastPoll === 'ok'")
    assert card.locator('[data-field="occupied"]').inner_text() == "3"
    assert page.locator('[data-municipality="krokom"] .muni-now').inner_text() == (
        "3 av 14 platser upptagna"
    )
    assert page.locator(".region-now").inner_text() == (
        "Just nu i regionen: 6 av 126 platser upptagna"
    )
    tab.assert_clean()

    page.route("**/api/hubs/krokom/live", lambda route: route.fulfill(status=503, body="{}"))
    page.clock.run_for(15_500)
    page.wait_for_function("() => document.body.dataset.lastPoll === 'error'")
    assert page.locator("#stale-banner").is_visible()
    assert card.locator('[data-field="occupied"]').inner_text() == "–"
    assert page.locator(".region-now").inner_text() == (
        "Just nu i regionen: – av 126 platser upptagna"
    )
    assert tab.external_requests() == []


def test_live_hub_tiles_show_the_known_states(open_tab: Any, base_url: str) -> None:
    tab = open_tab()
    assert tab.page.goto(base_url + "/hubs/svenstavik").status == 200
    tab.wait_polls(1)
    page = tab.page
    zones = page.eval_on_selector_all(
        ".floor .zone",
        "els => els.map(z => [z.dataset.zone, "
        "[...z.querySelectorAll('.desk')].map(d => d.dataset.desk)])",
    )
    assert zones == [
        ["a", [f"a0{i}" for i in range(1, 9)]],
        ["b", ["b01", "b02", "b03", "b04"]],
    ]
    for desk, (state, low) in SVENSTAVIK_EXPECTED.items():
        tile = tab.tile(desk)
        assert tile["state"] == state, desk
        assert f"state-{state}" in tile["cls"].split(), desk
        assert ("low-battery" in tile["cls"].split()) is low, desk
        assert tile["icon"] == ICONS[state], desk
        assert tile["label"] == SV_LABELS[state], desk
    # Swedish formatting (toLocaleString('sv-SE')): no-break space before %, 24 h clock
    assert tab.tile("a02")["battery"] == "lågt batteri (15\u00a0%)"
    assert tab.tile("a01")["seen"] == "10:59 · 1 min sedan"  # NOW is 11:00 in Stockholm
    assert tab.tile("b02")["seen"] == "2026-11-22 11:00 · 3 d sedan"
    assert tab.tile("a03")["seen"] == "aldrig hörd"
    counts = {
        key: page.locator(f'[data-count="{key}"]').inner_text()
        for key in ("occupied", "free", "offline", "unknown", "low_battery")
    }
    assert counts == {"occupied": "2", "free": "2", "offline": "2", "unknown": "6",
                      "low_battery": "2"}  # fmt: skip
    assert page.locator("#stale-banner").is_hidden()
    # the figure was drawn by the local plotly.js, with the bar values of the counts
    assert page.locator("#occupancy-figure .main-svg").count() >= 1
    assert page.evaluate("() => document.getElementById('occupancy-figure').data[0].x") == [
        2, 2, 2, 6,
    ]  # fmt: skip
    assert any(urlsplit(u).path == "/dashboards/static/plotly.min.js" for u in tab.requests)
    assert_script_matches_server(open_tab, tab, base_url + "/hubs/svenstavik")
    tab.screenshot("hub-svenstavik-sv-laptop.png")
    page.set_viewport_size(TABLET)
    page.evaluate(RESIZED)
    assert page.evaluate(NO_OVERFLOW)
    tab.screenshot("hub-svenstavik-sv-tablet.png")
    tab.assert_clean()


def test_new_event_changes_the_tile_without_reload(
    open_tab: Any, base_url: str, store: SqliteStore, registry: Registry
) -> None:
    tab = open_tab()
    page = tab.page
    page.goto(base_url + "/hubs/sveg")
    tab.wait_polls(1)
    assert tab.tile("a01")["state"] == "free"
    assert page.locator('[data-count="occupied"]').inner_text() == "1"
    page.evaluate("() => { window.__sameDocument = true; }")

    store.write([EventMaker(registry)("sveg", "a01", ago_s=5, occupied=True, battery=90)], [])
    page.wait_for_function(
        "() => document.querySelector('.floor .desk[data-desk=\"a01\"]')"
        ".dataset.state === 'occupied'"
    )
    tile = tab.tile("a01")
    assert tile["icon"] == "●"
    assert tile["label"] == "upptagen"
    assert tile["seen"] == "10:59 · nyss"  # 5 s before NOW (11:00 in Stockholm)
    assert page.locator('[data-count="occupied"]').inner_text() == "2"
    assert page.evaluate("() => window.__sameDocument") is True  # no reload happened
    tab.assert_clean()


def test_a_desk_its_network_reports_offline_says_so_on_its_tile(
    open_tab: Any, base_url: str
) -> None:
    """The API marks desk a01 offline by its network's report: the next poll redraws the
    tile offline with the reason, without a reload."""
    tab = open_tab()
    page = tab.page
    page.goto(base_url + "/hubs/svenstavik")
    tab.wait_polls(1)
    assert tab.tile("a01")["state"] == "occupied"

    def reported_offline(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        for desk in body["desks"]:
            if desk["desk"] == "a01":
                desk.update(state="offline", occupied=None, network_offline=True)
        route.fulfill(response=response, json=body)

    page.route("**/api/hubs/svenstavik/live", reported_offline)
    page.wait_for_function(
        "() => document.querySelector('.floor .desk[data-desk=\"a01\"]')"
        ".dataset.state === 'offline'"
    )
    tile = tab.tile("a01")
    assert (tile["icon"], tile["label"]) == ("×", "offline (enligt nätverket)")
    page.unroute("**/api/hubs/svenstavik/live")
    tab.assert_clean()


def test_stale_banner_when_the_fetch_fails(open_tab: Any, base_url: str) -> None:
    tab = open_tab()
    page = tab.page
    page.goto(base_url + "/hubs/svenstavik")
    tab.wait_polls(1)
    banner = page.locator("#stale-banner")
    assert banner.is_hidden()
    page.route(
        "**/api/hubs/svenstavik/live",
        lambda route: route.fulfill(status=503, body='{"detail": "store unavailable"}'),
    )
    page.wait_for_selector("#stale-banner[data-reason='fetch']", state="visible")
    assert banner.inner_text() == (
        "Kunde inte hämta livedata (HTTP 503). Visar senast kända läge; försöker igen om en stund."
    )
    assert tab.tile("a01")["state"] == "occupied"  # the last known state stays
    tab.screenshot("hub-svenstavik-fetch-failed-sv-laptop.png")
    page.unroute("**/api/hubs/svenstavik/live")
    page.wait_for_selector("#stale-banner", state="hidden")
    assert tab.external_requests() == []


def test_english_labels(open_tab: Any, base_url: str) -> None:
    tab = open_tab()
    page = tab.page
    page.goto(base_url + "/hubs/svenstavik?lang=en")
    tab.wait_polls(1)
    assert page.locator("html").get_attribute("lang") == "en"
    assert tab.tile("a01")["label"] == "occupied"
    assert tab.tile("a05")["label"] == "free"
    assert tab.tile("a03")["label"] == "unknown"
    assert tab.tile("a02")["battery"] == "low battery (15%)"
    assert tab.tile("a01")["seen"] == "10:59 · 1 min ago"
    assert tab.tile("b02")["seen"] == "22/11/2026, 11:00 · 3 d ago"
    assert page.locator(".count-occupied .count-label").inner_text() == "● Occupied"
    assert page.locator("#lang-switch").inner_text() == "Svenska"
    assert_script_matches_server(open_tab, tab, base_url + "/hubs/svenstavik?lang=en")
    tab.screenshot("hub-svenstavik-en-laptop.png")
    page.goto(base_url + "/?lang=en")
    assert page.locator("h1").inner_text() == "Hub occupancy – Region Jämtland Härjedalen"
    assert page.locator('.card[data-hub="svenstavik"] .card-occupancy').inner_text() == (
        "2 of 12 occupied"
    )
    tab.screenshot("overview-en-laptop.png")
    # the toggle link switches back to Swedish
    page.locator("#lang-switch").click()
    page.wait_for_url("**/?lang=sv")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("#lang-switch").inner_text() == "English"
    tab.assert_clean()


def test_stale_banner_when_the_api_says_stale(open_tab: Any, base_url: str) -> None:
    tab = open_tab()
    tab.page.goto(base_url + "/hubs/bracke")
    tab.wait_polls(1)
    banner = tab.page.locator("#stale-banner")
    assert banner.is_visible()
    assert banner.get_attribute("data-reason") == "api"
    assert banner.inner_text() == (
        "Inaktuella data: ingen sensor i hubben har hörts de senaste 15 minuterna."
    )
    tab.screenshot("hub-bracke-stale-sv-laptop.png")
    tab.assert_clean()


def test_unknown_hub_is_a_404_page(open_tab: Any, base_url: str) -> None:
    tab = open_tab()
    response = tab.page.goto(base_url + "/hubs/no-such-hub")
    assert response.status == 404
    assert tab.page.locator("h1").inner_text() == "Sidan finns inte"
    assert tab.page.locator(".not-found").inner_text() == (
        "Det finns ingen hubb med id 'no-such-hub'."
    )
    tab.screenshot("hub-unknown-404-sv-laptop.png")
    # the only console error is the browser's own note about the 404 response
    assert all("404" in e for e in tab.console_errors), tab.console_errors
    assert tab.external_requests() == []


# --- the analytics pages ------------------------------------------------------------------------


def api(base_url: str, path: str, **params: object) -> dict[str, Any]:
    """The analytics API's answer (authentication is off in these tests)."""
    r = httpx.get(f"{base_url}/api/reports/{path}", params=params, timeout=PATIENCE_MS / 1000)
    assert r.status_code == 200, r.text
    return dict(r.json())


def wait_figures(tab: Tab) -> int:
    """Waits until usage.js drew every figure of the page; returns how many."""
    wanted = tab.page.locator("[data-figure]").count()
    tab.page.wait_for_function(
        f"() => document.body.dataset.figures === '{wanted}'")
    assert tab.page.locator("[data-figure] .main-svg").count() >= wanted
    return wanted


def plotted(tab: Tab, element_id: str) -> list[dict[str, Any]]:
    """The traces plotly.js drew in a figure (its ``data``)."""
    return list(
        tab.page.evaluate(
            f"""() => document.getElementById({element_id!r}).data.map(t => ({{
                   type: t.type, meta: t.meta, x: t.x, y: t.y, z: t.z, name: t.name}}))"""
        )
    )


def test_utilisation_explorer(open_tab: Any, base_url: str, registry: Registry) -> None:
    """Berg (one hub with 11 known history days) over the default 30 days: every figure is
    drawn with the API's points, the desk ranking and report link are there."""
    tab = open_tab()
    page = tab.page
    response = page.goto(base_url + "/utilisation?scope=municipality&id=berg")
    assert response.status == 200
    # per day, the forecast (11 evidence days: none, and it says why), hour × weekday, the
    # hub's daily peaks
    assert wait_figures(tab) == 4
    assert "ingen prognos" in page.locator("#forecast-notes").inner_text()
    assert page.locator("h1").inner_text() == "Nyttjandegrad – Berg"
    assert page.locator("#period").inner_text() == "Period: 2026-10-26 – 2026-11-24 (30 dagar)"
    q = {"scope": "municipality", "id": "berg", **PERIOD_30}
    summary = api(base_url, "utilisation", **q)["summary"]
    capacity = api(base_url, "capacity", **q)
    days = api(base_url, "daily", scope="hub", id="svenstavik", **PERIOD_30)["days"]
    kf = page.locator("#key-figures")
    assert kf.locator('[data-field="utilisation"]').inner_text() == fmt_share(
        summary["utilisation"], "sv", 1
    )
    assert kf.locator('[data-field="recommended_desks"]').inner_text() == str(
        capacity["recommended_desks"]
    )
    # per day: one point per open day of the API, utilisation in percent, peaks as bars
    line, bars = plotted(tab, "fig-daily")
    assert len(bars["x"]) == len(days) == 22
    assert len(line["x"]) == 30  # every date: the closed days break the line
    shown = dict(zip(line["x"], line["y"], strict=True))
    assert [shown[d["date"]] for d in days] == [
        None if d["utilisation"] is None else round(d["utilisation"] * 100, 2) for d in days
    ]
    assert sum(v is not None for v in line["y"]) <= 22
    assert bars["y"] == [d["peak_concurrency"] for d in days]
    assert {d["date"]: d["peak_concurrency"] for d in days if d["evidence"]} == {
        str(k): v for k, v in expected_peaks(registry.hubs["svenstavik"]).items()
    }
    # hour × weekday: 7 weekdays × the open hours, the API's averages
    (heat,) = plotted(tab, "fig-profile")
    profile = api(base_url, "profile", **q)["mean_concurrency"]
    assert len(heat["z"]) == 7 and len(heat["x"]) == 11  # 07:00 … 17:00
    assert heat["z"][1] == [None if v is None else round(v, 2) for v in profile[1][7:18]]
    # the daily peaks: 11 evidence days, lines at the desks (12) and the recommendation
    peaks = {t["meta"]["series"]: t for t in plotted(tab, "fig-peaks-svenstavik")}
    assert sum(peaks["evidence_days"]["y"]) == 11
    assert peaks["desks"]["meta"]["value"] == 12
    rec = capacity["hubs"][0]["recommended_desks"]
    assert peaks["recommended_desks"]["meta"]["value"] == rec
    assert len(peaks["share_exceeding"]["x"]) == len(capacity["hubs"][0]["curve"]) == 13
    # the desk ranking (planner data; authentication is off here) and the report
    busiest = api(base_url, "desks", order="desc", limit=5, **q)["desks"]
    rows = page.locator("#most-used tbody tr")
    assert rows.count() == 5
    assert rows.first.get_attribute("data-desk") == f"svenstavik/{busiest[0]['desk']}"
    assert (
        page.locator("#download-xlsx")
        .get_attribute("href")
        .startswith(
            "/api/reports/download?municipality=berg&from=2026-10-26&to=2026-11-25&format=xlsx"
        )
    )
    tab.screenshot("utilisation-berg-sv-laptop.png")
    page.set_viewport_size(TABLET)
    page.evaluate(RESIZED)
    assert page.evaluate(NO_OVERFLOW)
    tab.screenshot("utilisation-berg-sv-tablet.png")
    tab.assert_clean()


def test_utilisation_explorer_form_and_language(open_tab: Any, base_url: str) -> None:
    """Choosing another area and period in the form, then English: the question stays."""
    tab = open_tab()
    page = tab.page
    page.goto(base_url + "/utilisation")
    wait_figures(tab)
    page.select_option("#f-area", "municipality:harjedalen")
    page.fill("#f-from", "2026-10-27")
    page.fill("#f-last", "2026-11-10")  # inclusive: the period ends with 10 November
    page.locator("#usage-form button[type=submit]").click()
    page.wait_for_url("**area=municipality%3Aharjedalen**")
    assert wait_figures(tab) == 5  # two hubs: a peaks figure each; and the forecast
    assert page.locator("h1").inner_text() == "Nyttjandegrad – Härjedalen"
    assert page.locator("#period").inner_text() == "Period: 2026-10-27 – 2026-11-10 (15 dagar)"
    traces = plotted(tab, "fig-daily")
    assert [t["meta"]["hub"] for t in traces] == ["funasdalen", "funasdalen", "sveg", "sveg"]
    for hub in ("funasdalen", "sveg"):
        n = len(
            api(base_url, "daily", scope="hub", id=hub, **{"from": "2026-10-27"}, to="2026-11-11")[
                "days"
            ]
        )
        bars = [t for t in traces if t["meta"] == {"hub": hub, "metric": "peak_concurrency"}]
        assert [len(t["x"]) for t in bars] == [n]
    page.locator("#lang-switch").click()
    page.wait_for_url("**lang=en")
    wait_figures(tab)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Utilisation – Härjedalen"
    assert page.locator("#period").inner_text() == "Period: 27/10/2026 – 10/11/2026 (15 days)"
    # the fields say the same dates in the same format as the period line
    assert page.locator("#f-from").input_value() == "27/10/2026"
    assert page.locator("#f-last").input_value() == "10/11/2026"
    assert (
        page.evaluate("() => document.getElementById('fig-daily').layout.yaxis.title.text")
        == "Utilisation (%)"
    )
    assert page.locator("#lang-switch").inner_text() == "Svenska"
    tab.screenshot("utilisation-harjedalen-en-laptop.png")
    tab.assert_clean()


def test_compare_page(open_tab: Any, base_url: str, registry: Registry) -> None:
    tab = open_tab()
    page = tab.page
    response = page.goto(base_url + "/compare")
    assert response.status == 200
    assert wait_figures(tab) == 1
    assert page.locator("h1").inner_text() == "Jämför kommuner"
    traces = {t["meta"]["metric"]: t for t in plotted(tab, "fig-compare")}
    assert set(traces) == {"utilisation", "desks", "peak_at_service_level", "recommended_desks"}
    region = {
        s["scope"]["id"]: s
        for s in api(base_url, "utilisation", scope="region", **PERIOD_30)["breakdown"]
    }
    order = page.eval_on_selector_all(
        "#compare-table tbody tr", "rows => rows.map(r => r.dataset.municipality)"
    )
    assert len(order) == 8
    assert traces["utilisation"]["x"] == [registry.municipalities[m].name for m in order]
    for i, m in enumerate(order):
        cap = api(base_url, "capacity", scope="municipality", id=m, **PERIOD_30)
        u = region[m]["utilisation"]
        assert traces["utilisation"]["y"][i] == (None if u is None else round(u * 100, 2)), m
        assert traces["desks"]["y"][i] == cap["desks"], m
        assert traces["peak_at_service_level"]["y"][i] == cap["peak_at_service_level"], m
        assert traces["recommended_desks"]["y"][i] == cap["recommended_desks"], m
    # data for Berg and Härjedalen only: the others have no bars, and say why
    assert sum(v is not None for v in traces["recommended_desks"]["y"]) == 2
    assert (
        page.locator(
            '#compare-table tr[data-municipality="krokom"] [data-note="peak_at_service_level"]'
        )
        .inner_text()
        .startswith("inga underlagsdagar")
    )
    tab.screenshot("compare-sv-laptop.png")
    page.set_viewport_size(TABLET)
    page.evaluate(RESIZED)
    assert page.evaluate(NO_OVERFLOW)
    tab.screenshot("compare-sv-tablet.png")
    page.locator("#lang-switch").click()
    page.wait_for_url("**/compare?from=2026-10-26&to=2026-11-25&lang=en")
    wait_figures(tab)
    assert page.locator("h1").inner_text() == "Compare municipalities"
    names = [t["name"] for t in plotted(tab, "fig-compare")]
    assert names == [
        "Utilisation",
        "Current desks",
        "Peak at service level (90%)",
        "Recommended desks",
    ]
    tab.assert_clean()


def test_navigation_between_the_pages(open_tab: Any, base_url: str) -> None:
    """From the overview to a hub's utilisation, on to the comparison and from there to a
    municipality's utilisation, in English all the way."""
    tab = open_tab()
    page = tab.page
    page.goto(base_url + "/?lang=en")
    page.locator('.card[data-hub="svenstavik"] [data-link="explorer"]').click()
    page.wait_for_url("**/utilisation?scope=hub&id=svenstavik&lang=en")
    wait_figures(tab)
    assert page.locator("h1").inner_text() == "Utilisation – Fjällhubben Svenstavik"
    page.locator(".topnav a", has_text="Compare municipalities").click()
    page.wait_for_url("**/compare?lang=en")
    wait_figures(tab)
    page.locator("#compare-table a", has_text="Berg").click()
    page.wait_for_url("**/utilisation?scope=municipality&id=berg**lang=en")
    wait_figures(tab)
    assert page.locator("h1").inner_text() == "Utilisation – Berg"
    assert page.locator(".topnav a", has_text="Overview").get_attribute("href") == "/?lang=en"
    tab.assert_clean()
