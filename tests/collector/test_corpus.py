"""The bad-input corpus (tests/corpus/): every item is rejected for the reason its folder
names — by the parser alone, and through real Mosquitto into a real InfluxDB, where
nothing of it may reach the presence data or inject series, tags or measurements."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from paho.mqtt.client import topic_matches_sub

from collector import Collector
from collector.parser import MessageParser
from hubsense.config import Settings
from hubsense.events import Rejection
from hubsense.store.influx import InfluxStore
from tests.helpers import publish, wait_for

pytestmark = pytest.mark.dated


CORPUS = Path(__file__).parent.parent / "corpus"
GOOD_TOPIC = "hubs/berg/svenstavik/a01/presence"


def corpus(now: datetime) -> list[tuple[str, str, bytes, str]]:
    """(name, topic, payload, expected reason) for every corpus item."""
    stamp = now.isoformat()
    future = (now + timedelta(days=365)).isoformat()
    good = (
        b'{"v":1,"sensor":"svenstavik-a01","seq":1,"ts":"'
        + stamp.encode()
        + b'","occupied":true,"kind":"change"}'
    )
    items = []
    for path in sorted((CORPUS / "payloads").glob("*/*.bin")):
        body = (
            path.read_bytes()
            .replace(b"@NOW@", stamp.encode())
            .replace(b"@FUTURE@", future.encode())
        )
        items.append((f"{path.parent.name}/{path.stem}", GOOD_TOPIC, body, path.parent.name))
    for line in (CORPUS / "topics.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            reason, topic = line.split("\t", 1)
            items.append((topic, topic, good, reason))
    return items


NOW = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
ITEMS = corpus(NOW)


@pytest.mark.parametrize(("name", "topic", "payload", "reason"), ITEMS, ids=[i[0] for i in ITEMS])
def test_parser_rejects_for_the_named_reason(registry, name, topic, payload, reason):
    parser = MessageParser(
        registry,
        topic_root="hubs",
        max_payload_bytes=4096,
        max_future_s=120,
        max_age_s=400 * 86400,
    )
    result = parser.parse(topic, payload, int(NOW.timestamp() + 60) * 10**9)
    assert isinstance(result, Rejection), name
    assert result.reason == reason, (name, result.detail)
    assert result.payload.isprintable() and result.topic.isprintable()


@pytest.mark.integration
def test_corpus_through_real_servers(registry, mosquitto, influxd_server, influx_db_name):
    store = InfluxStore(influxd_server.url, influx_db_name)
    store.open()
    items = corpus(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1))
    # '+' and '#' are wildcards: a broker refuses to route them, so they never arrive.
    items = [i for i in items if "+" not in i[1] and "#" not in i[1]]
    collector = Collector(Settings(mqtt_url=mosquitto.url, flush_interval_s=0.05), registry, store)
    collector.start()
    try:
        assert collector.wait_until_subscribed(10)
        # the collector only subscribes to hubs/+/+/+/presence: other topics never reach it
        routable = [i for i in items if topic_matches_sub("hubs/+/+/+/presence", i[1])]
        publish(mosquitto.url, [(topic, payload) for _, topic, payload, _ in items])
        wait_for(
            lambda: collector.acked == len(routable),
            what=lambda: f"{len(routable)} acked, have {collector.stats()}",
        )
        assert collector.transport.connected.is_set()
    finally:
        collector.stop()
    expected = Counter(reason for *_, reason in routable)
    assert collector.rejected == expected
    assert store.rejection_counts() == dict(expected)
    assert store.count_events() == 0

    def influxql(q: str) -> list:
        body = httpx.get(f"{influxd_server.url}/query", params={"db": influx_db_name, "q": q})
        series = body.json()["results"][0].get("series", [])
        return [v for s in series for v in s["values"]]

    assert influxql("SHOW MEASUREMENTS") == [["rejected"]]
    assert {tuple(v) for v in influxql("SHOW TAG KEYS FROM rejected")} == {("reason",)}
    assert {v[1] for v in influxql('SHOW TAG VALUES FROM "rejected" WITH KEY = "reason"')} == set(
        expected
    )
    kept = store.rejections(limit=1000)
    assert len(kept) == len(routable)
    assert all(r.payload.isprintable() and r.topic.isprintable() for r in kept)
    store.close()
