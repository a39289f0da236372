"""The production broker configuration (deploy/mosquitto/production.conf + acl) keeps hubs
apart: run by a real Mosquitto (port and paths adapted to a temp dir, the ACL file used as
it is), with a password file made by ``mosquitto_passwd -b``, and a real collector behind
it.

Anonymous clients and wrong passwords are refused at connect; a gateway's publish to
another hub's topics and a publish by the read-only collector user are dropped by the
broker; only the hub's own gateway's messages reach the store.
"""

from __future__ import annotations

import getpass
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from collector import Collector
from hubsense.config import Settings
from hubsense.devservers import Mosquitto, ServerMissing, free_port
from tests.conftest import IN_CI
from tests.helpers import presence, publish, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.dated]

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "mosquitto"
USERS = {"collector": "c-pw", "gw-svenstavik": "s-pw", "gw-bracke": "b-pw"}


def production_conf(workdir: Path, port: int, passwd: Path) -> Path:
    text = (DEPLOY / "production.conf").read_text()
    replacements = {
        r"^password_file .*$": f"password_file {passwd}",
        r"^acl_file .*$": f"acl_file {DEPLOY / 'acl'}",
        r"^persistence_location .*$": f"persistence_location {workdir}/",
        r"^listener 1883$": f"listener {port} 127.0.0.1",
        r"^log_dest .*$": "log_dest stderr",
    }
    for pattern, new in replacements.items():
        text, n = re.subn(pattern, new, text, flags=re.MULTILINE)
        assert n == 1, pattern
    assert "allow_anonymous false" in text
    conf = workdir / "mosquitto.conf"
    conf.write_text(text + f"\nuser {getpass.getuser()}\n")
    return conf


@pytest.fixture
def secured(tmp_path):
    exe = shutil.which("mosquitto_passwd")
    if exe is None:
        if IN_CI:
            pytest.fail("CI=true and mosquitto_passwd is missing")
        pytest.skip("mosquitto_passwd is not installed")
    passwd = tmp_path / "passwd"
    passwd.touch(mode=0o600)
    for user, password in USERS.items():
        subprocess.run([exe, "-b", str(passwd), user, password], check=True)
    port = free_port()
    server = Mosquitto(
        workdir=tmp_path, port=port, conf_file=production_conf(tmp_path, port, passwd)
    )
    server.keep_dir = True  # pytest cleans tmp_path
    try:
        server.start()
    except ServerMissing as exc:
        if IN_CI:
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    yield server
    server.close()


def url(server: Mosquitto, user: str) -> str:
    return f"mqtt://{user}:{USERS[user]}@127.0.0.1:{server.port}"


def mosquitto_pub(server: Mosquitto, *auth: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "mosquitto_pub",
            "-h",
            "127.0.0.1",
            "-p",
            str(server.port),
            "-q",
            "1",
            "-t",
            "hubs/berg/svenstavik/a01/presence",
            "-m",
            "{}",
            *auth,
        ],
        capture_output=True,
        text=True,
        timeout=10,
    )


def test_only_the_hubs_own_gateway_reaches_the_store(secured, registry, sqlite_store, tmp_path):
    collector = Collector(
        Settings(
            mqtt_url=url(secured, "collector"),
            flush_interval_s=0.05,
            sqlite_path=tmp_path / "unused.sqlite3",
        ),
        registry,
        sqlite_store,
    )
    collector.start()
    try:
        assert collector.wait_until_subscribed(10), "the collector user may subscribe"
        if shutil.which("mosquitto_pub"):
            anonymous = mosquitto_pub(secured)
            assert anonymous.returncode != 0 and "not authori" in anonymous.stderr.lower()
            wrong = mosquitto_pub(secured, "-u", "gw-svenstavik", "-P", "guess")
            assert wrong.returncode != 0 and "not authori" in wrong.stderr.lower()

        t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
        own = [
            presence(
                "svenstavik",
                "a01",
                municipality="berg",
                seq=i,
                ts=t0 + timedelta(seconds=i),
                occupied=i % 2 == 0,
            )
            for i in range(3)
        ]
        foreign = presence("bracke", "a01", municipality="bracke", seq=1, ts=t0, occupied=True)
        # Each publish returns after the broker's PUBACK, i.e. after it decided to drop it.
        publish(url(secured, "gw-svenstavik"), [foreign], client_id="gw-svenstavik")
        publish(url(secured, "gw-bracke"), own[:1], client_id="gw-bracke")
        publish(url(secured, "collector"), own[:1], client_id="collector-writes")
        publish(url(secured, "gw-svenstavik"), own, client_id="gw-svenstavik")
        wait_for(lambda: collector.acked >= len(own), what=lambda: str(collector.stats()))
    finally:
        collector.stop()

    assert collector.received == len(own), "a dropped publish reached the collector"
    assert collector.rejected == {}
    assert sqlite_store.count_events() == len(own)
    assert sqlite_store.count_events("bracke") == 0
    stored = sqlite_store.timeline("svenstavik", "a01", 0, 2**62)
    assert [e.seq for e in stored] == [0, 1, 2]


def test_every_hub_of_the_registry_has_its_own_gateway(registry):
    acl = (DEPLOY / "acl").read_text()
    blocks = {b.split("\n", 1)[0]: b for b in re.split(r"\n(?=user )", acl) if b.startswith("user")}
    for hub in registry.hubs.values():
        block = blocks[f"user gw-{hub.id}"]
        writes = re.findall(r"^topic write (\S+)$", block, flags=re.MULTILINE)
        assert writes == [
            f"hubs/{hub.municipality}/{hub.id}/#",
            f"zigbee2mqtt/{hub.id}/#",
            f"homeassistant/{hub.id}/#",
        ]
    assert not re.search(r"^topic (write|readwrite) ", blocks["user collector"], re.MULTILINE)
    assert "pattern" not in re.sub(r"#.*", "", acl)  # no rule applies to every user
