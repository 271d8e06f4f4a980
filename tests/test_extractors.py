"""Unit tests for extractors: URLs, cleaning, extraction, feeds, dedupe, relevance."""

from __future__ import annotations

from datetime import datetime, timezone

from narrative.demo.corpus import load_corpus
from narrative.demo.site import SITES, atom_feed, render_page, rss_feed
from narrative.extractors.clean import clean_text, strip_tickers
from narrative.extractors.dedupe import Deduper, signature
from narrative.extractors.extract import Skipped, extract_article
from narrative.extractors.feeds import parse_feed
from narrative.extractors.relevance import RelevanceScorer, Topic
from narrative.extractors.urls import article_id, canonicalize

NOW = datetime(2026, 11, 30, tzinfo=timezone.utc)


def test_canonicalize_merges_spellings_of_one_page():
    variants = [
        "http://www.Example.com:80/a/b/?utm_source=x&id=3#frag",
        "https://example.com/a/b?id=3&fbclid=zz",
        "https://EXAMPLE.com:443/a/b/amp/?id=3&gclid=1",
    ]
    assert {canonicalize(u) for u in variants} == {"https://example.com/a/b?id=3"}
    assert article_id(canonicalize(variants[0])) == article_id(canonicalize(variants[1]))
    assert canonicalize("https://example.com/a?b=2&a=1") == "https://example.com/a?a=1&b=2"
    assert canonicalize("https://example.com:8443/x") == "https://example.com:8443/x"


def test_ticker_debris_is_removed():
    assert strip_tickers("AlibabaBABA-- Cloud and PDD HoldingsPDD-- close the gapGAP--.") == "Alibaba Cloud and PDD Holdings close the gap."
    assert strip_tickers("JD.comJD-- rose") == "JD.com rose"
    assert strip_tickers("a long--dash and IBM-- stays") == "a long--dash and IBM-- stays"


def test_clean_text_cuts_junk_tail_and_citations():
    text = "Title\nFirst para about Alibaba [1].\nSecond para.\nThird para.\nAI Writing Agent Julian West. The Macro Strategist.\nLatest Articles\nComments"
    out = clean_text(text, title="Title")
    assert out == "First para about Alibaba.\nSecond para.\nThird para."


def test_every_template_extracts_title_date_and_body():
    arts = [a for a in load_corpus() if a.kind == "article"]
    for site in {a.site for a in arts}:
        art = next(a for a in arts if a.site == site)
        html = render_page(art, [a for a in arts if a.site == site][:3])
        got = extract_article(html, f"https://{SITES[site].host}/x", NOW)
        assert not isinstance(got, Skipped), (site, got)
        assert got.title == art.title, site
        assert got.published_at == art.published, site
        assert "Accept all" not in got.text and "Related stories" not in got.text and "tradewatcher88" not in got.text
        assert got.site == SITES[site].name
        assert got.language == "en"
        first_words = art.paragraphs[0].split()[:6]
        assert " ".join(first_words) in strip_tickers(got.text) or " ".join(first_words) in got.text


def test_paywall_and_empty_pages_are_skipped():
    paywall = next(a for a in load_corpus() if a.kind == "paywall")
    got = extract_article(render_page(paywall, []), "https://capitalstreet.example/p", NOW)
    assert isinstance(got, Skipped) and got.reason == "paywall"
    got = extract_article("<html><body><nav>Home</nav></body></html>", "https://x.example/e", NOW)
    assert isinstance(got, Skipped) and got.reason in ("empty", "too_short")


def test_future_dates_are_refused():
    body = "".join(f"<p>Alibaba paragraph {i} with enough words to count as a real article body here.</p>" for i in range(20))
    html = f"<html><head><meta property='article:published_time' content='2031-01-01T00:00:00Z'></head><body><article>{body}</article></body></html>"
    got = extract_article(html, "https://x.example/f", NOW)
    assert not isinstance(got, Skipped)
    assert got.published_at is None or got.published_at <= NOW


def test_rss_and_atom_feeds_parse_with_resolved_links():
    arts = load_corpus()
    tl = [a for a in arts if a.site == "techledger"]
    am = [a for a in arts if a.site == "asiamarkets"]
    r = parse_feed(rss_feed(SITES["techledger"], tl).encode(), "https://techledger.example/feed.xml")
    assert r.status == "ok" and len(r.entries) == len(tl) and r.title == "The Tech Ledger"
    assert all(e.published_at is not None for e in r.entries)
    a = parse_feed(atom_feed(SITES["asiamarkets"], am).encode(), "https://asiamarkets.example/atom.xml")
    assert len(a.entries) == len(am)
    assert all(e.url.startswith("https://asiamarkets.example/markets/") for e in a.entries)  # xml:base + relative


def test_broken_feed_keeps_salvageable_entries_and_says_why():
    data = b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title><item><title>One</title><link>https://a.example/1</link></item><item><title>Two &bad; </title><link>https://a.example/2</link></item>"
    r = parse_feed(data, "https://a.example/feed")
    assert r.problems and "malformed" in r.problems[0]
    assert [e.url for e in r.entries][:1] == ["https://a.example/1"]
    r = parse_feed(b"<html><body>Moved</body></html>", "https://a.example/notfeed")
    assert r.status == "failed" and r.entries == ()


def test_near_duplicates_found_and_distinct_stories_kept_apart():
    arts = {a.id: a for a in load_corpus()}
    text = lambda a: "\n".join(a.paragraphs)  # noqa: E731
    d = Deduper(threshold=0.5)
    for a in arts.values():
        if a.kind == "article":
            d.add(a.id, a.id, signature(text(a)))
    for a in arts.values():
        if a.kind == "syndicated":
            hit = d.find("x", signature(text(a)))
            assert hit and hit[0] == a.original, a.id
    # the two conflicting reports of one results day are different stories, not copies
    a033, a034 = arts["a033"], arts["a034"]
    assert signature(text(a033)).jaccard(signature(text(a034))) < 0.2


def test_relevance_scores_topic_articles_above_threshold():
    scorer = RelevanceScorer(Topic.load())
    arts = load_corpus()
    for a in arts:
        r = scorer.score(a.title, strip_tickers("\n".join(a.paragraphs)))
        if a.kind == "article":
            assert scorer.is_relevant(r), (a.id, r)
        elif a.kind == "offtopic":
            assert not scorer.is_relevant(r), (a.id, r)


def test_promos_and_pointers_to_other_stories_are_dropped():
    body = [f"Sentence {i} of the story says what the regulator decided about cloud prices this week." for i in range(6)]
    text = "\n".join([
        body[0],
        "Sign up for our morning newsletter to get the news in your inbox.",
        body[1],
        "Read more: Regulator opens a second inquiry into cloud pricing",
        "ALSO READ | Chipmakers brace for a slower quarter",
        body[2],
        "Follow The Daily Ledger on Twitter and Facebook for the latest updates.",
        "Click here to get the Ledger app",
        body[3],
        "Most read",
        "Ten things to know before the market opens",
        "Why the yen keeps falling",
        body[4],
        "News date : 04/21/2025 Category : Press Releases",
        "This post contains affiliate links. We may earn a commission when you buy through them, at no cost to you.",
        "Do you have a story to tell? Email: newsdesk@ledger.example",
        body[5],
    ])
    assert clean_text(text) == "\n".join(body)


def test_sentences_about_newsletters_and_email_stay():
    text = ("The company said its newsletter business grew by a third, and that subscribers read it daily.\n"
            "The minister said in an email to staff that the plan was final and would not be reopened.\n"
            "Contact the company at help@vendor.example for refunds, the regulator said in its ruling.\n"
            "Customers can download the new banking app from Monday, the lender said.")
    assert clean_text(text) == text


def test_a_teaser_with_a_subscribe_prompt_is_still_a_paywall_stub():
    # the prompt lines leave the text (they are not the story) but still mark the page as a stub
    teaser = "".join(f"<p>Teaser sentence {i} sets out what the cloud price war means for smaller vendors in the region.</p>" for i in range(9))
    html = (f"<html><body><article><h1>Cloud price war</h1>{teaser}<p>Subscribe to continue reading this article.</p>"
            "<p>Already a subscriber? Sign in.</p></article></body></html>")
    got = extract_article(html, "https://paper.example/stub", NOW, min_words=60)
    assert isinstance(got, Skipped) and got.reason == "paywall", got
