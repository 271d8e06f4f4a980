"""A real HTTP server on 127.0.0.1 that serves the rendered corpus, routing by Host header.

Feeds answer conditional GETs (ETag / Last-Modified → 304); the aggregator's item links answer with a
script interstitial (200, no article, no redirect), as Google News's do since 2024; publishers' home
pages name their feeds (<link rel=alternate>); each host has a robots.txt. Tests add routes that misbehave on request.
Every request is logged (time, host, path, status) so tests can check politeness from the server side.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .corpus import CorpusArticle, load_corpus
from .site import (AGGREGATOR_HOST, AGGREGATOR_ONLY, SEARCH_PATH, SITES, aggregator_token, atom_feed, home_page, interstitial, only_token,
                   path_for, render_page, rss_feed, search_feed)


@dataclass
class Resource:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict = field(default_factory=dict)
    conditional: bool = False  # answer If-None-Match / If-Modified-Since with 304


Handler = Callable[[BaseHTTPRequestHandler], None]


def send_resource(req: BaseHTTPRequestHandler, r: Resource) -> int:
    """Write one Resource as the response (status, type, length, extra headers, body)."""
    req.send_response(r.status)
    req.send_header("Content-Type", r.content_type)
    req.send_header("Content-Length", str(len(r.body)))
    for k, v in r.headers.items():
        req.send_header(k, v)
    req.end_headers()
    req.wfile.write(r.body)
    return r.status


class SiteServer:
    """Serve {host: {path: Resource | handler}} on 127.0.0.1 (an ephemeral port by default)."""

    def __init__(self, routes: dict[str, dict[str, Resource | Handler]], port: int = 0):
        self.routes = routes
        self.log: list[tuple[float, str, str, int]] = []
        self._lock = threading.Lock()
        server = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test and demo output quiet
                pass

            def do_GET(self):
                host = (self.headers.get("Host") or "").split(":")[0].lower()
                path = urlsplit(self.path).path
                site = server.routes.get(host) or server.routes.get(host.removeprefix("www.")) or {}
                target = site.get(path) or site.get(self.path)
                status = 404
                try:
                    if target is None:
                        status = self._send(Resource(b"<html><body><h1>Not found</h1></body></html>", status=404))
                    elif callable(target):
                        status = target(self) or 200
                    else:
                        status = self._send(target)
                finally:
                    with server._lock:
                        server.log.append((time.monotonic(), host, self.path, status))

            def _send(self, r: Resource) -> int:
                if r.conditional:
                    etag = r.headers.get("ETag")
                    if etag and self.headers.get("If-None-Match") == etag:
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return 304
                return send_resource(self, r)

        class _Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):  # a client hanging up mid-body is expected
                import sys

                if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
                    super().handle_error(request, client_address)

        self.httpd = _Server(("127.0.0.1", port), _H)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="site-server", daemon=True)

    def hosts(self) -> list[str]:
        return sorted(self.routes)

    def resolve_map(self) -> dict[str, str]:
        """host → 127.0.0.1:port, for the fetcher's host override (like curl --resolve)."""
        out = {}
        for h in self.routes:
            out[h] = f"127.0.0.1:{self.port}"
            if not h.startswith("www."):
                out["www." + h] = f"127.0.0.1:{self.port}"
        return out

    def __enter__(self) -> "SiteServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def redirect(location: str, status: int = 302) -> Handler:
    def h(req: BaseHTTPRequestHandler) -> int:
        req.send_response(status)
        req.send_header("Location", location)
        req.send_header("Content-Length", "0")
        req.end_headers()
        return status

    return h


def corpus_routes(articles: list[CorpusArticle] | None = None, search_query: str = "Alibaba") -> dict[str, dict]:
    """Every page, feed, redirect and robots.txt of the demo's invented web."""
    articles = articles if articles is not None else load_corpus()
    routes: dict[str, dict] = {s.host.removeprefix("www."): {} for s in SITES.values()}
    routes[AGGREGATOR_HOST] = {}
    last_mod = formatdate(max(a.published for a in articles).timestamp(), usegmt=True) if articles else formatdate(usegmt=True)
    by_site: dict[str, list[CorpusArticle]] = {}
    for a in articles:
        by_site.setdefault(a.site, []).append(a)
    for a in articles:
        host = SITES[a.site].host.removeprefix("www.")
        related = [o for o in by_site[a.site] if o.id != a.id][-4:]
        routes[host][path_for(a)] = Resource(render_page(a, related).encode("utf-8"))
    for key, s in SITES.items():
        host = s.host.removeprefix("www.")
        arts = by_site.get(key, [])
        routes[host]["/robots.txt"] = Resource(b"User-agent: *\nDisallow: /private/\nDisallow: /login\n", "text/plain")
        routes[host]["/"] = Resource(home_page(s).encode())
        feed_path = s.feed_path or s.own_feed
        if feed_path and arts:
            body = (atom_feed(s, arts) if feed_path.endswith("atom.xml") else rss_feed(s, arts)).encode("utf-8")
            ctype = "application/atom+xml" if feed_path.endswith("atom.xml") else "application/rss+xml"
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            routes[host][feed_path] = Resource(body, ctype, headers={"ETag": etag, "Last-Modified": last_mod}, conditional=True)
    # the aggregator: a search feed over sites without feeds of their own, plus two stories from a site
    # that has one (the same story reached twice, by two URLs)
    listed = [a for a in articles if SITES[a.site].feed_path is None and a.kind != "offtopic"]
    listed += [a for a in articles if a.site == "techledger" and a.kind == "article"][:: 15]
    body = search_feed(search_query, listed).encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    routes[AGGREGATOR_HOST][SEARCH_PATH] = Resource(body, "application/xml", headers={"ETag": etag, "Last-Modified": last_mod}, conditional=True)
    routes[AGGREGATOR_HOST]["/robots.txt"] = Resource(b"User-agent: *\nAllow: /rss/\n", "text/plain")
    # item links answer as Google News's do since 2024: a script interstitial, not a redirect to the publisher
    for token in [aggregator_token(a) for a in listed] + [only_token(t) for t, _, _ in AGGREGATOR_ONLY]:
        routes[AGGREGATOR_HOST][f"/rss/articles/{token}"] = Resource(interstitial(token).encode("utf-8"))
    return routes


def demo_feed_urls(search_query: str = "Alibaba") -> list[str]:
    feeds = [f"https://{s.host}{s.feed_path}" for s in SITES.values() if s.feed_path]
    feeds.append(f"https://{AGGREGATOR_HOST}{SEARCH_PATH}?q={search_query}&hl=en-US&gl=US&ceid=US:en")
    return feeds


# -- misbehaving routes for tests: each returns a handler for SiteServer routes -----------------------
def slow_drip(chunks: int = 20, delay: float = 0.1, body: bytes = b"<p>drip</p>") -> Handler:
    """A 200 that sends its body a few bytes at a time, never stalling long enough for a read timeout."""

    def h(req: BaseHTTPRequestHandler) -> int:
        req.send_response(200)
        req.send_header("Content-Type", "text/html")
        req.send_header("Content-Length", str(len(body) * chunks))
        req.end_headers()
        try:
            for _ in range(chunks):
                req.wfile.write(body)
                req.wfile.flush()
                time.sleep(delay)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return 200

    return h


def truncated(body: bytes = b"<html><body><p>half a page", promised: int = 10_000) -> Handler:
    """Promises `promised` bytes, sends fewer, and hangs up."""

    def h(req: BaseHTTPRequestHandler) -> int:
        req.send_response(200)
        req.send_header("Content-Type", "text/html")
        req.send_header("Content-Length", str(promised))
        req.end_headers()
        req.wfile.write(body)
        req.wfile.flush()
        req.close_connection = True
        return 200

    return h


def with_status(status: int, times: int, then: "Resource", headers: dict | None = None) -> Handler:
    """`status` (with `headers`) for the first `times` requests, then `then`."""
    state = {"n": 0}

    def h(req: BaseHTTPRequestHandler) -> int:
        state["n"] += 1
        return send_resource(req, Resource(b"", status=status, headers=headers or {}) if state["n"] <= times else then)

    return h
