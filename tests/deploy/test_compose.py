"""deploy/compose.yaml against the Compose Specification's JSON schema, plus the rules the
deployment guide promises (no Docker engine is needed: this checks the files).

tests/deploy/compose-spec.json is schema/compose-spec.json of the compose-spec/compose-spec
repository at commit b2835e8acc1e42e7aecbc27a9bc4a1fc66ef21ba, unchanged.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SCHEMA = json.loads((Path(__file__).parent / "compose-spec.json").read_text())


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_file_matches_the_compose_specification(compose):
    jsonschema.Draft201909Validator.check_schema(SCHEMA)
    errors = sorted(
        jsonschema.Draft201909Validator(SCHEMA).iter_errors(compose), key=lambda e: e.path
    )
    assert not errors, [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors]


def test_schema_catches_a_broken_file(compose):
    broken = dict(compose, services={"api": {"image": "x", "restart": ["always"]}})
    assert list(jsonschema.Draft201909Validator(SCHEMA).iter_errors(broken))


def test_every_service_restarts_and_has_a_health_check(compose):
    for name, service in compose["services"].items():
        assert service.get("restart") == "unless-stopped", name
        assert service.get("healthcheck", {}).get("test"), name


def test_collector_and_api_are_built_from_the_repository(compose):
    for name in ("collector", "api"):
        build = compose["services"][name]["build"]
        assert (DEPLOY / build["context"] / build["dockerfile"]).is_file(), name
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in dockerfile
    users = re.findall(r"^USER (\S+)$", dockerfile, flags=re.MULTILINE)
    assert users and users[-1] not in ("root", "0"), "the image must run as a non-root user"


def test_start_order_waits_for_healthy_dependencies(compose):
    needs = compose["services"]["collector"]["depends_on"]
    assert needs == {
        "mosquitto": {"condition": "service_healthy"},
        "influxdb": {"condition": "service_healthy"},
    }


def test_every_variable_is_in_the_env_example(compose):
    text = (DEPLOY / "compose.yaml").read_text()
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))
    example = (DEPLOY / ".env.example").read_text()
    defined = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    assert used <= defined, used - defined


def test_mounted_files_exist_and_the_broker_is_locked_down(compose):
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./") and "secrets" not in source and "backups" not in source:
                assert (DEPLOY / source).exists(), (name, source)
    conf = (DEPLOY / "mosquitto" / "production.conf").read_text()
    assert re.search(r"^allow_anonymous false$", conf, flags=re.MULTILINE)
    assert re.search(r"^password_file ", conf, flags=re.MULTILINE)
    assert re.search(r"^acl_file ", conf, flags=re.MULTILINE)
    env = compose["services"]["collector"]["environment"]
    assert env["HUBSENSE_MQTT_URL"].startswith("mqtt://collector:")
    assert compose["services"]["api"]["environment"]["HUBSENSE_MQTT_URL"].startswith("mqtt://api:")


def test_sample_adapters_file_of_the_deployment_loads():
    from collector.adapters.loader import parse_adapters

    configs = parse_adapters((DEPLOY / "config" / "adapters.toml").read_text(), "adapters.toml")
    assert [c.type for c in configs] == ["native", "disruptive", "zigbee2mqtt"]


def test_influx_test_override_matches_the_specification():
    override = yaml.safe_load((DEPLOY / "compose.influx-test.yaml").read_text())
    assert not list(jsonschema.Draft201909Validator(SCHEMA).iter_errors(override))
    assert override["services"]["influxdb"]["ports"] == ["127.0.0.1:8086:8086"]


def _env_example() -> dict[str, str]:
    text = (DEPLOY / ".env.example").read_text()
    return dict(re.findall(r"^([A-Z_][A-Z0-9_]*)=(.*)$", text, flags=re.MULTILINE))


def _interpolate(value: str, env: dict[str, str]) -> str:
    return re.sub(
        r"\$\{([A-Z_][A-Z0-9_]*)(?::?[-?][^}]*)?\}", lambda m: env.get(m.group(1), ""), value
    )


@pytest.mark.parametrize("service", ["collector", "api"])
def test_service_environment_is_real_settings_for_influxdb_2(compose, service, monkeypatch):
    from hubsense.config import Settings, load_settings
    from hubsense.store.influx import InfluxStore

    env = _env_example()
    for key, value in compose["services"][service]["environment"].items():
        assert key.startswith("HUBSENSE_"), key
        name = key.removeprefix("HUBSENSE_").lower()
        assert name in Settings.model_fields or name == "log_format", key
        if name != "log_format":
            monkeypatch.setenv(key, _interpolate(str(value), env))
    settings = load_settings()
    store = InfluxStore.from_settings(settings)
    assert (settings.store, settings.influx_url) == ("influxdb", "http://influxdb:8086")
    assert (store.org, store.bucket) == (env["INFLUXDB_ORG"], env["INFLUXDB_BUCKET"])
    assert settings.influx_token == env["INFLUXDB_ADMIN_TOKEN"]
