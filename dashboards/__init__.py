"""HTML dashboards served by the API app (see dashboards/README.md).

``dashboards.pages.router`` is mounted by ``launch.app.create_app``; the pages' numbers are
``hubsense.query``'s answers (the dashboards import no API router).
"""
