"""The `narrative` command. Builds settings (flows.settings) and calls flows; prints for people."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path


def _quiet_prefect() -> None:
    """Prefect must not phone home; keep its logs out of the report unless asked."""
    from .offline import set_offline_env

    set_offline_env()


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time of the record (not the stream of the first call)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def _configure_logging(verbose: bool) -> None:
    root = logging.getLogger()
    if not any(isinstance(h, _StderrHandler) for h in root.handlers):
        h = _StderrHandler()
        h.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(h)
    root.setLevel(logging.INFO if verbose else logging.WARNING)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="TOML settings file (see README: Configuration)")
    p.add_argument("--db", metavar="PATH", help="DuckDB warehouse file (default ./narrative.duckdb)")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress details")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="narrative", description="Track how the press tells one story over time.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("demo", help="run the whole daily flow on the bundled sample corpus, served over local HTTP")
    _common(p)
    p.add_argument("--out", default="demo-output", metavar="DIR", help="where the DuckDB file and digest go (default ./demo-output)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")

    p = sub.add_parser("ingest", help="run the daily flow once against the configured feeds")
    _common(p)
    p.add_argument("--feed", action="append", default=[], metavar="URL", help="a feed URL (repeatable; adds to the config's feeds)")
    p.add_argument("--digest-dir", metavar="DIR", help="also write the digest .eml/.html here")
    p.add_argument("--no-progress", action="store_true")

    p = sub.add_parser("digest", help="compose the digest from the warehouse; write it and/or send it by SMTP")
    _common(p)
    p.add_argument("--out", default=".", metavar="DIR", help="where digest.eml and digest.html go (default .)")
    p.add_argument("--days", type=int, help="days of news the digest covers (default from settings: 1)")
    p.add_argument("--send", action="store_true", help="send through the configured SMTP server")

    p = sub.add_parser("serve", help="run the daily flow on a schedule (Prefect serve; cron from settings)")
    _common(p)
    p.add_argument("--cron", help="cron expression (default from settings: '0 6 * * *')")

    # command groups that live beside the layer they expose; each registers its parsers and handlers
    for module in _COMMAND_MODULES:
        _import(module).register(sub, _common, COMMANDS)
    return parser


_COMMAND_MODULES = ("narrative.flows.cli_extract", "narrative.flows.cli_models", "narrative.flows.cli_warehouse")


def _import(name: str):
    import importlib

    return importlib.import_module(name)


def main(argv: list[str] | None = None) -> int:
    _quiet_prefect()
    args = build_parser().parse_args(argv)
    _configure_logging(args.verbose)
    from .warehouse.db import WarehouseError

    try:
        return COMMANDS[args.command](args)
    except WarehouseError as exc:
        print(f"narrative: {exc}", file=sys.stderr)
        return 3
    except (ValueError, FileNotFoundError) as exc:
        print(f"narrative: {exc}", file=sys.stderr)
        return 2


def _settings(args, **over):
    from .flows.settings import load_settings

    return load_settings(args.config, db=getattr(args, "db", None), **over)


def cmd_demo(args) -> int:
    from .flows.demo import run_demo

    out = Path(args.out)
    s = _settings(args)
    db = args.db or str(out / "narrative.duckdb")
    return run_demo(s, out, db, show_progress=not args.no_progress)


def cmd_ingest(args) -> int:
    from .flows.daily import run_daily
    from .flows.report import print_report

    s = _settings(args)
    if args.feed:
        from dataclasses import replace

        s = replace(s, feeds=tuple(s.feeds) + tuple(args.feed))
    if not s.feeds:
        print("narrative: no feeds configured: pass --feed URL or set `feeds` in a --config file", file=sys.stderr)
        return 2
    report = run_daily(s, args.digest_dir, trigger="ingest", show_progress=not args.no_progress)
    print_report(s.db, report)
    return 0


def cmd_digest(args) -> int:
    from dataclasses import replace

    from .flows.digesting import make_digest
    from .warehouse.db import Warehouse

    s = _settings(args)
    if args.days:
        s = replace(s, digest_days=args.days)
    if not args.send:
        s = replace(s, smtp_host=None)
    elif not s.smtp_host:
        print("narrative: --send needs smtp_host in the config (or NARRATIVE_SMTP_HOST)", file=sys.stderr)
        return 2
    with Warehouse.open(s.db) as wh:
        paths, status = make_digest(wh, s, args.out, None)
    for p in paths:
        print(p)
    print(f"digest: {status}")
    return 0 if not status.startswith("failed") else 1


def cmd_serve(args) -> int:
    from .flows.daily import daily_ingest

    s = _settings(args)
    if not s.feeds:
        print("narrative: no feeds configured (set `feeds` in --config)", file=sys.stderr)
        return 2
    daily_ingest.serve(name="narrative-daily", cron=args.cron or s.schedule_cron, parameters={"s": s, "trigger": "serve", "show_progress": False})
    return 0


COMMANDS = {"demo": cmd_demo, "ingest": cmd_ingest, "digest": cmd_digest, "serve": cmd_serve}

if __name__ == "__main__":
    raise SystemExit(main())
