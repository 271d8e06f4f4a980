"""Runs write into a staging file and merge at the end; readers and second runs get clear messages.

Locks are held by real second processes (DuckDB's file lock and our run lock are per process)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from narrative.warehouse import RunInProgress, Warehouse, WarehouseLocked, stage_run
from narrative.warehouse.staging import leftover_staging

from test_warehouse import article

ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}


def _holder(script: str) -> subprocess.Popen:
    """A second process that takes a lock, prints `ok`, and waits to be killed."""
    p = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script) + "\nprint('ok', flush=True)\nimport time; time.sleep(60)"],
                         stdout=subprocess.PIPE, text=True, env=ENV)
    assert p.stdout.readline().strip() == "ok"
    return p


def _stop(p: subprocess.Popen) -> None:
    p.kill()
    p.wait()


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "narrative.cli", *args], capture_output=True, text=True, env=ENV, timeout=120)


def test_staged_run_merges_at_finish_and_is_idempotent(tmp_path):
    db = str(tmp_path / "w.duckdb")
    for run_id in ("r1", "r2"):
        with stage_run(db, run_id, "test", "h") as run:
            run.sync_entities([{"id": "alibaba", "name": "Alibaba Group", "type": "ORG", "parent_id": None, "aliases": []}])
            run.load({"articles": [article(1), article(2), article(1)]}, run_id)
            # until the merge, the main file has only the run's `running` row, and readers can open it
            with Warehouse.open(db, read_only=True) as reader:
                assert reader.con.execute("SELECT status FROM runs WHERE id = ?", [run_id]).fetchone()[0] == "running"
                assert reader.con.execute("SELECT count(*) FROM articles").fetchone()[0] == (0 if run_id == "r1" else 2)
            merged = run.finish_run(run_id, "succeeded", {"stored": 2}, {}, {})
        assert merged["articles"] == (2 if run_id == "r1" else 0)
    assert leftover_staging(db) == []
    with Warehouse.open(db, read_only=True) as wh:
        assert wh.con.execute("SELECT count(*), min(run_id), max(run_id) FROM articles").fetchone() == (2, "r1", "r1")
        assert wh.con.execute("SELECT id, status, counts->>'stored' FROM runs ORDER BY id").fetchall() == [
            ("r1", "succeeded", "2"), ("r2", "succeeded", "2")]
        assert wh.con.execute("SELECT run_id FROM entities").fetchone()[0] == "r2"


def test_failed_run_merges_its_lineage_not_its_rows(tmp_path):
    db = str(tmp_path / "w.duckdb")
    with stage_run(db, "r1", "test", "h") as run:
        run.load({"articles": [article(1)]}, "r1")
        run.finish_run("r1", "failed", {}, {}, {}, message="boom")
    with Warehouse.open(db, read_only=True) as wh:
        assert wh.con.execute("SELECT status, message FROM runs").fetchall() == [("failed", "boom")]
        assert wh.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    assert leftover_staging(db) == []


def test_a_finished_run_whose_merge_failed_is_merged_by_the_next_run(tmp_path):
    db = str(tmp_path / "w.duckdb")
    run = stage_run(db, "r1", "test", "h")
    run.load({"articles": [article(1)]}, "r1")
    reader = _holder(f"import duckdb; c = duckdb.connect({db!r}, read_only=True)")  # a reader that does not let go
    try:
        run.wait = 0.3
        with pytest.raises(WarehouseLocked, match="results are kept in .*next run merges them"):
            run.finish_run("r1", "succeeded", {}, {}, {})
    finally:
        _stop(reader)
        run.close()
    assert len(leftover_staging(db)) == 1
    with stage_run(db, "r2", "test", "h") as run2:
        run2.finish_run("r2", "succeeded", {}, {}, {})
    assert leftover_staging(db) == []
    with Warehouse.open(db, read_only=True) as wh:
        assert wh.con.execute("SELECT id, run_id FROM articles").fetchall() == [("id1", "r1")]
        assert dict(wh.con.execute("SELECT id, status FROM runs").fetchall()) == {"r1": "succeeded", "r2": "succeeded"}


def test_second_run_while_one_is_running_gets_a_clear_message(tmp_path):
    db = str(tmp_path / "w.duckdb")
    holder = _holder(f"from narrative.warehouse.staging import StagedRun; r = StagedRun.begin({db!r}, 'first-run', 'test', 'h')")
    try:
        with pytest.raises(RunInProgress, match=rf"run first-run \(process {holder.pid} .*One run at a time"):
            stage_run(db, "second-run", "test", "h")
        r = _cli("ingest", "--db", db, "--feed", "http://127.0.0.1:9/feed.xml", "--no-progress")
        assert r.returncode == 3, r.stderr
        assert "another run is already writing" in r.stderr and "first-run" in r.stderr
        assert "Traceback" not in r.stderr + r.stdout
        # meanwhile an analyst can read: the running run does not hold the main file
        r = _cli("sql", "--db", db, "SELECT id, status FROM runs", "--format", "csv")
        assert r.returncode == 0 and "first-run,running" in r.stdout
    finally:
        _stop(holder)


def test_reader_while_a_run_merges_gets_a_clear_message(tmp_path):
    db = str(tmp_path / "w.duckdb")
    Warehouse.open(db).close()
    holder = _holder(f"""
        import duckdb
        from narrative.warehouse.runlock import RunLock
        lock = RunLock({db!r}); lock.acquire('merging-run'); lock.set_phase('merging')
        c = duckdb.connect({db!r})""")
    try:
        r = _cli("sql", "--db", db, "--wait", "0.3", "SELECT 1")
        assert r.returncode == 3
        assert f"in use by process {holder.pid}, run merging-run" in r.stderr and "now merging" in r.stderr
        assert "try again shortly" in r.stderr and "Traceback" not in r.stderr
        r = _cli("search", "--db", db, "--wait", "0", "qwen")
        assert r.returncode == 3 and "in use by process" in r.stderr and "Traceback" not in r.stderr
    finally:
        _stop(holder)


def test_a_waiting_reader_gets_in_once_the_merge_ends(tmp_path):
    db = str(tmp_path / "w.duckdb")
    Warehouse.open(db).close()
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({db!r}); print('ok', flush=True); "
                               "time.sleep(1.0); c.close(); time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with Warehouse.open(db, read_only=True, wait=20) as wh:
            assert wh.con.execute("SELECT 1").fetchone() == (1,)
    finally:
        _stop(holder)
