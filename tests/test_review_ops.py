"""Acceptance checks of scale-out found in review: the LocalCluster a run starts for `task_runner = "dask"`
listens on 127.0.0.1 only (a real cluster; before, its dashboards listened on 0.0.0.0, 8787 included)."""

from __future__ import annotations

import pytest

from narrative.flows.settings import Settings


@pytest.mark.timeout(120)
def test_the_runs_local_dask_cluster_listens_on_loopback_only():
    pytest.importorskip("prefect_dask")
    psutil = pytest.importorskip("psutil")
    from distributed import LocalCluster

    from narrative.flows.daily import daily_ingest, with_task_runner

    runner = with_task_runner(daily_ingest, Settings(task_runner="dask", dask_workers=2, dask_processes=False)).task_runner
    me = psutil.Process()
    before = {c.laddr for c in me.net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN}
    with LocalCluster(**runner.cluster_kwargs) as cluster:
        assert len(cluster.workers) == 2
        listening = {c.laddr for c in me.net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN} - before
    assert listening, "the cluster's dashboards listen somewhere"
    assert all(addr.ip == "127.0.0.1" for addr in listening), sorted(listening)
    assert all(addr.port != 8787 for addr in listening)  # ephemeral: two runs never collide


def test_a_held_warehouse_fails_the_digest_not_the_stored_run(tmp_path):
    """After the run is stored, an analyst's process holding the file past the wait makes the digest
    'failed: …' in the run's summary; it does not raise (which failed and alerted a stored day)."""
    from test_warehouse_staging import _holder, _stop

    from narrative.flows.daily import digest_after_run
    from narrative.warehouse.db import Warehouse

    db = tmp_path / "w.duckdb"
    Warehouse.open(db).close()
    holder = _holder(f"import duckdb; c = duckdb.connect({str(db)!r})")
    try:
        paths, status = digest_after_run(Settings(db=str(db)), str(tmp_path / "out"), "r1", wait=0.3)
    finally:
        _stop(holder)
    assert paths == [] and status.startswith("failed: ") and str(db) in status, status
