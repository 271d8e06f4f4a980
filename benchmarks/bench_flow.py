"""Replay the sample corpus scaled up (distinct URLs) through the real daily flow; print articles per
second per stage and end to end, and peak memory.

    .venv/bin/python benchmarks/bench_flow.py --scales 10 50

Each copy k of an article gets its own title and URL and a distinct closing line, and near-duplicate
detection is switched off (exact duplicates only) so that copies are annotated like new stories rather than
linked as syndicated copies: the benchmark measures the cost of new articles.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="bench-prefect-"))
from narrative.offline import set_offline_env  # noqa: E402

set_offline_env()


def scaled(scale: int):
    from narrative.demo.corpus import load_corpus

    base = load_corpus()
    out = []
    for k in range(scale):
        for a in base:
            if k == 0:
                out.append(a)
                continue
            out.append(replace(a, id=f"{a.id}x{k}", title=f"Replay {k}: {a.title}",
                               original=f"{a.original}x{k}" if a.original else None,
                               paragraphs=a.paragraphs + (f"Replay copy number {k} of story {a.id} for the benchmark.",)))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scales", type=int, nargs="+", default=[10, 50])
    args = ap.parse_args(argv)

    from narrative.demo.server import SiteServer, corpus_routes
    from narrative.flows.daily import run_daily
    from narrative.cli.demo import demo_settings
    from narrative.flows.settings import Settings

    print(f"{'scale':>5} {'articles':>8} {'annotated':>9} | " + " ".join(f"{s:>10}" for s in
          ("fetch/s", "extract/s", "triage/s", "annot/s", "load/s", "e2e/s")) + " | peak RSS")
    for scale in args.scales:
        arts = scaled(scale)
        with tempfile.TemporaryDirectory() as tmp, SiteServer(corpus_routes(arts)) as srv:
            s = replace(demo_settings(Settings(), srv, str(Path(tmp) / "bench.duckdb")),
                        near_duplicate_threshold=None, per_host_interval=0.0, per_host_concurrency=8, fetch_workers=8)
            t0 = time.perf_counter()
            rep = run_daily(s, None, trigger="bench", show_progress=False)
            total = time.perf_counter() - t0
        n, t = rep.counts["fetched"], rep.timings
        ann = rep.counts["annotated"]
        rate = lambda k, m: f"{m / t[k]:10.1f}" if t.get(k) else f"{'-':>10}"  # noqa: E731
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{scale:>5} {n:>8} {ann:>9} | {rate('fetch', n)} {rate('extract', n)} {rate('triage', n)} "
              f"{rate('annotate', ann)} {rate('load', n)} {n / total:10.1f} | {rss:.0f} MB", flush=True)
        print(f"      stage seconds: {t}; end to end {total:.1f}s (includes Prefect start-up and model loading)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
