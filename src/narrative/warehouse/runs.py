"""Reads and small writes on `runs`: the latest runs for `narrative runs`, and the alert bookkeeping of
scheduled days (a failed or empty day is alerted once)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from .db import Warehouse

_RUN_COLUMNS = ("id", "started_at", "finished_at", "status", "trigger", "settings_hash", "model_versions",
                "counts", "failures", "message", "alert", "alerted_at")


def latest_runs(wh: Warehouse, limit: int = 10) -> list[dict]:
    """The newest runs first: every column of `runs`, JSON columns parsed, plus `seconds` (duration)."""
    rows = wh.con.execute(
        f"SELECT {', '.join(_RUN_COLUMNS)} FROM runs ORDER BY started_at DESC, id DESC LIMIT ?", [int(limit)]
    ).fetchall()
    out = []
    for row in rows:
        r = dict(zip(_RUN_COLUMNS, row))
        for k in ("model_versions", "counts", "failures"):
            r[k] = json.loads(r[k]) if isinstance(r[k], str) and r[k] else (r[k] or {})
        r["seconds"] = (round((r["finished_at"] - r["started_at"]).total_seconds(), 1)
                        if r["finished_at"] and r["started_at"] else None)
        out.append(r)
    return out


def run_status(wh: Warehouse, run_id: str) -> str | None:
    row = wh.con.execute("SELECT status FROM runs WHERE id = ?", [run_id]).fetchone()
    return row[0] if row else None


def alerted_between(wh: Warehouse, start: datetime, end: datetime) -> str | None:
    """The id of a run whose alert was sent in [start, end) (one scheduled day), or None."""
    row = wh.con.execute(
        "SELECT id FROM runs WHERE alert LIKE 'sent%' AND alerted_at >= ? AND alerted_at < ? ORDER BY alerted_at LIMIT 1",
        [start, end]).fetchone()
    return row[0] if row else None


def record_alert(wh: Warehouse, run_id: str, alert: str) -> None:
    wh.con.execute("UPDATE runs SET alert = ?, alerted_at = ? WHERE id = ?", [alert[:500], _now(), run_id])


def record_refused_run(wh: Warehouse, run_id: str, trigger: str, settings_hash: str, message: str) -> None:
    """A scheduled run that could not start (another run held the warehouse): a `failed` row, so that the
    day is visible in `runs` like any other failure. Written directly: `begin_run` would close the other
    run's `running` row."""
    now = _now()
    wh.con.execute(
        "INSERT INTO runs (id, started_at, finished_at, status, trigger, settings_hash, counts, failures, message) "
        "VALUES (?, ?, ?, 'failed', ?, ?, '{}', '{}', ?)", [run_id, now, now, trigger, settings_hash, message[:500]])


def _now() -> datetime:
    return datetime.now(timezone.utc)
