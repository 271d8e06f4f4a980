"""DuckDB: schema and migrations, idempotent bulk loading, named trend queries. Owns every line of SQL."""

from .db import Warehouse, WarehouseLocked

__all__ = ["Warehouse", "WarehouseLocked"]
