"""Dashboard test fixtures."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "browser: drives real headless Chromium with Playwright; skips when either is "
        "missing, fails instead with CI=true",
    )
