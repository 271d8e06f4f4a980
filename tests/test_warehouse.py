"""The warehouse on real DuckDB files: migrations, idempotent bulk loading, locks, read-only SQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import duckdb
import pytest

from narrative.warehouse.db import Warehouse, WarehouseError, WarehouseLocked
from narrative.warehouse.migrations import MIGRATIONS

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


def article(i: int, **kw) -> dict:
    row = {"id": f"id{i}", "url": f"https://x.example/{i}", "canonical_url": f"https://x.example/{i}", "site": "X",
           "title": f"T{i}", "authors": ["A"], "published_at": NOW, "fetched_at": NOW, "language": "en",
           "text": "body", "word_count": 1, "content_hash": f"h{i}", "minhash": [1, 2, 3], "status": "annotated",
           "reason": None, "relevance": 0.9, "duplicate_of": None, "feed_url": None}
    row.update(kw)
    return row


def test_new_file_is_migrated_and_documented(tmp_path):
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        assert wh.schema_version() == MIGRATIONS[-1][0]
        views = {r[0] for r in wh.con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        assert {"entity_sentiment_daily", "theme_share_weekly", "figure_timeline", "figure_conflicts", "top_stories",
                "narrative_shifts", "share_of_voice"} <= views


def test_load_is_idempotent_and_dedupes_within_a_batch(tmp_path):
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        rows = [article(1), article(2), article(1)]
        assert wh.load({"articles": rows}, "r1") == {"articles": 2}
        assert wh.load({"articles": rows}, "r2") == {"articles": 0}
        assert wh.con.execute("SELECT count(*), min(run_id) FROM articles").fetchone() == (2, "r1")


def test_failed_load_rolls_back_everything(tmp_path):
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        bad = article(3, status="nonsense")  # violates the CHECK constraint
        with pytest.raises(duckdb.Error):
            wh.load({"articles": [article(2)], "fetch_failures": [], "feeds": [{"url": "f", "title": "t", "added_at": NOW}],
                     "sentences": [{"article_id": "id2", "idx": 0, "text": "s", "model": "m"}], "summaries": [],
                     "articles_bad": []} | {"articles": [article(2), bad]}, "r1")
        assert wh.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
        assert wh.con.execute("SELECT count(*) FROM feeds").fetchone()[0] == 0


def test_interrupted_run_is_marked_interrupted_at_next_start(tmp_path):
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        wh.begin_run("r1", "test", "h")
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        wh.begin_run("r2", "test", "h")
        assert wh.con.execute("SELECT status FROM runs WHERE id = 'r1'").fetchone()[0] == "interrupted"


def test_locked_file_gives_a_clear_message(tmp_path):
    path = tmp_path / "w.duckdb"
    Warehouse.open(path).close()
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(path)!r}); print('ok', flush=True); time.sleep(30)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(WarehouseLocked, match="in use by process"):
            Warehouse.open(path, read_only=True)
    finally:
        holder.kill()
        holder.wait()


def test_read_only_open_of_missing_file(tmp_path):
    with pytest.raises(WarehouseError, match="no warehouse"):
        Warehouse.open(tmp_path / "none.duckdb", read_only=True)
