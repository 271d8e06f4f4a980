"""Warehouse scale benchmark: a synthetic warehouse at 10k, 100k and 1M articles.

    .venv/bin/python benchmarks/bench_warehouse.py [--sizes 10000 100000 1000000] [--dir DIR] [--keep]

Rows are made on the DuckDB side (an in-memory connection, handed over as Arrow tables) in realistic
proportions per article: 80% annotated (12% rejected, 5% duplicates, 3% skipped); per annotated
article 20 sentences, 8 mentions, 2 figures, 3 entity-sentiment rows, 3 themes, 1 summary. They are
loaded through `Warehouse.load` (Arrow, keyed upserts, in-batch dedup) in runs of 100k articles.
Prints the bulk-load rate, the time of every named view at each size (fully evaluated: every column
of every row is hashed), the search-index build, the file size, and row-by-row `executemany` on a
sample for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from narrative.warehouse.db import Warehouse  # noqa: E402

CHUNK = 100_000  # articles per run
SPAN_DAYS = 365
ENTITIES = [("alibaba", "Alibaba Group", None), ("alibaba-cloud", "Alibaba Cloud", "alibaba"), ("qwen", "Qwen", "alibaba"),
            ("tencent", "Tencent", None), ("baidu", "Baidu", None), ("bytedance", "ByteDance", None),
            ("doubao", "Doubao", "bytedance"), ("huawei", "Huawei", None), ("pdd", "PDD Holdings", None),
            ("amazon", "Amazon", None), ("microsoft", "Microsoft", None), ("deepseek", "DeepSeek", None)]
VOCAB = ("alibaba cloud qwen model price cut capex revenue margin growth chips export rules tencent baidu bytedance "
         "huawei ascend investors shares quarter billion percent analysts data centre open weights agent token "
         "demand competition subsidies commerce taobao forecast buyback cash flow ai startup funding "
         "regulation earnings guidance customers enterprise inference training cluster gpu supply").split()
MODELS = {"sentiment": "finbert-onnx@bench", "ner": "en_core_web_sm@bench", "figures": "figures@bench", "themes": "minilm@bench"}
VIEWS = ["entity_sentiment_daily", "sentiment_daily", "theme_share_weekly", "figure_timeline", "figure_conflicts",
         "share_of_voice", "top_stories", "narrative_shifts"]


def words(n: int, seed: str) -> str:
    """SQL for n pseudo-random vocabulary words seeded by the expression `seed`."""
    return "concat_ws(' ', " + ", ".join(f"word({seed} * 131 + {k})" for k in range(n)) + ")"


def _vocab(gen: duckdb.DuckDBPyConnection) -> None:
    vocab = "[" + ", ".join(f"'{w}'" for w in VOCAB) + "]"
    gen.execute(f"CREATE MACRO word(s) AS ({vocab})[1 + CAST(hash(s) % {len(VOCAB)} AS INTEGER)]")


def generate(gen: duckdb.DuckDBPyConnection, lo: int, hi: int, total: int) -> dict:
    """One run's rows for articles [lo, hi) as Arrow tables."""
    ann = "i % 100 < 80"
    ents = "['" + "', '".join(e[0] for e in ENTITIES) + "']"
    q = {
        "articles": f"""
            SELECT printf('a%09d', i) AS id, 'https://site' || i % 50 || '.example/' || i AS url,
                   'https://site' || i % 50 || '.example/' || i AS canonical_url, 'site' || i % 50 || '.example' AS site,
                   {words(8, 'i')} AS title, ['Reporter ' || i % 300] AS authors,
                   TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_seconds(CAST(i AS BIGINT) * {SPAN_DAYS * 86400} // {total}) AS published_at,
                   TIMESTAMPTZ '2025-01-01 01:00:00+00' + to_seconds(CAST(i AS BIGINT) * {SPAN_DAYS * 86400} // {total}) AS fetched_at,
                   'en' AS language, {words(60, 'i')} AS text, 60 AS word_count, md5(CAST(i AS VARCHAR)) AS content_hash,
                   CASE WHEN {ann} THEN 'annotated' WHEN i % 100 < 92 THEN 'rejected' WHEN i % 100 < 97 THEN 'duplicate' ELSE 'skipped' END AS status,
                   CASE WHEN i % 100 >= 97 THEN 'paywall' WHEN i % 100 >= 80 AND i % 100 < 92 THEN 'off-topic: score=0.1' END AS reason,
                   (hash(i) % 1000) / 1000.0 AS relevance,
                   CASE WHEN i % 100 >= 92 AND i % 100 < 97 THEN printf('a%09d', i - 13) END AS duplicate_of,
                   CASE WHEN {ann} THEN ['positive', 'negative', 'neutral'][1 + i % 3] END AS sentiment,
                   CASE WHEN {ann} THEN (hash(i * 7) % 200) / 100.0 - 1 END AS sentiment_score
            FROM range({lo}, {hi}) t(i)""",
        "sentences": f"""
            SELECT printf('a%09d', i) AS article_id, CAST(k AS INTEGER) AS idx, CAST(k * 120 AS INTEGER) AS start_char,
                   CAST(k * 120 + 110 AS INTEGER) AS end_char, {words(16, 'i * 20 + k')} AS text,
                   ['positive', 'negative', 'neutral'][1 + (i + k) % 3] AS sentiment, ((i * k) % 200) / 100.0 - 1 AS sentiment_score,
                   0.3 AS p_positive, 0.3 AS p_negative, 0.4 AS p_neutral, '{MODELS['sentiment']}' AS model
            FROM range({lo}, {hi}) t(i), range(20) s(k) WHERE {ann}""",
        "mentions": f"""
            SELECT printf('a%09d', i) AS article_id, CAST(k * 2 AS INTEGER) AS sentence_idx, CAST(k * 240 + 3 AS INTEGER) AS start_char,
                   CAST(k * 240 + 10 AS INTEGER) AS end_char, {ents}[1 + (i * 7 + k * 3) % {len(ENTITIES)}] AS text, 'ORG' AS label,
                   {ents}[1 + (i * 7 + k * 3) % {len(ENTITIES)}] AS entity_id, '{MODELS['ner']}' AS model
            FROM range({lo}, {hi}) t(i), range(8) s(k) WHERE {ann}""",
        "figures": f"""
            SELECT printf('a%09d', i) AS article_id, CAST(k * 5 AS INTEGER) AS sentence_idx, 10 AS start_char,
                   CASE WHEN k = 0 THEN (i % 40) || '%' ELSE 'RMB ' || (i % 90) || ' billion' END AS surface,
                   CASE WHEN k = 0 THEN 'percent' ELSE 'money' END AS kind,
                   CASE WHEN k = 0 THEN i % 40 ELSE (i % 90) * 1e9 END AS value, CASE WHEN k = 1 THEN 'CNY' END AS currency,
                   ['up', 'down', 'none'][1 + i % 3] AS direction,
                   ['cloud revenue', 'capex', 'free cash flow', 'adjusted ebita', 'market share', 'revenue'][1 + (i + k) % 6] AS metric,
                   {ents}[1 + (i * 7) % {len(ENTITIES)}] AS subject_id,
                   'Q' || (1 + (i // 1000) % 4) || ' 2025' AS period, '{MODELS['figures']}' AS model
            FROM range({lo}, {hi}) t(i), range(2) s(k) WHERE {ann}""",
        "entity_sentiment": f"""
            SELECT printf('a%09d', i) AS article_id, {ents}[1 + (i * 7 + k * 3) % {len(ENTITIES)}] AS entity_id,
                   CAST(1 + k AS INTEGER) AS mentions, ((i + k) % 200) / 100.0 - 1 AS score,
                   ['positive', 'negative', 'neutral'][1 + (i + k) % 3] AS label, '{MODELS['sentiment']}' AS model
            FROM range({lo}, {hi}) t(i), range(3) s(k) WHERE {ann}""",
        "article_sentiment": f"""
            SELECT printf('a%09d', i) AS article_id, ['positive', 'negative', 'neutral'][1 + i % 3] AS label,
                   (hash(i * 7) % 200) / 100.0 - 1 AS score, '{MODELS['sentiment']}' AS model
            FROM range({lo}, {hi}) t(i) WHERE {ann}""",
        "article_themes": f"""
            SELECT printf('a%09d', i) AS article_id,
                   ['ai-models', 'cloud', 'capex', 'price-war', 'chips', 'regulation', 'commerce', 'competition'][1 + (i + k * 3) % 8] AS theme,
                   ((i * 3 + k) % 100) / 100.0 AS score, '{MODELS['themes']}' AS model
            FROM range({lo}, {hi}) t(i), range(3) s(k) WHERE {ann}""",
        "summaries": f"""
            SELECT printf('a%09d', i) AS article_id, {words(30, 'i + 7')} AS summary, 'summary@bench' AS model
            FROM range({lo}, {hi}) t(i) WHERE {ann}""",
    }
    return {table: gen.execute(sql).fetch_arrow_table() for table, sql in q.items()}


def build(path: Path, n: int, index: bool = True) -> dict:
    gen = duckdb.connect()
    _vocab(gen)
    gen_s = load_s = 0.0
    rows = 0
    with Warehouse.open(path) as wh:
        wh.con.execute("SET enable_progress_bar = false")
        wh.sync_entities([{"id": i, "name": name, "type": "ORG", "parent_id": p, "aliases": [name]} for i, name, p in ENTITIES], "bench")
        wh.register_models(MODELS, "bench-0")
        for r, lo in enumerate(range(0, n, CHUNK)):
            t0 = time.perf_counter()
            tables = generate(gen.cursor(), lo, min(n, lo + CHUNK), n)
            t1 = time.perf_counter()
            wh.load(tables, f"bench-{r}", index=False)
            t2 = time.perf_counter()
            gen_s += t1 - t0
            load_s += t2 - t1
            rows += sum(t.num_rows for t in tables.values())
        fts_s = float("nan")
        if index:
            t0 = time.perf_counter()
            wh.refresh_search_index()
            fts_s = time.perf_counter() - t0
        wh.con.execute("CHECKPOINT")
    return {"rows": rows, "gen_s": gen_s, "load_s": load_s, "fts_s": fts_s, "bytes": path.stat().st_size}


def time_views(path: Path, repeat: int = 2) -> dict[str, float]:
    out = {}
    with Warehouse.open(path, read_only=True) as wh:
        for v in VIEWS:
            best = float("inf")
            for _ in range(repeat):
                t0 = time.perf_counter()
                wh.con.execute(f"SELECT count(*), sum(hash(COLUMNS(*))) FROM {v}").fetchall()
                best = min(best, time.perf_counter() - t0)
            out[v] = best
        t0 = time.perf_counter()
        try:
            wh.search("alibaba cloud capex", 10)
            out["search (BM25, top 10)"] = time.perf_counter() - t0
        except Exception:
            out["search (BM25, top 10)"] = float("nan")
    return out


def row_by_row(dirpath: Path, sample: int = 2000) -> tuple[float, float]:
    """Rows/s of executemany and of single INSERTs, on `sample` sentence rows into a fresh warehouse."""
    gen = duckdb.connect()
    _vocab(gen)
    rows = generate(gen, 0, sample // 16 + 1, 10_000)["sentences"].to_pylist()[:sample]
    cols = list(rows[0])
    values = [tuple(r[c] for c in cols) + ("rbr",) for r in rows]
    sql = f"INSERT INTO sentences ({', '.join(cols)}, run_id) VALUES ({', '.join('?' * (len(cols) + 1))})"
    rates = []
    for mode in ("executemany", "single"):
        p = dirpath / f"rbr-{mode}.duckdb"
        with Warehouse.open(p) as wh:
            t0 = time.perf_counter()
            if mode == "executemany":
                wh.con.executemany(sql, values)
            else:
                for v in values[: sample // 4]:
                    wh.con.execute(sql, v)
            dt = time.perf_counter() - t0
            rates.append((len(values) if mode == "executemany" else sample // 4) / dt)
    return rates[0], rates[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--dir", help="where the files go (default: a temporary folder)")
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    ap.add_argument("--reuse", action="store_true",
                    help="with --dir: time the views on files an earlier run left there (with their build figures)")
    ap.add_argument("--index-max", type=int, default=100_000,
                    help="build the search index only up to this size (default 100000; it is the slow part)")
    args = ap.parse_args()
    d = Path(args.dir or tempfile.mkdtemp(prefix="bench-warehouse-"))
    d.mkdir(parents=True, exist_ok=True)
    print(f"duckdb {duckdb.__version__}, {os.cpu_count()} CPUs; files in {d}")
    results = {}
    try:
        for n in args.sizes:
            p, saved = d / f"w{n}.duckdb", d / f"w{n}.json"
            if args.reuse and p.exists() and saved.exists():
                b = json.loads(saved.read_text())
                Warehouse.open(p).close()  # a writer's open recreates the views of this code version
            else:
                p.unlink(missing_ok=True)
                b = build(p, n, index=n <= args.index_max)
                saved.write_text(json.dumps(b))
            v = time_views(p)
            results[n] = (b, v)
            print(f"  {n:>9,} articles: {b['rows']:,} rows, generated {b['gen_s']:.1f}s, loaded {b['load_s']:.1f}s, "
                  f"index {b['fts_s']:.1f}s, {b['bytes'] / 2**20:,.0f} MiB", flush=True)
        many, single = row_by_row(d)
    finally:
        if not args.keep and not args.dir:
            shutil.rmtree(d, ignore_errors=True)

    sizes = list(results)
    head = f"{'':34}" + "".join(f"{n:>14,}" for n in sizes)
    print("\n" + head)
    print("-" * len(head))

    def row(label, vals):
        print(f"{label:34}" + "".join(f"{x:>14}" for x in vals))

    row("rows loaded", [f"{results[n][0]['rows']:,}" for n in sizes])
    row("bulk load (Arrow), rows/s", [f"{results[n][0]['rows'] / results[n][0]['load_s']:,.0f}" for n in sizes])
    row("search index build, s", [f"{results[n][0]['fts_s']:.2f}" for n in sizes])
    row("file size, MiB", [f"{results[n][0]['bytes'] / 2**20:,.0f}" for n in sizes])
    for name in results[sizes[0]][1]:
        row(f"{name}, s", [f"{results[n][1][name]:.3f}" for n in sizes])
    row("rows per article", [f"{results[n][0]['rows'] / n:.1f}" for n in sizes])
    if len(sizes) > 1:
        print("\nview time per article relative to the smallest size (1.0 = linear, < 1 = better than linear):")
        for name in results[sizes[0]][1]:
            a = results[sizes[0]][1][name] / sizes[0]
            print(f"  {name:32}" + "".join(f"{(results[n][1][name] / n) / a:>8.2f}" for n in sizes[1:]))
    bulk = min(results[n][0]["rows"] / results[n][0]["load_s"] for n in sizes)
    print(f"\nrow by row (2,000 sentence rows): executemany {many:,.0f} rows/s, single INSERTs {single:,.0f} rows/s")
    print(f"bulk load (slowest size) {bulk:,.0f} rows/s = {bulk / many:,.0f}x executemany, {bulk / single:,.0f}x single INSERTs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
