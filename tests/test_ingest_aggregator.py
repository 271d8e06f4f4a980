"""Aggregator links as they are today: Google News item links serve a script interstitial (no redirect);
entries are resolved through the publishers' own feeds, or kept as headlines with their reason."""

from __future__ import annotations

from email.utils import format_datetime
from html import escape

import duckdb
import pytest

from conftest import SHARED
from narrative.demo.server import Resource, SiteServer
from narrative.demo.site import AGGREGATOR_HOST, AGGREGATOR_ONLY, SEARCH_PATH, SITES, canonical_url
from narrative.demo.corpus import load_corpus
from narrative.extractors.aggregator import headline_text, is_aggregator_link
from narrative.extractors.extract import Skipped, extract_article
from narrative.extractors.feeds import parse_feed
from narrative.extractors.fetch import Fetcher, FetchPolicy, make_client
from narrative.extractors.transport import ResolvingTransport
from narrative.extractors.urls import canonicalize
from narrative.flows.steps import headline_rows, resolve_aggregated

GOOGLE = SHARED / "eval-data" / "feeds" / "googlenews-search-site-reuters-markets-2026.xml"


def _fetcher(srv: SiteServer) -> Fetcher:
    policy = FetchPolicy(allow_private=True, per_host_interval=0.0, max_attempts=1)
    return Fetcher(make_client(policy, ResolvingTransport(srv.resolve_map())), policy)


def test_the_demo_aggregator_serves_an_interstitial_that_is_never_an_article(demo_server):
    f = _fetcher(demo_server)
    feed = f.get(f"https://{AGGREGATOR_HOST}{SEARCH_PATH}?q=Alibaba", accept=("xml",))
    r = parse_feed(feed.body, feed.final_url)
    assert r.entries and all(is_aggregator_link(e.url) and e.source_url for e in r.entries)
    page = f.get(r.entries[0].url)  # 200, no redirect: the page is scripts
    assert page.status_code == 200 and page.final_url == r.entries[0].url
    got = extract_article(page.text(), page.final_url, page.fetched_at)
    assert isinstance(got, Skipped) and got.reason == "interstitial"


def test_demo_aggregator_entries_resolve_through_publisher_feeds_or_stay_headlines(demo_server):
    f = _fetcher(demo_server)
    feed = f.get(f"https://{AGGREGATOR_HOST}{SEARCH_PATH}?q=Alibaba", accept=("xml",))
    results = [parse_feed(feed.body, feed.final_url)]
    before = len(demo_server.log)
    out, headlines, discovered = resolve_aggregated(f, results, {})
    entries = out[0].entries
    corpus = {canonicalize(canonical_url(a)) for a in load_corpus()}
    assert entries and all(canonicalize(e.url) in corpus and e.via and is_aggregator_link(e.via) for e in entries)
    assert [(h.title, h.publisher) for h in headlines] == [(t, SITES[k].name) for t, k, _ in AGGREGATOR_ONLY]
    assert headlines[0].reason.startswith("no_publisher_feed") and headlines[0].link.startswith(f"https://{AGGREGATOR_HOST}/rss/articles/")
    assert discovered["https://cloudbeat.example"] == ("https://cloudbeat.example/feed/",)
    assert not any(path.startswith("/rss/articles/") for _, _, path, _ in demo_server.log[before:])  # never fetched
    # discovered once: with the cache, no home page is read again
    before = len(demo_server.log)
    out2, headlines2, discovered2 = resolve_aggregated(f, results, lambda: discovered)
    assert [e.url for e in out2[0].entries] == [e.url for e in entries] and discovered2 == {}
    assert not any(path == "/" for _, _, path, _ in demo_server.log[before:])
    from narrative.models.entities import EntityTable

    rows = headline_rows(headlines, EntityTable.load())
    assert rows[0]["entity_ids"] == ["alibaba-cloud"] and rows[0]["title"] == AGGREGATOR_ONLY[0][0]


@pytest.mark.skipif(not GOOGLE.exists(), reason="../shared/eval-data is not here (a user's clone)")
def test_a_real_google_news_feed_resolved_through_the_publishers_feed():
    """The real item links are recognised; a publisher feed served locally (built at run time from three
    of the feed's own headlines, nothing copied into the project) resolves those three, by headline and
    time; the other entries stay headlines that say why."""
    r = parse_feed(GOOGLE.read_bytes(), "https://news.google.com/rss/search?q=site:reuters.com+markets")
    assert len(r.entries) == 100 and all(is_aggregator_link(e.url) for e in r.entries)
    assert {e.source_url for e in r.entries} == {"https://www.reuters.com"}
    picked = r.entries[:3]
    items = "".join(f"<item><title>{escape(headline_text(e.title, e.source))}</title><link>https://www.reuters.com/markets/story-{i}/</link>"
                    f"<pubDate>{format_datetime(e.published_at)}</pubDate></item>" for i, e in enumerate(picked))
    rss = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Publisher</title>{items}</channel></rss>".encode()
    home = b"<html><head><link rel='alternate' type='application/rss+xml' href='/arc/outboundfeeds/markets/'></head><body></body></html>"
    routes = {"reuters.com": {"/": Resource(home), "/arc/outboundfeeds/markets/": Resource(rss, "application/rss+xml"),
                              "/robots.txt": Resource(b"User-agent: *\nAllow: /\n", "text/plain")}}
    with SiteServer(routes) as srv:
        out, headlines, discovered = resolve_aggregated(_fetcher(srv), [r], {})
    assert [e.url for e in out[0].entries] == [f"https://www.reuters.com/markets/story-{i}/" for i in range(3)]
    assert len(headlines) == 97 and all(h.reason.startswith("not_in_publisher_feed") for h in headlines)
    listed = {e.url: e.title for e in r.entries}
    assert all(listed[h.link] == f"{h.title} - Reuters" for h in headlines) and all(h.published_at for h in headlines)
    assert discovered == {"https://reuters.com": ("https://www.reuters.com/arc/outboundfeeds/markets/",)}


def test_demo_run_keeps_the_unresolvable_entry_as_a_headline(demo_run):
    con = duckdb.connect(demo_run["db"], read_only=True)
    try:
        heads = con.execute("SELECT title, publisher, reason, entity_ids FROM headlines").fetchall()
        links = con.execute("SELECT count(*) FROM articles WHERE url LIKE '%/rss/articles/%' OR final_url LIKE '%/rss/articles/%'").fetchone()[0]
        vol = con.execute("SELECT max(total_stories) FROM share_of_voice WHERE week = DATE '2026-11-02'").fetchone()[0]
        stories = con.execute("SELECT count(*) FROM articles WHERE status IN ('annotated', 'rejected') "
                              "AND date_trunc('week', published_at) = DATE '2026-11-02'").fetchone()[0]
    finally:
        con.close()
    assert [(t, p) for t, p, _, _ in heads] == [(t, SITES[k].name) for t, k, _ in AGGREGATOR_ONLY]
    assert heads[0][2].startswith("no_publisher_feed") and heads[0][3] == ["alibaba-cloud"]
    assert links == 0  # no interstitial stored as an article
    assert vol == stories + 1  # the headline counts in the week's volume
    assert demo_run["first"].counts["headline"] == 1 and demo_run["second"].counts["inputs"] >= 0
