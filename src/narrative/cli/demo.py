"""`narrative demo`: serve the bundled corpus on 127.0.0.1 and run the real daily flow against it."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from ..demo.server import SiteServer, corpus_routes, demo_feed_urls
from ..flows.daily import run_daily
from ..flows.settings import Settings
from .report import print_report


def demo_settings(s: Settings, server: SiteServer, db: str) -> Settings:
    return replace(
        s, db=db, feeds=demo_feed_urls(), resolve=server.resolve_map(), allow_private=True,
        per_host_interval=min(s.per_host_interval, 0.02), per_host_concurrency=max(s.per_host_concurrency, 4),
        digest_days=7 if s.digest_days == 1 else s.digest_days,
    )


def run_demo(s: Settings, out: Path, db: str, show_progress: bool = True) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with SiteServer(corpus_routes()) as server:
        ds = demo_settings(s, server, db)
        print(f"Serving the sample corpus on http://127.0.0.1:{server.port} for {len(server.hosts())} invented hosts; "
              f"{len(ds.feeds)} feeds.")
        t0 = time.perf_counter()
        report = run_daily(ds, out, trigger="demo", show_progress=show_progress)
        elapsed = time.perf_counter() - t0
    print_report(db, report, elapsed)
    return 0
