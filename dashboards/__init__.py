"""HTML dashboards served by the API app (see dashboards/README.md).

``dashboards.pages.router`` is mounted by ``api.app.create_app``.
"""
