"""Crash safety on a real process: `narrative ingest` killed with SIGKILL in the middle of the annotate
stage. The next run succeeds, stores nothing twice, is not blocked by a stale lock, and the killed run
shows as `interrupted` in `runs` (and in `narrative runs` even before the next run closes its row)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from narrative.warehouse.db import Warehouse
from narrative.warehouse.migrations import LOADER_KEYS
from narrative.warehouse.staging import leftover_staging


@pytest.mark.timeout(300)
def test_sigkill_mid_annotate_then_the_next_run_recovers(tmp_path, capsys):
    from narrative.cli import main

    from narrative.demo.corpus import load_corpus
    from narrative.demo.server import SiteServer, corpus_routes
    from narrative.demo.site import SITES

    arts = [a for a in load_corpus() if a.site in ("techledger", "asiamarkets")]
    db = tmp_path / "narrative.duckdb"
    with SiteServer(corpus_routes(arts)) as srv:
        feeds = ", ".join(f'"https://{SITES[k].host}{SITES[k].feed_path}"' for k in ("techledger", "asiamarkets"))
        resolve = ", ".join(f'"{h}" = "{t}"' for h, t in srv.resolve_map().items())
        cfg = tmp_path / "narrative.toml"
        cfg.write_text(f'[narrative]\ndb = "{db}"\nfeeds = [{feeds}]\nallow_private = true\nper_host_interval = 0.02\n'
                       f'per_host_concurrency = 4\nannotate_batch = 8\nresolve = {{ {resolve} }}\n')
        cmd = [str(Path(sys.executable).parent / "narrative"), "ingest", "--config", str(cfg), "--no-progress"]
        # its own process group, like a service under a supervisor: the SIGKILL below leaves the run's temporary
        # Prefect server (a child process) orphaned, and the test reaps it as such a supervisor would
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
        lines: list[str] = []
        triaged = threading.Event()

        def read():
            for line in proc.stderr:
                lines.append(line)
                if "stage=triage" in line:
                    triaged.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        assert triaged.wait(120), "".join(lines)[-3000:]
        time.sleep(1.5)  # the models are loading or annotating the first chunks (the stage takes ~6 s here)
        assert not any("stage=annotate" in x for x in lines), "annotate finished before the kill: " + "".join(lines)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the orphaned Prefect server; nothing else is in the group
        except ProcessLookupError:
            pass
        reader.join(timeout=5)
        killed_output = "".join(lines)

        # what the kill left: the run's `running` row in the main file, its staging file, an unheld lock
        with Warehouse.open(db, read_only=True) as wh:
            (killed_id, status), = wh.con.execute("SELECT id, status FROM runs").fetchall()
            assert status == "running" and wh.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
        assert leftover_staging(str(db)) and Path(f"{db}.lock").exists()
        capsys.readouterr()
        assert main(["runs", "--db", str(db), "--json"]) == 0
        shown = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
        assert [(r["id"], r["status"], r["live"]) for r in shown] == [(killed_id, "interrupted", False)]

        # the next run (in this process: the killed one was the real subprocess)
        rc = main(cmd[1:])
        second = capsys.readouterr()
    assert rc == 0, second.err[-3000:] + "\n--- killed run:\n" + killed_output[-2000:]
    with Warehouse.open(db, read_only=True) as wh:
        runs = dict(wh.con.execute("SELECT id, status FROM runs").fetchall())
        assert runs.pop(killed_id) == "interrupted"
        assert list(runs.values()) == ["succeeded"]
        # nothing from the killed run, nothing twice
        assert wh.con.execute("SELECT count(*) FROM articles WHERE run_id = ?", [killed_id]).fetchone()[0] == 0
        n = wh.con.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert n == len({a.id for a in arts}) > 0
        for table, key in LOADER_KEYS.items():
            total, distinct = wh.con.execute(
                f"SELECT count(*), count(DISTINCT ({', '.join(key)})) FROM {table}").fetchone()
            assert total == distinct, table
        assert wh.con.execute("SELECT count(*) FROM sentences").fetchone()[0] > 0
    assert leftover_staging(str(db)) == []
    assert "stage=annotate" in second.err and "stage=load" in second.err  # not a terminal: one structured line per stage
