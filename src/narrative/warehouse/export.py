"""`narrative export --parquet DIR`: every table as Parquet, partitioned by date, for other engines."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

# table -> (SELECT producing its rows plus a `day` partition column, or None for a single file).
# Articles' children take their article's publication day, so one day's partitions line up across tables.
_CHILD_DAY = "SELECT t.*, CAST(coalesce(a.published_at, a.fetched_at) AS DATE) AS day FROM {t} t JOIN articles a ON a.id = t.article_id"
EXPORTS: dict[str, str | None] = {
    "articles": "SELECT *, CAST(coalesce(published_at, fetched_at) AS DATE) AS day FROM articles",
    "sentences": _CHILD_DAY.format(t="sentences"),
    "mentions": _CHILD_DAY.format(t="mentions"),
    "figures": _CHILD_DAY.format(t="figures"),
    "entity_sentiment": _CHILD_DAY.format(t="entity_sentiment"),
    "article_sentiment": _CHILD_DAY.format(t="article_sentiment"),
    "article_themes": _CHILD_DAY.format(t="article_themes"),
    "summaries": _CHILD_DAY.format(t="summaries"),
    "runs": "SELECT *, CAST(started_at AS DATE) AS day FROM runs",
    "fetch_failures": "SELECT *, CAST(failed_at AS DATE) AS day FROM fetch_failures",
    "digests": "SELECT *, CAST(created_at AS DATE) AS day FROM digests",
    "feeds": None,
    "feed_state": None,
    "entities": None,
    "annotation_models": None,
}


def export_parquet(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, int]:
    """Write out/<table>/day=YYYY-MM-DD/*.parquet (or out/<table>/<table>.parquet); returns rows per table.
    Each table's folder is replaced, so an export is a consistent snapshot of one read transaction."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    con.execute("BEGIN")  # one snapshot for every table
    try:
        for table, select in EXPORTS.items():
            target = out / table
            if target.exists():
                shutil.rmtree(target)
            if select is None:
                target.mkdir()
                con.execute(f"COPY (SELECT * FROM {table}) TO ? (FORMAT parquet)", [str(target / f"{table}.parquet")])
            else:
                con.execute(f"COPY ({select}) TO ? (FORMAT parquet, PARTITION_BY (day))", [str(target)])
            counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.execute("COMMIT")
    return counts
