"""Moves a child process's clock to the test session's ``--as-of`` instant.

Why: the suite can run as if it were another moment (``scripts/test --as-of
2027-06-28T07:55``). The test process moves its own clock with time-machine; a process a
test starts (the collector, the demo) must see the same instant, or a message stamped
"now" by the test would be "from the future" for the collector. The session puts this
folder first on ``PYTHONPATH`` and the shift in ``HUBSENSE_TEST_TIME_SHIFT_NS`` (the
as-of instant minus the real time when the session started), so every Python child
starts its clock at real now + shift and lets it tick: both processes then read the same
instant at the same moment. Only the wall clock moves (``time.time``, ``datetime.now``);
``time.monotonic`` and sleeps are real, so timeouts keep their meaning.

Only the test suite sets these variables; the project itself never imports this file.
"""

from __future__ import annotations

import os

_SHIFT = os.environ.get("HUBSENSE_TEST_TIME_SHIFT_NS")
if _SHIFT:
    import time

    import time_machine

    time_machine.travel((time.time_ns() + int(_SHIFT)) / 1e9, tick=True).start()
