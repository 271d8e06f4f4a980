"""CLI commands for the warehouse layer: `register(sub, common, commands)` adds parsers and handlers.

Each handler takes the parsed args and returns an exit code; settings come from
`narrative.flows.settings.load_settings(args.config, db=args.db)`.
"""

from __future__ import annotations


def register(sub, common, commands: dict) -> None:
    """Add this group's subcommands (each with `common(p)` for --config/--db) and their handlers."""
    p = sub.add_parser("sql", help="run SQL on a read-only connection and print a table (no query: interactive)")
    common(p)
    p.add_argument("query", nargs="?", help="SQL text; omit for an interactive prompt")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    commands["sql"] = cmd_sql

    p = sub.add_parser("queries", help="list the named views with a line each")
    common(p)
    commands["queries"] = cmd_queries


def cmd_sql(args) -> int:
    from .settings import load_settings
    from .sqlshell import run_sql

    s = load_settings(args.config, db=args.db)
    return run_sql(s.db, args.query, args.format)


def cmd_queries(args) -> int:
    from ..warehouse.views import VIEWS

    for name, (doc, _sql) in VIEWS.items():
        print(f"{name:24} {doc}")
    return 0
