"""`narrative sql`, `search`, `export`: read-only connections; results as a table, CSV, JSON or Parquet."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime

from ..warehouse.db import Warehouse, WarehouseError


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def print_rows(cols: list[str], rows: list[tuple], fmt: str = "table", out=None, max_width: int = 60) -> None:
    out = out if out is not None else sys.stdout  # looked up now: tests and callers swap sys.stdout
    if fmt == "csv":
        w = csv.writer(out)
        w.writerow(cols)
        w.writerows(rows)
        return
    if fmt == "json":
        for r in rows:
            out.write(json.dumps(dict(zip(cols, r)), default=lambda o: o.isoformat() if isinstance(o, (date, datetime)) else str(o)) + "\n")
        return
    cells = [[_fmt(v)[:max_width] for v in r] for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    out.write("  ".join(c.ljust(w) for c, w in zip(cols, widths)) + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(r, widths)) + "\n")
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


def _write_parquet(cur, output: str) -> int:
    """Stream a result into a Parquet file (record batches, never the whole result in Python objects)."""
    import pyarrow.parquet as pq

    reader = cur.fetch_record_batch()
    n = 0
    with pq.ParquetWriter(output, reader.schema) as w:
        for batch in reader:
            w.write_batch(batch)
            n += batch.num_rows
    return n


def _run_one(wh: Warehouse, query: str, fmt: str, output: str | None, out=None) -> None:
    cur = wh.con.execute(query)
    if fmt == "parquet":
        n = _write_parquet(cur, output)
        print(f"wrote {n} row{'s' if n != 1 else ''} to {output}", file=sys.stderr)
        return
    cols = [d[0] for d in cur.description] if cur.description else []
    rows = cur.fetchall()
    if output:
        with open(output, "w", newline="") as f:
            print_rows(cols, rows, fmt, out=f)
    else:
        print_rows(cols, rows, fmt, out=out)


def _needs_fts(sql: str) -> bool:
    """Load the fts extension (about 0.4 s) only for statements that search."""
    low = sql.lower()
    return "search_articles" in low or "match_bm25" in low or "fts_main_" in low


def run_sql(db: str, query: str | None, fmt: str = "table", output: str | None = None, wait: float = 5.0) -> int:
    """One query, or an interactive prompt. The prompt opens the file per statement, so an idle session
    never keeps the daily run from merging."""
    import duckdb

    if fmt == "parquet" and not output:
        print("narrative sql: --format parquet needs --output FILE", file=sys.stderr)
        return 2
    if query:
        with Warehouse.open(db, read_only=True, wait=wait, search=_needs_fts(query)) as wh:
            try:
                _run_one(wh, query, fmt, output)
            except duckdb.Error as exc:
                print(f"narrative sql: {exc}", file=sys.stderr)
                return 1
        return 0
    Warehouse.open(db, read_only=True, wait=wait).close()  # fail now, clearly, if there is no file
    print(f"narrative sql on {db} (read-only, opened per statement). End statements with ';'. Ctrl-D to quit.")
    buf = ""
    while True:
        try:
            line = input("sql> " if not buf else "...> ")
        except EOFError:
            print()
            return 0
        buf += line + "\n"
        if buf.strip().endswith(";"):
            try:
                with Warehouse.open(db, read_only=True, wait=wait, search=_needs_fts(buf)) as wh:
                    _run_one(wh, buf.strip().rstrip(";"), "table" if fmt == "parquet" else fmt, None)
            except duckdb.Error as exc:
                print(f"error: {exc}")
            except WarehouseError as exc:
                print(f"error: {exc}")
            buf = ""


def run_search(db: str, query: str, limit: int = 10, fmt: str = "table", wait: float = 5.0) -> int:
    with Warehouse.open(db, read_only=True, wait=wait, search=True) as wh:
        cols, rows = wh.search(query, limit)
    if not rows:
        print(f"no articles match {query!r}", file=sys.stderr)
        return 1
    print_rows(cols, rows, fmt)
    return 0


def run_export(db: str, out_dir: str, wait: float = 5.0) -> int:
    with Warehouse.open(db, read_only=True, wait=wait) as wh:
        counts = wh.export_parquet(out_dir)
    for table, n in counts.items():
        print(f"{table:20} {n:>10} rows")
    print(f"Parquet under {out_dir}/<table>/ (date tables partitioned as day=YYYY-MM-DD); "
          f"e.g. SELECT * FROM read_parquet('{out_dir}/articles/**/*.parquet', hive_partitioning = true)")
    return 0
