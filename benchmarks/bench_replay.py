"""Replay real pages through the whole flow: every page of the shared extraction cases through
`narrative replay` into a fresh warehouse, with a permissive topic (threshold 0: relevance keeps
everything, so every kept page is annotated too).

    .venv/bin/python benchmarks/bench_replay.py [--data DIR] [--keep DIR]

Prints what became of every input: stored (annotated / rejected / duplicate / skipped by reason),
not replayed by reason, failed (pages the extractor broke on, and a non-zero exit), and the wall time
of the run (and per stage, from `runs`). No page may crash the run: the script exits non-zero if it did.
The pages stay in ../shared (publishers' content); nothing is copied into the project.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "eval-data" / "extraction"
PERMISSIVE_TOPIC = {
    "name": "everything",
    "description": "Every page: a permissive topic for replay benchmarks.",
    "required": {"aliases": ["the", "The"]},
    "keywords": {"terms": []},
    "weights": {},
    "threshold": 0.0,
    "descriptions": ["News of any kind."],
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--keep", type=Path, help="write the warehouse here (default: a temporary folder, removed)")
    args = ap.parse_args()
    if not args.data.is_dir():
        print(f"no pages at {args.data} (../shared/eval-data/extraction)", file=sys.stderr)
        return 2
    pages = sorted(args.data.glob("*.html.gz"))
    with tempfile.TemporaryDirectory(prefix="narrative-bench-replay-") as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        topic = out / "topic.json"
        topic.write_text(json.dumps(PERMISSIVE_TOPIC), "utf-8")
        cfg = out / "narrative.toml"
        cfg.write_text(f'[narrative]\ntopic = "{topic}"\n', "utf-8")
        db = out / "narrative.duckdb"
        if db.exists():
            db.unlink()
        exe = Path(sys.executable).with_name("narrative")
        cmd = [str(exe), "replay", "--config", str(cfg), "--db", str(db), "--no-progress", str(args.data)]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "NARRATIVE_LOG": "warning"})
        wall = time.perf_counter() - t0
        line = next((x for x in proc.stderr.splitlines() if x.startswith("narrative: ") and " inputs: " in x), None)
        print(f"pages: {len(pages)} from {args.data}")
        print(f"command: {' '.join(cmd[1:])}")
        print(f"exit code: {proc.returncode}; wall time: {wall:.1f} s ({len(pages) / wall:.2f} pages/s end to end)")
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            return 1
        print(line or "(no accounting line)")
        for x in proc.stderr.splitlines():  # the flow's per-stage lines (logfmt, when not on a terminal)
            if "stage=" in x and "seconds=" in x:
                print("  " + " ".join(f for f in x.split() if f.split("=")[0] in ("stage", "seconds", "articles", "pages")))
        report(db)
    return 0


def report(db: Path) -> None:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        status = con.execute("SELECT status, count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC").fetchall()
        reasons = con.execute("SELECT split_part(reason, ':', 1) AS r, count(*) FROM articles WHERE status = 'skipped' "
                              "GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
        failed = con.execute("SELECT reason, count(*) FROM fetch_failures GROUP BY 1 ORDER BY 2 DESC").fetchall()
        counts = con.execute("SELECT counts FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()[0]
    finally:
        con.close()
    stored = sum(n for _, n in status)
    print(f"stored: {stored} rows in articles: " + ", ".join(f"{s} {n}" for s, n in status))
    print("skipped by reason: " + (", ".join(f"{r} {n}" for r, n in reasons) or "none"))
    print("not replayed (fetch_failures): " + (", ".join(f"{r} {n}" for r, n in failed) or "none"))
    print(f"failed (extractor broke on the page): {dict(reasons).get('failed', 0)}")
    c = json.loads(counts) if isinstance(counts, str) else counts
    print("run counts: " + ", ".join(f"{k} {c[k]}" for k in ("inputs", "annotated", "rejected", "duplicate", "skipped", "same_page")
                                       if k in c))


if __name__ == "__main__":
    raise SystemExit(main())
