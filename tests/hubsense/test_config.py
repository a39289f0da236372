from __future__ import annotations

from pathlib import Path

import pytest

from hubsense.config import ConfigError, Settings, load_settings, settings_table


def test_defaults():
    s = load_settings()
    assert s.store == "sqlite" and s.mqtt_url == "mqtt://127.0.0.1:1883"


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("HUBSENSE_STORE", "influxdb")
    monkeypatch.setenv("HUBSENSE_BATCH_SIZE", "50")
    s = load_settings()
    assert s.store == "influxdb" and s.batch_size == 50


def test_config_file_and_env_precedence(monkeypatch, tmp_path):
    cfg = tmp_path / "hubsense.toml"
    cfg.write_text('store = "influxdb"\nbatch_size = 7\n')
    monkeypatch.setenv("HUBSENSE_CONFIG", str(cfg))
    monkeypatch.setenv("HUBSENSE_BATCH_SIZE", "9")
    s = load_settings()
    assert s.store == "influxdb" and s.batch_size == 9


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("batch_size = -1", "batch_size"),
        ('store = "mysql"', "store"),
        ("nonsense = 1", "nonsense"),
        ("=== not toml", "not valid TOML"),
    ],
)
def test_bad_config_file_is_a_clear_error(monkeypatch, tmp_path, text, message):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text)
    monkeypatch.setenv("HUBSENSE_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match=message):
        load_settings()


def test_missing_config_file(monkeypatch, tmp_path):
    monkeypatch.setenv("HUBSENSE_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(ConfigError, match="no such file"):
        load_settings()


def test_topic_root_must_be_one_plain_level():
    with pytest.raises(ConfigError, match="mqtt_topic_root"):
        load_settings(mqtt_topic_root="a/#")


def test_table_documents_every_setting():
    table = settings_table()
    for name in Settings.model_fields:
        assert f"`HUBSENSE_{name.upper()}`" in table


def test_the_readme_shows_the_table_as_the_settings_give_it():
    """One definition: the README's configuration table is ``hubsense config --markdown``."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    rows = [line for line in settings_table().splitlines() if line.startswith("| `")]
    assert rows and [row for row in rows if row not in readme] == []


def test_an_empty_path_setting_means_none(monkeypatch):
    """"Empty: none" for every optional file: pydantic alone would make "" the path "."
    (a spool or a stats file named "." crashes the collector)."""
    names = ["MQTT_CA_FILE", "SPOOL_PATH", "ADAPTERS_FILE", "COLLECTOR_STATS_FILE",
             "API_KEYS_FILE", "PLANNING_FACTS_FILE"]  # fmt: skip
    for name in names:
        monkeypatch.setenv(f"HUBSENSE_{name}", "")
    settings = load_settings()
    assert all(getattr(settings, n.lower()) is None for n in names)
