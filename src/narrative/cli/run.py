"""CLI commands that run the pipeline: `demo`, `ingest`, `digest` and `serve`."""

from __future__ import annotations

import sys
from pathlib import Path

from .options import settings_for


def register(sub, _common, commands: dict) -> None:
    """Add this group's subcommands (each with `_common(p)` for --config/--db/-v) and their handlers."""
    p = sub.add_parser("demo", help="run the whole daily flow on the bundled sample corpus, served over local HTTP")
    _common(p)
    p.add_argument("--out", default="demo-output", metavar="DIR", help="where the DuckDB file and digest go (default ./demo-output)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")

    p = sub.add_parser("ingest", help="run the daily flow once against the configured feeds")
    _common(p)
    p.add_argument("--feed", action="append", default=[], metavar="URL", help="a feed URL (repeatable; adds to the config's feeds)")
    p.add_argument("--digest-dir", metavar="DIR", help="also write the digest .eml/.html here")
    p.add_argument("--no-progress", action="store_true")

    p = sub.add_parser("digest", help="compose the digest from the warehouse; write it, preview it, or send it by SMTP")
    _common(p)
    p.add_argument("--date", metavar="D", help="the digest's date: YYYY-MM-DD, today, yesterday or latest (default from settings: latest)")
    p.add_argument("--days", type=int, help="days of news the digest covers, ending on its date (default from settings: 1)")
    p.add_argument("--out", default=".", metavar="DIR", help="where digest.eml, digest.html and the chart PNGs go (default .)")
    p.add_argument("--send", action="store_true", help="send through the configured SMTP server, one message per recipient, "
                   "once per date and recipient")
    p.add_argument("--resend", action="store_true", help="with --send: send again to recipients who already have this date's digest")
    p.add_argument("--to", action="append", default=[], metavar="ADDR", help="recipient (repeatable; replaces digest_to)")
    p.add_argument("--dry-run", action="store_true", help="write the .eml and .html only: send nothing, record nothing")
    p.add_argument("--preview", action="store_true", help="--dry-run, plus PNG screenshots of the HTML (desktop and mobile "
                   "width) with headless Chromium when it is installed")

    p = sub.add_parser("serve", help="run the daily flow on a schedule (a real Prefect server: PREFECT_API_URL's, "
                                     "or one started on 127.0.0.1 and stopped with serve)")
    _common(p)
    p.add_argument("--cron", metavar="EXPR", help="cron expression (default from settings `schedule_cron`: '0 6 * * *')")
    p.add_argument("--timezone", metavar="TZ", help="IANA time zone the cron is read in (default from settings `timezone`: UTC)")
    p.add_argument("--interval", type=float, metavar="SECONDS", help="every SECONDS instead of the cron (for trying it out)")

    commands.update({"demo": cmd_demo, "ingest": cmd_ingest, "digest": cmd_digest, "serve": cmd_serve})


def cmd_demo(args) -> int:
    from .demo import run_demo

    out = Path(args.out)
    s = settings_for(args)
    db = args.db or str(out / "narrative.duckdb")
    return run_demo(s, out, db, show_progress=not args.no_progress)


def cmd_ingest(args) -> int:
    from ..flows.daily import run_daily
    from .report import print_report

    s = settings_for(args)
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

    from ..flows.digesting import make_digest
    from ..warehouse.db import Warehouse

    s = settings_for(args)
    if args.days:
        s = replace(s, digest_days=args.days)
    if args.to:
        s = replace(s, digest_to=tuple(args.to))
    problem = _digest_usage(args.date, s.timezone)
    if problem:
        print(f"narrative: {problem}", file=sys.stderr)
        return 2
    dry = args.dry_run or args.preview
    if dry and (args.send or args.resend):
        print("narrative: --dry-run/--preview send nothing: drop --send/--resend", file=sys.stderr)
        return 2
    if not args.send:
        s = replace(s, smtp_host=None)
    elif not s.smtp_host:
        print("narrative: --send needs smtp_host in the config (or NARRATIVE_SMTP_HOST)", file=sys.stderr)
        return 2
    elif s.smtp_user and not s.smtp_password:  # refused before any try, as `narrative config check` says
        print(f"narrative: SMTP login as {s.smtp_user!r} needs a password: set NARRATIVE_SMTP_PASSWORD in the environment",
              file=sys.stderr)
        return 2
    with Warehouse.open(s.db, read_only=dry) as wh:  # a dry run records nothing: a read-only open
        paths, status = make_digest(wh, s, args.out, None, date=args.date, dry_run=dry, resend=args.resend)
    for p in paths:
        print(p)
    if args.preview and paths:
        _preview(Path(paths[1]), s.chromium)
    print(f"digest: {status}")
    if status.startswith("failed"):  # recorded in `digests`; a scheduler sees the send failed (README: Exit codes)
        from .exits import RUN_FAILED

        return RUN_FAILED
    return 0


def _digest_usage(day: str | None, tz: str) -> str | None:
    """A bad --date or time zone is bad usage (exit 2), said in a line, not a failed digest with a traceback."""
    from datetime import date
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(tz)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return f"unknown time zone {tz!r}: use an IANA name such as UTC or Asia/Shanghai"
    if day and day not in ("today", "yesterday", "latest"):
        try:
            date.fromisoformat(day)
        except ValueError:
            return f"--date {day!r}: use YYYY-MM-DD, today, yesterday or latest"
    return None


def _preview(html: Path, chromium: str | None) -> None:
    """digest.png (desktop width) and digest-mobile.png beside the .html, or why not."""
    from ..digest.preview import PreviewUnavailable, screenshot

    try:
        for name, width in (("digest.png", 760), ("digest-mobile.png", 390)):
            print(screenshot(html, html.with_name(name), width=width, chromium=chromium))
    except PreviewUnavailable as exc:
        print(str(exc), file=sys.stderr)


def cmd_serve(args) -> int:
    from ..flows.serve import serve

    s = settings_for(args, schedule_cron=args.cron, timezone=args.timezone)
    if not s.feeds and not s.replay:
        print("narrative: no feeds configured (set `feeds` in --config)", file=sys.stderr)
        return 2
    # what each run receives: the config file's path and the flags given here (JSON), not a Settings object
    overrides = {"db": args.db} if args.db else {}
    return serve(s, args.config, overrides, s.schedule_cron, s.timezone, interval=args.interval)
