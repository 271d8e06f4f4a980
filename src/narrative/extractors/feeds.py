"""Feed bytes → entries. feedparser parses; we fetched the bytes ourselves (timeouts, size, headers)."""

from __future__ import annotations

import calendar
import re
import logging
from datetime import datetime, timezone
from urllib.parse import parse_qs, urljoin, urlsplit

import feedparser

from .encoding import to_utf8_xml
from .records import FeedEntry, FeedResult

log = logging.getLogger(__name__)

AGGREGATOR_HOSTS = ("news.google.com",)


def _when(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            try:
                return datetime.fromtimestamp(calendar.timegm(t), tz=timezone.utc)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def _entry_link(entry, base: str) -> str | None:
    link = entry.get("link")
    if not link:
        for l in entry.get("links", ()):
            if l.get("rel", "alternate") == "alternate" and l.get("href"):
                link = l["href"]
                break
    if not link:
        guid = entry.get("id") or ""
        if guid.startswith(("http://", "https://")):
            link = guid
    if not link:
        return None
    return urljoin(base, link.strip())


def unwrap_redirect(url: str) -> str:
    """Aggregator links that carry the target in a query parameter (`?url=`, `&u=`) are unwrapped
    here; opaque ones (Google News `/rss/articles/…`, a script interstitial, not a redirect) are resolved
    through the publisher's own feeds (`aggregator.AggregatorResolver`)."""
    q = parse_qs(urlsplit(url).query)
    for key in ("url", "u", "q"):
        for v in q.get(key, ()):
            if v.startswith(("http://", "https://")):
                return v
    return url


def parse_feed(data: bytes, url: str, headers: dict | None = None) -> FeedResult:
    """Parse feed bytes (RSS 0.9x/1.0/2.0, Atom, RDF). We decide the charset (BOM, HTTP charset, XML
    declaration checked against the bytes, detection) and hand feedparser UTF-8; relative links resolve
    against xml:base, then the feed's URL. A malformed feed keeps what can be salvaged; its problem is recorded."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    utf8, decoded = to_utf8_xml(data, _charset(headers.get("content-type")))
    parsed = feedparser.parse(utf8, response_headers={"content-type": "application/xml; charset=utf-8", "content-location": url},
                              resolve_relative_uris=False)
    problems: list[str] = []
    if decoded.note:
        problems.append(f"encoding: {decoded.note}")
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        problems.append(f"malformed feed ({type(exc).__name__}: {str(exc)[:160]})")
    feed = parsed.get("feed", {})
    title = (feed.get("title") or "").strip() or None
    version = parsed.get("version") or ""
    if not parsed.entries and not version:
        problems.append("not a feed (no RSS/Atom/RDF root element)")
        return FeedResult(url=url, status="failed", title=title, problems=tuple(problems))
    entries = []
    for e in parsed.entries:
        link = _entry_link(e, url)
        if not link:
            problems.append(f"entry without a link skipped: {(e.get('title') or '?')[:80]!r}")
            continue
        src = e.get("source") or {}
        entries.append(
            FeedEntry(
                feed_url=url,
                url=unwrap_redirect(link),
                title=" ".join((e.get("title") or "").split()) or None,  # wrapped titles (real feeds have them) on one line
                published_at=_when(e),
                summary=(e.get("summary") or "").strip() or None,
                source=src.get("title") if isinstance(src, dict) else None,
                source_url=src.get("href") or src.get("url") if isinstance(src, dict) else None,
            )
        )
    return FeedResult(url=url, status="ok", title=title, entries=tuple(entries), problems=tuple(problems),
                      items=len(parsed.entries), version=version or None)


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        k, _, v = part.partition("=")
        if k.strip().lower() == "charset" and v.strip():
            return v.strip().strip("\"'")
    return None


FEED_LINK_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json", "application/xml", "text/xml")


def discover_feeds(html: str, url: str) -> list[str]:
    """Feed URLs a page advertises: trafilatura's discovery (on the HTML we fetched; it ignores bare IPs
    and localhost) plus the page's own <link rel="alternate" type="…rss/atom…">, and the page itself
    if it is a feed. Most likely first, no duplicates."""
    from lxml import etree, html as lxml_html
    from trafilatura.feeds import FeedParameters, determine_feed
    from trafilatura.utils import load_html  # noqa: F401  (trafilatura's own loader, used by determine_feed)
    from courlan import get_hostinfo

    found: list[str] = []
    head = html.lstrip()[:200].lower()
    if head.startswith("<?xml") or "<rss" in head or "<feed" in head or "<rdf:rdf" in head:
        return [url]
    try:
        tree = lxml_html.fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", html, count=1))
        for el in tree.iter("link"):
            rel = (el.get("rel") or "").lower().split()
            if "alternate" in rel and (el.get("type") or "").lower() in FEED_LINK_TYPES and el.get("href"):
                found.append(urljoin(url, el.get("href").strip()))
    except (etree.ParserError, ValueError):
        pass
    domain, base = get_hostinfo(url)
    if domain:
        try:
            found += determine_feed(html, FeedParameters(base, domain, url))
        except Exception as exc:  # third-party heuristics: a failure there must not hide the links we found
            log.info("trafilatura feed discovery failed on %s: %s", url, exc)
    return list(dict.fromkeys(found))
