"""Offline replay: saved pages (a folder of .html / .html.gz files, or WARC files) as (entry, page) pairs
that take the same downstream path as fetched ones, the way news-please and Fundus read CC-NEWS.

A folder page's URL comes from its <link rel=canonical> or og:url (else a `file://` URL); a WARC
record carries its own (WARC-Target-URI). Only HTML responses with status 200 are replayed; every
other record is counted by reason, not silently dropped.
"""

from __future__ import annotations

import gzip
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

from .fetch import HTML_TYPES
from .records import FeedEntry, FetchedPage

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz", ".xhtml")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
log = logging.getLogger(__name__)
URL_HINT = re.compile(rb"""<(?:link[^>]+rel=["']?canonical["']?[^>]+href|meta[^>]+property=["']og:url["'][^>]+content)=["']([^"'>\s]+)""", re.IGNORECASE)
URL_HINT_REV = re.compile(rb"""<(?:link[^>]+href=["']([^"'>\s]+)["'][^>]+rel=["']?canonical|meta[^>]+content=["']([^"'>\s]+)["'][^>]+property=["']og:url)""", re.IGNORECASE)


@dataclass
class ReplayStats:
    pages: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason → count


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def is_html_file(path: Path) -> bool:
    return path.name.lower().endswith(HTML_SUFFIXES)


def read_html_file(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def url_of(data: bytes, path: Path | None = None) -> str:
    """The page's own idea of its URL (canonical link, og:url), else where the file lies."""
    head = data[:200_000]
    m = URL_HINT.search(head)
    if m and m.group(1).startswith(b"http"):
        return m.group(1).decode("utf-8", "replace")
    m = URL_HINT_REV.search(head)
    if m:
        u = (m.group(1) or m.group(2) or b"")
        if u.startswith(b"http"):
            return u.decode("utf-8", "replace")
    return path.resolve().as_uri() if path is not None else "about:blank"


def _page(url: str, body: bytes, fetched_at: datetime, charset: str | None = None, ctype: str = "text/html") -> FetchedPage:
    return FetchedPage(url=url, final_url=url, status_code=200, content_type=ctype, body=body, encoding=charset,
                       fetched_at=fetched_at, headers={"content-type": f"{ctype}; charset={charset}" if charset else ctype})


def folder_pages(root: Path, stats: ReplayStats | None = None, url: str | None = None) -> Iterator[tuple[FeedEntry, FetchedPage]]:
    """Every saved HTML page under `root` (recursively, sorted) or the one file `root` is."""
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and is_html_file(p))
    for path in files:
        try:
            body = read_html_file(path)
        except (OSError, gzip.BadGzipFile, EOFError) as exc:
            if stats is not None:
                stats.skipped[f"unreadable: {type(exc).__name__}"] += 1
            continue
        page_url = url or url_of(body, path)
        when = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
        if stats is not None:
            stats.pages += 1
        yield FeedEntry(feed_url=path.parent.resolve().as_uri(), url=page_url, title=None, published_at=None, source=None), _page(page_url, body, when)


PAGE_RECORDS = ("response", "resource", "revisit", "conversion")  # records that stand for a page; the rest describe them


@dataclass(frozen=True, slots=True)
class ReplayInput:
    """One input of a replay: a page to extract, or a record/file that is not one, with the reason."""

    origin: str  # a file path, or `file.warc.gz#N` (the record's number in the file)
    url: str
    entry: FeedEntry | None = None
    page: FetchedPage | None = None
    reason: str | None = None  # not_http | not_html | http_404 | too_large | revisit | unreadable | missing
    detail: str = ""


def warc_inputs(path: Path, max_bytes: int = 5_000_000, stats: ReplayStats | None = None) -> Iterator[ReplayInput]:
    """Every page record of a WARC file (response, resource, revisit, conversion): the page (HTML,
    status 200, http(s) target) or the reason it is not replayed. Records that describe others
    (warcinfo, request, metadata) are counted in `stats.skipped['not_page']`, not yielded."""
    from warcio.archiveiterator import ArchiveIterator

    stats = stats if stats is not None else ReplayStats()
    with path.open("rb") as fh:
        for n, rec in enumerate(ArchiveIterator(fh, arc2warc=True)):
            origin = f"{path}#{n}"
            if rec.rec_type not in PAGE_RECORDS:
                stats.skipped["not_page"] += 1
                continue
            url = rec.rec_headers.get_header("WARC-Target-URI") or ""

            def skip(reason: str, detail: str) -> ReplayInput:
                stats.skipped[reason] += 1
                return ReplayInput(origin, url, reason=reason, detail=detail)

            if not url.lower().startswith(("http://", "https://")):
                yield skip("not_http", f"{rec.rec_type} record for {url or 'no target URI'}")
                continue
            if rec.rec_type == "revisit":
                yield skip("revisit", "a revisit record (no payload of its own)")
                continue
            if rec.rec_type == "response" and rec.http_headers is not None:
                status = rec.http_headers.get_statuscode()
                ctype_full = rec.http_headers.get_header("Content-Type") or ""
                if status != "200":
                    yield skip(f"http_{status}", f"HTTP status {status}")
                    continue
            else:
                ctype_full = rec.rec_headers.get_header("Content-Type") or "text/html"
            ctype = ctype_full.split(";")[0].strip().lower()
            if ctype and not any(t in ctype for t in HTML_TYPES):
                yield skip("not_html", ctype)
                continue
            body = rec.content_stream().read(max_bytes + 1)
            if len(body) > max_bytes:
                yield skip("too_large", f"over {max_bytes} bytes")
                continue
            charset = None
            m = re.search(r"charset=([\w.:-]+)", ctype_full, re.IGNORECASE)
            if m:
                charset = m.group(1)
            when = _warc_date(rec.rec_headers.get_header("WARC-Date"))
            stats.pages += 1
            yield ReplayInput(origin, url, FeedEntry(feed_url=path.resolve().as_uri(), url=url, title=None, published_at=None),
                              _page(url, body, when, charset, ctype or "text/html"))


def warc_pages(path: Path, stats: ReplayStats | None = None, max_bytes: int = 5_000_000) -> Iterator[tuple[FeedEntry, FetchedPage]]:
    """HTML responses (status 200) from a WARC file; the record's URL and date come with the page."""
    for x in warc_inputs(path, max_bytes, stats):
        if x.page is not None:
            yield x.entry, x.page


def replay(paths, stats: ReplayStats | None = None, url: str | None = None) -> Iterator[tuple[FeedEntry, FetchedPage]]:
    """Pages from folders, HTML files and WARC files, in the order given."""
    for x in replay_inputs(paths, stats, url):
        if x.page is not None:
            yield x.entry, x.page


def replay_with_origin(paths, stats: ReplayStats | None = None, url: str | None = None) -> Iterator[tuple[str, FeedEntry, FetchedPage]]:
    """As `replay`, each page with where it came from: a file path, or `file.warc.gz#N` (the record's number)."""
    for x in replay_inputs(paths, stats, url):
        if x.page is not None:
            yield x.origin, x.entry, x.page


def replay_inputs(paths, stats: ReplayStats | None = None, url: str | None = None) -> Iterator[ReplayInput]:
    """Every input of a replay, in the order given: pages, and the files and records that are not
    replayed with their reason (a missing path, an unreadable file, a WARC record that is not an
    HTML 200 page of an http(s) URL), so that each can be accounted for."""
    stats = stats if stats is not None else ReplayStats()
    for p in map(Path, paths):
        if not p.exists():
            stats.skipped["missing"] += 1
            yield ReplayInput(str(p), "", reason="missing", detail="no such file or folder")
            continue
        files = [p] if p.is_file() else sorted(f for f in p.rglob("*") if f.is_file())
        others = [f for f in files if p.is_dir() and not (is_warc(f) or is_html_file(f))]
        if others:  # a folder's other files are not inputs, but never dropped unsaid (wget saves pages without .html)
            stats.skipped["not_read"] += len(others)
            log.warning("%s: %d files not read (not HTML or WARC by their names: %s%s); give a file by name to read it",
                        p, len(others), ", ".join(f.name for f in others[:3]), ", …" if len(others) > 3 else "")
        for f in (f for f in files if f not in others):
            if is_warc(f):
                try:
                    yield from warc_inputs(f, stats=stats)
                except Exception as exc:  # noqa: BLE001 - a broken archive is one input's failure, not the run's
                    stats.skipped["unreadable"] += 1
                    yield ReplayInput(str(f), "", reason="unreadable", detail=f"WARC: {type(exc).__name__}: {exc}"[:200])
                continue
            try:
                body = read_html_file(f)
            except (OSError, gzip.BadGzipFile, EOFError) as exc:
                stats.skipped["unreadable"] += 1
                yield ReplayInput(str(f), "", reason="unreadable", detail=f"{type(exc).__name__}: {exc}"[:200])
                continue
            page_url = url or url_of(body, f)
            when = datetime.fromtimestamp(f.stat().st_mtime, tz=timezone.utc)
            stats.pages += 1
            yield ReplayInput(str(f), page_url, FeedEntry(feed_url=f.parent.resolve().as_uri(), url=page_url, title=None, published_at=None),
                              _page(page_url, body, when))


def _warc_date(value: str | None) -> datetime:
    if value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            try:
                return parsedate_to_datetime(value)
            except (TypeError, ValueError):
                pass
    return datetime.now(timezone.utc)
