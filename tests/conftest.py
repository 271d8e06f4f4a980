"""Shared fixtures: a temporary PREFECT_HOME (one ephemeral Prefect per session), the demo site server,
and the real models loaded once."""

from __future__ import annotations

import os
import tempfile

_PREFECT_HOME = tempfile.mkdtemp(prefix="narrative-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
from narrative.offline import set_offline_env  # noqa: E402

set_offline_env()

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def entity_table():
    from narrative.models.entities import EntityTable

    return EntityTable.load()


@pytest.fixture(scope="session")
def nlp(entity_table):
    from narrative.models.nlp import load_pipeline

    return load_pipeline(entity_table)


@pytest.fixture(scope="session")
def demo_server():
    from narrative.demo.server import SiteServer, corpus_routes

    with SiteServer(corpus_routes()) as srv:
        yield srv


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, demo_server):
    """The daily flow run twice over the sample corpus into one real DuckDB file (shared by e2e tests)."""
    from narrative.flows.daily import run_daily
    from narrative.cli.demo import demo_settings
    from narrative.flows.settings import Settings

    out = tmp_path_factory.mktemp("demo")
    s = demo_settings(Settings(), demo_server, str(out / "narrative.duckdb"))
    first = run_daily(s, out, trigger="test", show_progress=False)
    second = run_daily(s, out, trigger="test", show_progress=False)
    return {"settings": s, "out": out, "first": first, "second": second, "db": str(out / "narrative.duckdb")}


@pytest.fixture()
def smtp():
    """A real SMTP server on 127.0.0.1: yields (sink, port); sink.messages holds the envelopes received."""
    from smtp_sink import Sink, start_server

    sink = Sink()
    ctl = start_server(sink)
    try:
        yield sink, ctl.port
    finally:
        ctl.stop()
