"""Score our page extraction against plain trafilatura on the shared extraction cases, side by side.

    .venv/bin/python benchmarks/eval_extraction.py [--data DIR] [--source NAME] [--speed] [--workers 2] [--show-misses FIELD] [--dump FILE]

For every case (`ID.html.gz` + `ID.json`) both extractors see the same page: ours is
`narrative.extractors.extract.extract_page` (what `narrative extract` and the flow use, before the
skip policy), plain is `trafilatura.extract(html, output_format="json", with_metadata=True)` with
default settings. Scoring follows ../shared/eval-data/README.md, per page, averaged over pages:
body `full` = token-multiset F1, `prefix` = the truth's tokens occur in ours, `snippets` = fraction of
must-contain found plus must-not-contain absent; title = equal `\\w+` tokens (lower-cased); date =
equal first YYYY-MM-DD (cases whose truth has no date count only where ours says none too: the
"strict" column; the "dated" column scores only cases with a date); authors = F1 of the sets of
lower-cased name tokens-joined names. Every case here is an article page, so the skip policy is scored
too: `body_kept` is the body score with a page ours would skip (`extract_article`'s decision: too_short,
not_article, paywall, …) counted as 0, and plain's as 0 where it returns nothing; the pages skipped are
listed by reason. With --speed: pages per second, one process and --workers
processes (ours and plain). The data stay in ../shared (non-commercial licences); nothing is copied.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_DATA = ROOT.parent / "shared" / "eval-data" / "extraction"
TOKEN = re.compile(r"\w+")
YMD = re.compile(r"\d{4}-\d{2}-\d{2}")


# -- scoring (README rules) ----------------------------------------------------------------------
def tokens(s: str | None) -> list[str]:
    return TOKEN.findall((s or "").lower())


def body_score(case: dict, text: str | None) -> float | None:
    kind = case.get("body_kind")
    text = text or ""
    if kind == "full" and case.get("body"):
        gold, ours = Counter(tokens(case["body"])), Counter(tokens(text))
        common = sum((gold & ours).values())
        if not common:
            return 0.0
        p, r = common / sum(ours.values()), common / sum(gold.values())
        return 2 * p * r / (p + r)
    if kind == "prefix" and case.get("body"):
        return float(" ".join(tokens(case["body"])) in " ".join(tokens(text)))
    if kind == "snippets":
        fold = lambda s: re.sub(r"\s+", " ", s).strip().lower()  # noqa: E731
        t = fold(text)
        must, mustnot = case.get("body_must_contain") or [], case.get("body_must_not_contain") or []
        if not must and not mustnot:
            return None
        hits = sum(fold(s) in t for s in must) + sum(fold(s) not in t for s in mustnot)
        return hits / (len(must) + len(mustnot))
    return None


def title_score(case: dict, title: str | None) -> float | None:
    if "title" not in case["truth_fields"]:
        return None
    return float(tokens(case.get("title")) == tokens(title))


def first_ymd(s) -> str | None:
    m = YMD.search(str(s or ""))
    return m.group(0) if m else None


def date_score(case: dict, date) -> float | None:
    if "date" not in case["truth_fields"]:
        return None
    return float(first_ymd(case.get("date")) == first_ymd(date))


def author_score(case: dict, authors) -> float | None:
    if "authors" not in case["truth_fields"]:
        return None
    norm = lambda a: " ".join(tokens(a))  # noqa: E731
    gold = {norm(a) for a in case.get("authors") or [] if norm(a)}
    ours = {norm(a) for a in authors or [] if norm(a)}
    if not gold and not ours:
        return 1.0
    if not gold or not ours:
        return 0.0
    common = len(gold & ours)
    if not common:
        return 0.0
    p, r = common / len(ours), common / len(gold)
    return 2 * p * r / (p + r)


# -- the two extractors --------------------------------------------------------------------------
def run_ours(raw: bytes, url: str) -> dict:
    from datetime import datetime, timezone

    from narrative.extractors.encoding import decode_html
    from narrative.extractors.extract import Skipped, decide, extract_page

    html = decode_html(raw)
    ex = extract_page(html, url)
    verdict = decide(ex, html, None, datetime.now(timezone.utc))  # the flow's skip policy (default min_words)
    return {"title": ex.title, "text": ex.text, "date": ex.published_at.isoformat() if ex.published_at else None,
            "authors": list(ex.authors), "skipped": f"{verdict.reason}: {verdict.detail}" if isinstance(verdict, Skipped) else None}


def run_plain(raw: bytes, url: str) -> dict:
    import trafilatura

    out = trafilatura.extract(raw, output_format="json", with_metadata=True)
    d = json.loads(out) if out else {}
    author = d.get("author") or ""
    return {"title": d.get("title"), "text": d.get("text"), "date": d.get("date"),
            "authors": [a.strip() for a in author.split(";") if a.strip()], "skipped": None if out else "no output"}


def _load(path: Path) -> tuple[dict, bytes]:
    return json.loads(path.read_text("utf-8")), gzip.decompress(path.with_name(path.name[: -len(".json")] + ".html.gz").read_bytes())


def _one(args) -> tuple[str, dict, dict]:
    json_path, which = args
    case, raw = _load(Path(json_path))
    out = {}
    for name in which:
        fn = run_ours if name == "ours" else run_plain
        try:
            out[name] = fn(raw, case.get("url") or "")
        except Exception as exc:  # a crash scores zero on every field and is reported
            out[name] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
    return case["id"], out, {}


def score_case(case: dict, got: dict) -> dict:
    body = body_score(case, got.get("text"))
    return {"body": body, "body_kept": None if body is None else 0.0 if got.get("skipped") or got.get("error") else body,
            "title": title_score(case, got.get("title")),
            "date_strict": date_score(case, got.get("date")),
            "date": date_score(case, got.get("date")) if first_ymd(case.get("date")) else None,
            "authors": author_score(case, got.get("authors"))}


FIELDS = ("body", "body_kept", "title", "date", "date_strict", "authors")


def half(case_id: str) -> str:
    """Our tuning split of these (dev) cases: sha256("narrative-tune-half-v1\n" + id), first 8 bytes
    big-endian, even → half A (tune on it), odd → half B (check on it). Reported as halfA / halfB."""
    n = int.from_bytes(hashlib.sha256(("narrative-tune-half-v1\n" + case_id).encode("utf-8")).digest()[:8], "big")
    return "halfA" if n % 2 == 0 else "halfB"


def mean(xs):
    xs = [x for x in xs if x is not None]
    return (sum(xs) / len(xs), len(xs)) if xs else (float("nan"), 0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--source", help="only cases from this source (fundus, zyte, trafilatura, readability, postlight, goose3)")
    ap.add_argument("--speed", action="store_true", help="also measure pages per second (1 process and --workers)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--show-misses", choices=["body", "title", "date", "authors"], help="print the cases ours gets wrong on FIELD")
    ap.add_argument("--dump", type=Path, help="write every case's outputs and scores (ours and plain) as JSON to this file, "
                    "for studying failures; keep it outside the project (the pages' text is the publishers')")
    args = ap.parse_args()
    if not args.data.is_dir():
        print(f"no extraction cases at {args.data} (../shared/eval-data/extraction)", file=sys.stderr)
        return 2
    paths = sorted(p for p in args.data.glob("*.json") if not args.source or p.name.startswith(args.source + "__"))
    cases = {json.loads(p.read_text("utf-8"))["id"]: json.loads(p.read_text("utf-8")) for p in paths}

    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(_one, [(str(p), ("ours", "plain")) for p in paths], chunksize=4))

    per_source: dict[str, dict[str, dict[str, list]]] = defaultdict(lambda: {"ours": defaultdict(list), "plain": defaultdict(list)})
    misses = []
    skipped: dict[str, list[tuple[str, str]]] = {"ours": [], "plain": []}
    for cid, out, _ in results:
        case = cases[cid]
        for name in ("ours", "plain"):
            if out[name].get("skipped"):
                skipped[name].append((cid, out[name]["skipped"]))
        for name in ("ours", "plain"):
            if out[name].get("error"):
                print(f"ERROR {name} {cid}: {out[name]['error']}")
        for name in ("ours", "plain"):
            sc = score_case(case, out[name])
            for f in FIELDS:
                for group in (case["source"], "ALL", half(cid)):
                    per_source[group][name][f].append(sc[f])
            if name == "ours" and args.show_misses and sc[args.show_misses] is not None and sc[args.show_misses] < 1:
                truth = case.get(args.show_misses) if args.show_misses != "body" else (case.get("body") or "")[:80]
                misses.append((cid, sc[args.show_misses], truth, (out[name].get("text") or "")[:80] if args.show_misses == "body" else out[name].get(args.show_misses),
                               out["plain"].get(args.show_misses if args.show_misses != "body" else "text")))

    if args.dump:
        args.dump.write_text(json.dumps({cid: {"source": cases[cid]["source"], "half": half(cid), **{
            name: {"scores": score_case(cases[cid], out[name]), "output": out[name]} for name in ("ours", "plain")}}
            for cid, out, _ in results}, ensure_ascii=False), "utf-8")
    print(f"extraction cases: {len(paths)} from {args.data}")
    print(f"{'source':12} {'n':>4} | {'field':10} {'ours':>7} {'plain':>7} {'diff':>7} {'n':>4}")
    halves = ("halfA", "halfB")
    order = sorted(k for k in per_source if k != "ALL" and k not in halves) + ["ALL"] + [h for h in halves if h in per_source]
    for src in order:
        n = (len(cases) if src == "ALL" else sum(1 for c in cases.values() if half(c["id"]) == src) if src in halves
             else sum(1 for c in cases.values() if c["source"] == src))
        for f in FIELDS:
            o, k = mean(per_source[src]["ours"][f])
            p, _ = mean(per_source[src]["plain"][f])
            if k:
                print(f"{src:12} {n:>4} | {f:10} {o:7.3f} {p:7.3f} {o - p:+7.3f} {k:>4}")
        print("-" * 56)
    for m in misses:
        print("MISS", *m, sep=" | ")
    for name in ("ours", "plain"):
        reasons = Counter(r.split(":")[0] for _, r in skipped[name])
        print(f"pages skipped, {name}: {len(skipped[name])} of {len(results)}" + (" (" + ", ".join(f"{k} {v}" for k, v in reasons.most_common()) + ")" if reasons else ""))
        for cid, r in sorted(skipped[name]):
            print(f"  {cid}: {r}")

    if args.speed:
        measure_speed(paths, args.workers)
    return 0


def measure_speed(paths: list[Path], workers: int) -> None:
    pages = [(_load(p)[1], json.loads(p.read_text("utf-8")).get("url") or "") for p in paths]
    for name, fn in (("ours", run_ours), ("plain", run_plain)):
        fn(*pages[0])  # warm imports
        t0 = time.perf_counter()
        for raw, url in pages:
            fn(raw, url)
        one = len(pages) / (time.perf_counter() - t0)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(_speed_one, [(name, pages[0][0], pages[0][1])] * workers))  # warm the workers
            t0 = time.perf_counter()
            list(pool.map(_speed_one, [(name, raw, url) for raw, url in pages], chunksize=8))
            many = len(pages) / (time.perf_counter() - t0)
        print(f"speed {name:5}: {one:6.1f} pages/s in 1 process, {many:6.1f} pages/s with {workers} processes ({len(pages)} pages)")


def _speed_one(args) -> None:
    name, raw, url = args
    (run_ours if name == "ours" else run_plain)(raw, url)


if __name__ == "__main__":
    raise SystemExit(main())
