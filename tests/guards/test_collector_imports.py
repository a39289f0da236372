"""The collector's process stays small: it loads no numerical library (the demand fit's
scipy and numpy are ~60 MB of resident memory, and the collector computes no fit), and
its command line loads neither the web app nor its figures (with them the collector's
process was 240 MB resident before it had taken a message)."""

from __future__ import annotations

import subprocess
import sys


def test_the_collector_imports_no_numerical_library() -> None:
    code = (
        "import sys, collector.service, launch.cli; launch.cli.build_parser(); "
        "print(sorted(m for m in ('numpy', 'scipy', 'statsmodels', 'pandas', 'plotly', "
        "'fastapi', 'dashboards', 'launch.app') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
