"""Why a figure is missing: the codes a use case gives instead of a number (the pages
show each as a sentence, keyed by the code)."""

from __future__ import annotations

from typing import Literal

from hubsense.query.summary import ScopeSummary

Reason = Literal[
    "reason_no_hub",  # a municipality without a hub
    "reason_no_open_days",  # no hub of the scope was open in the period
    "reason_no_data_period",  # open, but no sensor heard in the period
    "reason_no_evidence",  # no open day with enough coverage for capacity
    "reason_closed_today",
    "reason_not_open_yet",
    "reason_no_data_today",
]


def utilisation_reason(summary: ScopeSummary) -> Reason | None:
    """Why the scope has no utilisation (None: it has one)."""
    if summary.utilisation is not None:
        return None
    return "reason_no_open_days" if summary.open_days == 0 else "reason_no_data_period"
