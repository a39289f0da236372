"""The read use cases: every question the API, the dashboards and the CLI answer about
utilisation, capacity, reports and planning, asked in one place.

Why a layer of its own: the same question (a municipality's utilisation over a period, a
report file, a planning run) used to be answered three times, by the API's routers, by the
pages (which called the routers) and by the CLI (with its own period rules, wording and
time zone). Here each use case is one small module with one function; it takes a
``QueryContext`` (store, registry, settings, the moment asked) and plain arguments, returns
frozen dataclasses whose field names are the published glossary names (so the API builds
its response models from them with ``model_validate(obj, from_attributes=True)``), and
raises ``QueryError``/``NotFound`` with the text every caller shows. Nothing here knows
about HTTP, HTML or argparse.
"""

from hubsense.query.context import QueryContext, region_tz
from hubsense.query.errors import NotFound, QueryError
from hubsense.query.period import Period, period

__all__ = ["NotFound", "Period", "QueryContext", "QueryError", "period", "region_tz"]
