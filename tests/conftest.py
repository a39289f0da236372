"""Shared fixtures: real servers on free loopback ports, registries, stores.

With CI=true a missing mosquitto/influxd is a test failure, not a skip: integration tests
must run in CI.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubsense.config import DEFAULT_REGISTRY
from hubsense.devservers import Influxd, Mosquitto, ServerMissing
from hubsense.registry import Registry, load_registry
from hubsense.store.sqlite import SqliteStore
from tests.clock import SessionTimeShift, parse_as_of

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--as-of",
        metavar="INSTANT",
        help="run the session as if it were this instant (ISO 8601; naive = Stockholm "
        "local time), e.g. 2027-06-28T07:55; child processes see the same clock",
    )


def pytest_configure(config: pytest.Config) -> None:
    text = config.getoption("--as-of")
    if text:
        try:
            shift = SessionTimeShift(parse_as_of(text))
        except ValueError as exc:
            raise pytest.UsageError(str(exc)) from None
        shift.start()
        config.stash[_SHIFT_KEY] = shift


def pytest_unconfigure(config: pytest.Config) -> None:
    shift = config.stash.get(_SHIFT_KEY, None)
    if shift is not None:
        shift.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    shift = config.stash.get(_SHIFT_KEY, None)
    return None if shift is None else f"as of: {shift.as_of.isoformat()} (clock moved)"


_SHIFT_KEY = pytest.StashKey[SessionTimeShift]()


def _missing(exc: ServerMissing) -> None:
    if IN_CI:
        pytest.fail(f"CI=true and a real server is missing: {exc}")
    pytest.skip(str(exc))


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[Mosquitto]:
    server = Mosquitto(workdir=tmp_path / "mosquitto")
    server.workdir.mkdir()
    try:
        server.start()
    except ServerMissing as exc:
        _missing(exc)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def influxd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Influxd]:
    server = Influxd(workdir=tmp_path_factory.mktemp("influxd"))
    try:
        server.start()
    except ServerMissing as exc:
        _missing(exc)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def influx_db_name() -> str:
    """A fresh database name per test, so tests sharing one influxd never see each other."""
    return f"t_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry(DEFAULT_REGISTRY)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "store.sqlite3")
    store.open()
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(autouse=True)
def _spool_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The collector's default disk spool lives in the working directory: not in tests."""
    monkeypatch.setenv("HUBSENSE_SPOOL_PATH", str(tmp_path / "spool.sqlite3"))


PROJECT_LOGGERS = ("hubsense", "collector", "api", "dashboards", "simulators", "launch")
WATCHED_LOGGERS = (*PROJECT_LOGGERS, "uvicorn.error")  # uvicorn logs a 500's traceback there


def _watched(name: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in WATCHED_LOGGERS)


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """A test that runs the CLI gets its root handlers (on a captured stream) replaced by
    ``configure_logging``; later tests must not log into that closed stream."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(autouse=True)
def _fail_on_logged_errors(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A test fails when the project logged an error it did not expect.

    A test that provokes an error on purpose says so with
    ``@pytest.mark.logs_errors(r"regex")``: errors whose message matches are expected (and
    the test should assert on the behaviour behind them). Records are caught at
    ``Logger.handle``, before any handler, so a test that reconfigures logging (the CLI's
    ``configure_logging`` replaces the root handlers) is still watched.
    """
    seen: list[logging.LogRecord] = []
    original = logging.Logger.handle

    def handle(self: logging.Logger, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR and _watched(record.name):
            seen.append(record)
        original(self, record)

    monkeypatch.setattr(logging.Logger, "handle", handle)
    yield
    marker = request.node.get_closest_marker("logs_errors")
    expected = re.compile(marker.args[0]) if marker else None
    unexpected = [r for r in seen if expected is None or not expected.search(r.getMessage())]
    if unexpected:
        lines = "\n".join(f"  {r.name}: {r.getMessage()[:300]}" for r in unexpected[:5])
        pytest.fail(f"the project logged {len(unexpected)} unexpected error(s):\n{lines}")


@pytest.fixture(autouse=True)
def _fail_on_thread_exceptions() -> Iterator[None]:
    """A test fails when any thread (e.g. a paho callback) died with an exception."""
    errors: list[threading.ExceptHookArgs] = []
    previous = threading.excepthook
    threading.excepthook = errors.append
    try:
        yield
    finally:
        threading.excepthook = previous
    if errors:
        first = errors[0]
        pytest.fail(
            f"exception in thread {first.thread}: {first.exc_type.__name__}: {first.exc_value}"
        )
