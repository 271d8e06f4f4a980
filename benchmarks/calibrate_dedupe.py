"""Calibrate the near-duplicate threshold on the demo corpus.

    .venv/bin/python benchmarks/calibrate_dedupe.py [--num-perm 128]

Measures, over word 5-shingles (what `narrative.extractors.dedupe` hashes), the exact Jaccard
similarity and the MinHash estimate for
  - copies: each syndicated article (s00x) against its `original:`, as written (a dateline added,
    paragraphs dropped or reworded), and the same with the page's extraction noise (the text the flow
    actually stores, from the rendered page through trafilatura and our cleaning);
  - different stories: every other pair of articles, and separately the pairs published within two
    days of each other (different reports of one event, e.g. the two conflicting results-day stories).
Prints the distributions and the gap between the lowest copy and the highest different-story pair,
and the threshold chosen (0.4): inside the gap, a little above its middle because real different stories
share more boilerplate than ours, and still ~5 MinHash standard errors (sd ≈ sqrt(J(1-J)/128) ≈ 0.04) below the lowest copy.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from narrative.demo.corpus import load_corpus  # noqa: E402
from narrative.demo.site import SITES, render_page  # noqa: E402
from narrative.extractors.dedupe import NUM_PERM, shingles, signature  # noqa: E402
from narrative.extractors.extract import Skipped, extract_article  # noqa: E402


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def summary(name: str, xs: list[float]) -> None:
    xs = sorted(xs)
    print(f"  {name:44} n={len(xs):5}  min={xs[0]:.3f}  median={statistics.median(xs):.3f}  max={xs[-1]:.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--num-perm", type=int, default=NUM_PERM)
    args = ap.parse_args()
    arts = {a.id: a for a in load_corpus() if a.kind != "paywall"}
    raw = {i: "\n".join(p.removeprefix("## ") for p in a.paragraphs) for i, a in arts.items()}
    from datetime import datetime, timezone

    now = datetime(2100, 1, 1, tzinfo=timezone.utc)
    stored = {}
    for i, a in arts.items():  # the text the flow stores: rendered page → trafilatura → cleaning
        got = extract_article(render_page(a, []), f"https://{SITES[a.site].host}/{a.slug}", now, min_words=0, now=now)
        stored[i] = got.text if not isinstance(got, Skipped) else raw[i]
    for label, texts in (("as written", raw), ("as extracted from the rendered pages", stored)):
        sh = {i: shingles(t) for i, t in texts.items()}
        sig = {i: signature(t, args.num_perm) for i, t in texts.items()}
        copies = [(a.id, a.original) for a in arts.values() if a.kind == "syndicated" and a.original in arts]
        copy_pairs = {frozenset(p) for p in copies}
        others = [(x, y) for x, y in itertools.combinations(sorted(arts), 2) if frozenset((x, y)) not in copy_pairs]
        same_event = [(x, y) for x, y in others if abs(arts[x].published - arts[y].published) <= timedelta(days=2)]
        print(f"\n{label}: {len(copies)} copies, {len(others)} different-story pairs ({len(same_event)} within two days)")
        cj = [jaccard(sh[x], sh[y]) for x, y in copies]
        cm = [sig[x].jaccard(sig[y]) for x, y in copies]
        oj = [jaccard(sh[x], sh[y]) for x, y in others]
        om = [sig[x].jaccard(sig[y]) for x, y in others]
        ej = [jaccard(sh[x], sh[y]) for x, y in same_event]
        summary("copies vs original, exact Jaccard", cj)
        summary("copies vs original, MinHash estimate", cm)
        summary("different stories, exact Jaccard", oj)
        summary("different stories, MinHash estimate", om)
        summary("different stories within two days, Jaccard", ej)
        for (x, y), j, m in zip(copies, cj, cm):
            print(f"    {x} → {y}: Jaccard {j:.3f}, MinHash {m:.3f}")
        worst = max(zip(others, om), key=lambda t: t[1])
        print(f"    closest different stories: {worst[0][0]} / {worst[0][1]}: MinHash {worst[1]:.3f}")
        lo, hi = max(om), min(cm)
        mid = round((lo + hi) / 2, 2)
        print(f"  gap: different stories ≤ {lo:.3f} < copies ≥ {hi:.3f}; middle of the gap {mid:.2f}")
        missed = sum(m < 0.5 for m in cm)
        false = sum(m >= 0.5 for m in om)
        print(f"  at threshold 0.50: {missed} copies missed, {false} different-story pairs merged")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
