import pytest

from hubsense.devservers import ServerMissing, find_executable
from tests.conftest import IN_CI


def tool(name: str) -> str:
    """A server or tool binary (promtool, amtool, prometheus, alertmanager): a missing one
    fails the test when CI=true, else skips it."""
    try:
        return find_executable(name)
    except ServerMissing as exc:
        if IN_CI:
            pytest.fail(f"CI=true and a tool is missing: {exc}")
        pytest.skip(str(exc))
