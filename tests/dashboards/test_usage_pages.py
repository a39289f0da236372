"""The analytics on the dashboards over HTTP (no browser): the overview's per-hub numbers,
the utilisation explorer and the municipality comparison show exactly the analytics API's
numbers for the same data, say why a number is missing, validate their queries like the
API, and show only what the caller's role may read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dashboards.i18n import fmt_int, fmt_share
from dashboards.pages import CONTENT_SECURITY_POLICY
from hubsense.calendar import to_ns
from hubsense.keys import KeyEntry, KeyRing, Role, key_digest, new_key
from hubsense.query.context import QueryContext
from hubsense.query.overview import peak_today
from hubsense.registry import Registry
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from tests.api.api_support import HOSTILE_IDS, settings
from tests.dashboards.support import (
    HISTORY_HUBS,
    PERIOD_30,
    EventMaker,
    expected_peaks,
    fill_history,
    fill_known,
    make_app,
)

KEYS = {role: new_key() for role in Role}
RING = KeyRing(
    KeyEntry(f"{role}-key", role, key_digest(key).hex(), datetime(2026, 11, 1, tzinfo=UTC))
    for role, key in KEYS.items()
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path_factory.mktemp("usage") / "store.sqlite3")
    s.open()
    fill_known(s, EventMaker(registry))
    fill_history(s, registry)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="module")
def client(registry: Registry, store: SqliteStore) -> Iterator[TestClient]:
    with TestClient(make_app(registry, store)) as c:
        yield c


def api(client: TestClient, path: str, **params: object) -> dict[str, Any]:
    r = client.get(f"/api/reports/{path}", params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


def field(html: str, attr: str, name: str, start: str = "") -> str:
    """The text of the first ``<span … {attr}="{name}">`` after ``start``."""
    html = html[html.index(start) :] if start else html
    m = re.search(rf'{attr}="{re.escape(name)}">([^<]*)<', html)
    assert m is not None, (attr, name)
    return m.group(1)


def block(html: str, element_id: str) -> dict[str, Any]:
    """A figure's JSON block as the page embeds it."""
    import json

    m = re.search(
        rf'<script type="application/json" id="{re.escape(element_id)}">(.*?)</script>', html, re.S
    )
    assert m is not None, element_id
    return dict(json.loads(m.group(1)))


def card(html: str, hub: str) -> str:
    part = html[html.index(f'data-hub="{hub}"') :]
    return part[: part.index("</li>")]


def assert_page_hygiene(html: str) -> None:
    """Scripts only from our static files or as JSON data; nothing from another host."""
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'type="application/json"' in tag or 'src="/dashboards/static/' in tag, tag
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"<[^>]+\son[a-z]+=", html)  # no inline event handlers


# --- overview --------------------------------------------------------------------------------


def test_overview_cards_show_the_analytics_apis_numbers(client: TestClient) -> None:
    html = client.get("/").text
    assert "ANALYTICS PLACEHOLDER" not in html
    assert "analytics-pending" not in html
    for hub in HISTORY_HUBS:
        c = card(html, hub)
        summary = api(client, "utilisation", scope="hub", id=hub)["summary"]
        cap = api(client, "capacity", scope="hub", id=hub)
        assert summary["utilisation"] is not None
        assert field(c, "data-analytics", "utilisation_30d") == fmt_share(
            summary["utilisation"], "sv"
        )
        assert field(c, "data-analytics-note", "utilisation_30d") == (
            f"täckning {fmt_share(summary['coverage'], 'sv')}"
        )
        assert field(c, "data-analytics", "recommended_desks") == str(cap["recommended_desks"])
        # 11 evidence days, fewer than capacity_min_days (20): flagged; a hub that was full
        # on some of them: a lower bound too
        full = cap["hubs"][0]["days_at_capacity"]
        bound = f"; undre gräns: full {full} av underlagsdagarna" if full else ""
        assert field(c, "data-analytics-note", "recommended_desks") == (
            "osäkert: 11 av 20 underlagsdagar" + bound
        )
        assert f'href="/utilisation?scope=hub&amp;id={hub}"' in c
    # today's peak so far from /api/reports/daily for today (KNOWN: a01 and b01 taken)
    today = api(
        client, "daily", scope="hub", id="svenstavik", **{"from": "2026-11-25"}, to="2026-11-26"
    )["days"][0]
    assert today["peak_concurrency"] == 2
    assert field(card(html, "svenstavik"), "data-analytics", "peak_today") == "2 av 12"
    # no made-up numbers: "–" and why
    bracke = card(html, "bracke")
    for key, why in [
        ("utilisation_30d", "inga sensordata under perioden"),
        ("peak_today", "ingen sensor hörd i dag"),
        ("recommended_desks", "inga underlagsdagar (dagar med täckning minst 80\u00a0%)"),
    ]:
        assert field(bracke, "data-analytics", key) == "–", key
        assert field(bracke, "data-analytics-note", key) == why, key
    assert "Nyttjandegrad och rekommenderat antal platser gäller 2026-10-26 – 2026-11-24" in html
    assert 'href="/compare"' in html and 'href="/utilisation"' in html


def test_overview_in_english(client: TestClient) -> None:
    html = client.get("/", params={"lang": "en"}).text
    c = card(html, "bracke")
    assert field(c, "data-analytics-note", "peak_today") == "no sensor heard today"
    assert "Utilisation, 30 days" in html and "Peak concurrency today" in html
    assert "Recommended desks" in html
    assert 'href="/utilisation?scope=hub&amp;id=bracke&amp;lang=en"' in html


def test_peak_today_when_the_hub_is_closed_or_not_open_yet(
    registry: Registry, store: SqliteStore
) -> None:
    def at(*when: int) -> QueryContext:
        return QueryContext(store, registry, settings(), to_ns(datetime(*when, tzinfo=UTC)))

    assert peak_today(at(2026, 11, 28, 10), "svenstavik") == (None, "reason_closed_today", None)
    # 07:59 in Stockholm: Funäsdalen opens at 08:00, Svenstavik at 07:00
    assert peak_today(at(2026, 11, 25, 6, 59), "funasdalen") == (
        None,
        "reason_not_open_yet",
        "08:00",
    )
    assert peak_today(at(2026, 11, 25, 10), "svenstavik") == (2, None, None)


# --- explorer ---------------------------------------------------------------------------------


def test_explorer_for_a_municipality_matches_the_api(client: TestClient) -> None:
    r = client.get("/utilisation", params={"scope": "municipality", "id": "harjedalen"})
    assert r.status_code == 200
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    html = r.text
    assert_page_hygiene(html)
    assert "<h1>Nyttjandegrad – Härjedalen</h1>" in html
    assert "Period: 2026-10-26 – 2026-11-24 (30 dagar)" in html
    q = {"scope": "municipality", "id": "harjedalen", **PERIOD_30}
    u = api(client, "utilisation", **q)["summary"]
    cap = api(client, "capacity", **q)
    kf = html[html.index('id="key-figures"') :]
    assert field(kf, "data-field", "utilisation") == fmt_share(u["utilisation"], "sv", 1)
    assert field(kf, "data-note", "utilisation") == f"täckning {fmt_share(u['coverage'], 'sv')}"
    assert field(kf, "data-field", "recommended_desks") == fmt_int(cap["recommended_desks"], "sv")
    assert field(kf, "data-field", "peak_at_service_level") == str(cap["peak_at_service_level"])
    assert field(kf, "data-field", "desks") == "16"
    assert 'id="too-few"' in html  # 11 evidence days < 20
    # saturation: the API's hub-days at capacity, with their share of the evidence days
    assert field(kf, "data-field", "days_at_capacity") == fmt_int(cap["days_at_capacity"], "sv")
    assert field(kf, "data-note", "days_at_capacity").startswith(
        f"{fmt_share(cap['days_at_capacity_share'], 'sv')} av underlagsdagarna; "
        "Tid med alla platser upptagna: "
    )
    hubs_table = html[html.index('id="hubs-table"') :]
    for c in cap["hubs"]:
        row = hubs_table[hubs_table.index(f'<tr data-hub="{c["hub"]}">') :]
        assert field(row, "data-field", "days_at_capacity") == fmt_int(c["days_at_capacity"], "sv")
        assert field(row, "data-field", "demand_recommended_desks") == str(
            c["demand_recommended_desks"])
    # Funäsdalen was full on 2 evidence days: its recommendation is a lower bound, the
    # estimate is shown with its range; Sveg never was: the same number twice
    funasdalen = next(c for c in cap["hubs"] if c["hub"] == "funasdalen")
    sveg = next(c for c in cap["hubs"] if c["hub"] == "sveg")
    assert funasdalen["lower_bound"] and funasdalen["days_at_capacity"] == 2
    assert not sveg["lower_bound"]
    assert sveg["demand_recommended_desks"] == sveg["recommended_desks"]
    assert cap["lower_bound"]
    assert field(kf, "data-note", "recommended_desks") == "undre gräns: full 2 av underlagsdagarna"
    assert field(kf, "data-field", "demand_recommended_desks") == str(
        cap["demand_recommended_desks"])
    # 11 evidence days are no history for a forecast: the section says why per hub, as the
    # API does
    fc = api(client, "forecast", **q)
    assert [h["reason"] for h in fc["hubs"]] == ["few_days", "few_days"]
    notes = html[html.index('id="forecast-notes"') :]
    for h in fc["hubs"]:
        assert (f'<li data-hub="{h["hub"]}">{h["name"]}: ingen prognos, färre än 20 '
                "underlagsdagar i perioden.</li>") in notes
    row = hubs_table[hubs_table.index('<tr data-hub="funasdalen">') :]
    assert field(row, "data-note", "recommended_desks") == "undre gräns"
    assert field(row, "data-note", "demand_recommended_desks") == (
        f"Skattad efterfrågan vid servicenivån: {funasdalen['demand_at_service_level']}, "
        f"intervall {funasdalen['demand_low']}–{funasdalen['demand_high']}"
    )
    # one line and one bar series per hub, the API's values
    fig = block(html, "fig-daily-data")
    for hub in ("funasdalen", "sveg"):
        days = api(client, "daily", scope="hub", id=hub, **PERIOD_30)["days"]
        line = next(t for t in fig["data"] if t["meta"] == {"hub": hub, "metric": "utilisation"})
        bars = next(t for t in fig["data"] if t["meta"]["hub"] == hub and t["type"] == "bar")
        # a point for every date of the period; the API's open days carry its values
        first = date.fromisoformat(PERIOD_30["from"])
        end = date.fromisoformat(PERIOD_30["to"])
        calendar = range(first.toordinal(), end.toordinal())
        assert line["x"] == [str(date.fromordinal(n)) for n in calendar]
        shown = dict(zip(line["x"], line["y"], strict=True))
        assert [shown[d["date"]] for d in days] == [
            None if d["utilisation"] is None else round(d["utilisation"] * 100, 2) for d in days
        ]
        open_days = {d["date"] for d in days}
        assert all(v is None for when, v in shown.items() if when not in open_days)
        assert bars["y"] == [d["peak_concurrency"] for d in days]
        # the known history: the peaks as built
        hub_peaks = {d["date"]: d["peak_concurrency"] for d in days if d["evidence"]}
        assert hub_peaks == {str(k): v for k, v in expected_peaks_of(client, hub).items()}
        # the histogram counts the same evidence days, lines at desks and recommendation
        peaks = block(html, f"fig-peaks-{hub}-data")["data"]
        evidence = next(t for t in peaks if t["meta"]["series"] == "evidence_days")
        assert sum(evidence["y"]) == sum(1 for d in days if d["evidence"])
        c = next(h for h in cap["hubs"] if h["hub"] == hub)
        lines = {t["meta"]["series"]: t["meta"]["value"] for t in peaks if "value" in t["meta"]}
        assert lines == {"desks": c["desks"], "recommended_desks": c["recommended_desks"]}
        curve = next(t for t in peaks if t["meta"]["series"] == "share_exceeding")
        assert len(curve["x"]) == len(c["curve"])
    prof = api(client, "profile", **q)
    heat = block(html, "fig-profile-data")["data"][0]
    hours = heat["meta"]["hours"]
    assert heat["z"] == [
        [None if r[h] is None else round(r[h], 2) for h in hours] for r in prof["mean_concurrency"]
    ]
    # the desk ranking: the API's order, five each way
    for order, table in (("desc", "most-used"), ("asc", "least-used")):
        ranked = api(client, "desks", order=order, limit=5, **q)["desks"]
        part = html[html.index(f'id="{table}"') :]
        part = part[: part.index("</table>")]
        assert re.findall(r'<tr data-desk="([^"]+)"', part) == [
            f"{d['hub']}/{d['desk']}" for d in ranked
        ]
    # the report of the same municipality and period (planner route)
    assert (
        'href="/api/reports/download?municipality=harjedalen&amp;from=2026-10-26&amp;'
        'to=2026-11-25&amp;format=xlsx&amp;lang=sv"'
    ) in html
    assert (
        client.get(
            "/api/reports/download",
            params={"municipality": "harjedalen", "format": "csv", **PERIOD_30},
        ).status_code
        == 200
    )


def test_explorer_for_the_region_matches_the_api(client: TestClient, registry: Registry) -> None:
    by_form = client.get("/utilisation", params={"area": "region:", **PERIOD_30}).text
    html = client.get("/utilisation", params={"scope": "region", **PERIOD_30}).text
    assert by_form == html
    assert_page_hygiene(html)
    assert '<option value="region:" selected>Hela regionen (' in html
    q = {"scope": "region", **PERIOD_30}
    u = api(client, "utilisation", **q)["summary"]
    cap = api(client, "capacity", **q)
    kf = html[html.index('id="key-figures"') :]
    assert field(kf, "data-field", "utilisation") == fmt_share(u["utilisation"], "sv", 1)
    recommended = cap["recommended_desks"]  # none if some hub has no evidence day
    assert field(kf, "data-field", "recommended_desks") == (
        "–" if recommended is None else fmt_int(recommended, "sv"))
    # every hub of the region in the hubs table, with its own figures as asked alone
    table = html[html.index('id="hubs-table"') :]
    table = table[: table.index("</table>")]
    assert sorted(re.findall(r'<tr data-hub="([^"]+)"', table)) == sorted(registry.hubs)
    for hub in ("svenstavik", "sveg"):
        alone = api(client, "utilisation", scope="hub", id=hub, **PERIOD_30)["summary"]
        row = table[table.index(f'data-hub="{hub}"') :]
        assert field(row, "data-field", "utilisation") == (
            "–" if alone["utilisation"] is None else fmt_share(alone["utilisation"], "sv", 1)
        )
    # the region's report: no municipality in the link
    assert 'href="/api/reports/download?from=2026-10-26&amp;to=2026-11-25&amp;format=xlsx' in html


def expected_peaks_of(client: TestClient, hub: str) -> dict[date, int]:
    registry: Registry = client.app.state.registry  # type: ignore[attr-defined]
    return expected_peaks(registry.hubs[hub])


def test_explorer_defaults_to_the_first_municipality_and_30_days(client: TestClient) -> None:
    html = client.get("/utilisation").text
    assert "<h1>Nyttjandegrad – Berg</h1>" in html
    assert '<option value="municipality:berg" selected>' in html
    # the form's period is inclusive: the last day shown is the day before the API's to
    assert re.search(r'id="f-from" name="from" type="text"[^>]* value="2026-10-26"', html)
    assert re.search(r'id="f-last" name="last" type="text"[^>]* value="2026-11-24"', html)
    # the language switch keeps the question
    assert (
        'id="lang-switch" href="/utilisation?scope=municipality&amp;id=berg&amp;'
        'from=2026-10-26&amp;to=2026-11-25&amp;lang=en"'
    ) in html


def test_explorer_for_a_hub_from_the_form(client: TestClient) -> None:
    by_form = client.get(
        "/utilisation", params={"area": "hub:svenstavik", "from": "2026-10-27", "to": "2026-11-11"}
    ).text
    by_query = client.get(
        "/utilisation",
        params={"scope": "hub", "id": "svenstavik", "from": "2026-10-27", "to": "2026-11-11"},
    ).text
    assert by_form == by_query
    assert "<h1>Nyttjandegrad – Fjällhubben Svenstavik</h1>" in by_form
    summary = api(
        client,
        "utilisation",
        scope="hub",
        id="svenstavik",
        **{"from": "2026-10-27"},
        to="2026-11-11",
    )["summary"]
    assert summary["coverage"] == 1.0
    assert field(by_form, "data-field", "peak_concurrency", 'id="key-figures"') == "12 av 12"
    assert "Rapporten gäller hela kommunen som hubben ligger i." in by_form
    assert "municipality=berg&amp;from=2026-10-27&amp;to=2026-11-11" in by_form


def test_explorer_in_english(client: TestClient) -> None:
    html = client.get("/utilisation", params={"scope": "hub", "id": "sveg", "lang": "en"}).text
    assert '<html lang="en">' in html
    assert "<h1>Utilisation – Arbetshubb Sveg</h1>" in html
    assert "Period: 26/10/2026 – 24/11/2026 (30 days)" in html
    assert '<input type="hidden" name="lang" value="en">' in html
    fig = block(html, "fig-daily-data")
    assert fig["layout"]["yaxis"]["title"]["text"] == "Utilisation (%)"
    assert fig["layout"]["separators"] == ".,"


@pytest.mark.parametrize(
    ("params", "status", "says"),
    [
        ({"scope": "desk", "id": "sveg/a01"}, 422,
         "scope: must be one of region, municipality, hub"),
        ({"scope": "hub", "id": "atlantis"}, 404, "unknown hub &#x27;atlantis&#x27;"),
        ({"scope": "municipality"}, 422, "scope=municipality needs an id"),
        ({"area": "hub:nowhere"}, 404, "unknown hub"),
        ({"from": "2026-13-01"}, 422, "from: not a date (YYYY-MM-DD): &#x27;2026-13-01&#x27;"),
        ({"from": "2026-11-10", "to": "2026-11-10"}, 422, "to must be after from"),
        ({"to": "2026-12-24"}, 422, "to: 2026-12-24 is in the future"),
        ({"from": "2024-01-01"}, 422, "date range too long"),
    ],
)
def test_explorer_bad_queries_say_what_is_wrong(
    client: TestClient, params: dict[str, str], status: int, says: str
) -> None:
    r = client.get("/utilisation", params=params)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert 'id="query-problems"' in r.text and says in r.text
    assert 'id="usage-form"' in r.text  # the form is there to fix it
    assert "<script" not in r.text  # no figures to draw


@pytest.mark.parametrize("hostile", HOSTILE_IDS, ids=range(len(HOSTILE_IDS)))
def test_explorer_escapes_hostile_ids(client: TestClient, hostile: str) -> None:
    for params in (
        {"scope": "hub", "id": hostile},
        {"area": f"municipality:{hostile}"},
        {"from": hostile},
    ):
        r = client.get("/utilisation", params=params)
        assert r.status_code in (404, 422)
        assert "<img" not in r.text and "'; DROP" not in r.text
        assert len(r.text) < 20_000


# --- comparison ---------------------------------------------------------------------------------


def test_compare_matches_the_api(client: TestClient, registry: Registry) -> None:
    r = client.get("/compare")
    assert r.status_code == 200
    html = r.text
    assert_page_hygiene(html)
    assert "<h1>Jämför kommuner</h1>" in html
    region = {
        s["scope"]["id"]: s
        for s in api(client, "utilisation", scope="region", **PERIOD_30)["breakdown"]
    }
    fig = block(html, "fig-compare-data")
    by_metric = {t["meta"]["metric"]: t for t in fig["data"]}
    order = ["berg", "bracke", "harjedalen", "krokom", "ragunda", "stromsund", "are", "ostersund"]
    names = [registry.municipalities[m].name for m in order]
    assert by_metric["utilisation"]["x"] == names
    rows = re.findall(r'<tr data-municipality="([^"]+)">', html)
    assert rows == order
    for i, m in enumerate(order):
        s = region[m]
        cap = api(client, "capacity", scope="municipality", id=m, **PERIOD_30)
        row = html[html.index(f'<tr data-municipality="{m}">') :]
        row = row[: row.index("</tr>")]
        want_u = None if s["utilisation"] is None else round(s["utilisation"] * 100, 2)
        assert by_metric["utilisation"]["y"][i] == want_u, m
        assert by_metric["desks"]["y"][i] == cap["desks"] == s["desks"], m
        assert by_metric["peak_at_service_level"]["y"][i] == cap["peak_at_service_level"], m
        assert by_metric["recommended_desks"]["y"][i] == cap["recommended_desks"], m
        full = "–" if not registry.municipalities[m].hubs else str(cap["days_at_capacity"])
        assert field(row, "data-field", "days_at_capacity") == full, m
        shown_u = "–" if s["utilisation"] is None else fmt_share(s["utilisation"], "sv", 1)
        assert field(row, "data-field", "utilisation") == shown_u, m
        rec = cap["recommended_desks"]
        assert field(row, "data-field", "recommended_desks") == ("–" if rec is None else str(rec))
        if rec is not None:
            diff = rec - cap["desks"]
            sign = "+" if diff > 0 else ("\u2212" if diff < 0 else "")
            assert field(row, "data-field", "difference") == f"{sign}{abs(diff)}", m
    # Bräcke has no history: no utilisation, no recommendation, and it says why
    bracke = html[html.index('<tr data-municipality="bracke">') :]
    assert field(bracke, "data-note", "utilisation") == "inga sensordata under perioden"
    assert field(bracke, "data-note", "peak_at_service_level") == (
        "inga underlagsdagar (dagar med täckning minst 80\u00a0%)"
    )
    assert 'href="/utilisation?scope=municipality&amp;id=berg&amp;from=2026-10-26' in html
    assert "/api/reports/download?from=2026-10-26&amp;to=2026-11-25&amp;format=csv" in html


def test_compare_other_period_and_bad_dates(client: TestClient) -> None:
    html = client.get(
        "/compare", params={"from": "2026-10-27", "to": "2026-11-11", "lang": "en"}
    ).text
    assert "Period: 27/10/2026 – 10/11/2026 (15 days)" in html
    assert "<h1>Compare municipalities</h1>" in html
    r = client.get("/compare", params={"from": "x"})
    assert r.status_code == 422
    assert "from: not a date" in r.text


# --- who sees what --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def secure(registry: Registry, store: SqliteStore) -> Iterator[TestClient]:
    app = create_app(
        settings(auth_enabled=True),
        registry,
        store,
        clock=make_app(registry, store).state.clock,
        keys=RING,
    )
    with TestClient(app) as c:
        yield c


def as_role(role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[role]}"}


def test_viewers_see_no_planner_numbers(secure: TestClient) -> None:
    """The analytics API is for planners; a viewer's overview says so instead."""
    html = secure.get("/", headers=as_role(Role.VIEWER)).text
    c = card(html, "svenstavik")
    assert 'data-analytics-state="denied"' in c
    for key in ("utilisation_30d", "peak_today", "recommended_desks"):
        assert field(c, "data-analytics", key) == "–"
    assert "visas bara för planerare" in c
    assert secure.get("/utilisation", headers=as_role(Role.VIEWER)).status_code == 403
    assert secure.get("/compare", headers=as_role(Role.VIEWER)).status_code == 403
    assert (
        secure.get(
            "/api/reports/utilisation", params={"scope": "region"}, headers=as_role(Role.VIEWER)
        ).status_code
        == 403
    )


def test_planners_see_everything(secure: TestClient) -> None:
    html = secure.get("/", headers=as_role(Role.PLANNER)).text
    assert 'data-analytics-state="ok"' in card(html, "svenstavik")
    page = secure.get(
        "/utilisation", params={"scope": "hub", "id": "svenstavik"}, headers=as_role(Role.PLANNER)
    ).text
    assert 'id="most-used"' in page and 'id="download-xlsx"' in page
    assert "visas bara för planerare" in page  # the ranking says who may see it
    assert secure.get("/compare", headers=as_role(Role.PLANNER)).status_code == 200


def test_every_explorer_figure_has_its_numbers_as_a_table(client: TestClient) -> None:
    html = client.get("/utilisation", params={"scope": "municipality", "id": "harjedalen"}).text
    figures = re.findall(r'<div class="figure usage-figure" id="([^"]+)"', html)
    assert figures == [
        "fig-daily", "fig-forecast", "fig-profile", "fig-peaks-funasdalen", "fig-peaks-sveg"]
    for element_id in figures:
        after = html[html.index(f'id="{element_id}"') :]
        if element_id == "fig-forecast" and '"data":[]' in after[: after.index("</script>")]:
            # nothing drawn (too short a history): the text says why for each hub
            assert after.index('id="forecast-notes"') < after.index("</section>")
            continue
        assert after.index('<details class="figure-data">') < after.index("</section>")
    # the heatmap: a row per weekday
    profile = html[html.index('id="fig-profile"') :]
    table = profile[profile.index("<table") : profile.index("</table>")]
    assert table.count('<th scope="row">') == 7 and "<th scope=\"col\">Veckodag</th>" in table


def test_the_suspect_sensors_figure_says_which_desks(
    registry: Registry, sqlite_store: SqliteStore
) -> None:
    """A desk occupied without a break for 14 hours (stuck, over stuck_occupied_s) is named
    beside the count, for a caller who may see desks."""
    make = EventMaker(registry)
    desk = registry.hubs["krokom"].desks[0].id
    start = 8 * 86400
    spell = [make("krokom", desk, ago_s=start - i * 300, occupied=True) for i in range(14 * 12)]
    sqlite_store.write([*spell, make("krokom", desk, ago_s=start - 14 * 3600, occupied=False)], [])
    with TestClient(make_app(registry, sqlite_store)) as c:
        html = c.get("/utilisation", params={"scope": "hub", "id": "krokom"}).text
        sensors = c.get("/api/reports/sensors", params={"scope": "hub", "id": "krokom"}).json()
    assert [s["desk"] for s in sensors["suspects"]] == [desk]
    assert field(html, "data-field", "suspect_desks") == "1"
    assert field(html, "data-note", "suspect_desks") == desk
