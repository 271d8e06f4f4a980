"""Full-text search over article title and text: DuckDB's `fts` extension, BM25-ranked.

The extension binary comes from the PyPI package `duckdb-ext-fts` (the official build for duckdb
1.4.4), laid out as an extension directory: `<site-packages>/duckdb_ext/extensions/v1.4.4/<platform>/`.
We point `extension_directory` at it and `LOAD fts`; nothing is ever downloaded.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import logging
from functools import lru_cache
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

INDEX_SCHEMA = "fts_main_articles"

# The index covers every article with text; BM25 over title + text, Porter stemmer, English stopwords.
CREATE_INDEX = "PRAGMA create_fts_index('articles', 'id', 'title', 'text', stemmer = 'porter', stopwords = 'english', overwrite = 1)"

# A table macro so analysts can search in plain SQL: SELECT * FROM search_articles('qwen price cut', 10).
# It binds to the index, so it is (re)created right after the index.
CREATE_MACRO = """
CREATE OR REPLACE MACRO search_articles(q, n := 20) AS TABLE
SELECT a.id, CAST(a.published_at AS DATE) AS day, a.site, a.title, a.status, round(s.score, 4) AS score,
       a.canonical_url AS url
FROM (SELECT id, fts_main_articles.match_bm25(id, q) AS score FROM articles) s
JOIN articles a ON a.id = s.id
WHERE s.score IS NOT NULL
ORDER BY s.score DESC, a.published_at DESC
LIMIT n
"""

SEARCH = "SELECT * FROM search_articles(?, n := ?)"


class SearchUnavailable(Exception):
    """The fts extension cannot be loaded, or the file has no index yet."""


@lru_cache(maxsize=1)
def extension_directory() -> str | None:
    """The extension directory shipped by `duckdb-ext-fts`, or None when the package is not installed."""
    try:
        dist = importlib.metadata.distribution("duckdb-ext-fts")
    except importlib.metadata.PackageNotFoundError:
        spec = importlib.util.find_spec("duckdb_ext")
        locs = list(spec.submodule_search_locations or []) if spec else []
        candidates = [Path(p) / "extensions" for p in locs]
    else:
        candidates = [Path(str(dist.locate_file("duckdb_ext/extensions")))]
    for c in candidates:
        if any(c.glob(f"v{duckdb.__version__}/*/fts.duckdb_extension")):
            return str(c)
    return None


def load(con: duckdb.DuckDBPyConnection) -> bool:
    """LOAD fts on this connection (the directory is set in the connection's config). False if absent."""
    if extension_directory() is None:
        return False
    try:
        con.execute("LOAD fts")
        return True
    except duckdb.Error as exc:  # a wrong-platform or corrupt binary: search is off, the rest works
        log.warning("fts extension not loaded: %s", exc)
        return False


def has_index(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_schemas() WHERE schema_name = ? AND database_name = current_database()", [INDEX_SCHEMA]
    ).fetchone()[0])


def refresh_index(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the index over all articles (DuckDB's fts index is not incremental) and its search macro."""
    con.execute(CREATE_INDEX)
    con.execute(CREATE_MACRO)


def search(con: duckdb.DuckDBPyConnection, query: str, limit: int = 20) -> tuple[list[str], list[tuple]]:
    if not has_index(con):
        raise SearchUnavailable("no full-text index in this file yet: it is built after each load "
                                "(run `narrative ingest` or `narrative demo`)")
    cur = con.execute(SEARCH, [query, limit])
    return [d[0] for d in cur.description], cur.fetchall()
