"""A run that keeps the main file free for readers: it writes into a staging file and merges at the end.

DuckDB lets one process write a file, and while it has the file open for writing no other process can
open it, not even read-only. A daily run spends minutes fetching and annotating, so it must not hold
the main file all that time. A `StagedRun`:

1. takes the run lock (`<db>.lock`: one run at a time, and it names its holder);
2. opens the main file for milliseconds: migrates it, merges any leftover staging file of an earlier
   run whose merge could not happen, closes runs found still `running`, records this run as `running`;
3. answers the flow's reads (feed state, stored URLs, signatures) with short read-only opens;
4. loads the run's rows into `<db>.staging-<run>.duckdb` (same schema, same Arrow bulk load);
5. at `finish_run`, opens the main file and merges the staging file in one transaction (ATTACH …
   READ_ONLY; the keyed inserts of `Warehouse.load` per table, the `runs` row with them), rebuilds the
   search index if articles arrived, closes, deletes the staging file.

Readers are blocked only during steps 2 and 5. If the merge cannot get the file (a reader holding it
for longer than `wait`), the staging file stays and the next run merges it first: nothing is lost.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from .db import Warehouse
from .errors import RunInProgress, WarehouseLocked
from .runlock import RunLock, describe

log = logging.getLogger(__name__)


def staging_path(db: str, run_id: str) -> Path:
    return Path(f"{db}.staging-{run_id}.duckdb")


def leftover_staging(db: str) -> list[Path]:
    p = Path(db)
    return sorted(p.parent.glob(f"{p.name}.staging-*.duckdb"))


def check_no_run(db: str) -> None:
    """Raise RunInProgress if another run holds this warehouse (a probe: takes nothing)."""
    info = RunLock.holder(db)
    if info:
        raise RunInProgress(_run_in_progress(db, info))


def _run_in_progress(db: str, info: dict) -> str:
    return (f"another run is already writing to {db}: {describe(info)}. One run at a time: wait for it to "
            f"finish (see `narrative sql \"SELECT id, started_at, status FROM runs ORDER BY started_at DESC LIMIT 3\"`), "
            f"or stop process {info.get('pid')} if it is stuck; its lock is released when the process ends.")


class StagedRun:
    """The flow's view of the warehouse during a run: reads from the main file, writes to staging."""

    def __init__(self, db: str, run_id: str, lock: RunLock, wait: float):
        self.db = db
        self.run_id = run_id
        self.lock = lock
        self.wait = wait
        self.staging = staging_path(db, run_id)
        self._stage: Warehouse | None = None
        self._started_at: datetime | None = None
        self._trigger: str | None = None
        self._settings_hash: str | None = None
        self.merged: dict[str, int] = {}

    @classmethod
    def begin(cls, db: str, run_id: str, trigger: str, settings_hash: str, wait: float = 120.0) -> "StagedRun":
        lock = RunLock(db)
        if not lock.acquire(run_id):
            info = RunLock.holder(db) or {"run_id": "?", "pid": "?"}
            raise RunInProgress(_run_in_progress(db, info))
        run = cls(db, run_id, lock, wait)
        try:
            run._start(trigger, settings_hash)
        except BaseException:
            lock.release()
            raise
        return run

    def _start(self, trigger: str, settings_hash: str) -> None:
        leftovers = [p for p in leftover_staging(self.db) if p != self.staging]
        with Warehouse.open(self.db, wait=self.wait) as main:
            for path in leftovers:
                self._recover(main, path)
            main.begin_run(self.run_id, trigger, settings_hash)
            self._started_at = main.con.execute("SELECT started_at FROM runs WHERE id = ?", [self.run_id]).fetchone()[0]
        self._trigger, self._settings_hash = trigger, settings_hash
        self.staging.unlink(missing_ok=True)
        self._stage = Warehouse.open(self.staging)
        self._stage.con.execute(
            "INSERT INTO runs (id, started_at, status, trigger, settings_hash) VALUES (?, ?, 'running', ?, ?)",
            [self.run_id, self._started_at, trigger, settings_hash])

    @staticmethod
    def _recover(main: Warehouse, path: Path) -> None:
        """A staging file left by an earlier run: merge it if that run finished, else drop it."""
        try:
            with Warehouse.open(path, read_only=True) as old:
                finished = old.con.execute("SELECT id FROM runs WHERE status = 'succeeded'").fetchall()
        except Exception as exc:  # unreadable (the run died while writing it): nothing committed to keep
            log.warning("dropping unreadable staging file %s: %s", path, exc)
            finished = []
        if finished:
            try:
                counts = main.merge(str(path))
            except duckdb.Error as exc:  # keep it for a person to look at, out of the way of later runs
                log.error("cannot merge staging file %s (%s): renamed to %s.unmerged", path, exc, path)
                path.rename(f"{path}.unmerged")
                return
            log.warning("merged staging file %s left by run %s: %s", path, finished[0][0], counts)
        else:
            log.warning("dropping staging file %s of a run that did not finish", path)
        path.unlink(missing_ok=True)
        Path(f"{path}.wal").unlink(missing_ok=True)

    # -- reads: short read-only opens of the main file --------------------------------------------
    def _read(self):
        return Warehouse.open(self.db, read_only=True, wait=self.wait)

    def feed_state(self, feed_url: str) -> tuple[str | None, str | None]:
        with self._read() as wh:
            return wh.feed_state(feed_url)

    def known_urls(self, urls: Sequence[str]) -> set[str]:
        with self._read() as wh:
            return wh.known_urls(urls)

    def failed_attempts(self, urls: Sequence[str]) -> dict[str, int]:
        with self._read() as wh:
            return wh.failed_attempts(urls)

    def signatures(self, since_days: int = 60) -> list[tuple[str, str, list[int]]]:
        with self._read() as wh:
            return wh.signatures(since_days)

    def recent_story_members(self, model: str, since_days: int = 3) -> list[tuple]:
        with self._read() as wh:
            return wh.recent_story_members(model, since_days)

    def article_sentences(self, ids: Sequence[str]) -> dict[str, list[str]]:
        with self._read() as wh:
            return wh.article_sentences(ids)

    def publisher_feeds(self) -> dict[str, tuple[str, ...]]:
        with self._read() as wh:
            return wh.publisher_feeds()

    def stored_ids(self, ids: Sequence[str]) -> list[str]:
        with self._read() as wh:
            return wh.stored_ids(ids)

    def reannotation_ids(self, models: dict[str, str], since=None, limit: int | None = None,
                         every: bool = False) -> list[str]:
        with self._read() as wh:
            return wh.reannotation_ids(models, since, limit, every)

    def article_docs(self, ids: Sequence[str]) -> list[tuple[str, str | None, str]]:
        with self._read() as wh:
            return wh.article_docs(ids)

    # -- writes: into the staging file ------------------------------------------------------------
    def load(self, tables: dict[str, list[dict] | pa.Table], run_id: str | None = None) -> dict[str, int]:
        """Bulk-load into the staging file (one transaction); returns rows new to this run."""
        return self._stage.load(tables, run_id or self.run_id, index=False)

    def sync_entities(self, rows: Iterable[dict]) -> None:
        self._stage.sync_entities(rows, self.run_id)

    def register_models(self, models: dict[str, str], run_id: str | None = None) -> None:
        self._stage.register_models(models, run_id or self.run_id)

    def finish_run(self, run_id: str, status: str, counts: dict, failures: dict, models: dict,
                   message: str | None = None) -> dict[str, int]:
        """Record the outcome and merge into the main file in one transaction (a failed run merges only
        its `runs` row). Returns rows merged per table."""
        if self._stage is None:  # already finished (e.g. the flow records a failure after a failed merge)
            return self.merged
        self._stage.finish_run(run_id, status, counts, failures, models, message)
        self._stage.close()
        self._stage = None
        self.lock.set_phase("merging")
        try:
            with Warehouse.open(self.db, wait=self.wait) as main:
                self.merged = main.merge(str(self.staging), data=(status == "succeeded"))
        except WarehouseLocked as exc:
            raise WarehouseLocked(f"{exc} This run's results are kept in {self.staging} and the next run "
                                  f"merges them first.") from exc
        self.staging.unlink(missing_ok=True)
        Path(f"{self.staging}.wal").unlink(missing_ok=True)
        log.info("run %s merged into %s: %s", run_id, self.db, json.dumps(self.merged))
        return self.merged

    def close(self) -> None:
        """Release the run lock; a run that never finished drops its staging file (main marks it failed next time)."""
        if self._stage is not None:
            self._stage.close()
            self._stage = None
            self.staging.unlink(missing_ok=True)
            Path(f"{self.staging}.wal").unlink(missing_ok=True)
        self.lock.release()

    def __enter__(self) -> "StagedRun":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _now() -> datetime:
    return datetime.now(timezone.utc)
