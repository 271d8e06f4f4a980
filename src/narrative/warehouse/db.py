"""The Warehouse: one DuckDB file, migrated on open, loaded in bulk, one transaction per run."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from . import fts
from .errors import RunInProgress, WarehouseError, WarehouseLocked  # noqa: F401  (re-exported)
from .migrations import LOADER_KEYS, MIGRATIONS
from .runlock import RunLock, describe
from .views import MACROS, VIEWS

log = logging.getLogger(__name__)


def _config() -> dict:
    config = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
    ext_dir = fts.extension_directory()
    if ext_dir:
        config["extension_directory"] = ext_dir
    return config


def _connect(path: str, read_only: bool, wait: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Open with nothing that downloads; if another process holds the file, retry for `wait` seconds,
    then raise WarehouseLocked saying who holds it and what to do."""
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            return duckdb.connect(path, read_only=read_only, config=_config())
        except duckdb.IOException as exc:
            msg = str(exc)
            if "lock" not in msg.lower():
                raise WarehouseError(f"cannot open {path}: {msg}") from exc
            if time.monotonic() >= deadline:
                raise WarehouseLocked(_locked_message(path, msg, read_only, wait)) from exc
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, 1.0)


def _locked_message(path: str, duckdb_msg: str, read_only: bool, waited: float) -> str:
    pid = re.search(r"PID (\d+)", duckdb_msg)
    holder = f"process {pid.group(1)}" if pid else "another process"
    run = RunLock.holder(path)
    waited_s = f" (waited {waited:g}s)" if waited else ""
    if run and str(run.get("pid")) == (pid.group(1) if pid else None):
        who = f"{holder}, {describe(run)}"
        advice = ("a run holds the file only while it merges its staged results, usually a few seconds: "
                  "try again shortly")
    else:
        who = f"{holder} (not a narrative run: a `narrative digest`, or a DuckDB shell or BI tool that opened it "
        who += "without read-only)" if read_only else "or a reader keeping a connection open)"
        advice = "try again when it closes the file, or ask whoever runs that process to close it"
    return (f"{path} is in use by {who}{waited_s}. DuckDB lets one process write a file, and while it writes "
            f"no other process can open it, even read-only. {advice[0].upper() + advice[1:]}.")


class Warehouse:
    """A DuckDB file (or connection). Writers migrate and refresh views on open; readers never write."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str | None = None, read_only: bool = False):
        self.con = con
        self.path = path
        self.read_only = read_only
        self._fts: bool | None = None  # LOAD fts costs ~0.4 s per database instance: only when needed

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False, wait: float = 0.0, search: bool = False) -> "Warehouse":
        """Open a file; a writer migrates it (upgrading an older file in place) and refreshes the views.
        `wait`: seconds to keep retrying while another process holds the file; `search`: load the fts
        extension now (analysts' connections, so `search_articles(...)` works in their SQL)."""
        path = str(path)
        if read_only and path != ":memory:" and not Path(path).exists():
            raise WarehouseError(f"no warehouse at {path}: run `narrative ingest` or `narrative demo` first")
        if not read_only and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        wh = cls(_connect(path, read_only, wait), path, read_only)
        if not read_only:
            try:
                wh.migrate()
                wh.refresh_views()
                if not fts.has_index(wh.con) and wh._has_articles():
                    wh.refresh_search_index()  # a file made before search existed
            except BaseException:
                wh.close()
                raise
        if search:
            wh.search_available()
        return wh

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------------
    def schema_version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        ).fetchone()[0]
        if not exists:
            return 0
        return self.con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]

    def migrate(self) -> list[int]:
        """Apply the migrations this file has not seen, each in its own transaction."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ)"
        )
        # by the versions recorded, not their maximum: migrations numbered by parallel work (6, 7, 8, 9) may land
        # in any order, and a file that has 9 must still get 8
        have = {r[0] for r in self.con.execute("SELECT version FROM schema_migrations").fetchall()}
        applied = []
        for version, name, sql in sorted(MIGRATIONS, key=lambda m: m[0]):
            if version in have:
                continue
            self.con.execute("BEGIN")
            try:
                self.con.execute(sql)
                self.con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, _now()])
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise
            applied.append(version)
            log.info("applied migration %03d %s", version, name)
        return applied

    def refresh_views(self) -> None:
        """Views and table macros follow the code: recreated by every writer, in one transaction."""
        self.con.execute("BEGIN")
        try:
            for name, (doc, sql) in VIEWS.items():
                self.con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")
                self.con.execute(f"COMMENT ON VIEW {name} IS {_literal(doc)}")
            for name, (_doc, params, sql) in MACROS.items():
                self.con.execute(f"CREATE OR REPLACE MACRO {name}({params}) AS TABLE {sql}")
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    # -- full-text search -----------------------------------------------------------------------
    def search_available(self) -> bool:
        """Whether the fts extension is loaded on this connection (loading it on first ask)."""
        if self._fts is None:
            self._fts = fts.load(self.con)
        return self._fts

    def _has_articles(self) -> bool:
        return self.con.execute("SELECT EXISTS (SELECT 1 FROM articles)").fetchone()[0]

    def refresh_search_index(self) -> None:
        """Rebuild the BM25 index over articles (title + text) and the `search_articles` macro."""
        if not self.search_available():
            log.warning("fts extension unavailable (is duckdb-ext-fts installed?): search index not built")
            return
        self.con.execute("BEGIN")
        try:
            fts.refresh_index(self.con)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def search(self, query: str, limit: int = 20) -> tuple[list[str], list[tuple]]:
        """Articles ranked by BM25 for `query` (id, day, site, title, status, score, url)."""
        if not self.search_available():
            raise WarehouseError("full-text search needs the fts extension from the `duckdb-ext-fts` package "
                                 f"(pip install duckdb-ext-fts=={duckdb.__version__}.*)")
        try:
            return fts.search(self.con, query, limit)
        except fts.SearchUnavailable as exc:
            raise WarehouseError(str(exc)) from exc

    # -- runs -----------------------------------------------------------------------------------
    def begin_run(self, run_id: str, trigger: str, settings_hash: str) -> None:
        """Record the run at once (committed), so a crash leaves a trace; stale `running` rows are closed."""
        self.con.execute(
            "UPDATE runs SET status = 'interrupted', message = coalesce(message, 'interrupted (found running at next start)') "
            "WHERE status = 'running'"
        )
        self.con.execute(
            "INSERT INTO runs (id, started_at, status, trigger, settings_hash) VALUES (?, ?, 'running', ?, ?)",
            [run_id, _now(), trigger, settings_hash],
        )

    def finish_run(self, run_id: str, status: str, counts: dict, failures: dict, models: dict, message: str | None = None) -> dict:
        self.con.execute(
            "UPDATE runs SET finished_at = ?, status = ?, counts = ?, failures = ?, model_versions = ?, message = ? WHERE id = ?",
            [_now(), status, json.dumps(counts), json.dumps(failures), json.dumps(models), message, run_id],
        )
        return {}

    # -- state the flow needs before it fetches -------------------------------------------------
    def feed_state(self, feed_url: str) -> tuple[str | None, str | None]:
        row = self.con.execute("SELECT etag, last_modified FROM feed_state WHERE feed_url = ?", [feed_url]).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def known_urls(self, urls: Sequence[str]) -> set[str]:
        """Which of these listed or canonical URLs are already stored."""
        if not urls:
            return set()
        t = pa.table({"u": list(urls)})
        self.con.register("_urls", t)
        try:
            rows = self.con.execute(
                "SELECT u FROM _urls WHERE u IN (SELECT url FROM articles) OR u IN (SELECT canonical_url FROM articles) "
                "OR u IN (SELECT final_url FROM articles WHERE final_url IS NOT NULL)"
            ).fetchall()
        finally:
            self.con.unregister("_urls")
        return {r[0] for r in rows}

    def failed_attempts(self, urls: Sequence[str]) -> dict[str, int]:
        """How many earlier runs failed to fetch each URL (a later run retries a bounded number of times)."""
        if not urls:
            return {}
        t = pa.table({"u": list(urls)})
        self.con.register("_urls", t)
        try:
            rows = self.con.execute(
                "SELECT url, count(*) FROM fetch_failures WHERE url IN (SELECT u FROM _urls) GROUP BY url"
            ).fetchall()
        finally:
            self.con.unregister("_urls")
        return dict(rows)

    def signatures(self, since_days: int = 60) -> list[tuple[str, str, list[int]]]:
        """(id, content_hash, minhash) of recently stored originals, for near-duplicate checks."""
        return self.con.execute(
            "SELECT id, content_hash, minhash FROM articles WHERE minhash IS NOT NULL AND duplicate_of IS NULL "
            "AND status IN ('annotated', 'rejected') AND fetched_at > now() - to_days(?)",
            [since_days],
        ).fetchall()

    # -- loading --------------------------------------------------------------------------------
    def load(self, tables: dict[str, list[dict] | pa.Table], run_id: str, index: bool = True) -> dict[str, int]:
        """Load one run's rows in one transaction: bulk through Arrow, keyed upserts, so loading the
        same rows twice changes nothing. Rows are dicts or a ready Arrow table (columns named as in the
        table; `run_id` is set here). Rebuilds the search index if articles arrived (unless index=False).
        Returns rows inserted per table."""
        inserted: dict[str, int] = {}
        self.con.execute("BEGIN")
        try:
            for table, rows in tables.items():
                if not len(rows):
                    inserted[table] = 0
                    continue
                inserted[table] = self._bulk_insert(table, rows, run_id)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        if index and inserted.get("articles"):
            self.refresh_search_index()
        return inserted

    def _bulk_insert(self, table: str, rows: list[dict] | pa.Table, run_id: str) -> int:
        cols = self._columns(table)
        if not cols:
            raise WarehouseError(f"no table {table!r} in the warehouse")
        if isinstance(rows, pa.Table):
            arrow = rows.select([c for c in rows.column_names if c in cols and c != "run_id"])
            if "run_id" in cols:
                arrow = arrow.append_column("run_id", pa.array([run_id] * arrow.num_rows, pa.string()))
            data = dict.fromkeys(arrow.column_names)
        else:
            data = {c: [r.get(c) for r in rows] for c in cols if c in rows[0] or c == "run_id"}
            if "run_id" in cols:
                data["run_id"] = [run_id] * len(rows)
            arrow = pa.table(data) if not _has_nested_nulls(data) else pa.Table.from_pylist([{c: data[c][i] for c in data} for i in range(len(rows))])
        self.con.register("_batch", arrow)
        try:
            return self._insert(table, list(data), "_batch")
        finally:
            self.con.unregister("_batch")

    def _insert(self, table: str, cols: list[str], source: str) -> int:
        """Insert `source`'s rows into `table` by key; returns the rows added. Rows with the same key
        twice in `source` count once. Latest-state tables (UPSERT_TABLES, runs) replace a stored row
        with the same key; fact tables keep the stored one. Fact tables are inserted with an anti-join
        on each of their keys (PRIMARY KEY, UNIQUE, or LOADER_KEYS): duckdb 1.4's INSERT OR IGNORE
        compares every new row with every stored one when a table has two unique constraints
        (articles: id and canonical_url), which made loading quadratic."""
        names = ", ".join(cols)
        keys = self._unique_keys(table)
        rows = f"SELECT DISTINCT ON ({', '.join(keys[0])}) {names} FROM {source}" if keys else f"SELECT {names} FROM {source}"
        if table in UPSERT_TABLES or table == "runs":
            sql = f"INSERT OR REPLACE INTO {table} ({names}) {rows}"
        else:
            new = " AND ".join(
                f"NOT EXISTS (SELECT 1 FROM {table} t WHERE {' AND '.join(f't.{k} = b.{k}' for k in key)})" for key in keys
            ) or "true"
            sql = f"INSERT INTO {table} ({names}) SELECT {names} FROM ({rows}) b WHERE {new}"
        before = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        self.con.execute(sql)
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] - before

    def _columns(self, table: str) -> list[str]:
        return [r[0] for r in self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = 'main' "
            "AND table_catalog = current_database() ORDER BY ordinal_position", [table]
        ).fetchall()]

    def _unique_keys(self, table: str) -> list[list[str]]:
        """The table's keys, primary first: its PRIMARY KEY and UNIQUE constraints, else LOADER_KEYS."""
        rows = self.con.execute(
            "SELECT constraint_column_names FROM duckdb_constraints() WHERE table_name = ? AND schema_name = 'main' "
            "AND database_name = current_database() AND constraint_type IN ('PRIMARY KEY', 'UNIQUE') "
            "ORDER BY constraint_type = 'UNIQUE', constraint_index",
            [table],
        ).fetchall()
        return [list(r[0]) for r in rows] or ([list(LOADER_KEYS[table])] if table in LOADER_KEYS else [])

    def sync_entities(self, rows: Iterable[dict], run_id: str | None = None) -> None:
        rows = list(rows)
        if rows:
            self.con.register("_ents", pa.Table.from_pylist(rows))
            try:
                self.con.execute("INSERT OR REPLACE INTO entities (id, name, type, parent_id, aliases, run_id) "
                                 "SELECT id, name, type, parent_id, aliases, ? FROM _ents", [run_id])
            finally:
                self.con.unregister("_ents")

    def recent_story_members(self, model: str, since_days: int = 3) -> list[tuple]:
        """(id, site, published_at, vector) of annotated articles published in the last days of data."""
        return self.con.execute(
            "SELECT a.id, a.site, a.published_at, v.vector FROM articles a JOIN article_vectors v ON v.article_id = a.id "
            "WHERE v.model = ? AND a.status = 'annotated' AND a.published_at >= "
            "(SELECT max(published_at) FROM articles WHERE status = 'annotated') - to_days(?)",
            [model, since_days],
        ).fetchall()

    def article_sentences(self, ids: Sequence[str]) -> dict[str, list[str]]:
        """Sentence texts of stored articles, in order (one copy whatever the sentiment model)."""
        rows = self.con.execute(
            "SELECT DISTINCT ON (article_id, idx) article_id, idx, text FROM sentences WHERE list_contains(?, article_id) "
            "ORDER BY article_id, idx", [list(ids)]).fetchall()
        out: dict[str, list[str]] = {}
        for aid, _idx, text in rows:
            out.setdefault(aid, []).append(text)
        return out

    def reannotation_ids(self, models: dict[str, str], since=None, limit: int | None = None,
                         every: bool = False) -> list[str]:
        """Ids of annotated articles that lack rows of these models (sentences of the sentiment model,
        summary, themes or vector), oldest first; ``every``: all annotated articles."""
        checks = [("sentences", models.get("sentiment")), ("summaries", models.get("summary")),
                  ("article_themes", models.get("themes")), ("article_vectors", models.get("embedding"))]
        checks = [(t, m) for t, m in checks if m]
        where = "a.status = 'annotated' AND a.text IS NOT NULL"
        params: list = []
        if checks and not every:
            where += " AND (" + " OR ".join(
                f"NOT EXISTS (SELECT 1 FROM {t} x WHERE x.article_id = a.id AND x.model = ?)" for t, _ in checks) + ")"
            params = [m for _, m in checks]
        if since is not None:
            where += " AND a.published_at >= ?"
            params.append(since)
        sql = f"SELECT a.id FROM articles a WHERE {where} ORDER BY a.published_at NULLS FIRST, a.id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [r[0] for r in self.con.execute(sql, params).fetchall()]

    def article_docs(self, ids: Sequence[str]) -> list[tuple[str, str | None, str]]:
        """(id, title, text) of these articles, in the order of ``ids``."""
        rows = {r[0]: r for r in self.con.execute(
            "SELECT id, title, text FROM articles WHERE list_contains(?, id)", [list(ids)]).fetchall()}
        return [rows[i] for i in ids if i in rows]

    def publisher_feeds(self, retry_empty_days: int = 7) -> dict[str, tuple[str, ...]]:
        """The feeds found on each publisher's site (for resolving aggregator entries). A publisher where none
        was found is left out once that finding is `retry_empty_days` old, so its site is looked at again
        (it may have added a feed since)."""
        rows = self.con.execute(
            "SELECT publisher, feeds FROM publisher_feeds WHERE coalesce(len(feeds), 0) > 0 "
            "OR discovered_at > now() - to_days(CAST(? AS INTEGER))", [retry_empty_days]).fetchall()
        return {p: tuple(f or ()) for p, f in rows}

    def stored_ids(self, ids: Sequence[str]) -> list[str]:
        """Which of these article ids are already stored."""
        return [r[0] for r in self.con.execute("SELECT id FROM articles WHERE list_contains(?, id)", [list(ids)]).fetchall()]

    # -- merging a staged run ---------------------------------------------------------------------
    def merge(self, staging_path: str, data: bool = True) -> dict[str, int]:
        """Copy a staging file's rows into this file in one transaction (keyed upserts, as `load`);
        with data=False only its `runs` rows (a failed run leaves its lineage, not half its data).
        Returns rows inserted per table; rebuilds the search index if articles arrived."""
        self.con.execute(f"ATTACH {_literal(staging_path)} AS staged (READ_ONLY)")
        inserted: dict[str, int] = {}
        try:
            self.con.execute("BEGIN")
            try:
                for table in MERGE_ORDER if data else ("runs",):
                    inserted[table] = self._insert(table, self._columns(table), f"staged.{table}")
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
        finally:
            self.con.execute("DETACH staged")
        if inserted.get("articles"):
            self.refresh_search_index()
        return inserted

    # -- export -----------------------------------------------------------------------------------
    def export_parquet(self, out_dir: str | Path) -> dict[str, int]:
        """Every table as Parquet under out_dir/<table>/, partitioned by a date column where it has one
        (articles' children by their article's publication day), for Spark, Polars, BigQuery, ..."""
        from .export import export_parquet

        return export_parquet(self.con, Path(out_dir))

    def register_models(self, models: dict[str, str], run_id: str) -> None:
        for kind, model in models.items():
            self.con.execute(
                "INSERT OR IGNORE INTO annotation_models VALUES (?, ?, ?, ?)", [kind, model, run_id, _now()]
            )

    # -- reading --------------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence | None = None) -> tuple[list[str], list[tuple]]:
        cur = self.con.execute(sql, params or [])
        cols = [d[0] for d in cur.description] if cur.description else []
        return cols, cur.fetchall()


# Tables whose rows describe the latest state (replace); all others are append-only facts (ignore).
UPSERT_TABLES = frozenset({"feed_state", "feeds", "entities", "stories", "publisher_feeds"})

# What a staged run merges, parents first.
MERGE_ORDER = ("runs", "entities", "annotation_models", "feeds", "feed_state", "fetch_failures", "articles",
               "sentences", "mentions", "figures", "entity_sentiment", "article_sentiment", "article_themes", "summaries",
               "article_vectors", "stories", "story_articles", "headlines", "publisher_feeds")


def _literal(text: str) -> str:
    """A SQL string literal (for the few statements that take no parameters: ATTACH, COMMENT)."""
    return "'" + str(text).replace("'", "''") + "'"


def _has_nested_nulls(data: dict) -> bool:
    return any(isinstance(v, (list, tuple, dict)) for col in data.values() for v in col[:1])


def _now() -> datetime:
    return datetime.now(timezone.utc)
