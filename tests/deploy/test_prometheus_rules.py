"""The alerting and recording rules, the Prometheus and Alertmanager configurations, checked
with the real tools (Debian packages ``prometheus`` and ``prometheus-alertmanager``:
``promtool check rules``, ``promtool test rules``, ``promtool check config``, ``amtool
check-config``), and the committed rules against the ones the default settings give."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

from hubsense.alerting import AlertTimings, alert_rules, render, rule_files
from hubsense.config import Settings
from tests.deploy import tool
from tests.helpers import PATIENCE_S

ROOT = Path(__file__).resolve().parents[2]
PROM = ROOT / "deploy" / "prometheus"
RULES = PROM / "rules"
UNIT_TESTS = PROM / "tests" / "hubsense-alerts.test.yml"
ALERTMANAGER = ROOT / "deploy" / "alertmanager" / "alertmanager.yml"




def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=PATIENCE_S, check=False
    )


def test_committed_rules_are_those_of_the_default_settings():
    for name, doc in rule_files(Settings.model_construct()).items():
        assert (RULES / name).read_text(encoding="utf-8") == render(doc), (
            f"{name} differs: run `hubsense alert-rules --defaults --out deploy/prometheus/rules`"
        )
    assert sorted(p.name for p in RULES.iterdir()) == sorted(rule_files(Settings()))


def test_rules_follow_the_settings():
    changed = Settings.model_construct(offline_after_s=600.0, low_battery_pct=15)
    docs = [yaml.safe_load(render(d)) for d in rule_files(changed).values()]
    text = repr(docs)  # the rules as loaded, free of YAML's line folding
    assert 'hubsense_setting{name="offline_after_s"} != 600' in text
    assert 'hubsense_setting{name="low_battery_pct"} != 15' in text
    assert "at or below 15 % (low_battery_pct)" in text
    assert "longer than 10m (offline_after_s)" in text


def test_promtool_accepts_the_rules():
    result = run(tool("promtool"), "check", "rules", *map(str, sorted(RULES.glob("*.yml"))))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == 2


def test_promtool_unit_tests_pass():
    result = run(tool("promtool"), "test", "rules", UNIT_TESTS.name, cwd=UNIT_TESTS.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_unit_tests_catch_a_wrong_threshold(tmp_path):
    """The unit tests can fail: with low_battery alerting after an hour instead of ten
    minutes, the firing case does not fire."""
    rules = tmp_path / "rules"
    tests = tmp_path / "tests"
    rules.mkdir()
    tests.mkdir()
    slow = AlertTimings(low_battery_s=3600)
    for name, doc in rule_files(Settings.model_construct(), slow).items():
        (rules / name).write_text(render(doc), encoding="utf-8")
    shutil.copy(UNIT_TESTS, tests / UNIT_TESTS.name)
    result = run(tool("promtool"), "test", "rules", UNIT_TESTS.name, cwd=tests)
    assert result.returncode != 0
    assert "HubsenseLowBattery" in result.stdout + result.stderr


def test_every_alert_has_a_unit_test_firing_and_one_not_firing():
    doc = yaml.safe_load(UNIT_TESTS.read_text(encoding="utf-8"))
    fired: set[str] = set()
    quiet: set[str] = set()
    for group in doc["tests"]:
        for case in group.get("alert_rule_test", []):
            (fired if case["exp_alerts"] else quiet).add(case["alertname"])
    names = {a.name for a in alert_rules(Settings.model_construct(), AlertTimings())}
    assert names - fired == set(), "alerts never seen firing"
    assert names - quiet == set(), "alerts never seen not firing"


def test_prometheus_configuration_is_valid(tmp_path):
    """promtool check config also opens the files it names: the rules, and the viewer key
    (a compose secret in deployment, a temporary file here)."""
    conf = yaml.safe_load((PROM / "prometheus.yml").read_text(encoding="utf-8"))
    job = next(j for j in conf["scrape_configs"] if j["job_name"] == "hubsense")
    assert job["authorization"]["credentials_file"] == "/run/secrets/hubsense-viewer-key"
    key = tmp_path / "viewer.key"
    key.write_text("not-a-real-key\n")
    job["authorization"]["credentials_file"] = str(key)
    shutil.copytree(RULES, tmp_path / "rules")
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(conf))
    result = run(tool("promtool"), "check", "config", str(tmp_path / "prometheus.yml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 rule files found" in result.stdout + result.stderr


def test_alertmanager_configuration_is_valid_and_routes_by_audience(tmp_path):
    result = run(tool("amtool"), "check-config", str(ALERTMANAGER))
    assert result.returncode == 0, result.stdout + result.stderr
    routed = run(
        tool("amtool"),
        "config",
        "routes",
        "test",
        f"--config.file={ALERTMANAGER}",
        "audience=facility",
        "alertname=HubsenseLowBattery",
    )
    assert routed.stdout.strip() == "facility", routed.stdout + routed.stderr
    ops = run(
        tool("amtool"),
        "config",
        "routes",
        "test",
        f"--config.file={ALERTMANAGER}",
        "audience=operations",
        "alertname=HubsenseStoreDown",
    )
    assert ops.stdout.strip() == "operations", ops.stdout + ops.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text(ALERTMANAGER.read_text().replace("receiver: facility", "receiver: nobody"))
    assert run(tool("amtool"), "check-config", str(broken)).returncode != 0


def test_the_alert_rules_command_writes_the_files(tmp_path, monkeypatch):
    from launch.cli import main

    monkeypatch.setenv("HUBSENSE_LOW_BATTERY_PCT", "25")
    assert main(["alert-rules", "--defaults", "--out", str(tmp_path / "d")]) == 0
    for name in rule_files(Settings.model_construct()):
        assert (tmp_path / "d" / name).read_text() == (RULES / name).read_text()
    # Without --defaults: the settings of the environment.
    assert main(["alert-rules", "--out", str(tmp_path / "e")]) == 0
    alerts = yaml.safe_load((tmp_path / "e" / "hubsense-alerts.yml").read_text())
    exprs = [r["expr"] for r in alerts["groups"][0]["rules"]]
    assert any('hubsense_setting{name="low_battery_pct"} != 25' in e for e in exprs)
