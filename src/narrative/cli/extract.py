"""CLI commands for the extract layer: `register(sub, common, commands)` adds parsers and handlers.

Each handler takes the parsed args and returns an exit code; settings come from
`options.settings_for(args)`.

  narrative extract PATH… [--url URL]       what the pipeline makes of saved pages (JSON lines)
  narrative feeds check URL|FILE… [--json]  parse feeds; entries, title and problems per feed
  narrative feeds discover URL              a site's feeds (trafilatura's discovery on bytes we fetched)
  narrative replay PATH…                    one run of the daily flow over saved pages and WARC files
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .options import settings_for


def register(sub, common, commands: dict) -> None:
    """Add this group's subcommands (each with `common(p)` for --config/--db) and their handlers."""
    p = sub.add_parser("extract", help="print what the pipeline extracts from saved pages (one JSON line per input, a summary on stderr)",
                       description="HTML files, .html.gz files, folders of them, or WARC files (whose records carry each "
                                   "page's URL). Prints one row for every input (page, or WARC record of a page): path, url, title, "
                                   "authors, published_at, site, language, text, or `skipped` with its reason (not_http, "
                                   "not_html, too_short, paywall, not_article, …); a summary line on stderr counts them by reason.")
    common(p)
    p.add_argument("paths", nargs="+", metavar="PATH", help="an HTML/.html.gz file, a folder of them, or a WARC file")
    p.add_argument("--url", help="the URL the page was served from (for single files without a canonical link)")
    p.add_argument("--min-words", type=int, help="shorter bodies are kept only as news briefs: a declared article, or dated "
                   "and headlined, in sentences, of 40 words or more (default from settings: 120)")
    commands["extract"] = cmd_extract

    p = sub.add_parser("feeds", help="check feeds (entries, title, problems) or discover a site's feeds",
                       description="`feeds check URL|FILE…`: parse feeds and print, per feed, the number of entries, the "
                                   "title and any problem found. `feeds discover URL`: the feeds a site links to "
                                   "(trafilatura's feed discovery on the page we fetched), each checked.")
    common(p)
    p.add_argument("action", choices=["check", "discover"], help="check: parse the feeds given; discover: find a site's feeds")
    p.add_argument("targets", nargs="+", metavar="URL|FILE", help="feeds to check (URLs or files), or the site to search")
    p.add_argument("--json", action="store_true", help="one JSON line per feed (check: source, title, entries, problems, aggregator_links, publishers)")
    commands["feeds"] = cmd_feeds

    p = sub.add_parser("replay", help="run the daily flow over saved pages (folders of HTML, WARC files) instead of fetching",
                       description="Offline replay: pages take the same path as fetched ones (extract, dedupe, relevance, "
                                   "annotate, load). Adds to the `replay` setting; configured feeds are read too.")
    common(p)
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--no-progress", action="store_true")
    commands["replay"] = cmd_replay


def cmd_extract(args) -> int:
    from collections import Counter

    from ..extractors.extract import Skipped, extract_article
    from ..extractors.sources import ReplayStats, replay_inputs

    s = settings_for(args)
    min_words = args.min_words if args.min_words is not None else s.min_words
    stats = ReplayStats()
    outcome: Counter = Counter()
    for x in replay_inputs(args.paths, stats, args.url):
        if x.page is None:
            res = Skipped(x.url, x.reason or "unreadable", x.detail)
        else:
            try:
                res = extract_article(x.page.text(), x.page.final_url, x.page.fetched_at, None, min_words=min_words)
            except Exception as exc:  # noqa: BLE001 - one page's failure is its row, not the end of the run
                res = Skipped(x.page.final_url, "failed", f"{type(exc).__name__}: {exc}"[:200])
        if isinstance(res, Skipped):
            outcome[res.reason] += 1
            row = {"path": x.origin, "url": res.url or x.url, "title": res.title, "skipped": res.reason, "detail": res.detail}
        else:
            outcome["article"] += 1
            row = {"path": x.origin, "url": x.page.final_url, "canonical_url": res.canonical_url, "title": res.title,
                   "authors": list(res.authors), "published_at": res.published_at.isoformat() if res.published_at else None,
                   "site": res.site, "language": res.language, "words": res.word_count, "text": res.text}
        print(json.dumps(row, ensure_ascii=False))
    line = accounting_line(outcome, stats.skipped.get("not_page", 0))
    if stats.skipped.get("not_read"):
        line += f"; {stats.skipped['not_read']} files in folders not read (not HTML or WARC by their names)"
    print("narrative extract: " + line, file=sys.stderr)
    if not outcome:
        print("narrative extract: no HTML pages found in " + ", ".join(args.paths), file=sys.stderr)
        return 1
    return 0


def accounting_line(outcome, not_pages: int = 0) -> str:
    """'12 inputs: 9 articles, 3 skipped (too_short 2, not_http 1)': every input counted once, by what became of it."""
    total = sum(outcome.values())
    skipped = {k: v for k, v in outcome.items() if k != "article"}
    line = f"{total} inputs: {outcome.get('article', 0)} articles, {sum(skipped.values())} skipped"
    if skipped:
        line += " (" + ", ".join(f"{k} {v}" for k, v in sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0]))) + ")"
    if not_pages:
        line += f"; {not_pages} WARC records that describe others (warcinfo, request, metadata) not counted as inputs"
    return line


def _fetcher(args):
    from ..flows.steps import make_fetcher

    return make_fetcher(settings_for(args))


def cmd_feeds(args) -> int:
    return _feeds_check(args) if args.action == "check" else _feeds_discover(args)


def _feeds_check(args) -> int:
    from ..extractors.aggregator import is_aggregator_link, publisher_key
    from ..extractors.feeds import parse_feed
    from ..extractors.records import FeedResult
    from ..flows.steps import read_feed

    fetcher = None
    bad = 0
    for src in args.targets:
        path = Path(src)
        if "://" not in src and path.exists():
            data = path.read_bytes()
            r = parse_feed(data, path.resolve().as_uri())
        else:
            fetcher = fetcher or _fetcher(args)
            r = read_feed(fetcher, src, None, None)
        assert isinstance(r, FeedResult)
        bad += r.status == "failed"
        agg = [e for e in r.entries if is_aggregator_link(e.url)]
        publishers = sorted({publisher_key(e.source_url) for e in agg if e.source_url})
        if args.json:
            print(json.dumps({"source": src, "title": r.title, "entries": len(r.entries), "items": r.items,
                              "format": r.version, "status": r.status, "problems": list(r.problems),
                              "aggregator_links": len(agg), "publishers": publishers}, ensure_ascii=False))
        else:
            problems = "; ".join(r.problems) if r.problems else "no problems"
            print(f"{src}\n  {r.status}: {len(r.entries)} entries, title {r.title!r}, format {r.version or '?'}\n  {problems}")
            if agg:
                print(f"  aggregator: {len(agg)} of {len(r.entries)} entries link to an aggregator's script page (never "
                      f"fetched); each is resolved through its publisher's own feeds, or kept as a headline without a "
                      f"body ({len(publishers)} publishers: {', '.join(publishers[:5])}{', …' if len(publishers) > 5 else ''}). "
                      "Google News's terms allow its feeds only in a personal feed reader: prefer publishers' own feeds.")
    return 1 if bad == len(args.targets) else 0


def _feeds_discover(args) -> int:
    fetcher = _fetcher(args)
    status = 0
    for site in args.targets:
        status = max(status, _discover_one(fetcher, site, args.json))
    return status


def _discover_one(fetcher, url: str, as_json: bool) -> int:
    from ..extractors.feeds import discover_feeds, parse_feed
    from ..extractors.errors import FetchError
    from ..extractors.fetch import FEED_TYPES, HTML_TYPES

    try:
        page = fetcher.get(url, accept=HTML_TYPES + FEED_TYPES)
    except FetchError as exc:
        print(f"narrative: {url}: {exc.reason} ({exc.detail})", file=sys.stderr)
        return 1
    found = 0
    for feed in discover_feeds(page.text(), page.final_url):
        try:
            fp = fetcher.get(feed, accept=FEED_TYPES)
        except FetchError as exc:
            row = {"feed": feed, "ok": False, "problem": f"{exc.reason}: {exc.detail}"}
        else:
            r = parse_feed(fp.body, fp.final_url, fp.headers)
            row = {"feed": feed, "ok": r.status == "ok", "title": r.title, "entries": len(r.entries), "problems": list(r.problems)}
        found += bool(row["ok"])
        print(json.dumps(row, ensure_ascii=False) if as_json else
              f"{feed}  " + (f"{row['entries']} entries, {row['title']!r}" if row["ok"] else row.get("problem") or "; ".join(row.get("problems", []))))
    if not found:
        print(f"narrative: no working feed found for {url}", file=sys.stderr)
        return 1
    return 0


def cmd_replay(args) -> int:
    from dataclasses import replace

    from ..flows.daily import run_daily
    from .report import print_report

    s = settings_for(args)
    s = replace(s, replay=tuple(s.replay) + tuple(args.paths))
    report = run_daily(s, None, trigger="replay", show_progress=not args.no_progress)
    print_report(s.db, report)
    return 0
