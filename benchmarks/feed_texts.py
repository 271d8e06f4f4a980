"""Item texts of the real RSS/Atom feeds for the fresh feed-item figure set.

    .venv/bin/python benchmarks/feed_texts.py show [FEED]    # items with number-like tokens and their offsets
    .venv/bin/python benchmarks/feed_texts.py check          # every label's surface and sha1 against the rebuilt text

An item's text is its `title` + "\\n\\n" + its summary with HTML tags removed, entities unescaped
and whitespace runs collapsed (built with feedparser, deterministic). The feeds stay in the shared
evaluation data (NARRATIVE_EVAL_DATA, default ../shared/eval-data, folder `feeds/`); the gold set
`benchmarks/data/figures_feeds.jsonl` holds offsets, short surfaces and fields only.
`show` is a reading aid: it lists number-like tokens and suggests no labels.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "benchmarks" / "data" / "figures_feeds.jsonl"

FEEDS = (
    "googlenews-search-site-reuters-markets-2026.xml",
    "yahoo-news-latest-2019.xml",
    "techcrunch-2011-leading-whitespace.xml",
    "nyt-business-2026.xml",
    "livemint-cdata-everywhere-2019.xml",
    "cnbc-international-top-news-2026.xml",
    "guardian-international-2018.rss",
    "google-alerts-slack-2019.atom",
    "macworld-relative-links-2017.rss",
    "seekingalpha-aapl-2026.xml",
)

CAND = re.compile(
    r"(?:US\$|HK\$|NZ\$|C\$|A\$|Rs\.?|₹|\$|€|£|¥)?\s?\d[\d,.]*\s?(?:%|percent|per cent|percentage points?|basis points?|bps|x\b|-fold|"
    r"(?:\s?(?:trillion|billion|million|thousand|crore|lakh|bn|mn|m|k)\b))?"
    r"|\b(?:double[ds]?|doubling|tripled?|halved?|twice|twofold|threefold|fourfold|single-digit|double-digit|triple-digit)\b"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|hundreds|thousands|millions|billions|dozens?|half|third|quarter)\b",
    re.I,
)
_TAG = re.compile(r"<[^>]*>")
_WS = re.compile(r"\s+")


def data_dir() -> Path:
    default = Path(__file__).resolve().parents[2] / "shared" / "eval-data"
    return Path(os.environ.get("NARRATIVE_EVAL_DATA", str(default))) / "feeds"


def clean(s: str) -> str:
    s = _TAG.sub(" ", s or "")
    s = html.unescape(s)
    return _WS.sub(" ", s).strip()


def feed_items() -> list[dict]:
    """[{feed, index, text, sha1}] for every item of the business feeds; [] without the eval data."""
    folder = data_dir()
    if not folder.is_dir():
        return []
    import feedparser

    out = []
    for name in FEEDS:
        path = folder / name
        if not path.is_file():
            continue
        parsed = feedparser.parse(path.read_bytes())
        for i, e in enumerate(parsed.entries):
            title = clean(e.get("title", ""))
            summary = clean(e.get("summary", ""))
            text = title + "\n\n" + summary
            out.append({"feed": name, "index": i, "text": text,
                        "sha1": hashlib.sha1(text.encode("utf-8")).hexdigest()})
    return out


def show(feed: str | None) -> None:
    for it in feed_items():
        if feed and it["feed"] != feed:
            continue
        text = it["text"]
        cands = [(c.start() + (len(c.group()) - len(c.group().lstrip())), c.group().strip())
                 for c in CAND.finditer(text) if c.group().strip()]
        if not any(ch.isdigit() for _, t in cands for ch in t) and not cands:
            continue
        print(f"\n== {it['feed']} #{it['index']} ({len(text)} chars)")
        print(text)
        print("    " + " | ".join(f"{o}:{t}" for o, t in cands))


def load() -> list[dict]:
    if not GOLD.is_file():
        return []
    return [json.loads(line) for line in GOLD.read_text("utf-8").splitlines() if line.strip()]


def check() -> int:
    items = {(it["feed"], it["index"]): it for it in feed_items()}
    if not items:
        print("eval data absent: nothing checked")
        return 0
    bad = n = 0
    for row in load():
        it = items.get((row["feed"], row["index"]))
        if it is None or it["sha1"] != row["text_sha1"] or len(it["text"]) != row["text_chars"]:
            print(f"{row['feed']}#{row['index']}: the item text changed since annotation")
            bad += 1
            continue
        for f in row["figures"]:
            n += 1
            if it["text"][f["start"]: f["end"]] != f["surface"]:
                print(f"{row['feed']}#{row['index']}@{f['start']}: {it['text'][f['start']: f['end']]!r} != {f['surface']!r}")
                bad += 1
    print(f"{len(load())} items, {n} labels checked, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "check"
    if cmd == "show":
        show(sys.argv[2] if len(sys.argv) > 2 else None)
    else:
        sys.exit(check())
