"""Fetching that survives misbehaving servers: slow drips, truncated bodies, 429s; and later-run retries."""

from __future__ import annotations

import pytest

from narrative.demo.server import Resource, SiteServer, slow_drip, truncated, with_status
from narrative.extractors.fetch import Fetcher, FetchPolicy, make_client
from narrative.extractors.records import FeedEntry, FeedResult, FetchedPage, FetchFailure
from narrative.extractors.transport import ResolvingTransport
from narrative.flows.steps import select_candidates

PAGE = Resource("<html><head><meta charset='gbk'></head><body><p>阿里巴巴</p></body></html>".encode("gb18030"), "text/html")


@pytest.fixture()
def server():
    routes = {"bad.example": {
        "/drip": slow_drip(chunks=30, delay=0.05),
        "/truncated": truncated(),
        "/busy": with_status(429, 1, Resource(b"<html><body>ok</body></html>"), {"Retry-After": "2"}),
        "/gbk": PAGE,
        "/latin": Resource("<html><body><p>Ações</p></body></html>".encode("latin-1"), "text/html"),
        "/robots.txt": Resource(b"User-agent: *\nAllow: /\n", "text/plain"),
    }}
    with SiteServer(routes) as srv:
        yield srv


def fetcher(srv, **kw):
    sleeps: list[float] = []
    policy = FetchPolicy(**{"allow_private": True, "per_host_interval": 0.0, "backoff_base": 0.01, **kw})
    return Fetcher(make_client(policy, ResolvingTransport(srv.resolve_map())), policy, sleep=sleeps.append), sleeps


def test_slow_drip_hits_the_total_timeout(server):
    f, _ = fetcher(server, total_timeout=0.5, read_timeout=2.0, max_attempts=1)
    r = f.fetch_page("https://bad.example/drip")
    assert isinstance(r, FetchFailure) and r.reason == "timeout" and "total" in r.detail


def test_truncated_body_is_a_retryable_failure(server):
    f, sleeps = fetcher(server, max_attempts=2)
    r = f.fetch_page("https://bad.example/truncated")
    assert isinstance(r, FetchFailure) and r.reason == "truncated" and r.attempts == 2 and len(sleeps) == 1


def test_429_retry_after_is_honoured_without_jitter(server):
    f, sleeps = fetcher(server)
    r = f.fetch_page("https://bad.example/busy")
    assert isinstance(r, FetchedPage) and r.attempts == 2 and sleeps == [2.0]


def test_backoff_has_jitter(server):
    delays = set()
    for _ in range(3):
        srv_routes = server.routes["bad.example"]
        srv_routes["/flaky"] = with_status(503, 1, Resource(b"<html>ok</html>"))
        f, sleeps = fetcher(server, backoff_base=1.0)
        assert isinstance(f.fetch_page("https://bad.example/flaky"), FetchedPage)
        assert 0.5 <= sleeps[0] <= 1.5
        delays.add(sleeps[0])
    assert len(delays) > 1  # not the same delay every time: clients that failed together do not retry together


def test_page_charset_from_meta_and_undeclared_latin1(server):
    f, _ = fetcher(server)
    assert "阿里巴巴" in f.fetch_page("https://bad.example/gbk").text()
    assert "Ações" in f.fetch_page("https://bad.example/latin").text()


def test_failed_urls_are_retried_a_bounded_number_of_runs():
    entries = tuple(FeedEntry("https://f.example/feed", f"https://n.example/{i}", None, None) for i in range(3))
    feed = [FeedResult("https://f.example/feed", "ok", entries=entries)]
    # failed in 1 and 3 earlier runs; the limit is 3 runs
    c = select_candidates(feed, known=set(), failed_runs={"https://n.example/0": 1, "https://n.example/1": 3}, max_failed_runs=3)
    assert [e.url for e in c.entries] == ["https://n.example/0", "https://n.example/2"] and c.gave_up == 1


def test_failures_recorded_in_the_warehouse_drive_the_next_run(tmp_path):
    from narrative.warehouse import rows as R
    from narrative.warehouse.db import Warehouse

    fail = FetchFailure("https://n.example/x", "http_503", "Service Unavailable", 3, 503)
    with Warehouse.open(str(tmp_path / "w.duckdb")) as wh:
        for run in ("r1", "r2"):
            wh.begin_run(run, "test", "h")
            wh.load({"fetch_failures": R.failure_rows([fail])}, run)
            wh.finish_run(run, "succeeded", {}, {}, {})
        assert wh.failed_attempts(["https://n.example/x"]) == {"https://n.example/x": 2}
        row = wh.con.execute("SELECT reason, attempts FROM fetch_failures LIMIT 1").fetchone()
        assert row == ("http_503", 3)
    feed = [FeedResult("f", "ok", entries=(FeedEntry("f", "https://n.example/x", None, None),))]
    assert len(select_candidates(feed, set(), {"https://n.example/x": 2}, 3).entries) == 1
    assert select_candidates(feed, set(), {"https://n.example/x": 3}, 3).gave_up == 1
