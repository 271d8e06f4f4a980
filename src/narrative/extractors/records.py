"""Records produced by `narrative.extractors`. Immutable."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FeedEntry:
    feed_url: str
    url: str  # as listed (may be a redirect link, e.g. Google News)
    title: str | None
    published_at: datetime | None
    summary: str | None = None
    source: str | None = None  # publisher named by an aggregator feed
    source_url: str | None = None  # the publisher's site, as the aggregator names it (<source url="…">)
    via: str | None = None  # the aggregator link this entry was resolved from (never fetched)


@dataclass(frozen=True, slots=True)
class FeedResult:
    """One feed read: its entries plus what went wrong, if anything."""

    url: str
    status: str  # ok | not_modified | failed
    title: str | None = None
    entries: tuple[FeedEntry, ...] = ()
    problems: tuple[str, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    http_status: int | None = None
    items: int = 0  # entries in the document, including any skipped (no link)
    version: str | None = None  # feedparser's name for the format: rss20, atom10, rss10 (RDF), ...


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str  # requested
    final_url: str  # after redirects
    status_code: int
    content_type: str
    body: bytes
    encoding: str | None
    fetched_at: datetime
    attempts: int = 1
    headers: dict = field(default_factory=dict, compare=False, hash=False)  # etag, last-modified, content-type

    def text(self) -> str:
        """The body decoded: BOM, the HTTP charset, <meta charset>, checked against the bytes, then detection."""
        from .encoding import decode_html

        return decode_html(self.body, self.encoding)


@dataclass(frozen=True, slots=True)
class FetchFailure:
    url: str
    reason: str  # short machine-readable reason: http_404, timeout, too_large, not_html, robots, ...
    detail: str
    attempts: int
    status_code: int | None = None


@dataclass(frozen=True, slots=True)
class Article:
    id: str  # stable hash of the canonical URL
    url: str
    canonical_url: str
    site: str | None
    title: str | None
    authors: tuple[str, ...]
    published_at: datetime | None
    fetched_at: datetime
    language: str | None
    text: str
    content_hash: str
    feed_url: str | None = None
    duplicate_of: str | None = None
    status: str = "new"  # new → annotated | rejected | duplicate | skipped
    reason: str | None = None
    relevance: float | None = None
    word_count: int = 0
    extra: dict = field(default_factory=dict, compare=False, hash=False)
