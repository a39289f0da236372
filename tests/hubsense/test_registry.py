from __future__ import annotations

from datetime import date, time

import pytest

from hubsense.config import DEFAULT_REGISTRY
from hubsense.registry import RegistryError, load_registry, parse_registry

JAMTLAND = ["are", "berg", "bracke", "harjedalen", "krokom", "ostersund", "ragunda", "stromsund"]

HEAD = """
schema_version = 1
version = "t1"
region = "Test"
[municipalities]
berg = { name = "Berg", code = "2326" }
"""


def hub(**over) -> str:
    fields = {
        "id": '"h1"',
        "municipality": '"berg"',
        "name": '"Hub"',
        "opening_hours": '{ mon = "08:00-17:00" }',
        "desks": '[{ id = "a01", zone = "a", sensor = "s1" }]',
    }
    fields.update(over)
    return "\n[[hubs]]\n" + "\n".join(f"{k} = {v}" for k, v in fields.items()) + "\n"


def problems(text: str) -> list[str]:
    with pytest.raises(RegistryError) as err:
        parse_registry(text)
    return err.value.problems


def test_bundled_registry_covers_the_eight_municipalities():
    reg = load_registry(DEFAULT_REGISTRY)
    assert sorted(reg.municipalities) == JAMTLAND
    assert all(reg.municipalities[m].hubs for m in JAMTLAND)
    sizes = {len(h.desks) for h in reg.hubs.values()}
    assert len(sizes) > 3  # hubs of different sizes
    assert all(h.timezone == "Europe/Stockholm" for h in reg.hubs.values())
    assert reg.municipalities["are"].name == "Åre"
    berg = reg.hubs["svenstavik"]
    assert berg.opening_hours[0] == (time(7), time(18))
    assert 5 not in berg.opening_hours  # closed on Saturdays
    assert date(2026, 12, 28) in berg.closed_dates


def test_lookups(registry):
    desk = registry.desk("svenstavik", "a01")
    assert desk is not None and desk.sensor == "svenstavik-a01" and desk.municipality == "berg"
    assert registry.desk_by_sensor("svenstavik-a01") == desk
    assert registry.desk("svenstavik", "nope") is None
    assert registry.desk("nowhere", "a01") is None


def test_minimal_registry_parses():
    reg = parse_registry(HEAD + hub())
    assert reg.hubs["h1"].desks[0].zone == "a"


def test_duplicate_desk():
    text = HEAD + hub(
        desks='[{ id = "a01", zone = "a", sensor = "s1" }, '
        '{ id = "a01", zone = "b", sensor = "s2" }]'
    )
    assert problems(text) == ["hubs[0].desks[1].id: duplicate desk 'a01' in hub 'h1'"]


def test_duplicate_sensor_across_hubs():
    text = HEAD + hub() + hub(id='"h2"')
    assert "duplicate sensor 's1' (also desk h1/a01)" in problems(text)[0]


def test_duplicate_hub():
    text = HEAD + hub() + hub(desks='[{ id = "a01", zone = "a", sensor = "s9" }]')
    assert problems(text) == ["hubs[1].id: duplicate hub 'h1'"]


def test_unknown_municipality():
    assert "unknown municipality 'atlantis'" in problems(HEAD + hub(municipality='"atlantis"'))[0]


@pytest.mark.parametrize("hours", ['"25:00-26:00"', '"17:00-08:00"', '"8-17"', '"08:00-08:00"'])
def test_bad_hours(hours):
    found = problems(HEAD + hub(opening_hours=f"{{ mon = {hours} }}"))
    assert "opening_hours" in found[0] and "mon" in found[0]


def test_unknown_weekday_and_never_open():
    assert (
        "unknown weekday 'funday'"
        in problems(HEAD + hub(opening_hours='{ funday = "08:00-17:00" }'))[0]
    )
    assert "never open" in problems(HEAD + hub(opening_hours='{ mon = "closed" }'))[0]


def test_hostile_ids_are_refused():
    found = problems(HEAD + hub(id='"bad hub,tag=x"'))
    assert found[0].startswith("hubs[0].id:")


def test_bad_timezone_and_schema_version():
    assert "unknown time zone" in problems(HEAD + hub(timezone='"Mars/Olympus"'))[0]
    assert (
        "schema_version"
        in problems(HEAD.replace("schema_version = 1", "schema_version = 9") + hub())[0]
    )


def test_not_toml(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text("this is = = not toml")
    with pytest.raises(RegistryError, match="not valid TOML"):
        load_registry(path)
    with pytest.raises(RegistryError, match="cannot read"):
        load_registry(tmp_path / "missing.toml")


def test_every_problem_is_reported_at_once():
    text = HEAD + hub(municipality='"x"') + hub(id='"h2"', opening_hours='{ mon = "closed" }')
    assert len(problems(text)) == 2
