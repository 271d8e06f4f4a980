"""Polite, bounded HTTP fetching. The only module that touches the network; it takes an httpx.Client.

Politeness: a descriptive User-Agent, robots.txt per host, a minimum interval between requests to
one host, and a cap on concurrent requests per host. Bounds: timeouts, a body-size cap enforced
while streaming (after decompression, so a gzip bomb is cut off), a redirect limit, HTML only.
Retries with exponential backoff and jitter on 429, 5xx and timeouts only, honouring Retry-After.
"""

from __future__ import annotations

import ipaddress
import logging
import random
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from .errors import FetchError, RefusedURL, RetryableFetchError
from .records import FetchedPage, FetchFailure

log = logging.getLogger(__name__)

USER_AGENT = "narrative/0.1 (+https://github.com/narrative-news/narrative; news research crawler)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("xml", "rss", "atom", "text/plain", "application/octet-stream")


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    user_agent: str = USER_AGENT
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    max_attempts: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    per_host_interval: float = 1.0  # seconds between request starts to one host
    per_host_concurrency: int = 2
    respect_robots: bool = True
    allow_private: bool = False  # loopback/private/link-local addresses (demo and tests turn this on)


def make_client(policy: FetchPolicy, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """The client every fetch goes through; redirects are followed by us, so each hop is checked."""
    return httpx.Client(
        headers={"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout),
        follow_redirects=False,
        transport=transport,
    )


def _is_private_host(host: str) -> bool:
    try:
        infos = {ai[4][0] for ai in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        return False  # unresolvable: the request itself will fail with a clear reason
    for addr in infos:
        ip = ipaddress.ip_address(addr.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            return True
    return False


class HostGate:
    """Per-host politeness: a minimum interval between request starts and a concurrency cap."""

    def __init__(self, interval: float, concurrency: int, clock: Callable[[], float] = time.monotonic):
        self.interval = interval
        self.concurrency = concurrency
        self._clock = clock
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}
        self._sems: dict[str, threading.Semaphore] = {}

    def _sem(self, host: str) -> threading.Semaphore:
        with self._lock:
            return self._sems.setdefault(host, threading.Semaphore(self.concurrency))

    def acquire(self, host: str) -> None:
        """Wait for a free slot of `host`. The next slot is counted from when a request is actually let
        go, not from when it was due: a thread that wakes late (a busy machine) pushes the next one back,
        so the site never sees two starts closer than `interval`."""
        self._sem(host).acquire()
        while True:
            with self._lock:
                now = self._clock()
                due = self._next_slot.get(host, now)
                if now >= due:
                    self._next_slot[host] = now + self.interval
                    return
            time.sleep(due - now)

    def release(self, host: str) -> None:
        self._sem(host).release()


class Fetcher:
    """Fetch pages and feeds politely through one httpx.Client."""

    def __init__(self, client: httpx.Client, policy: FetchPolicy = FetchPolicy(), sleep: Callable[[float], None] = time.sleep):
        self.client = client
        self.policy = policy
        self.gate = HostGate(policy.per_host_interval, policy.per_host_concurrency)
        self._sleep = sleep
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._robots_lock = threading.Lock()

    # -- checks ---------------------------------------------------------------------------------
    def check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise RefusedURL("bad_scheme", f"only http/https are fetched, not {parts.scheme!r}")
        if not parts.hostname:
            raise RefusedURL("bad_url", "no host")
        if not self.policy.allow_private and _is_private_host(parts.hostname):
            raise RefusedURL("private_address", f"{parts.hostname} resolves to a private, loopback or link-local address")

    def allowed_by_robots(self, url: str) -> bool:
        if not self.policy.respect_robots:
            return True
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:
            if key not in self._robots:
                self._robots[key] = self._load_robots(key)
            rp = self._robots[key]
        return True if rp is None else rp.can_fetch(self.policy.user_agent, url)

    def _load_robots(self, base: str) -> urllib.robotparser.RobotFileParser | None:
        try:
            resp = self._get_once(base + "/robots.txt", accept=None, max_bytes=500_000)
        except FetchError as exc:
            log.info("robots.txt for %s unavailable (%s): allowing", base, exc.reason)
            return None
        rp = urllib.robotparser.RobotFileParser()
        if resp.status_code in (401, 403):
            rp.disallow_all = True
        elif resp.status_code >= 400:
            rp.allow_all = True
        else:
            rp.parse(resp.body.decode("utf-8", errors="replace").splitlines())
        return rp

    # -- one request ----------------------------------------------------------------------------
    def _get_once(self, url: str, accept: tuple[str, ...] | None, max_bytes: int, headers: dict | None = None) -> FetchedPage:
        """Follow redirects ourselves (each hop checked), stream with a size cap, map errors once."""
        deadline: float | None = None  # starts when the first request goes out, not while waiting for the host's turn
        current = url
        for _hop in range(self.policy.max_redirects + 1):
            self.check_url(current)
            host = urlsplit(current).netloc
            self.gate.acquire(host)
            if deadline is None:
                deadline = time.monotonic() + self.policy.total_timeout
            try:
                with self.client.stream("GET", current, headers=headers) as resp:
                    if resp.status_code in (301, 302, 303, 307, 308):
                        location = resp.headers.get("location")
                        if not location:
                            raise FetchError("bad_redirect", f"{resp.status_code} without Location")
                        current = urljoin(current, location)
                        continue
                    if resp.status_code == 304:
                        return self._page(url, current, resp, b"")
                    if resp.status_code == 429 or resp.status_code >= 500:
                        raise RetryableFetchError(
                            f"http_{resp.status_code}", resp.reason_phrase, resp.status_code, _retry_after(resp.headers.get("retry-after"))
                        )
                    if resp.status_code >= 400:
                        raise FetchError(f"http_{resp.status_code}", resp.reason_phrase, resp.status_code)
                    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                    if accept is not None and ctype and not any(a in ctype for a in accept):
                        raise FetchError("not_html" if accept == HTML_TYPES else "bad_content_type", ctype or "none", resp.status_code)
                    declared = int(resp.headers.get("content-length") or 0)
                    if declared > max_bytes and "content-encoding" not in resp.headers:
                        raise FetchError("too_large", f"Content-Length {declared} > {max_bytes}", resp.status_code)
                    chunks, size = [], 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise FetchError("too_large", f"body over {max_bytes} bytes (after decompression)", resp.status_code)
                        if time.monotonic() > deadline:
                            raise RetryableFetchError("timeout", f"total time over {self.policy.total_timeout}s")
                        chunks.append(chunk)
                    return self._page(url, current, resp, b"".join(chunks))
            except httpx.TimeoutException as exc:
                raise RetryableFetchError("timeout", type(exc).__name__) from exc
            except httpx.RemoteProtocolError as exc:
                raise RetryableFetchError("truncated", str(exc)[:200]) from exc
            except httpx.DecodingError as exc:
                raise FetchError("bad_encoding", str(exc)[:200]) from exc
            except httpx.TransportError as exc:
                raise RetryableFetchError("connect_error", str(exc)[:200] or type(exc).__name__) from exc
            finally:
                self.gate.release(host)
        raise FetchError("too_many_redirects", f"more than {self.policy.max_redirects} redirects from {url}")

    @staticmethod
    def _page(url: str, final_url: str, resp: httpx.Response, body: bytes) -> FetchedPage:
        ctype = resp.headers.get("content-type", "")
        return FetchedPage(
            url=url,
            final_url=final_url,
            status_code=resp.status_code,
            content_type=ctype.split(";")[0].strip().lower(),
            body=body,
            encoding=resp.charset_encoding,
            fetched_at=datetime.now(timezone.utc),
            headers={k: resp.headers[k] for k in ("etag", "last-modified", "content-type", "retry-after") if k in resp.headers},
        )

    # -- with retries ---------------------------------------------------------------------------
    def get(self, url: str, accept: tuple[str, ...] | None = HTML_TYPES, headers: dict | None = None) -> FetchedPage:
        """GET with retries on retryable failures; raises FetchError (with `.attempts`) when it gives up."""
        if not self.allowed_by_robots(url):
            err = RefusedURL("robots", "disallowed by robots.txt")
            err.attempts = 0  # type: ignore[attr-defined]
            raise err
        attempt = 0
        while True:
            attempt += 1
            try:
                page = self._get_once(url, accept, self.policy.max_bytes, headers)
                return FetchedPage(**{**_asdict(page), "attempts": attempt})
            except FetchError as exc:
                exc.attempts = attempt  # type: ignore[attr-defined]
                if not exc.retryable or attempt >= self.policy.max_attempts:
                    raise
                delay = exc.retry_after if exc.retry_after is not None else self.policy.backoff_base * 2 ** (attempt - 1)
                delay = min(self.policy.backoff_max, delay) * (1.0 if exc.retry_after is not None else random.uniform(0.5, 1.5))
                log.info("retrying %s after %s (attempt %d, sleeping %.2fs)", url, exc.reason, attempt, delay)
                self._sleep(delay)

    def fetch_page(self, url: str) -> FetchedPage | FetchFailure:
        """A page or the recorded reason it could not be had. Never raises for a bad site."""
        try:
            return self.get(url)
        except FetchError as exc:
            log.warning("fetch failed for %s: %s", url, exc)
            return FetchFailure(url, exc.reason, exc.detail, getattr(exc, "attempts", 1), exc.status_code)


def fetch_all(fetcher: Fetcher, urls: Iterable[str], max_workers: int = 8,
              on_done: Callable[[FetchedPage | FetchFailure], None] | None = None) -> list[FetchedPage | FetchFailure]:
    """Fetch many pages concurrently (per-host limits still apply); results in input order."""
    urls = list(urls)
    if not urls:
        return []

    def one(u: str) -> FetchedPage | FetchFailure:
        r = fetcher.fetch_page(u)
        if on_done:
            on_done(r)
        return r

    with ThreadPoolExecutor(max_workers=max(1, max_workers)) as pool:
        return list(pool.map(one, urls))


def _asdict(page: FetchedPage) -> dict:
    return {f: getattr(page, f) for f in page.__slots__}


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
