"""The fetcher against a real local HTTP server that misbehaves on request."""

from __future__ import annotations

import gzip

import pytest

from narrative.demo.server import Resource, SiteServer
from narrative.extractors.fetch import Fetcher, FetchPolicy, make_client
from narrative.extractors.records import FetchedPage, FetchFailure
from narrative.extractors.transport import ResolvingTransport

PAGE = b"<html><body><p>hello</p></body></html>"


def flaky(times: int, status: int = 503, retry_after: str | None = None):
    state = {"n": 0}

    def h(req):
        state["n"] += 1
        if state["n"] <= times:
            req.send_response(status)
            if retry_after:
                req.send_header("Retry-After", retry_after)
            req.send_header("Content-Length", "0")
            req.end_headers()
            return status
        req.send_response(200)
        req.send_header("Content-Type", "text/html")
        req.send_header("Content-Length", str(len(PAGE)))
        req.end_headers()
        req.wfile.write(PAGE)
        return 200

    return h


@pytest.fixture()
def server():
    bomb = gzip.compress(b"<html>" + b"a" * 3_000_000 + b"</html>")
    routes = {"site.example": {
        "/ok": Resource(PAGE),
        "/missing": Resource(b"no", status=404),
        "/flaky": flaky(2),
        "/always500": flaky(99, 500),
        "/ratelimited": flaky(1, 429, "1"),
        "/pdf": Resource(b"%PDF-1.4", "application/pdf"),
        "/huge": Resource(b"<html>" + b"x" * 2_000_000 + b"</html>"),
        "/bomb": Resource(bomb, headers={"Content-Encoding": "gzip"}),
        "/loop": lambda req: _redirect(req, "/loop"),
        "/private/secret": Resource(PAGE),
        "/robots.txt": Resource(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
    }}
    with SiteServer(routes) as srv:
        yield srv


def _redirect(req, to):
    req.send_response(302)
    req.send_header("Location", to)
    req.send_header("Content-Length", "0")
    req.end_headers()
    return 302


def fetcher(srv, **kw) -> tuple[Fetcher, list[float]]:
    sleeps: list[float] = []
    policy = FetchPolicy(allow_private=True, per_host_interval=0.0, max_bytes=1_000_000, backoff_base=0.01, **kw)
    f = Fetcher(make_client(policy, ResolvingTransport(srv.resolve_map())), policy, sleep=sleeps.append)
    return f, sleeps


def test_ok_and_404_not_retried(server):
    f, _ = fetcher(server)
    assert isinstance(f.fetch_page("https://site.example/ok"), FetchedPage)
    r = f.fetch_page("https://site.example/missing")
    assert isinstance(r, FetchFailure) and r.reason == "http_404" and r.attempts == 1


def test_5xx_retried_with_backoff_then_ok(server):
    f, sleeps = fetcher(server)
    r = f.fetch_page("https://site.example/flaky")
    assert isinstance(r, FetchedPage) and r.attempts == 3 and len(sleeps) == 2
    r = f.fetch_page("https://site.example/always500")
    assert isinstance(r, FetchFailure) and r.reason == "http_500" and r.attempts == 3


def test_retry_after_honoured(server):
    f, sleeps = fetcher(server)
    assert isinstance(f.fetch_page("https://site.example/ratelimited"), FetchedPage)
    assert sleeps == [1.0]


@pytest.mark.parametrize("path,reason", [("/pdf", "not_html"), ("/huge", "too_large"), ("/bomb", "too_large"),
                                         ("/loop", "too_many_redirects"), ("/private/secret", "robots")])
def test_refusals_have_reasons(server, path, reason):
    f, _ = fetcher(server)
    r = f.fetch_page("https://site.example" + path)
    assert isinstance(r, FetchFailure) and r.reason == reason


def test_private_addresses_refused_unless_allowed(server):
    policy = FetchPolicy(allow_private=False)
    f = Fetcher(make_client(policy), policy)
    r = f.fetch_page(f"http://127.0.0.1:{server.port}/ok")
    assert isinstance(r, FetchFailure) and r.reason == "private_address"
    r = f.fetch_page("ftp://site.example/x")
    assert isinstance(r, FetchFailure) and r.reason == "bad_scheme"


def test_per_host_interval_seen_by_the_server(server):
    policy = FetchPolicy(allow_private=True, per_host_interval=0.2, respect_robots=False)
    f = Fetcher(make_client(policy, ResolvingTransport(server.resolve_map())), policy)
    from narrative.extractors.fetch import fetch_all

    fetch_all(f, ["https://site.example/ok"] * 5, max_workers=5)
    times = sorted(t for t, host, path, _ in server.log if path == "/ok")
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(times) == 5 and min(gaps) >= 0.18
