"""An app served over real HTTP for the browser tests: uvicorn in a thread on a free
loopback port, stopped when the block ends."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from fastapi import FastAPI

from hubsense.devservers import free_port

PATIENCE_S = 60.0  # generous: a busy machine must not fail a test


@contextmanager
def served(app: FastAPI, name: str) -> Iterator[str]:
    """The app's base URL (``http://127.0.0.1:PORT``) while the block runs."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
            lifespan="off",
        )
    )
    thread = threading.Thread(target=server.run, name=f"uvicorn-{name}", daemon=True)
    thread.start()
    deadline = time.monotonic() + PATIENCE_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=PATIENCE_S)
