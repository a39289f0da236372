"""The collector command with a fault injected, for tests that run it as a process.

    python -m tests.faults.faulty KIND

KIND says where the fault is: ``worker`` (the main loop raises on the message whose
payload is ``POISON``), ``mqtt`` (paho's network thread raises on that message) or
``stats`` (writing the stats file raises a programming error). Everything else is the
real ``hubsense collector``.
"""

from __future__ import annotations

import sys
from typing import Any

POISON = b"poison"


def _inject(kind: str) -> None:
    import hubsense.statsfile
    from collector.service import Collector
    from collector.transport import MqttTransport

    if kind == "worker":
        take = Collector._take

        def faulty_take(self: Collector, item: Any, *args: Any) -> None:
            if item.payload == POISON:
                raise RuntimeError("fault injected into the collector's main loop")
            take(self, item, *args)

        Collector._take = faulty_take  # type: ignore[method-assign]
    elif kind == "mqtt":
        # every received message passes here, whether paho or the buffered reader read it
        received = MqttTransport._received

        def faulty_received(self: MqttTransport, topic: bytes, payload: bytes,
                                   *args: Any) -> None:  # fmt: skip
            if payload == POISON:
                raise RuntimeError("fault injected into the MQTT network thread")
            received(self, topic, payload, *args)

        MqttTransport._received = faulty_received  # type: ignore[method-assign]
    elif kind == "stats":

        def faulty_write_stats(*args: Any, **kwargs: Any) -> None:
            raise TypeError("fault injected into the stats writer")

        hubsense.statsfile.write_stats = faulty_write_stats
    else:
        raise SystemExit(f"unknown fault {kind!r}")


def main() -> int:
    _inject(sys.argv[1])
    from launch.cli import main as cli

    return cli(["collector"])


if __name__ == "__main__":
    raise SystemExit(main())
