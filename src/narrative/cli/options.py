"""What every command shares: the common options and the one way a command builds its settings."""

from __future__ import annotations

import argparse


def common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="TOML settings file (see README: Pointing it at real feeds; check it with `narrative config check`)")
    p.add_argument("--db", metavar="PATH", help="DuckDB warehouse file (default ./narrative.duckdb)")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress details")


def settings_for(args, **over):
    """Settings from packaged defaults < --config file < NARRATIVE_* environment < --db and `over`."""
    from ..flows.settings import load_settings

    return load_settings(args.config, db=getattr(args, "db", None), **over)
