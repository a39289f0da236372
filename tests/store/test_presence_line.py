"""The fast line builder writes exactly what influxdb-client's Point writes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hubsense.events import PresenceEvent
from hubsense.store.influx import presence_line, presence_point

names = st.text(min_size=1, max_size=20)


@given(
    municipality=names,
    hub=names,
    desk=names,
    sensor=st.text(max_size=30),
    seq=st.integers(0, 2**32 - 1),
    time_ns=st.integers(0, 2**62),
    occupied=st.booleans(),
    heartbeat=st.booleans(),
    battery=st.one_of(st.none(), st.integers(0, 100)),
    rssi=st.one_of(st.none(), st.integers(-200, 0)),
)
def test_same_bytes_as_point(
    municipality, hub, desk, sensor, seq, time_ns, occupied, heartbeat, battery, rssi
):
    e = PresenceEvent(
        municipality, hub, desk, sensor, seq, time_ns, occupied, heartbeat, battery, rssi
    )
    assert presence_line(e) == presence_point(e).to_line_protocol()
