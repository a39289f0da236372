"""The dashboard routes over HTTP (no browser): status, headers, server-rendered content,
escaping of registry values, static files, and pages when the store is down."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dashboards.pages import ASSETS, CONTENT_SECURITY_POLICY, PLOTLY_JS
from dashboards.render import json_block
from hubsense.registry import Registry, parse_registry
from hubsense.store.sqlite import SqliteStore
from tests.api.api_support import HOSTILE_IDS, BrokenStore
from tests.dashboards.support import SVENSTAVIK_EXPECTED, make_app

HOSTILE_REGISTRY = """
schema_version = 1
version = "t"
region = "Region <b>Test</b>"
[municipalities]
evil = { name = "\\"><img src=x onerror=alert(1)>", code = "0001" }
[[hubs]]
id = "evil-hub"
municipality = "evil"
name = "</script><script>alert('hub')</script> & Co"
opening_hours = { mon = "08:00-17:00" }
desks = [{ id = "a01", zone = "a", sensor = "s1" }]
"""

URL_ATTR = re.compile(r'\b(?:src|href|action)="([^"]*)"')


def tiles(html: str) -> dict[str, tuple[str, bool]]:
    return {
        m.group(2): (m.group(3), m.group(4) == "true")
        for m in re.finditer(
            r'<li class="(desk[^"]*)" data-desk="([^"]+)" data-state="([^"]+)" '
            r'data-low-battery="(true|false)"',
            html,
        )
    }


def assert_same_origin_only(html: str) -> None:
    for url in URL_ATTR.findall(html):
        assert url.startswith(("/", "data:", "?", "#")), url  # "#": within the page
        assert not url.startswith("//"), url
    assert "http://" not in html and "https://" not in html


def test_overview(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert r.headers["cache-control"] == "no-store"
    html = r.text
    assert '<html lang="sv">' in html
    assert "Just nu i regionen: " in html
    assert html.count('<li class="card"') == 11
    order = [
        html.index(f'data-municipality="{m}"')
        for m in (
            "berg",
            "bracke",
            "harjedalen",
            "krokom",
            "ragunda",
            "stromsund",
            "are",
            "ostersund",
        )
    ]
    assert order == sorted(order)
    # a hub card: occupied of total, offline, low battery; links keep the default language
    card = html[html.index('data-hub="svenstavik"') :]
    card = card[: card.index("</li>")]
    assert '<span class="num" data-field="occupied">2</span> av ' in card
    assert '<span class="num" data-field="total">12</span> upptagna' in card
    assert 'data-field="offline">2<' in card
    assert 'data-field="low_battery">2<' in card
    assert 'href="/hubs/svenstavik"' in card
    # analytics from the analytics API (only today's data here): today's peak so far, and
    # "–" with the reason where there is no number (tests/dashboards/test_usage_pages.py)
    assert 'data-analytics="peak_today">2 av 12<' in card
    assert 'data-analytics="utilisation_30d">–<' in card
    assert "inga sensordata under perioden" in card
    assert 'data-analytics="recommended_desks">–<' in card
    assert 'id="stale-banner" class="banner" role="alert" hidden' in html
    assert_same_origin_only(html)


def test_hub_page_renders_the_live_state(client: TestClient) -> None:
    r = client.get("/hubs/svenstavik")
    assert r.status_code == 200
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    html = r.text
    assert tiles(html) == SVENSTAVIK_EXPECTED
    assert '<span class="count-value" data-count="occupied">2</span>' in html
    assert '<span class="count-value" data-count="unknown">6</span>' in html
    assert '<h2 id="zone-a">Zon A</h2>' in html
    assert "lågt batteri (15\u00a0%)" in html
    assert "10:59 · 1 min sedan" in html
    assert '<time id="as-of" datetime="2026-11-25T10:00:00+00:00">11:00:00</time>' in html
    assert 'data-reason="api" hidden>' in html  # the banner is there, hidden
    assert '"liveUrl":"/api/hubs/svenstavik/live"' in html
    assert '"pollMs":2000' in html
    assert 'src="/dashboards/static/plotly.min.js?v=' in html
    assert_same_origin_only(html)


def test_hub_page_in_english(client: TestClient) -> None:
    html = client.get("/hubs/svenstavik", params={"lang": "en"}).text
    assert '<html lang="en">' in html
    assert '<span class="desk-state">occupied</span>' in html
    assert "low battery (15%)" in html
    assert '<h2 id="zone-a">Zone A</h2>' in html
    assert '"locale":"en-GB"' in html
    # the switch goes back to Swedish; links keep English
    assert 'id="lang-switch" href="/hubs/svenstavik?lang=sv"' in html
    assert 'href="/?lang=en"' in html
    sv = client.get("/hubs/svenstavik").text
    assert 'id="lang-switch" href="/hubs/svenstavik?lang=en"' in sv
    assert '"locale":"sv-SE"' in sv


def test_unknown_language_falls_back_to_swedish(client: TestClient) -> None:
    r = client.get("/", params={"lang": "de"})
    assert r.status_code == 200
    assert '<html lang="sv">' in r.text


def test_stale_hub_shows_the_banner(client: TestClient) -> None:
    html = client.get("/hubs/bracke").text
    assert (
        '<div id="stale-banner" class="banner" role="alert" data-reason="api">'
        "Inaktuella data: ingen sensor i hubben har hörts de senaste 15 minuterna.</div>"
    ) in html


@pytest.mark.parametrize(
    "hub",
    [h for h in HOSTILE_IDS if h not in {"..", "%0a", "svenstavik%00"}]
    + ["no-such-hub", "<img src=x onerror=alert(1)>", "%3Cb%3E"],
    ids=lambda hub: hub[:24],
)
def test_unknown_hub_is_an_html_404(client: TestClient, hub: str) -> None:
    r = client.get(f"/hubs/{hub}")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "<h1>Sidan finns inte</h1>" in r.text
    assert "<img" not in r.text
    assert "<b>" not in r.text
    body = r.text[r.text.index("<main") :]
    assert "'" not in body and '"' not in body.replace('="', "").replace('">', "")
    assert len(r.text) < 3000  # a long id is cut


def test_not_found_page_escapes_the_id(client: TestClient) -> None:
    r = client.get("/hubs/<img src=x onerror=alert(1)>", params={"lang": "en"})
    assert r.status_code == 404
    assert "There is no hub with id &#x27;&lt;img src=x onerror=alert(1)&gt;&#x27;." in r.text
    assert 'href="/hubs/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E?lang=sv"' in r.text


def test_registry_values_are_escaped(sqlite_store: SqliteStore) -> None:
    registry = parse_registry(HOSTILE_REGISTRY)
    with TestClient(make_app(registry, sqlite_store)) as client:
        pages = (
            "/",
            "/hubs/evil-hub",
            "/utilisation",
            "/utilisation?scope=hub&id=evil-hub",
            "/compare",
        )
        for path in pages:
            html = client.get(path).text
            assert "<script>alert" not in html, path
            assert "<img src=x" not in html, path
            assert "<b>Test</b>" not in html, path
            if path != "/compare":  # names municipalities only
                assert "&lt;/script&gt;&lt;script&gt;alert(&#x27;hub&#x27;)" in html, path
            assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html, path
        assert "&lt;b&gt;Test&lt;/b&gt;" in client.get("/").text


def test_json_blocks_cannot_end_their_script_element() -> None:
    block = json_block("x", {"name": "</script><script>alert(1)</script>", "amp": "a&b"})
    assert block.count("</script>") == 1
    assert "\\u003c/script\\u003e" in block
    assert "\\u0026" in block


class BrokenRollupStore(BrokenStore):
    """Also fails the rollup reads and writes the analytics need."""

    desk_day_rollups = group_day_rollups = slot_rollups = write_rollups = BrokenStore._fail


def test_pages_still_render_when_the_store_is_down(registry: Registry) -> None:
    with TestClient(make_app(registry, BrokenRollupStore())) as client:
        r = client.get("/")
        assert r.status_code == 200
        assert '<div id="stale-banner" class="banner" role="alert">' in r.text
        assert 'data-field="occupied">–<' in r.text
        r = client.get("/hubs/svenstavik")
        assert r.status_code == 200
        assert 'role="alert" data-reason="fetch">Kunde inte hämta livedata' in r.text
        assert set(tiles(r.text).values()) == {("unknown", False)}
        assert client.get("/api/hubs/svenstavik/live").status_code == 503
        # the analytics pages say the store is down (503), the overview's cards show "–"
        assert 'data-analytics-state="error"' in client.get("/").text
        for path in ("/utilisation", "/compare"):
            r = client.get(path)
            assert r.status_code == 503, path
            assert "Databasen svarar inte just nu" in r.text, path


def test_static_files(client: TestClient) -> None:
    r = client.get("/dashboards/static/plotly.min.js", params={"v": "x"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["cache-control"] == "public, max-age=86400"
    assert r.content == PLOTLY_JS.read_bytes()
    for name in ("dashboard.css", "live.js", "overview.js", "usage.js"):
        r = client.get(f"/dashboards/static/{name}")
        assert r.status_code == 200, name
        assert r.content == ASSETS[name][0].read_bytes()
        assert r.headers["cache-control"] == "no-cache"
    assert (
        client.get("/dashboards/static/dashboard.css")
        .headers["content-type"]
        .startswith("text/css")
    )
    for name in ("pages.py", "..%2Fpages.py", "%2Fetc%2Fpasswd", "plotly.js"):
        assert client.get(f"/dashboards/static/{name}").status_code == 404, name


def test_static_assets_exist() -> None:
    for name, (path, _type) in ASSETS.items():
        assert Path(path).is_file(), name


def test_the_api_is_unchanged_and_pages_stay_out_of_its_schema(client: TestClient) -> None:
    assert client.get("/api/hubs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert "/" not in paths
    assert "/hubs/{hub}" not in paths
    assert "/utilisation" not in paths and "/compare" not in paths
    assert all(p.startswith("/api/") for p in paths)
