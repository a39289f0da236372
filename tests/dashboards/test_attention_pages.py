"""The "Behöver åtgärd / Needs attention" list on the overview and hub pages, for the
viewer role, in Swedish and English: the same items as ``region_attention`` (the alerts'
rules), with what is wrong with each desk."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from hubsense.keys import KeyEntry, KeyRing, Role, key_digest, new_key
from hubsense.query.attention import region_attention
from hubsense.query.context import QueryContext
from hubsense.registry import Registry
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from tests.api.api_support import NOW, BrokenStore, settings

VIEWER = new_key()
RING = KeyRing(
    [
        KeyEntry(
            "viewer-key", Role.VIEWER, key_digest(VIEWER).hex(), datetime(2026, 11, 1, tzinfo=UTC)
        )
    ]
)
AS_VIEWER = {"Authorization": f"Bearer {VIEWER}"}
ROW = re.compile(
    r'<tr data-attention-hub="([^"]+)"(?: data-attention-desk="([^"]+)")? '
    r'data-attention-kind="([^"]+)"><td>.*?</td><td>[^<]*</td><td>([^<]*)</td></tr>'
)


@pytest.fixture
def viewer(registry: Registry, filled_store: SqliteStore) -> Iterator[TestClient]:
    app = create_app(
        settings(auth_enabled=True), registry, filled_store, clock=lambda: NOW, keys=RING
    )
    with TestClient(app) as c:
        yield c


def rows(html: str) -> dict[tuple[str, str | None, str], str]:
    section = html[html.index('<section class="attention"') :]
    section = section[: section.index("</section>")]
    return {(h, d or None, k): text for h, d, k, text in ROW.findall(section)}


def test_overview_lists_what_needs_attention_for_a_viewer(viewer, registry, filled_store):
    r = viewer.get("/", headers=AS_VIEWER)
    assert r.status_code == 200
    got = rows(r.text)
    assert "Behöver åtgärd" in r.text
    # 11:00 on a Wednesday in Sweden: svenstavik is open (07–18).
    assert got["svenstavik", "a02", "low_battery"] == "Lågt batteri: 15\u00a0%"
    assert got["svenstavik", "b01", "low_battery"] == "Lågt batteri: 19\u00a0%"
    assert got["svenstavik", "a04", "offline"] == "Offline sedan 10:43 (16 min sedan)"
    assert got["svenstavik", "b02", "offline"].startswith("Offline sedan 2026-11-22 11:00")
    assert got["svenstavik", "a03", "offline"] == "Aldrig hörd"
    assert ("svenstavik", "a01", "offline") not in got  # heard a minute ago
    assert got["bracke", None, "hub_silent"] == "Ingen sensor i hubben hörs"
    # One definition: the page lists exactly the query layer's items.
    ctx = QueryContext(filled_store, registry, settings(), NOW)
    expected = {(i.hub, i.desk, i.kind) for h in region_attention(ctx) for i in h.items}
    expected |= {(h.hub, None, "hub_silent") for h in region_attention(ctx) if h.silent}
    assert set(got) == expected


def test_hub_page_lists_its_own_desks_in_english(viewer):
    r = viewer.get("/hubs/svenstavik", params={"lang": "en"}, headers=AS_VIEWER)
    assert r.status_code == 200
    got = rows(r.text)
    assert "Needs attention" in r.text
    assert {h for h, _, _ in got} == {"svenstavik"}
    assert got["svenstavik", "a02", "low_battery"] == "Low battery: 15%"
    assert got["svenstavik", "a04", "offline"] == "Offline since 10:43 (16 min ago)"
    assert got["svenstavik", "a03", "offline"] == "Never heard"


def test_out_of_hours_no_desk_is_listed_offline(registry, filled_store):
    """22:00 in Sweden: sveg is closed, its silent desks are not listed, and its
    batteries are fine, so nothing needs attention there."""
    late = NOW + 11 * 3600 * 10**9
    app = create_app(settings(), registry, filled_store, clock=lambda: late)
    with TestClient(app) as c:
        html = c.get("/hubs/sveg").text
    assert rows(html) == {}
    assert "Inget behöver åtgärdas just nu." in html


def test_store_down_the_list_says_so(registry):
    app = create_app(settings(), registry, BrokenStore(), clock=lambda: NOW)
    with TestClient(app) as c:
        html = c.get("/").text
    assert "Listan kan inte visas just nu" in html


def test_hub_pages_in_quick_succession_share_one_stuck_analysis(registry, filled_store):
    """The stuck runs (a week of rollups) are kept for live_cache_s per hub: every page
    of the hub within it, in either language, lists the same items from one analysis."""
    app = create_app(settings(live_cache_s=3600), registry, filled_store, clock=lambda: NOW)
    with TestClient(app) as c:
        pages = [c.get("/hubs/svenstavik", params={"lang": lang}) for lang in ("sv", "en") * 3]
        other = c.get("/hubs/sveg")
    assert all(p.status_code == 200 for p in pages) and other.status_code == 200
    assert len({frozenset(rows(p.text)) for p in pages}) == 1
    assert rows(pages[1].text)["svenstavik", "a02", "low_battery"] == "Low battery: 15%"
    assert app.state.stuck_cache.computed == 2  # svenstavik once, sveg once
