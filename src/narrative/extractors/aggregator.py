"""News aggregator entries (Google News RSS) resolved to the publisher's own article, or kept as headlines.

Since mid-2024 a Google News RSS item's link (`https://news.google.com/rss/articles/CBMi…`) no longer
redirects to the publisher: it serves a page of scripts (an interstitial, or a consent page in some
countries), and the id no longer decodes to the URL. Fetching it gives no article, and the feed's own
terms allow only rendering it in a personal feed reader. So such an entry is never fetched. It is
resolved through the publisher's own feeds instead: the item names its publisher (`<source
url="https://www.reuters.com">Reuters</source>`); the publisher's feeds are discovered once (from its
home page) and cached; the entry matches a publisher entry by headline (the aggregator appends
" - Publisher") and time. An entry that cannot be resolved is kept as a `Headline` (title, publisher,
time, feed): it counts in volume and share of voice, is never annotated as a body, and says why
(`no_source`, `no_publisher_feed`, `not_in_publisher_feed`).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from .article import is_aggregator_link
from .records import FeedEntry, FeedResult

log = logging.getLogger(__name__)

TOKEN = re.compile(r"\w+")
MATCH = 0.8  # token Jaccard of the headlines (after the publisher's suffix is cut) for a match
WINDOW = timedelta(hours=48)  # the aggregator's time and the publisher's must be this close (when both are known)
__all__ = ["AggregatorResolver", "Headline", "is_aggregator_link", "headline_text", "publisher_key"]


@dataclass(frozen=True, slots=True)
class Headline:
    """An aggregator entry kept as a headline: no body, counted in volume and share of voice."""

    id: str  # stable: hash of the aggregator's link
    title: str
    publisher: str | None
    publisher_url: str | None
    published_at: datetime | None
    feed_url: str
    link: str  # the aggregator's link (never fetched)
    reason: str  # no_source | no_publisher_feed | not_in_publisher_feed: <detail>


def headline_text(title: str | None, publisher: str | None) -> str:
    """'Canada's labor market dips sharply - Reuters' → 'Canada's labor market dips sharply'."""
    t = " ".join((title or "").split())
    if publisher and t.lower().endswith(publisher.strip().lower()):
        t = re.sub(r"\s*[-–—|:]\s*$", "", t[: -len(publisher.strip())]).strip() or t
    return t


def _tokens(s: str | None) -> set[str]:
    return set(TOKEN.findall((s or "").lower()))


def similarity(a: str | None, b: str | None) -> float:
    x, y = _tokens(a), _tokens(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def publisher_key(url: str | None) -> str | None:
    """One key per publisher: scheme and host without www."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"https://{host}" if host else None


@dataclass
class AggregatorResolver:
    """Resolve aggregator entries through their publishers' own feeds.

    `discover(home_url) -> [feed urls]` finds a publisher's feeds (called once per publisher, and not
    at all for publishers in `known_feeds`, the cache kept between runs); `read(feed_url) -> FeedResult`
    reads one (once per run). `discovered` holds what this run found, for the cache."""

    discover: Callable[[str], list[str]]
    read: Callable[[str], FeedResult]
    known_feeds: dict[str, tuple[str, ...]] = field(default_factory=dict)
    discovered: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _entries: dict[str, list[FeedEntry] | None] = field(default_factory=dict)

    def feeds_of(self, publisher: str, home: str | None = None) -> tuple[str, ...]:
        if publisher in self.known_feeds:
            return self.known_feeds[publisher]
        if publisher not in self.discovered:
            try:
                self.discovered[publisher] = tuple(self.discover((home or publisher).rstrip("/")))
            except Exception as exc:  # noqa: BLE001 - a publisher we cannot reach leaves its entries as headlines
                log.warning("feed discovery failed for %s: %s", publisher, exc)
                self.discovered[publisher] = ()
        return self.discovered[publisher]

    def entries_of(self, publisher: str) -> list[FeedEntry]:
        if publisher not in self._entries:
            out: list[FeedEntry] = []
            for feed in self.feeds_of(publisher):
                r = self.read(feed)
                out.extend(e for e in r.entries if not is_aggregator_link(e.url))
            self._entries[publisher] = out
        return self._entries[publisher] or []

    def resolve_one(self, e: FeedEntry) -> FeedEntry | Headline:
        publisher = publisher_key(e.source_url)
        title = headline_text(e.title, e.source)
        if publisher is None:
            return self._headline(e, title, "no_source: the item names no publisher URL")
        if not self.feeds_of(publisher, e.source_url):
            return self._headline(e, title, f"no_publisher_feed: no feed found on {publisher}")
        best, score = None, 0.0
        for cand in self.entries_of(publisher):
            if e.published_at and cand.published_at and abs(e.published_at - cand.published_at) > WINDOW:
                continue
            s = similarity(title, cand.title)
            if s > score:
                best, score = cand, s
        if best is None or score < MATCH:
            near = f" (closest {score:.2f}: {best.title!r})" if best is not None else ""
            return self._headline(e, title, f"not_in_publisher_feed: no entry of {len(self.entries_of(publisher))} in "
                                            f"{publisher}'s feeds matches{near}")
        return replace(e, url=best.url, title=best.title or title, published_at=best.published_at or e.published_at,
                       summary=best.summary or e.summary, via=e.url)

    def resolve(self, entries: Iterable[FeedEntry]) -> tuple[list[FeedEntry], list[Headline]]:
        """Entries with aggregator links resolved to the publishers' articles; the rest as headlines.
        Entries that are not aggregator links pass unchanged."""
        resolved, headlines = [], []
        for e in entries:
            if not is_aggregator_link(e.url):
                resolved.append(e)
                continue
            got = self.resolve_one(e)
            (headlines if isinstance(got, Headline) else resolved).append(got)
        return resolved, headlines

    @staticmethod
    def _headline(e: FeedEntry, title: str, reason: str) -> Headline:
        return Headline(id=hashlib.sha256(e.url.encode("utf-8")).hexdigest()[:16], title=title or (e.title or ""),
                        publisher=e.source, publisher_url=e.source_url, published_at=e.published_at, feed_url=e.feed_url,
                        link=e.url, reason=reason)
