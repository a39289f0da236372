"""Planning evidence: where the next hub goes and how big (docs/planning.md).

* ``facts`` — the facts file (CSV/XLSX, aggregated per municipality and period): schema
  and validated import.
* ``privacy`` — the minimum group size: what is published as ``<5``.
* ``model`` — projection and benefit maths, pure functions on plain numbers.
* ``measure`` — what the sensors measured per municipality (from ``hubsense.analytics``).
* ``plan`` — all of it per municipality, published and ranked.
* ``service`` — the plan from the store, the configured facts file and the assumptions.
* ``export`` — the plan as tables, CSV and XLSX; ``cli`` — ``hubsense planning``.
"""
