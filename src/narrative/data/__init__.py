"""Packaged data files (entity alias table, topic, themes) that users can replace with their own."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path


def load_json(packaged: str, path: str | Path | None = None):
    """The user's file at `path`, or the packaged file `packaged` (relative to this folder)."""
    if path is None:
        return json.loads(resources.files(__name__).joinpath(packaged).read_text("utf-8"))
    return json.loads(Path(path).read_text("utf-8"))
