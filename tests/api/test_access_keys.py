"""Access scopes in the keys file and the ``hubsense keys`` CLI, and the registry view a
scope gets (``hubsense.access``): parsing, backwards compatibility, and properties of the
view over every subset of the bundled registry's hubs."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from hubsense.access import REGION, AccessScope
from hubsense.config import DEFAULT_REGISTRY
from hubsense.keys import (
    KeyEntry,
    KeyFileError,
    KeyRing,
    Role,
    add_key,
    key_digest,
    load_keys,
    parse_keys,
)
from hubsense.registry import Registry, load_registry
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from launch.cli import main
from tests.api.api_support import NOW
from tests.api.test_security import CREATED, GOOD, secure_settings

REGISTRY = load_registry(DEFAULT_REGISTRY)


# --- the keys file ---------------------------------------------------------------------------


def test_a_key_without_a_scope_sees_the_region() -> None:
    """Files written before scopes existed keep meaning what they meant."""
    (entry,) = parse_keys("[[key]]\n" + GOOD)
    assert entry.scope == REGION and entry.scope.is_region


@pytest.mark.parametrize(
    ("line", "scope"),
    [
        ('municipalities = ["berg"]', AccessScope("municipalities", ("berg",))),
        ('hubs = ["sveg", "funasdalen", "sveg"]', AccessScope("hubs", ("funasdalen", "sveg"))),
    ],
)
def test_scope_fields(line: str, scope: AccessScope) -> None:
    (entry,) = parse_keys("[[key]]\n" + GOOD + line + "\n")
    assert entry.scope == scope


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('municipalities = ["berg"]\nhubs = ["sveg"]', "municipalities or to hubs, not both"),
        ("hubs = []", "hubs must be a non-empty list of registry ids"),
        ('hubs = "sveg"', "hubs must be a non-empty list"),
        ("municipalities = [1]", "municipalities must be a non-empty list"),
        ('hubs = ["Sveg"]', "not a registry id: 'Sveg'"),
        ('hubs = ["sveg\\"; role = \\"admin"]', "not a registry id"),
        ('region = ["all"]', "unknown fields region"),
    ],
)
def test_scope_field_validation(line: str, message: str) -> None:
    with pytest.raises(KeyFileError, match=re.escape(message)):
        parse_keys("[[key]]\n" + GOOD + line + "\n", "keys.toml")


@pytest.mark.parametrize(
    "scope", [REGION, AccessScope.of(municipalities=["berg", "are"]), AccessScope.of(hubs=["sveg"])]
)
def test_scopes_survive_the_file(tmp_path: Path, scope: AccessScope) -> None:
    path = tmp_path / "keys.toml"
    add_key(path, "partner", "viewer", scope=scope)
    add_key(path, "staff", "admin")
    partner, staff = load_keys(path)
    assert (partner.scope, staff.scope) == (scope, REGION)
    assert ("hubs =" in path.read_text()) is (scope.kind == "hubs")


# --- the CLI ---------------------------------------------------------------------------------


def test_keys_cli_scopes(
    clean_env: None,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    registry: Registry,
    sqlite_store: SqliteStore,
) -> None:
    path = str(tmp_path / "keys.toml")
    assert main(["keys", "add", "svenstavik-biz", "--role", "viewer", "--hub", "svenstavik",
                 "--file", path]) == 0  # fmt: skip
    out, err = capsys.readouterr()
    hub_key = out.strip()
    assert "for hub svenstavik" in err
    assert main(["keys", "add", "berg", "--role", "planner", "--municipality", "berg",
                 "--file", path]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["keys", "add", "region", "--role", "admin", "--file", path]) == 0
    capsys.readouterr()

    assert main(["keys", "list", "--file", path]) == 0
    listed = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "hub svenstavik" in listed["svenstavik-biz"]
    assert "municipality berg" in listed["berg"]
    assert "the whole region" in listed["region"]

    # a typo would make a key that sees nothing: refused, with what the registry has
    assert main(["keys", "add", "x", "--role", "viewer", "--hub", "svenstavk", "--file", path]) == 2
    err = capsys.readouterr().err
    assert "not in the registry: svenstavk" in err and "svenstavik" in err
    assert main(["keys", "add", "y", "--role", "viewer", "--hub", "sveg",
                 "--municipality", "berg", "--file", path]) == 2  # fmt: skip
    assert "not both" in capsys.readouterr().err
    assert [e.name for e in load_keys(Path(path))] == ["svenstavik-biz", "berg", "region"]

    app = create_app(secure_settings(api_keys_file=path), registry, sqlite_store, clock=lambda: NOW)
    with TestClient(app) as client:
        bearer = {"Authorization": f"Bearer {hub_key}"}
        assert [h["id"] for h in client.get("/api/hubs", headers=bearer).json()] == ["svenstavik"]
        assert client.get("/api/hubs/sveg", headers=bearer).status_code == 404


def test_a_key_scoped_to_an_unknown_hub_is_logged_and_sees_nothing(
    registry: Registry, sqlite_store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    key = "hsk_" + "k" * 43
    ring = KeyRing(
        [
            KeyEntry(
                "old-hub",
                role=Role.VIEWER,
                sha256=key_digest(key).hex(),
                created=CREATED,
                scope=AccessScope.of(hubs=["closed-hub"]),
            )
        ]
    )
    with caplog.at_level(logging.WARNING, "api.security"):
        app = create_app(secure_settings(), registry, sqlite_store, clock=lambda: NOW, keys=ring)
    assert "'old-hub' is scoped to hub closed-hub, which the registry does not have" in caplog.text
    with TestClient(app) as client:
        bearer = {"Authorization": f"Bearer {key}"}
        assert client.get("/api/hubs", headers=bearer).json() == []
        assert client.get("/api/municipalities", headers=bearer).json() == []


# --- the registry a scope sees ------------------------------------------------------------------

hub_subsets = st.sets(st.sampled_from(sorted(REGISTRY.hubs)), min_size=1)
muni_subsets = st.sets(st.sampled_from(sorted(REGISTRY.municipalities)), min_size=1)


def _check_view(scope: AccessScope, expected_hubs: set[str]) -> Registry:
    view = scope.restrict(REGISTRY)
    assert set(view.hubs) == expected_hubs
    # each municipality lists exactly its visible hubs, and only those with one are there
    assert {h for m in view.municipalities.values() for h in m.hubs} == expected_hubs
    assert all(m.hubs for m in view.municipalities.values())
    for hub in view.hubs.values():
        assert hub.id in view.municipalities[hub.municipality].hubs
        assert view.hubs[hub.id] is REGISTRY.hubs[hub.id]  # the hubs themselves are the same
    # sensors: only the visible hubs' desks are known by their sensor
    for desk in REGISTRY.all_desks():
        assert (view.desk_by_sensor(desk.sensor) is not None) is (desk.hub in expected_hubs)
    assert view.region.startswith(REGISTRY.region + " (")
    return view


@given(hub_subsets)
def test_a_hub_scope_sees_its_hubs_and_names_partial_municipalities(hubs: set[str]) -> None:
    view = _check_view(AccessScope.of(hubs=hubs), hubs)
    for mid, muni in view.municipalities.items():
        whole = REGISTRY.municipalities[mid]
        if len(muni.hubs) == len(whole.hubs):
            assert muni.name == whole.name
        else:  # seen in part: says which part
            names = ", ".join(REGISTRY.hubs[h].name for h in muni.hubs)
            assert muni.name == f"{whole.name} ({names})"


@given(muni_subsets)
def test_a_municipality_scope_sees_all_of_its_hubs(munis: set[str]) -> None:
    expected = {h for m in munis for h in REGISTRY.municipalities[m].hubs}
    view = _check_view(AccessScope.of(municipalities=munis), expected)
    assert {m: v.name for m, v in view.municipalities.items()} == {
        m: REGISTRY.municipalities[m].name for m in munis
    }


def test_the_region_sees_the_registry_itself() -> None:
    assert REGION.restrict(REGISTRY) is REGISTRY


@pytest.mark.parametrize(
    ("kind", "ids", "message"),
    [
        ("region", ("berg",), "the region names no ids"),
        ("hubs", (), "a municipality or hub scope names some"),
        ("hubs", ("../x",), "not a registry id"),
        ("zones", ("sveg/a",), "scope kind 'zones' is not one of region, municipalities, hubs"),
    ],
)
def test_scope_invariants(kind: str, ids: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        AccessScope(kind, ids)  # type: ignore[arg-type]
