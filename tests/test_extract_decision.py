"""The article decision: short news kept, non-articles skipped with their reason (fixtures in tests/fixtures/, our own)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from narrative.cli import main
from narrative.extractors.article import BRIEF_WORDS, is_aggregator_link
from narrative.extractors.extract import Skipped, extract_article

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 11, 30, tzinfo=timezone.utc)


def _extract(name: str, url: str = "https://meridianwire.example/x", min_words: int = 120):
    return extract_article((FIXTURES / name).read_text("utf-8"), url, NOW, min_words=min_words, now=NOW)


def test_a_wire_brief_of_sixty_words_is_kept():
    got = _extract("wire_brief.html", "https://meridianwire.example/world/2026/03/14/harbour-crane-collapse-port-veyla")
    assert not isinstance(got, Skipped), got
    assert BRIEF_WORDS <= got.word_count < 120
    assert got.title == "Harbour crane collapse halts container traffic at Port Veyla"
    assert got.published_at.date().isoformat() == "2026-03-14" and "Two workers were taken to hospital" in got.text
    assert "Grain prices" not in got.text  # the sidebar's links are not the story


def test_a_live_blog_entry_is_kept():
    got = _extract("live_blog_entry.html", "https://lanfordcourier.example/live/2026/05/02/council-budget-vote/entry-1142")
    assert not isinstance(got, Skipped), got
    assert got.title == "Council passes budget after late amendment on bus fares" and "31 votes to 24" in got.text


@pytest.mark.parametrize("name, reason", [
    ("tag_page.html", "not_article"),
    ("paywall_stub.html", "paywall"),
    ("cookie_wall.html", "cookie_wall"),
    ("error_page.html", "error_page"),
])
def test_non_articles_are_skipped_each_with_its_reason(name, reason):
    got = _extract(name, "https://meridianwire.example/tag/shipping" if name == "tag_page.html" else "https://ledgerreview.example/p")
    assert isinstance(got, Skipped) and got.reason == reason, got
    assert got.detail


def test_a_brief_without_news_signals_is_still_too_short():
    # the brief's own words on a page that says nothing about itself (no type, no date, no headline)
    html = ("<html><body><div><p>A gantry crane collapsed onto a berth early on Saturday, halting container traffic at "
            "the harbour, the port authority said. Two workers were taken to hospital with minor injuries and the "
            "authority gave no estimate for when the berths would reopen.</p></div></body></html>")
    got = extract_article(html, "https://x.example/p", NOW, now=NOW)
    assert isinstance(got, Skipped) and got.reason == "too_short" and "not a news brief" in got.detail
    assert isinstance(extract_article("<html><body><h1>Hi</h1><p>Ten words is far too few for any article at all.</p></body></html>",
                                      "https://x.example/2026/01/02/p", NOW, now=NOW), Skipped)


def test_aggregator_links_and_interstitials_are_recognised():
    assert is_aggregator_link("https://news.google.com/rss/articles/CBMi4gFBVV95cUxNLXhGZnp2dmlvd2YyWC1qQVFVQm54?oc=5")
    assert is_aggregator_link("https://news.example/rss/articles/CBMi0123456789abcdef?oc=5")
    assert not is_aggregator_link("https://meridianwire.example/world/2026/03/14/harbour-crane-collapse-port-veyla")
    assert not is_aggregator_link("https://meridianwire.example/articles/CBSnews-anchor-joins-meridian-wire")
    consent = ("<html><head><title>Before you continue</title><script>var c=1;</script></head><body>"
               "<form action='https://consent.example.com/save'><button>Accept all</button></form></body></html>")
    got = extract_article(consent, "https://consent.news.example/ml?continue=https://news.example/rss/articles/x", NOW, now=NOW)
    assert isinstance(got, Skipped) and got.reason == "cookie_wall"
    page = ("<html><head><title>Google News</title><script>window.location.replace(data.u)</script></head>"
            "<body><c-wiz><div>Opening…</div></c-wiz></body></html>")
    got = extract_article(page, "https://news.google.com/rss/articles/CBMi4gFBVV95cUxNLXhGZnp2?oc=5", NOW, now=NOW)
    assert isinstance(got, Skipped) and got.reason == "interstitial"


def test_extract_cli_gives_each_fixture_a_row_and_a_summary(capsys):
    names = ["wire_brief.html", "live_blog_entry.html", "tag_page.html", "paywall_stub.html"]
    assert main(["extract", *[str(FIXTURES / n) for n in names]]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r["path"] for r in rows] == [str(FIXTURES / n) for n in names]
    assert [r.get("skipped") for r in rows] == [None, None, "not_article", "paywall"]
    assert "4 inputs" in err and "2 articles" in err and "not_article 1" in err and "paywall 1" in err
