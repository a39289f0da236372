"""An embedded MQTT 3.1.1 broker (amqtt) for ``hubsense demo`` on a machine without Mosquitto.

It runs in a background thread with its own asyncio loop. It is for demos and small pilots
only: production uses Mosquitto (deploy/mosquitto/), which the tests run against.
"""

from __future__ import annotations

import asyncio
import logging
import threading

from amqtt.broker import Broker

from hubsense.devservers import free_port


class EmbeddedBroker:
    def __init__(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host = host
        self.port = port or free_port()
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
