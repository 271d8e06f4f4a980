"""The warehouse's exception tree, shared by the Warehouse (db.py) and the staged run (staging.py)."""


class WarehouseError(Exception):
    """A warehouse problem with a message meant for the user."""


class WarehouseLocked(WarehouseError):
    """Another process holds the file (DuckDB allows one writer, and no reader while it writes)."""


class RunInProgress(WarehouseLocked):
    """Another run holds this warehouse's run lock (one run at a time)."""
