"""An embedded MQTT 3.1.1 broker (amqtt) for ``hubsense demo`` on a machine without Mosquitto.

It runs in a background thread with its own asyncio loop. It is for demos and small pilots
only: production uses Mosquitto (deploy/mosquitto/), which the tests run against.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable

from amqtt.broker import Broker

from hubsense.devservers import free_port

LATE_PUBACK = "Timeout waiting for PUBACK"
SUMMARY_EVERY_S = 60.0


class LatePubacks(logging.Filter):
    """amqtt waits a fixed 5 s for a subscriber's PUBACK, then logs a warning and a
    traceback per message, although the message was delivered and the subscriber (the
    collector, which acknowledges after storing) acknowledges it later. On a busy machine
    that is thousands of lines for no loss, so they are counted instead and summed up in
    one line a minute at most."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.count = 0
        self._since_summary = 0
        self._monotonic = monotonic
        self._last = monotonic()

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if LATE_PUBACK not in text and not (
            record.exc_info and LATE_PUBACK in str(record.exc_info[1])
        ):
            return True
        if "Task failed" in text:  # the same late PUBACK, told a second time
            return False
        self.count += 1
        self._since_summary += 1
        now = self._monotonic()
        if now - self._last >= SUMMARY_EVERY_S:
            self._last = now
            record.msg = (
                "%d PUBACKs came after amqtt's 5 s wait in the last minute (%d in all): the "
                "collector was slow to store (the messages had been delivered)"
            )
            record.args = (self._since_summary, self.count)
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info = None
            self._since_summary = 0
            return True
        return False


class EmbeddedBroker:
    def __init__(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host = host
        self.port = port or free_port()
        self.late_pubacks = LatePubacks()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="amqtt", daemon=True)
        self._broker: Broker | None = None

    @property
    def url(self) -> str:
        return f"mqtt://{self.host}:{self.port}"

    def start(self) -> None:
        # amqtt logs every connection at INFO; the demo's console is for the user.
        logging.getLogger("amqtt").setLevel(logging.WARNING)
        logging.getLogger("transitions").setLevel(logging.WARNING)
        for name in ("amqtt.mqtt.protocol.handler", "amqtt.broker"):
            logging.getLogger(name).addFilter(self.late_pubacks)
        config = {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.port}"}},
            "plugins": {
                "amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}
            },
        }
        self._thread.start()

        async def _start() -> None:
            self._broker = Broker(config, loop=self._loop)
            await self._broker.start()

        asyncio.run_coroutine_threadsafe(_start(), self._loop).result(timeout=15)

    def stop(self) -> None:
        if self._broker is not None:
            asyncio.run_coroutine_threadsafe(self._broker.shutdown(), self._loop).result(15)
            self._broker = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
