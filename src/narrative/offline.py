"""Environment that keeps every library of ours offline and quiet; set before Prefect or the model
libraries are imported (by the CLI, the tests and the benchmarks)."""

from __future__ import annotations

import os

OFFLINE_ENV = {
    # Prefect must not phone home, nor ship its logs to its API; its first ephemeral start is slow here
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    # transformers / sentence-transformers / tokenizers: never a hub, no fork warnings
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def set_offline_env() -> None:
    """Set OFFLINE_ENV where the user has not set a value."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
