"""`narrative sql`: queries on a read-only connection, printed as a table, CSV or JSON."""

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


def print_rows(cols: list[str], rows: list[tuple], fmt: str = "table", out=sys.stdout, max_width: int = 60) -> None:
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


def run_sql(db: str, query: str | None, fmt: str = "table") -> int:
    import duckdb

    with Warehouse.open(db, read_only=True) as wh:
        if query:
            try:
                cols, rows = wh.query(query)
            except duckdb.Error as exc:
                print(f"narrative sql: {exc}", file=sys.stderr)
                return 1
            print_rows(cols, rows, fmt)
            return 0
        print(f"narrative sql on {db} (read-only). End statements with ';'. Ctrl-D to quit.")
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
                    cols, rows = wh.query(buf.strip().rstrip(";"))
                    print_rows(cols, rows, fmt)
                except duckdb.Error as exc:
                    print(f"error: {exc}")
                buf = ""
