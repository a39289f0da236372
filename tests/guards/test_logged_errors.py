"""The suite's own guard: a test whose code logged an unexpected error fails."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CONFTEST = "from tests.conftest import _fail_on_logged_errors  # noqa: F401\n"
TESTS = '''
import logging
import pytest

def test_logs_an_error():
    logging.getLogger("collector.sink").error("store refused a point")

@pytest.mark.logs_errors(r"store refused")
def test_expects_that_error():
    logging.getLogger("collector.sink").error("store refused a point")

@pytest.mark.logs_errors(r"store refused")
def test_expects_another_error():
    logging.getLogger("hubsense.keys").error("keys file unreadable")

def test_other_libraries_and_warnings_pass():
    logging.getLogger("hubsense.keys").warning("only a warning")
    logging.getLogger("somelib").error("not ours")
'''


def test_unexpected_project_errors_fail_the_test(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_guarded.py").write_text(TESTS)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA",
         "-W", "ignore::pytest.PytestUnknownMarkWarning", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    out = result.stdout
    outcome = {
        m.group(2): m.group(1)
        for m in re.finditer(r"^(PASSED|ERROR) \S*test_guarded\.py::(\w+)", out, re.M)
    }
    assert outcome == {  # ERROR: failed in teardown, where the guard looks
        "test_logs_an_error": "ERROR",
        "test_expects_that_error": "PASSED",
        "test_expects_another_error": "ERROR",
        "test_other_libraries_and_warnings_pass": "PASSED",
    }, out
    assert "hubsense.keys: keys file unreadable" in out
    assert result.returncode == 1
