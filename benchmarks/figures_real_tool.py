"""Helper for the real-text figure gold set (benchmarks/data/figures_real.jsonl).

    .venv/bin/python benchmarks/figures_real_tool.py show PAGE_ID     # the page's sentences with candidate numbers
    .venv/bin/python benchmarks/figures_real_tool.py check            # every label's surface against the page text
    .venv/bin/python benchmarks/figures_real_tool.py context [PAGE]   # every label in 100 characters of context

`show` lists every number-like token (digits, currency, scale and percent words, number words,
"double", "triple-digit") with its character offset in the page's truth `body`, sentence by
sentence: the annotator reads it and decides the labels; the tool suggests none. The pages
themselves stay in the shared evaluation data (NARRATIVE_EVAL_DATA, default ../shared/eval-data):
the gold set holds offsets and fields only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "benchmarks" / "data" / "figures_real.jsonl"
PAGES = Path(os.environ.get("NARRATIVE_EVAL_DATA", str(ROOT.parent / "shared" / "eval-data"))) / "extraction"

CAND = re.compile(
    r"(?:US\$|HK\$|NZ\$|C\$|A\$|\$|€|£|¥)?\s?\d[\d,.]*\s?(?:%|percent|per cent|percentage points?|basis points?|bps|x\b|-fold|"
    r"(?:\s?(?:trillion|billion|million|thousand|bn|mn|m|k)\b))?"
    r"|\b(?:double[ds]?|doubling|tripled?|halved?|twice|twofold|threefold|fourfold|single-digit|double-digit|triple-digit)\b"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|hundreds|thousands|millions|billions|dozens?|half|third|quarter)\b",
    re.I,
)
SENT = re.compile(r"(?:[^.!?\n]|[.!?](?!\s+[A-Z“\"‘'(]|\s*$))+[.!?]*")


def body(page: str) -> str:
    return json.loads((PAGES / f"{page}.json").read_text("utf-8"))["body"]


def show(page: str) -> None:
    d = json.loads((PAGES / f"{page}.json").read_text("utf-8"))
    text = d["body"]
    print(f"{page} | {d.get('title')} | {d.get('url')} | {d.get('date')}")
    for m in SENT.finditer(text):
        s = m.group()
        cands = [(m.start() + c.start(), c.group().strip()) for c in CAND.finditer(s) if c.group().strip()]
        if cands:
            print(f"\n[{m.start()}] {s.strip()}")
            print("    " + " | ".join(f"{o}:{t}" for o, t in cands))


def load() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text("utf-8").splitlines() if line.strip()]


def check() -> int:
    bad = 0
    n = 0
    for row in load():
        text = body(row["page"])
        if hashlib.sha1(text.encode("utf-8")).hexdigest() != row["body_sha1"]:
            print(f"{row['page']}: the page text changed since annotation")
            bad += 1
            continue
        for f in row["figures"]:
            n += 1
            if text[f["start"]: f["end"]] != f["surface"]:
                print(f"{row['page']}@{f['start']}: {text[f['start']: f['end']]!r} != {f['surface']!r}")
                bad += 1
    print(f"{n} labels checked, {bad} problems")
    return 1 if bad else 0


def context(page: str | None) -> None:
    for row in load():
        if page and row["page"] != page:
            continue
        text = body(row["page"])
        for f in row["figures"]:
            left = text[max(0, f["start"] - 60): f["start"]].replace("\n", " ")
            right = text[f["end"]: f["end"] + 40].replace("\n", " ")
            fields = {k: f[k] for k in ("kind", "value", "direction", "change", "metric", "subject", "period") if f.get(k) is not None}
            print(f"{row['page'][:24]:<24} {left}[[{f['surface']}]]{right}\n{'':<25}{json.dumps(fields, ensure_ascii=False)}")


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "check"
    if cmd == "show":
        show(sys.argv[2])
    elif cmd == "context":
        context(sys.argv[2] if len(sys.argv) > 2 else None)
    else:
        sys.exit(check())
