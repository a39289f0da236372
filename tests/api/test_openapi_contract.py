"""The OpenAPI document is the contract the API keeps: schemathesis, with every check it
has, against the real API process (uvicorn, authentication on, a store with history).

Bounded: ``HUBSENSE_TEST_SCHEMATHESIS_EXAMPLES`` examples per operation (default 10) in
each phase (examples, coverage, fuzzing, stateful). All checks run; the one setting is
that a schema-valid request may be answered 422 (``positive_data_acceptance``): the
document declares what a valid value is (enums, dates, date-times, bounds), but not rules
across parameters that the API answers 422 for, with a reason — ``to`` after ``from``, at
most ``analytics_max_days``, not in the future, an id for the scope. ``ignored_auth``
checks that a request without the key is refused (401) on every operation that needs one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hubsense.keys import add_key
from hubsense.store.sqlite import SqliteStore
from tests.helpers import PATIENCE_S, wait_for

pytestmark = pytest.mark.dated  # the API process reads the clock (default periods)

EXAMPLES = int(os.environ.get("HUBSENSE_TEST_SCHEMATHESIS_EXAMPLES", "10"))
CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "422"]
"""


@pytest.fixture
def api_server(tmp_path: Path, free_tcp_port: int) -> Iterator[tuple[str, str]]:
    """(base URL, admin key) of a running API with authentication on."""
    keys = tmp_path / "keys.toml"
    key = add_key(keys, "contract", "admin")
    db = tmp_path / "api.sqlite3"
    store = SqliteStore(db)
    store.open()
    store.close()
    env = {
        **os.environ,
        "HUBSENSE_STORE": "sqlite",
        "HUBSENSE_SQLITE_PATH": str(db),
        "HUBSENSE_API_KEYS_FILE": str(keys),
        "HUBSENSE_AUTH_ENABLED": "true",
        "HUBSENSE_API_HOST": "127.0.0.1",
        "HUBSENSE_API_PORT": str(free_tcp_port),
        "HUBSENSE_SPOOL_PATH": "",
    }
    log = (tmp_path / "api.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "launch.cli", "api"], env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{free_tcp_port}"

    def up() -> bool:
        try:
            return httpx.get(f"{url}/api/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return proc.poll() is not None

    try:
        wait_for(up)
        assert proc.poll() is None, (tmp_path / "api.log").read_text()
        yield url, key
    finally:
        proc.terminate()
        proc.wait(PATIENCE_S)
        log.close()
        text = (tmp_path / "api.log").read_text(errors="replace")
        assert "Traceback" not in text, text[-4000:]


@pytest.mark.integration
def test_schemathesis_finds_no_failure(api_server: tuple[str, str], tmp_path: Path) -> None:
    pytest.importorskip("schemathesis")
    url, key = api_server
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from schemathesis.cli import schemathesis; schemathesis()",
            "--config-file",
            str(config),
            "run",
            f"{url}/openapi.json",
            "--checks",
            "all",
            "--header",
            f"Authorization: Bearer {key}",
            "--max-examples",
            str(EXAMPLES),
            "--seed",
            "1",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=30 * PATIENCE_S,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-12000:]
    assert "Tested: " in out, out[-4000:]
