"""`narrative serve` on real processes: a real local Prefect server (started by serve itself), an interval
schedule of a few seconds, a real feed on 127.0.0.1; the run fires, articles land in the DuckDB file with
trigger `schedule`; Ctrl-C (SIGINT to the group) stops serve and no process (Prefect server, flow run)
survives it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from narrative.flows.catchup import ScheduledRun, superseded
from narrative.flows.serve import group_members


def _config(tmp_path: Path, srv, feed: str, db: Path) -> Path:
    resolve = ", ".join(f'"{h}" = "{t}"' for h, t in srv.resolve_map().items())
    cfg = tmp_path / "narrative.toml"
    cfg.write_text(f'[narrative]\ndb = "{db}"\nfeeds = ["{feed}"]\nallow_private = true\nper_host_interval = 0.02\n'
                   f'timezone = "Europe/London"\nresolve = {{ {resolve} }}\n')
    return cfg


def _scheduled_runs(db: Path) -> list[tuple]:
    from narrative.warehouse.db import Warehouse
    from narrative.warehouse.errors import WarehouseError

    if not db.exists():
        return []
    try:
        with Warehouse.open(db, read_only=True, wait=2) as wh:
            return wh.con.execute("SELECT id, status, trigger, message FROM runs ORDER BY started_at").fetchall()
    except WarehouseError:  # the run is merging: ask again
        return []


def _cmdlines() -> dict[int, str]:
    out = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                out[int(d.name)] = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            except OSError:
                pass
    return out


@pytest.mark.timeout(240)
def test_schedule_fires_on_a_real_local_prefect_server_and_serve_leaves_nothing_behind(tmp_path):
    from narrative.demo.corpus import load_corpus
    from narrative.demo.server import SiteServer, corpus_routes
    from narrative.demo.site import SITES

    arts = [a for a in load_corpus() if a.site == "techledger" and a.kind == "article"][:3]
    db = tmp_path / "narrative.duckdb"
    log_path = tmp_path / "serve.log"
    with SiteServer(corpus_routes(arts)) as srv:
        cfg = _config(tmp_path, srv, f"https://{SITES['techledger'].host}{SITES['techledger'].feed_path}", db)
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env["PREFECT_RUNNER_POLL_FREQUENCY"] = "2"  # the runner asks for due runs every 2 s (default 10)
        narrative = str(Path(sys.executable).parent / "narrative")
        t0 = time.monotonic()
        with open(log_path, "wb") as logf:
            proc = subprocess.Popen([narrative, "serve", "--config", str(cfg), "--interval", "5"], env=env,
                                    stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            runs, fired_after = [], None
            while time.monotonic() - t0 < 180 and proc.poll() is None:
                runs = _scheduled_runs(db)
                if any(r[1] == "succeeded" for r in runs):
                    fired_after = time.monotonic() - t0
                    break
                time.sleep(1)
            log = log_path.read_text("utf-8", "replace")
            assert fired_after is not None, f"no scheduled run succeeded; runs {runs}; serve log:\n{log[-4000:]}"
            print(f"\nserve started -> first scheduled run merged: {fired_after:.1f} s")
            port = re.search(r"Prefect server ready at http://127\.0\.0\.1:(\d+)/api", log).group(1)
            assert str(db) + ".prefect" in log  # its own PREFECT_HOME beside the warehouse
        finally:
            # Ctrl-C in a terminal: SIGINT to the whole foreground group (serve and its flow runs; the Prefect
            # server has its own group). SIGTERM (systemd, docker stop) takes the same path in the runner.
            os.killpg(proc.pid, signal.SIGINT)
            try:
                rc = proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                raise
    from narrative.warehouse.db import Warehouse

    with Warehouse.open(db, read_only=True) as wh:
        done = wh.con.execute("SELECT id, trigger, counts FROM runs WHERE status = 'succeeded' ORDER BY started_at").fetchall()
        stored = wh.con.execute("SELECT count(*) FROM articles WHERE status = 'annotated'").fetchone()[0]
        per_run = wh.con.execute("SELECT run_id, count(*) FROM articles GROUP BY run_id").fetchall()
    assert done and all(t == "schedule" for _, t, _ in done), done
    assert stored == 3, per_run
    assert rc == 0, log_path.read_text("utf-8", "replace")[-3000:]
    # nothing survives serve: not its process group, not the Prefect server it started (its own group)
    time.sleep(0.5)
    assert group_members(proc.pid) == []
    survivors = {p: c for p, c in _cmdlines().items() if f"--port {port}" in c or "prefect server start" in c and str(tmp_path) in c}
    assert survivors == {}, survivors
    assert "Stopping the local Prefect server" in log_path.read_text("utf-8", "replace")


def test_a_missed_day_runs_once():
    """Machine asleep through three scheduled times: each older missed run sees a newer one already due
    and stands down; only the newest runs (and one not yet due does not count)."""
    now = datetime(2026, 8, 4, 9, 0, tzinfo=timezone.utc)
    runs = [ScheduledRun(f"r{i}", datetime(2026, 8, 1 + i, 6, 0, tzinfo=timezone.utc)) for i in range(3)]  # 1st..3rd
    runs.append(ScheduledRun("r3", datetime(2026, 8, 4, 6, 0, tzinfo=timezone.utc)))  # today 06:00, missed too
    tomorrow = ScheduledRun("r4", now + timedelta(hours=21))
    everyone = runs + [tomorrow]
    ran = [r.id for r in everyone if r.expected_start <= now and superseded(r, everyone, now) is None]
    assert ran == ["r3"]
    assert superseded(runs[0], everyone, now).id == "r3"
    assert superseded(tomorrow, everyone, now) is None
    # a run on time (seconds late, as with a short --interval) runs even if the next one came due meanwhile
    fast = [ScheduledRun("a", now - timedelta(seconds=8)), ScheduledRun("b", now - timedelta(seconds=3))]
    assert superseded(fast[0], fast, now) is None


def test_prefect_yaml_deploys_the_served_flow_with_json_parameters():
    """prefect.yaml's entrypoint is the flow serve runs, its parameters are what that flow takes (JSON), and
    its schedule is one Prefect accepts."""
    import yaml
    from prefect.flows import load_flow_from_entrypoint

    from narrative.flows.serve import FLOW_NAME, validate_schedule

    root = Path(__file__).resolve().parents[1]
    spec = yaml.safe_load((root / "prefect.yaml").read_text())
    (dep,) = spec["deployments"]
    flow = load_flow_from_entrypoint(dep["entrypoint"])
    assert flow.name == FLOW_NAME and dep["work_pool"]["name"] == "narrative"
    assert dep["parameters"].items() <= flow.validate_parameters(dep["parameters"]).items()
    for sched in dep["schedules"]:
        validate_schedule(sched["cron"], sched["timezone"])
