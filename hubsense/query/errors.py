"""The errors of a question that cannot be answered as asked.

Why domain errors and not HTTP ones: the API, the dashboards and the CLI ask the same
questions and must show the same sentence for the same mistake. The API maps ``NotFound``
to 404 and every other ``QueryError`` to 422; a page shows the text in its banner; the CLI
prints it and exits with code 2.
"""

from __future__ import annotations

_MAX_ID_ECHO = 64


class QueryError(ValueError):
    """A question that cannot be answered as asked: a bad date, a range that is too long or
    in the future, a scope the use case does not support, a malformed id. ``str(error)``
    is the text shown to whoever asked."""


class NotFound(QueryError):
    """The question names a municipality, hub, zone or desk the registry does not have."""


def show_id(value: str) -> str:
    """An id as it may appear in an error message: quoted, escaped and length-limited
    (ids come from callers, so they are echoed with care)."""
    if len(value) > _MAX_ID_ECHO:
        return repr(value[:_MAX_ID_ECHO]) + f"... ({len(value)} characters)"
    return repr(value)
