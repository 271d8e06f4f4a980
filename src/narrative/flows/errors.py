"""Errors the flows raise for the command line to turn into exit codes (see cli/exits.py)."""

from __future__ import annotations


class RunFailed(Exception):
    """The run started and failed (recorded in `runs` as failed); the CLI exits 4."""

    def __init__(self, run_id: str | None, message: str):
        super().__init__(message)
        self.run_id = run_id


class ServeError(Exception):
    """The Prefect server could not be started or reached; the CLI exits 5."""
