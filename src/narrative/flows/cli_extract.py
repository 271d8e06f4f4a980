"""CLI commands for the extract layer: `register(sub, common, commands)` adds parsers and handlers.

Each handler takes the parsed args and returns an exit code; settings come from
`narrative.flows.settings.load_settings(args.config, db=args.db)`.
"""

from __future__ import annotations


def register(sub, common, commands: dict) -> None:
    """Add this group's subcommands (each with `common(p)` for --config/--db) and their handlers."""
    return None
