"""The /planning page over HTTP (the browser test is tests/dashboards/test_planning_browser.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.security import rule_for
from hubsense.keys import Role
from hubsense.registry import Registry
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from tests.api.api_support import NOW
from tests.planning.conftest import END, FIRST, planning_settings

PERIOD = {"from": FIRST.isoformat(), "to": END.isoformat()}


@pytest.fixture
def client(registry: Registry, measured_store: SqliteStore) -> Iterator[TestClient]:
    app = create_app(planning_settings(), registry, measured_store, clock=lambda: NOW)
    with TestClient(app) as c:
        yield c


def test_the_page_over_http(client: TestClient) -> None:
    r = client.get("/planning", params=PERIOD)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-security-policy"].startswith("default-src 'none'; script-src 'self'")
    html = r.text
    assert '<html lang="sv">' in html
    assert "<h1>Planeringsunderlag för arbetshubbar</h1>" in html
    assert 'id="invented-banner"' in html
    assert html.count('class="plan-row') == 8
    # scripts: only same-origin files, and JSON data blocks
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="/dashboards/static/' in tag or 'type="application/json"' in tag, tag
    assert 'src="/dashboards/static/planning.js"' in html
    assert client.get("/dashboards/static/planning.js").status_code == 200
    en = client.get("/planning", params={**PERIOD, "lang": "en"})
    assert "<h1>Planning evidence for coworking hubs</h1>" in en.text
    assert 'name="lang" value="en"' in en.text  # the form keeps the language


def test_the_page_shows_what_is_wrong_with_a_query(client: TestClient) -> None:
    r = client.get("/planning", params={"adoption": "5", "peak_ratio": ""})
    assert r.status_code == 422
    assert 'id="query-problems"' in r.text
    assert "adoption: Input should be less than or equal to 1" in r.text
    assert 'id="assumptions-form"' in r.text  # the form is there to fix it


def test_a_broken_facts_file_is_shown_on_the_page(
    registry: Registry, measured_store: SqliteStore, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("municipality,first_day,last_day,employed_residents\nGotland,x,y,1\n")
    app = create_app(
        planning_settings(planning_facts_file=bad), registry, measured_store, clock=lambda: NOW
    )
    with TestClient(app) as c:
        page = c.get("/planning", params=PERIOD)
        assert page.status_code == 200
        assert "unknown municipality &#x27;Gotland&#x27;" in page.text
        assert 'data-field="desks-needed">7<' in page.text  # measured figures still there


def test_the_page_is_for_planners() -> None:
    assert rule_for("GET", "/planning").access is Role.PLANNER
    assert rule_for("GET", "/dashboards/static/planning.js").access is Role.VIEWER  # no data
