"""The composition roots: the ``hubsense`` command (``launch.cli``), the demo
(``launch.demo``) and the web app's wiring (``launch.app``).

Why a package of its own: these are the only modules that import everything (the domain
``hubsense``, ``collector``, ``api``, ``dashboards``, ``simulators``) to start it, so the
domain package imports none of them (``[tool.importlinter]`` in pyproject.toml checks it).
"""
