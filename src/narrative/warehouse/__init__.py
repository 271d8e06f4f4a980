"""DuckDB: schema and migrations, idempotent bulk loading, named trend queries. Owns every line of SQL."""

from .db import Warehouse
from .errors import RunInProgress, WarehouseError, WarehouseLocked
from .staging import StagedRun


def stage_run(path, run_id: str, trigger: str, settings_hash: str, wait: float = 120.0) -> StagedRun:
    """A run that writes into a staging file and merges into `path` at the end (see staging.py)."""
    return StagedRun.begin(str(path), run_id, trigger, settings_hash, wait)


__all__ = ["RunInProgress", "StagedRun", "Warehouse", "WarehouseError", "WarehouseLocked", "stage_run"]
