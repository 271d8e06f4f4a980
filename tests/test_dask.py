"""Scale-out: `task_runner = "dask"` runs the annotate chunks on a 2-worker Dask LocalCluster and the
warehouse gets the same rows as with the default thread runner (the demo corpus, the flow the single
writer). Workers are threads here (`dask_processes = false`): two model copies would double the memory
on a 2-core machine for no gain in a test."""

from __future__ import annotations

from dataclasses import replace

import pytest

from narrative.warehouse.db import Warehouse

# every annotation table and the articles, without what differs by nature between two runs
TABLES = ["articles", "sentences", "mentions", "figures", "entity_sentiment", "article_sentiment", "article_themes",
          "summaries", "article_vectors"]
SKIP = {"run_id", "fetched_at", "vector"}


def _rows(db: str, table: str) -> list[tuple]:
    with Warehouse.open(db, read_only=True) as wh:
        cols = [c for (c,) in wh.con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND database_name = current_database() "
            "ORDER BY column_index", [table]).fetchall() if c not in SKIP]
        rows = wh.con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
    return sorted((tuple(round(v, 5) if isinstance(v, float) else v for v in r) for r in rows), key=repr)


@pytest.mark.timeout(300)
def test_dask_local_cluster_gives_the_rows_of_the_thread_runner(demo_run, demo_server, tmp_path):
    pytest.importorskip("prefect_dask")
    from narrative.flows.daily import run_daily, with_task_runner, daily_ingest

    s = replace(demo_run["settings"], db=str(tmp_path / "dask.duckdb"), task_runner="dask", dask_workers=2,
                dask_processes=False)
    runner = with_task_runner(daily_ingest, s).task_runner
    assert type(runner).__name__ == "DaskTaskRunner" and runner.cluster_kwargs["n_workers"] == 2

    report = run_daily(s, None, trigger="test", show_progress=False)
    assert report.counts == demo_run["first"].counts
    # every chunk ran on a worker of the cluster, none in the flow's own threads (with two chunks, Dask may
    # well give both to one worker)
    workers = set(report.annotated_by)
    assert workers and all(w.startswith("dask:inproc://") for w in workers), report.annotated_by
    for table in TABLES:
        assert _rows(s.db, table) == _rows(demo_run["db"], table), table
    with Warehouse.open(s.db, read_only=True) as wh:  # one run, one writer: every row carries the run's id
        ids = {r for (r,) in wh.con.execute("SELECT DISTINCT run_id FROM sentences").fetchall()}
        assert ids == {report.run_id}
