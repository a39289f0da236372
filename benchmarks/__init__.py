"""Benchmarks against real servers: ``python -m benchmarks.run [--quick] [--only ...]``.

Not tests: they measure, repeat, and write ``benchmarks/results/latest.{json,md}``.
"""
