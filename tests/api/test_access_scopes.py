"""Access scopes: every route of the app × {region, municipality, hub} keys × {inside,
outside} their scope. Inside is answered; outside is answered exactly as an id that does
not exist is (404); region-wide routes refuse scoped keys; and no response body, file
(CSV and XLSX contents) or header (file names) names a hub, municipality or sensor outside
the scope. A route this matrix has no probe for fails ``test_every_route_has_probes``."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from fastapi import FastAPI, WebSocket
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from api.deps import RegistryDep
from api.security import POLICY, Open, rule_for
from hubsense.access import REGION, AccessScope
from hubsense.config import DEFAULT_REGISTRY
from hubsense.keys import KeyEntry, KeyRing, Role, key_digest, new_key
from hubsense.planning.service import SCOPED_FACTS_ERROR
from hubsense.planning.text import ASSUMPTIONS, NOTES
from hubsense.registry import Registry, load_registry
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from tests.api.api_support import NOW
from tests.api.test_security import CREATED, ROUTE_CASES, _sample, secure_settings
from tests.dashboards.support import EventMaker, fill_history, fill_known
from tests.planning.support import EXAMPLE


def load_default_registry() -> Registry:
    return load_registry(DEFAULT_REGISTRY)


PERIOD = "from=2026-10-26&to=2026-11-25"  # the history (tests.dashboards.support) and NOW


@dataclass(frozen=True)
class Case:
    """One scope of the matrix: the key's scope, and what lies inside and outside it."""

    name: str
    scope: AccessScope
    inside: dict[str, str]  # hub, desk, municipality
    outside: dict[str, str]


NOWHERE = {"hub": "nowhere", "desk": "x99", "municipality": "nowhere"}
CASES = [
    # the region sees everything: its "outside" is what does not exist
    Case("region", REGION, {"hub": "svenstavik", "desk": "a01", "municipality": "berg"}, NOWHERE),
    # Härjedalen's two hubs; Svenstavik (Berg) has history too, so it would show if leaked
    Case(
        "municipality",
        AccessScope.of(municipalities=["harjedalen"]),
        {"hub": "funasdalen", "desk": "a01", "municipality": "harjedalen"},
        {"hub": "svenstavik", "desk": "a01", "municipality": "berg"},
    ),
    # one of Härjedalen's hubs: the other one, in the same municipality, is outside
    Case(
        "hub",
        AccessScope.of(hubs=["sveg"]),
        {"hub": "sveg", "desk": "a01", "municipality": "harjedalen"},
        {"hub": "funasdalen", "desk": "a01", "municipality": "berg"},
    ),
]
KEYS = {case.name: new_key() for case in CASES}
RING = KeyRing(
    KeyEntry(
        name=f"{case.name}-admin",
        role=Role.ADMIN,  # the highest role, so only the scope can refuse
        sha256=key_digest(KEYS[case.name]).hex(),
        created=CREATED,
        scope=case.scope,
    )
    for case in CASES
)

# --- the probes: each route's requests, with {hub}, {desk}, {municipality} to fill in ----

REPORT_SCOPES = {
    "utilisation": ["region", "municipality", "hub", "desk"],
    "daily": ["hub"],
    "capacity": ["region", "municipality", "hub"],
    "forecast": ["region", "municipality", "hub"],
    "profile": ["region", "municipality", "hub"],
    "desks": ["region", "municipality", "hub"],
    "sensors": ["region", "municipality", "hub", "desk"],
}
_IDS = {"region": "", "municipality": "&id={municipality}", "hub": "&id={hub}"}
_IDS["desk"] = "&id={hub}/{desk}"


def _report_probes(name: str) -> list[str]:
    return [
        f"/api/reports/{name}?scope={kind}{_IDS[kind]}&{PERIOD}" for kind in REPORT_SCOPES[name]
    ]


_DOWNLOADS = [f"/api/reports/download?{PERIOD}&format={f}" for f in ("csv", "xlsx")]
PROBES: dict[tuple[str, str], list[str]] = {
    **{
        (method, path): [path]
        for path in ("/openapi.json", "/docs", "/docs/oauth2-redirect")
        for method in ("GET", "HEAD")
    },
    ("GET", "/api/health"): ["/api/health"],
    ("GET", "/api/ready"): ["/api/ready"],
    ("GET", "/api/registry"): ["/api/registry"],
    ("GET", "/api/municipalities"): ["/api/municipalities"],
    ("GET", "/api/hubs"): ["/api/hubs"],
    ("GET", "/api/hubs/{hub}"): ["/api/hubs/{hub}"],
    ("GET", "/api/hubs/{hub}/live"): ["/api/hubs/{hub}/live"],
    ("GET", "/api/hubs/{hub}/desks/{desk}/timeline"): ["/api/hubs/{hub}/desks/{desk}/timeline"],
    ("GET", "/api/rejections"): ["/api/rejections"],
    **{("GET", f"/api/reports/{name}"): _report_probes(name) for name in REPORT_SCOPES},
    ("GET", "/api/reports/memo"): [f"/api/reports/memo?municipality={{municipality}}&{PERIOD}"],
    ("GET", "/api/reports/download"): _DOWNLOADS
    + [f"{url}&municipality={{municipality}}" for url in _DOWNLOADS],
    ("POST", "/api/webhooks/disruptive-technologies"): ["/api/webhooks/disruptive-technologies"],
    ("GET", "/api/planning"): ["/api/planning"],
    ("GET", "/api/planning/download"): ["/api/planning/download?format=csv"],
    ("GET", "/metrics"): ["/metrics"],
    ("GET", "/"): ["/"],
    ("GET", "/hubs/{hub}"): ["/hubs/{hub}"],
    ("GET", "/dashboards/static/{name}"): [
        f"/dashboards/static/{n}" for n in ("live.js", "overview.js", "usage.js", "dashboard.css")
    ],
    ("GET", "/utilisation"): [
        "/utilisation",
        f"/utilisation?scope=hub&id={{hub}}&{PERIOD}",
        f"/utilisation?scope=municipality&id={{municipality}}&{PERIOD}",
    ],
    ("GET", "/compare"): [f"/compare?{PERIOD}"],
    ("GET", "/planning"): ["/planning"],
    ("GET", "/definitions"): ["/definitions"],
    ("GET", "/free"): ["/free"],
    ("GET", "/api/free-now"): ["/api/free-now"],
    ("GET", "/login"): ["/login?next=/hubs/{hub}"],
    ("POST", "/login"): ["/login"],
    ("GET", "/logout"): ["/logout"],
    ("POST", "/logout"): ["/logout"],
}
"""Every route: the requests that exercise it. A probe without a placeholder is the same
inside and outside (a list or a region-wide figure): it must hold only the scope's rows."""


def test_every_route_has_probes() -> None:
    """A new route fails here until the matrix knows how to ask it inside and outside a
    scope (and so checks that it enforces the scope)."""
    probed = {(method, _sample(path)) for method, path in PROBES}
    missing = [f"{m} {p}" for m, p in ROUTE_CASES if (m, p) not in probed]
    assert not missing, f"add probes to tests/api/test_access_scopes.py PROBES for {missing}"
    assert len(ROUTE_CASES) > 30


# --- what a scope must never see ------------------------------------------------------------


@dataclass(frozen=True)
class Forbidden:
    """What a scope must never see: ``ids`` of hubs and municipalities (as a program
    writes them: quoted, in a path or query, a CSV cell; "are" is Åre's id and an English
    word), and ``words``: names and sensor ids, anywhere as whole words."""

    ids: frozenset[str]
    words: frozenset[str]


def forbidden(registry: Registry, scope: AccessScope) -> Forbidden:
    """The hubs outside the scope, and the municipalities none of whose hubs it sees."""
    visible = set(scope.visible_hubs(registry))
    ids: set[str] = set()
    words: set[str] = set()
    for hub in registry.hubs.values():
        if hub.id not in visible:
            ids.add(hub.id)
            words |= {hub.name} | {d.sensor for d in hub.desks}
    for muni in registry.municipalities.values():
        if not visible & set(muni.hubs):
            ids.add(muni.id)
            words.add(muni.name)
    return Forbidden(frozenset(ids), frozenset(words))


def response_text(r: httpx.Response) -> str:
    """Everything a response shows: headers (a file's name) and body, an XLSX's parts
    unzipped."""
    headers = "\n".join(f"{k}: {v}" for k, v in r.headers.items())
    if r.content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(r.content)) as z:
            body = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    else:
        body = r.content.decode("utf-8", "replace")
    return f"{headers}\n{body}"


_ID_BEFORE = r"(?:(?<=[\"'/=,>;])|^)"
_ID_AFTER = r"(?=[\"'/&?#,<;]|$)"


CITATIONS = tuple(ASSUMPTIONS["co2_kg_per_km"].values())
"""Fixed texts that name a municipality as the source of a public statistic (the CO₂
factor's, in every report's assumptions): the same for every key, about no hub."""


def leaks(text: str, outside: Forbidden, asked: set[str]) -> list[str]:
    """The forbidden names in ``text``. What the request itself named is echoed back to
    whoever asked and tells nothing (the matrix compares it with a missing id's answer)."""
    for citation in CITATIONS:
        text = text.replace(citation, "")
    found = []
    for name in sorted(outside.ids - asked):
        if re.search(_ID_BEFORE + re.escape(name) + _ID_AFTER, text, re.MULTILINE):
            found.append(name)
    for word in sorted(outside.words - asked):
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
            found.append(word)
    return found


# --- the matrix ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(
    tmp_path_factory: pytest.TempPathFactory, registry_module: Registry
) -> Iterator[SqliteStore]:
    s = SqliteStore(Path(tmp_path_factory.mktemp("scopes")) / "store.sqlite3")
    s.open()
    fill_known(s, EventMaker(registry_module))
    fill_history(s, registry_module)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="module")
def registry_module() -> Registry:
    return load_default_registry()


@pytest.fixture(scope="module")
def app_client(registry_module: Registry, store: SqliteStore) -> Iterator[TestClient]:
    # the employees' view on, so that its public page is asked with each scope as well
    settings = secure_settings(employee_view=True)
    app = create_app(settings, registry_module, store, clock=lambda: NOW, keys=RING)
    with TestClient(app) as client:
        yield client


def ask(client: TestClient, method: str, url: str, case: Case) -> httpx.Response:
    headers = {"Authorization": f"Bearer {KEYS[case.name]}", "Accept": "application/json"}
    if url.startswith("/login") and method == "POST":
        return client.post(url, data={"key": KEYS[case.name]}, follow_redirects=False)
    return client.request(method, url, headers=headers, follow_redirects=False)


MATRIX = [
    (method, path, url, case, side)
    for (method, path), urls in PROBES.items()
    for url in urls
    for case in CASES
    for side in ("inside", "outside")
    if side == "inside" or "{" in url  # a probe without an id is the same on both sides
]


@pytest.mark.parametrize(
    ("method", "path", "url", "case", "side"),
    MATRIX,
    ids=[f"{m} {u} {c.name} {s}" for m, _, u, c, s in MATRIX],
)
def test_scope_matrix(
    app_client: TestClient,
    registry_module: Registry,
    method: str,
    path: str,
    url: str,
    case: Case,
    side: str,
) -> None:
    target = case.inside if side == "inside" else case.outside
    concrete = url.format(**target)
    rule = rule_for(method, _sample(path))
    r = ask(app_client, method, concrete, case)
    label = f"{method} {concrete} with a {case.name} key ({case.scope}), {side}"
    asked = {v for k, v in target.items() if f"{{{k}}}" in url}
    found = leaks(response_text(r), forbidden(registry_module, case.scope), asked)
    assert not found, f"{label} names {found} outside the scope"
    assert r.status_code < 500, (label, r.text[:300])

    if rule.whole_region and not case.scope.is_region:
        assert r.status_code == 403, label
        if method != "HEAD" and "json" in r.headers.get("content-type", ""):
            assert r.json()["required_scope"] == "region", label
        return
    if isinstance(rule.access, Open):
        return  # login, logout, health and the webhook answer as they do for anybody
    if side == "outside":
        missing = ask(app_client, method, url.format(**NOWHERE), case)
        assert r.status_code == 404, (label, r.text[:300])
        # the same answer as for an id that does not exist: no hint that it does
        shown = response_text(r)
        for key, value in target.items():
            shown = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", NOWHERE[key], shown)
        assert (r.status_code, _body(shown)) == (missing.status_code, _body(response_text(missing)))
        return
    assert r.status_code == 200, (label, r.text[:300])


def _body(text: str) -> str:
    """A response's text without headers that differ between any two responses."""
    return "\n".join(
        line
        for line in text.splitlines()
        if not line.lower().startswith(("content-length", "date"))
    )


# --- scoped answers hold the scope's rows, and say so ------------------------------------------


def test_lists_and_region_figures_hold_only_the_scope(app_client: TestClient) -> None:
    hub_key = {"Authorization": f"Bearer {KEYS['hub']}"}
    assert [h["id"] for h in app_client.get("/api/hubs", headers=hub_key).json()] == ["sveg"]
    munis = app_client.get("/api/municipalities", headers=hub_key).json()
    assert [(m["id"], m["hubs"]) for m in munis] == [("harjedalen", ["sveg"])]
    # the municipality seen in part is named with what is seen, never as the whole of it
    assert munis[0]["name"] == "Härjedalen (Arbetshubb Sveg)"

    muni_key = {"Authorization": f"Bearer {KEYS['municipality']}"}
    region = app_client.get(f"/api/reports/utilisation?scope=region&{PERIOD}", headers=muni_key)
    harjedalen = app_client.get(
        f"/api/reports/utilisation?scope=municipality&id=harjedalen&{PERIOD}", headers=muni_key
    )
    assert region.status_code == harjedalen.status_code == 200
    # the region of a Härjedalen key is Härjedalen: the same figures, under its own name,
    # broken down into the one municipality it sees
    figures = {k: v for k, v in region.json()["summary"].items() if k != "scope"}
    assert figures == {k: v for k, v in harjedalen.json()["summary"].items() if k != "scope"}
    assert [row["scope"]["id"] for row in region.json()["breakdown"]] == ["harjedalen"]
    assert region.json()["summary"]["scope"]["name"] == "Region Jämtland Härjedalen (Härjedalen)"

    full = {"Authorization": f"Bearer {KEYS['region']}"}
    everything = app_client.get(f"/api/reports/utilisation?scope=region&{PERIOD}", headers=full)
    assert everything.json()["summary"]["desks"] > region.json()["summary"]["desks"]
    assert everything.json()["summary"]["scope"]["name"] == "Region Jämtland Härjedalen"


def test_a_scoped_login_session_keeps_the_scope(app_client: TestClient) -> None:
    client = TestClient(app_client.app)
    r = client.post("/login", data={"key": KEYS["hub"], "next": "/"}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/hubs/sveg").status_code == 200
    assert client.get("/api/hubs/funasdalen").status_code == 404
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Arbetshubb Sveg" in page.text
    assert "Funäsdalen" not in page.text and "Svenstavik" not in page.text
    assert client.get("/metrics").status_code == 403


def test_the_region_wide_routes_are_a_decision() -> None:
    """Which routes a scoped key may not use at all: changing this set is deliberate."""
    assert {r.pattern for r in POLICY if r.whole_region} == {
        "/api/ready",
        "/api/rejections",  # rejected-message previews: admin, and region-wide only
        "/api/admin/**",
        "/metrics",
        "/docs",
        "/docs/oauth2-redirect",
        "/openapi.json",
    }
    assert rule_for("GET", "/api/rejections").access is Role.ADMIN


def test_a_websocket_added_later_sees_the_scope(app_client: TestClient) -> None:
    app = app_client.app
    assert isinstance(app, FastAPI)

    @app.websocket("/api/hubs-stream")
    async def stream(ws: WebSocket, registry: RegistryDep) -> None:
        await ws.accept()
        await ws.send_json(sorted(registry.hubs))
        await ws.close()

    @app.websocket("/api/admin/stream")
    async def admin_stream(ws: WebSocket) -> None:
        await ws.accept()
        await ws.close()

    hub_key = {"Authorization": f"Bearer {KEYS['hub']}"}
    # the default rule (admin) applies; the hub key is an admin key, limited to its hub
    with app_client.websocket_connect("/api/hubs-stream", headers=hub_key) as ws:
        assert ws.receive_json() == ["sveg"]
    with pytest.raises(WebSocketDisconnect) as refused:
        with app_client.websocket_connect("/api/admin/stream", headers=hub_key):
            pass
    assert refused.value.code == 1008  # a region-wide rule


# --- planning: the municipalities a scope sees whole, inside and outside --------------------


@dataclass(frozen=True)
class PlanningCase:
    """A key's scope and the municipalities whose planning it sees: all of a municipality
    scope's; for a hub scope, those all of whose hubs it names (none: an empty plan)."""

    name: str
    scope: AccessScope
    shown: tuple[str, ...]  # municipality ids, in registry order


PLANNING_CASES = [
    PlanningCase("region", REGION, tuple(load_default_registry().municipalities)),
    PlanningCase("municipality", AccessScope.of(municipalities=["harjedalen"]), ("harjedalen",)),
    # Berg's one hub, and one of Härjedalen's two: Berg is seen whole, Härjedalen in part
    PlanningCase("hubs", AccessScope.of(hubs=["svenstavik", "sveg"]), ("berg",)),
    PlanningCase("hub", AccessScope.of(hubs=["sveg"]), ()),
]
PLANNING_KEYS = {case.name: new_key() for case in PLANNING_CASES}
PLANNING_RING = KeyRing(
    KeyEntry(
        name=f"{case.name}-planner",
        role=Role.PLANNER,
        sha256=key_digest(PLANNING_KEYS[case.name]).hex(),
        created=CREATED,
        scope=case.scope,
    )
    for case in PLANNING_CASES
)
PLANNING_PROBES = {
    ("GET", "/api/planning"): [f"/api/planning?{PERIOD}", f"/api/planning?lang=en&{PERIOD}"],
    ("GET", "/api/planning/download"): [
        f"/api/planning/download?format={f}&{PERIOD}" for f in ("csv", "xlsx")
    ],
    ("GET", "/planning"): [f"/planning?{PERIOD}", f"/planning?lang=en&{PERIOD}"],
    # the planner's workbook carries the planning sheets too
    ("GET", "/api/reports/download"): [f"/api/reports/download?format=xlsx&{PERIOD}"],
}
PLANNING_MATRIX = [
    (url, case, side)
    for urls in PLANNING_PROBES.values()
    for url in urls
    for case in PLANNING_CASES
    for side in ("inside", "outside")
]


def test_every_planning_route_has_planning_probes() -> None:
    """A planning route added later fails here until the planning matrix asks it."""
    planning = {(m, p) for m, p in ROUTE_CASES if "/planning" in p}
    assert planning and planning <= set(PLANNING_PROBES)


@pytest.fixture(scope="module")
def planning_client(
    registry_module: Registry, store: SqliteStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    # a copy of the example facts (every municipality), so the facts cache starts cold
    facts = Path(tmp_path_factory.mktemp("facts")) / "facts.csv"
    facts.write_bytes(EXAMPLE.read_bytes())
    settings = secure_settings(planning_facts_file=facts)
    app = create_app(settings, registry_module, store, clock=lambda: NOW, keys=PLANNING_RING)
    with TestClient(app) as client:
        yield client


def planning_text(r: httpx.Response) -> str:
    """What a planning probe shows; of the planner's workbook, its planning sheets only,
    below the workbook's title (the title and the other sheets are of the hubs the registry
    view gives the key, checked by the matrix above)."""
    if "/api/reports/" not in str(r.url):
        return response_text(r)
    book = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True)
    sheets = [s for s in book.worksheets if s.title.startswith(("Planering", "Antaganden"))]
    assert sheets, book.sheetnames
    return "\n".join(
        ",".join("" if v is None else str(v) for v in row)
        for sheet in sheets
        for row in sheet.iter_rows(min_row=2, values_only=True)
    )


def not_planned(registry: Registry, shown: tuple[str, ...]) -> Forbidden:
    """The municipalities a planning answer must not name, and their hubs."""
    ids: set[str] = set()
    words: set[str] = set()
    for muni in registry.municipalities.values():
        if muni.id in shown:
            continue
        ids |= {muni.id, *muni.hubs}
        words.add(muni.name)
        for hub in registry.hubs_of(muni.id):
            words |= {hub.name} | {d.sensor for d in hub.desks}
    return Forbidden(frozenset(ids), frozenset(words))


@pytest.mark.parametrize(
    ("url", "case", "side"),
    PLANNING_MATRIX,
    ids=[f"{u} {c.name} {s}" for u, c, s in PLANNING_MATRIX],
)
def test_planning_matrix(
    planning_client: TestClient,
    registry_module: Registry,
    url: str,
    case: PlanningCase,
    side: str,
) -> None:
    headers = {"Authorization": f"Bearer {PLANNING_KEYS[case.name]}", "Accept": "text/html"}
    r = planning_client.get(url, headers=headers)
    label = f"GET {url} with a {case.name} key ({case.scope}), {side}"
    assert r.status_code == 200, (label, r.text[:300])
    text = planning_text(r)
    if side == "inside":
        for mid in case.shown:
            assert registry_module.municipalities[mid].name in text, label
        if url.startswith("/api/planning?"):
            assert sorted(m["id"] for m in r.json()["municipalities"]) == sorted(case.shown)
        return
    # outside: no municipality the key does not see whole, nor any of its hubs; the
    # region's own name ("… Härjedalen") and the fixed citations name no row
    shown = text.replace(registry_module.region, "")
    found = leaks(shown, not_planned(registry_module, case.shown), set())
    assert not found, f"{label} names {found} outside the scope"


def _planning_app(registry: Registry, tmp_path: Path, facts: Path) -> TestClient:
    store = SqliteStore(tmp_path / "store.sqlite3")
    store.open()
    settings = secure_settings(planning_facts_file=facts)
    return TestClient(create_app(settings, registry, store, clock=lambda: NOW, keys=PLANNING_RING))


def _planning(client: TestClient, key: str) -> Any:  # the API's JSON
    r = client.get(f"/api/planning?{PERIOD}", headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200, r.text[:300]
    return r.json()


def test_scoped_and_region_planning_share_the_facts_file_rightly(
    registry_module: Registry, tmp_path: Path
) -> None:
    """The facts file names every municipality: a scoped key's request validates it against
    the whole registry (no error) and sees its own rows; the region, asking after it from
    the same cache, still gets every municipality's facts."""
    facts = tmp_path / "facts.csv"
    facts.write_bytes(EXAMPLE.read_bytes())  # a new file: the cache starts cold
    with _planning_app(registry_module, tmp_path, facts) as client:
        scoped = _planning(client, PLANNING_KEYS["hubs"])
        region = _planning(client, PLANNING_KEYS["region"])
    for body in (scoped, region):
        assert body["facts"] == {"file": str(facts), "invented": True, "error": None}
    rows = {m["id"]: m for m in region["municipalities"]}
    assert len(rows) == len(registry_module.municipalities)
    assert all(m["eligible"] is not None for m in rows.values())
    (berg,) = scoped["municipalities"]
    assert berg["id"] == "berg" and berg["rank"] == 1  # ranked among what the key sees
    assert berg["eligible"] == rows["berg"]["eligible"]  # the same facts row
    assert [n["code"] for n in scoped["notes"]][0] == "scoped"


def test_a_scoped_key_is_told_a_facts_file_is_broken_not_what_it_says(
    registry_module: Registry, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("municipality,first_day,last_day,employed_residents\nBerg,x,y,1\n")
    with _planning_app(registry_module, tmp_path, bad) as client:
        scoped = _planning(client, PLANNING_KEYS["municipality"])
        region = _planning(client, PLANNING_KEYS["region"])
    assert region["facts"]["error"] != scoped["facts"]["error"]
    assert "Berg" in region["facts"]["error"]
    assert scoped["facts"]["error"] == f"{bad}: {SCOPED_FACTS_ERROR}"
    assert "Berg" not in str(scoped)
    assert [m["id"] for m in scoped["municipalities"]] == ["harjedalen"]


def test_a_key_that_sees_no_municipality_whole_is_told_so(
    registry_module: Registry, tmp_path: Path
) -> None:
    """The API answers an empty list (as every list does for what a key cannot see), the
    page says why in the language asked."""
    with _planning_app(registry_module, tmp_path, EXAMPLE) as client:
        body = _planning(client, PLANNING_KEYS["hub"])
        headers = {"Authorization": f"Bearer {PLANNING_KEYS['hub']}", "Accept": "text/html"}
        pages = {
            lang: client.get(f"/planning?lang={lang}&{PERIOD}", headers=headers)
            for lang in ("sv", "en")
        }
    assert body["municipalities"] == []
    assert [n["code"] for n in body["notes"]] == ["none_in_scope"]
    for lang, page in pages.items():
        assert page.status_code == 200
        assert html.escape(NOTES["none_in_scope"][lang], quote=False) in page.text, lang
        assert 'id="planning-table"' not in page.text  # no empty ranking to read


@pytest.mark.parametrize(
    ("role", "scope", "links"),
    [
        (Role.VIEWER, REGION, ["/", "/definitions"]),
        (Role.PLANNER, REGION, ["/", "/planning", "/utilisation", "/compare", "/definitions"]),
        (
            Role.PLANNER,
            AccessScope.of(hubs=["sveg"]),
            ["/", "/planning", "/utilisation", "/compare", "/definitions"],
        ),
    ],
)
def test_the_top_navigation_links_only_what_the_key_may_open(
    registry_module: Registry, tmp_path: Path, role: Role, scope: AccessScope, links: list[str]
) -> None:
    key = new_key()
    ring = KeyRing([KeyEntry("k", role, key_digest(key).hex(), created=CREATED, scope=scope)])
    store = SqliteStore(tmp_path / "store.sqlite3")
    store.open()
    app = create_app(secure_settings(), registry_module, store, clock=lambda: NOW, keys=ring)
    headers = {"Authorization": f"Bearer {key}", "Accept": "text/html"}
    with TestClient(app) as client:
        page = client.get("/", headers=headers)
        nav = re.search(r'<nav class="topnav">(.*?)</nav>', page.text, re.S)
        assert page.status_code == 200 and nav is not None
        shown = re.findall(r'<a href="([^"?]*)[^"]*">', nav.group(1))
        assert shown == links
        for path in shown:
            assert client.get(path, headers=headers).status_code == 200, path
