"""The Warehouse: one DuckDB file, migrated on open, loaded in bulk, one transaction per run."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from .migrations import MIGRATIONS
from .views import VIEWS

log = logging.getLogger(__name__)


class WarehouseError(Exception):
    """A warehouse problem with a message meant for the user."""


class WarehouseLocked(WarehouseError):
    """Another process holds the file (DuckDB allows one writer, and no reader while it writes)."""


def _connect(path: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    config = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
    try:
        return duckdb.connect(path, read_only=read_only, config=config)
    except duckdb.IOException as exc:
        msg = str(exc)
        if "lock" in msg.lower():
            pid = re.search(r"PID (\d+)", msg)
            holder = f"process {pid.group(1)}" if pid else "another process"
            raise WarehouseLocked(
                f"{path} is in use by {holder} (DuckDB lets one process write and no one else open the file "
                f"meanwhile). A daily run usually holds it for well under a minute: try again shortly, or "
                f"query a copy (`narrative sql --snapshot`)."
            ) from exc
        raise WarehouseError(f"cannot open {path}: {msg}") from exc


class Warehouse:
    """A DuckDB file (or connection). Writers migrate and refresh views on open; readers never write."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str | None = None, read_only: bool = False):
        self.con = con
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False) -> "Warehouse":
        path = str(path)
        if read_only and path != ":memory:" and not Path(path).exists():
            raise WarehouseError(f"no warehouse at {path}: run `narrative ingest` or `narrative demo` first")
        if not read_only and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        wh = cls(_connect(path, read_only), path, read_only)
        if not read_only:
            wh.migrate()
            wh.refresh_views()
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
        have = self.schema_version()
        applied = []
        for version, name, sql in MIGRATIONS:
            if version <= have:
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
        for name, (doc, sql) in VIEWS.items():
            self.con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")
            self.con.execute(f"COMMENT ON VIEW {name} IS '{doc.replace(chr(39), chr(39) * 2)}'")

    # -- runs -----------------------------------------------------------------------------------
    def begin_run(self, run_id: str, trigger: str, settings_hash: str) -> None:
        """Record the run at once (committed), so a crash leaves a trace; stale `running` rows are closed."""
        self.con.execute(
            "UPDATE runs SET status = 'failed', message = coalesce(message, 'interrupted (found running at next start)') "
            "WHERE status = 'running'"
        )
        self.con.execute(
            "INSERT INTO runs (id, started_at, status, trigger, settings_hash) VALUES (?, ?, 'running', ?, ?)",
            [run_id, _now(), trigger, settings_hash],
        )

    def finish_run(self, run_id: str, status: str, counts: dict, failures: dict, models: dict, message: str | None = None) -> None:
        self.con.execute(
            "UPDATE runs SET finished_at = ?, status = ?, counts = ?, failures = ?, model_versions = ?, message = ? WHERE id = ?",
            [_now(), status, json.dumps(counts), json.dumps(failures), json.dumps(models), message, run_id],
        )

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
    def load(self, tables: dict[str, list[dict]], run_id: str) -> dict[str, int]:
        """Load one run's rows in one transaction: bulk through Arrow, keyed upserts, so loading the
        same rows twice changes nothing. Returns rows inserted per table."""
        inserted: dict[str, int] = {}
        self.con.execute("BEGIN")
        try:
            for table, rows in tables.items():
                if not rows:
                    inserted[table] = 0
                    continue
                inserted[table] = self._bulk_insert(table, rows, run_id)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return inserted

    def _bulk_insert(self, table: str, rows: list[dict], run_id: str) -> int:
        cols = self._columns(table)
        keys = self._primary_key(table)
        data = {c: [r.get(c) for r in rows] for c in cols if c in rows[0] or c == "run_id"}
        if "run_id" in cols:
            data["run_id"] = [run_id] * len(rows)
        arrow = pa.table(data) if not _has_nested_nulls(data) else pa.Table.from_pylist([{c: data[c][i] for c in data} for i in range(len(rows))])
        self.con.register("_batch", arrow)
        try:
            names = ", ".join(data)
            if table in UPSERT_TABLES:
                verb = "INSERT OR REPLACE"
            else:
                verb = "INSERT OR IGNORE"
            dedup = f"SELECT DISTINCT ON ({', '.join(keys)}) {names} FROM _batch" if keys else f"SELECT {names} FROM _batch"
            before = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            self.con.execute(f"{verb} INTO {table} ({names}) {dedup}")
            after = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        finally:
            self.con.unregister("_batch")
        return after - before

    def _columns(self, table: str) -> list[str]:
        return [r[0] for r in self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", [table]
        ).fetchall()]

    def _primary_key(self, table: str) -> list[str]:
        row = self.con.execute(
            "SELECT constraint_column_names FROM duckdb_constraints() WHERE table_name = ? AND constraint_type = 'PRIMARY KEY'",
            [table],
        ).fetchone()
        return list(row[0]) if row else []

    def sync_entities(self, rows: Iterable[dict]) -> None:
        rows = list(rows)
        if rows:
            self.con.register("_ents", pa.Table.from_pylist(rows))
            try:
                self.con.execute("INSERT OR REPLACE INTO entities SELECT id, name, type, parent_id, aliases FROM _ents")
            finally:
                self.con.unregister("_ents")

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
UPSERT_TABLES = frozenset({"feed_state", "feeds", "entities"})


def _has_nested_nulls(data: dict) -> bool:
    return any(isinstance(v, (list, tuple, dict)) for col in data.values() for v in col[:1])


def _now() -> datetime:
    return datetime.now(timezone.utc)
