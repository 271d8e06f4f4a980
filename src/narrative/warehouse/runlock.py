"""One run at a time per warehouse: an advisory lock on `<db>.lock`, which names its holder.

DuckDB's own file lock only exists while a process has the file open, and a staged run keeps the main
file closed for most of its life, so runs need a lock of their own. `flock` is released by the kernel
when the holder dies, so a crashed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from datetime import datetime, timezone
from pathlib import Path


def lock_path(db: str | Path) -> Path:
    return Path(f"{db}.lock")


class RunLock:
    """Held for the whole of a run; `holder()` reads who holds it (for messages), without taking it."""

    def __init__(self, db: str | Path):
        self.path = lock_path(db)
        self._fd: int | None = None

    def acquire(self, run_id: str) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        info = {"pid": os.getpid(), "host": socket.gethostname(), "run_id": run_id,
                "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "phase": "running"}
        self._fd = fd
        self._write(info)
        return True

    def set_phase(self, phase: str) -> None:
        """Say what the run is doing (running, merging), so a blocked reader's message can tell."""
        if self._fd is None:
            return
        info = self._read_fd(self._fd) or {}
        info["phase"] = phase
        self._write(info)

    def _write(self, info: dict) -> None:
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, json.dumps(info).encode(), 0)

    @staticmethod
    def _read_fd(fd: int) -> dict | None:
        try:
            return json.loads(os.pread(fd, 4096, 0).decode() or "null")
        except ValueError:
            return None

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @staticmethod
    def holder(db: str | Path) -> dict | None:
        """The holder's {pid, host, run_id, started_at, phase}, or None if no run holds the lock."""
        path = lock_path(db)
        if not path.exists():
            return None
        fd = os.open(path, os.O_RDONLY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return RunLock._read_fd(fd) or {"pid": "?", "run_id": "?", "started_at": "?", "phase": "running"}
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None  # nobody holds it: what the file says is history
        finally:
            os.close(fd)


def describe(info: dict) -> str:
    return (f"run {info.get('run_id')} (process {info.get('pid')} on {info.get('host', '?')}, "
            f"started {info.get('started_at')}, now {info.get('phase', 'running')})")
