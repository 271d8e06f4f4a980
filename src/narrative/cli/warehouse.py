"""CLI commands for the warehouse layer: `register(sub, common, commands)` adds parsers and handlers.

Each handler takes the parsed args and returns an exit code; settings come from
`options.settings_for(args)`.
"""

from __future__ import annotations

from .options import settings_for

_WAIT_HELP = "seconds to wait while a run is merging into the file (default 5)"


def register(sub, common, commands: dict) -> None:
    """Add this group's subcommands (each with `common(p)` for --config/--db) and their handlers."""
    p = sub.add_parser("sql", help="run SQL on a read-only connection and print a table (no query: interactive)",
                       description="Run SQL on a read-only connection. Named views: `narrative queries`.")
    common(p)
    p.add_argument("query", nargs="?", help="SQL text; omit for an interactive prompt")
    p.add_argument("--format", choices=["table", "csv", "json", "parquet"], default="table",
                   help="output format (parquet needs --output)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the result to FILE instead of stdout")
    p.add_argument("--wait", type=float, default=5.0, metavar="SECONDS", help=_WAIT_HELP)
    commands["sql"] = cmd_sql

    p = sub.add_parser("queries", help="list the named views with a line each")
    common(p)
    commands["queries"] = cmd_queries

    p = sub.add_parser("search", help="full-text search over article titles and text, ranked by BM25")
    common(p)
    p.add_argument("query", help="words to search for (stemmed; English stopwords ignored)")
    p.add_argument("--limit", "-n", type=int, default=10, help="how many results (default 10)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--wait", type=float, default=5.0, metavar="SECONDS", help=_WAIT_HELP)
    commands["search"] = cmd_search

    p = sub.add_parser("export", help="write every table as Parquet, partitioned by date, for other engines")
    common(p)
    p.add_argument("--parquet", required=True, metavar="DIR", help="output folder (one sub-folder per table)")
    p.add_argument("--wait", type=float, default=5.0, metavar="SECONDS", help=_WAIT_HELP)
    commands["export"] = cmd_export


def _db(args) -> str:
    return settings_for(args).db


def cmd_sql(args) -> int:
    from .sqlshell import run_sql

    return run_sql(_db(args), args.query, args.format, args.output, args.wait)


def cmd_queries(args) -> int:
    from ..warehouse.views import MACROS, VIEWS

    for name, (doc, _sql) in VIEWS.items():
        print(f"{name:24} {doc}")
    for name, (doc, params, _sql) in MACROS.items():
        print(f"{name + '(' + params + ')':24} {doc}")
    print(f"{'search_articles(q, n)':24} Articles ranked by BM25 for the words q (full-text index over title + text).")
    return 0


def cmd_search(args) -> int:
    from .sqlshell import run_search

    return run_search(_db(args), args.query, args.limit, args.format, args.wait)


def cmd_export(args) -> int:
    from .sqlshell import run_export

    return run_export(_db(args), args.parquet, args.wait)
