"""``hubsense planning``: ``import FILE`` validates a facts file and prints a summary;
``report --format xlsx|csv --out FILE`` writes the planning evidence (the same as the
planning page and ``GET /api/planning/download``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from pydantic import ValidationError

from hubsense.planning.facts import FactsError


def add_parser(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    common: Callable[[argparse.ArgumentParser], argparse.ArgumentParser],
) -> None:
    """Add ``planning`` and its subcommands to the ``hubsense`` parser."""
    planning = sub.add_parser(
        "planning", help="planning evidence: facts import, projections, commuting saved"
    )
    psub = planning.add_subparsers(dest="planning_command", required=True)
    imp = common(
        psub.add_parser(
            "import",
            help="validate a planning facts file (CSV or XLSX) and print a summary",
            description="Validate a planning facts file against the schema of "
            "docs/planning.md and print what it covers. Every problem is listed with its row "
            "and column; nothing is changed. Then set planning_facts_file to it.",
        )
    )
    imp.add_argument("file", help="facts file, .csv (UTF-8, comma or semicolon) or .xlsx")
    imp.set_defaults(func=cmd_import)

    rep = common(
        psub.add_parser(
            "report",
            help="write the planning evidence as XLSX or CSV",
            description="Measured or projected desks needed per municipality (with low/"
            "high), commuting saved, the facts behind them and the assumptions. Rollups "
            "missing for the period are computed first.",
        )
    )
    rep.add_argument("--format", required=True, choices=["xlsx", "csv"])
    rep.add_argument("--out", help="output file (csv without --out: standard output)")
    rep.add_argument(
        "--from", dest="from_date", help="first day measured, YYYY-MM-DD (default: 90 days ago)"
    )
    rep.add_argument("--to", dest="to_date", help="day after the last (default: today)")
    rep.add_argument("--lang", choices=["sv", "en"], default="sv")
    rep.add_argument("--facts", help="facts file (default: planning_facts_file)")
    rep.add_argument(
        "--assume",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an assumption, as on the page and in GET /api/planning (repeatable), e.g. "
        "--assume adoption=0.002 --assume eligible=commuters",
    )
    rep.set_defaults(func=cmd_report)


def _fail(message: str, code: int = 2) -> int:
    print(f"hubsense planning: {message}", file=sys.stderr)
    return code


def _print_problems(exc: FactsError) -> int:
    print(f"{exc.source}: {len(exc.problems)} problem(s):", file=sys.stderr)
    for p in exc.problems:
        print(f"  {p}", file=sys.stderr)
    return 1


def cmd_import(args: argparse.Namespace) -> int:
    from hubsense.planning.facts import load_facts, summary_lines
    from hubsense.registry import load_registry
    from launch.cli import _settings

    settings = _settings(args)
    registry = load_registry(settings.registry)
    try:
        facts = load_facts(args.file, registry)
    except FactsError as exc:
        return _print_problems(exc)
    for line in summary_lines(facts, registry, settings.min_group_size):
        print(line)
    print(
        f"valid. Use it with HUBSENSE_PLANNING_FACTS_FILE={Path(args.file).resolve()} "
        "(or planning_facts_file in the config file).",
        file=sys.stderr,
    )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """The planning evidence as a file: the same use case, period rules and messages as
    ``GET /api/planning/download`` (``hubsense.query.planning``)."""
    from hubsense.planning.facts import load_facts
    from hubsense.planning.params import PlanningQuery
    from hubsense.query.context import QueryContext
    from hubsense.query.errors import QueryError
    from hubsense.query.planning import planning, planning_file
    from hubsense.registry import load_registry
    from launch.cli import UsageError, _settings, open_existing_store

    settings = _settings(args)
    registry = load_registry(settings.registry)
    if args.format == "xlsx" and not args.out:
        return _fail("--format xlsx needs --out FILE")
    values: dict[str, str] = {}
    for item in args.assume:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            return _fail(f"--assume {item!r}: expected NAME=VALUE")
        values[name.strip()] = value.strip()
    for forbidden in ("from", "to", "lang", "format"):
        if forbidden in values:
            return _fail(f"--assume {forbidden}=…: use --{forbidden} instead")
    try:
        query = PlanningQuery.model_validate(
            {**values, "lang": args.lang, "from": args.from_date, "to": args.to_date}
        )
    except ValidationError as exc:
        return _fail(
            "; ".join(
                f"--assume {'.'.join(str(p) for p in e['loc']) or ''}: {e['msg']}"
                for e in exc.errors()
            )
        )
    facts_path = Path(args.facts) if args.facts else settings.planning_facts_file
    try:
        facts = load_facts(facts_path, registry) if facts_path is not None else None
    except FactsError as exc:
        return _print_problems(exc)
    try:
        store = open_existing_store(settings)
    except UsageError as exc:
        return _fail(str(exc))
    try:
        ctx = QueryContext(store, registry, settings, args.clock())
        answer = planning(ctx, query, facts=facts)
        file = planning_file(ctx, answer, args.format, args.lang)
    except QueryError as exc:
        return _fail(str(exc))
    finally:
        store.close()
    plan = answer.plan
    if args.out:
        Path(args.out).write_bytes(file.body)
        print(
            f"wrote {args.out}: planning evidence, {len(plan.municipalities)} municipalities, "
            f"measured {plan.first.isoformat()} – {(plan.end - timedelta(days=1)).isoformat()}"
            + (" (INVENTED DATA in the facts file)" if plan.facts_invented else ""),
            file=sys.stderr,
        )
    else:
        sys.stdout.buffer.write(file.body)
        sys.stdout.flush()
    return 0
