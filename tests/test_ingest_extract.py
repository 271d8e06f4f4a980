"""Offline replay (folders, WARC), `narrative extract`, metadata (titles, authors, dates), relevance with embeddings."""

from __future__ import annotations

import gzip
import io
import json
import re
from datetime import date, datetime, timezone

import numpy as np
import pytest

from conftest import SHARED
from narrative.cli import main
from narrative.demo.corpus import load_corpus
from narrative.demo.site import SITES, canonical_url, render_page
from narrative.extractors.dedupe import DEFAULT_THRESHOLD
from narrative.extractors.extract import Skipped, extract_article, extract_page, restore_paragraphs, split_authors, url_date
from narrative.extractors.metadata import read_meta, choose_title, strip_site, url_slug
from narrative.extractors.extract import parse_html
from narrative.extractors.relevance import RelevanceScorer, Topic
from narrative.extractors.sources import ReplayStats, replay
from narrative.extractors.urls import canonicalize
from narrative.flows.steps import extract_pages

NOW = datetime(2026, 11, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def arts():
    return [a for a in load_corpus() if a.kind in ("article", "paywall")][:6] + [a for a in load_corpus() if a.kind == "paywall"]


def _write_warc(path, pages):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for url, body, ctype, status in pages:
            headers = StatusAndHeaders(f"{status} OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))


def test_replay_folder_and_warc_take_the_fetched_path(tmp_path, arts):
    folder = tmp_path / "saved"
    folder.mkdir()
    for a in arts[:3]:
        (folder / f"{a.id}.html.gz").write_bytes(gzip.compress(render_page(a, []).encode("utf-8")))
    (folder / "notes.txt").write_text("not a page")
    warc = tmp_path / "crawl.warc.gz"
    _write_warc(warc, [(canonical_url(a), render_page(a, []).encode(), "text/html; charset=utf-8", 200) for a in arts[3:]]
                + [("https://x.example/doc.pdf", b"%PDF-1.4", "application/pdf", 200), ("https://x.example/gone", b"", "text/html", 404)])
    stats = ReplayStats()
    pairs = list(replay([folder, warc], stats))
    assert len(pairs) == len(arts) and stats.skipped == {"not_html": 1, "http_404": 1, "not_read": 1}  # notes.txt: said, not read
    # folder pages know their URL from the canonical link; WARC records carry theirs
    assert {e.url for e, _ in pairs} == {canonical_url(a) for a in arts}
    out = extract_pages(pairs, min_words=120)
    by_url = {x.canonical_url: x for x in out}
    canonical = lambda a: canonicalize(canonical_url(a))  # noqa: E731
    paywall = next(a for a in arts if a.kind == "paywall")
    assert by_url[canonical(paywall)].status == "skipped" and by_url[canonical(paywall)].reason.startswith("paywall")
    good = [a for a in arts if a.kind == "article"]
    assert all(by_url[canonical(a)].title == a.title and by_url[canonical(a)].published_at == a.published for a in good)


def test_extract_cli_prints_one_json_line_per_page(tmp_path, capsys, arts):
    a = arts[0]
    page = tmp_path / "one.html"
    page.write_text(render_page(a, []), "utf-8")
    warc = tmp_path / "c.warc.gz"
    _write_warc(warc, [(canonical_url(arts[1]), render_page(arts[1], []).encode(), "text/html", 200)])
    stub = tmp_path / "stub.html"
    stub.write_text("<html><body><nav>Home</nav><p>Subscribe to continue reading.</p></body></html>")
    assert main(["extract", str(page), str(warc), str(stub)]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["path"] for r in rows] == [str(page), f"{warc}#0", str(stub)]
    assert rows[0]["title"] == a.title and rows[0]["url"] == canonical_url(a) and rows[0]["published_at"].startswith(f"{a.published:%Y-%m-%d}")
    assert rows[0]["site"] == SITES[a.site].name and rows[0]["language"] == "en" and "BABA--" not in rows[0]["text"]
    assert set(rows[0]) >= {"path", "url", "title", "authors", "published_at", "site", "language", "text"}
    assert rows[1]["url"] == canonical_url(arts[1])
    assert rows[2]["skipped"] in ("paywall", "empty", "too_short")


BODY = "".join(f"<p>Alibaba Cloud paragraph {i} has enough words in it to look like a real article body, said analysts.</p>" for i in range(15))


def test_title_prefers_the_visible_headline_and_drops_site_suffixes():
    html = (f"<html><head><title>Qwen tops the charts | Politics | The Tech Ledger</title>"
            f"<meta property='og:site_name' content='The Tech Ledger'><meta property='og:title' content='Qwen tops the charts'></head>"
            f"<body><header><h1>The Tech Ledger</h1></header><article><h1>Qwen tops the charts</h1>{BODY}</article></body></html>")
    assert extract_page(html, "https://techledger.example/a").title == "Qwen tops the charts"
    assert strip_site("Alibaba raises capex - Reuters", "Reuters", "reuters.com") == "Alibaba raises capex"
    assert strip_site("Cloud growth slows | CNBC", None, "www.cnbc.com") == "Cloud growth slows"
    m = read_meta(parse_html("<html><head><title>A much longer SEO title about Qwen - Site</title></head><body><h1>Short headline</h1></body></html>"))
    assert choose_title(m, "site.example") == "A much longer SEO title about Qwen"  # an h1 nothing confirms is not trusted


def test_title_confirmed_by_the_url_slug_or_a_section_only_title():
    # an h1 the <title> does not confirm is trusted when the URL's slug says the same words
    html = (f"<html><head><title>Cloud prices: vendors cut again in a long SEO line | Markets | The Ledger</title></head>"
            f"<body><article><h1>Vendors cut cloud prices again</h1>{BODY}</article></body></html>")
    assert extract_page(html, "https://ledger.example/2025/03/04/vendors-cut-cloud-prices-again").title == "Vendors cut cloud prices again"
    assert url_slug("https://x.example/news/12345/jury-finds-the-man-guilty.html") == "jury finds the man guilty"
    # a <title> that only names a section ('Home') loses to the page's one h1
    home = f"<html><head><title>Home</title></head><body><h1>Time to say goodbye</h1>{BODY}</body></html>"
    assert extract_page(home, "https://blog.example/").title == "Time to say goodbye"
    # an h1 that is the site's name (the <title>'s last segment) is not the headline
    m = read_meta(parse_html("<html><head><title>Shared history — the manual</title></head>"
                             "<body><h1>the manual</h1><h1>Shared history</h1></body></html>"))
    assert choose_title(m, "docs.example") == "Shared history"


def test_site_names_sections_and_declared_headlines():
    # the host's name run together names the site ('Gregory Szorc's Notebook' on gregoryszorc.example)
    assert strip_site("Gregory Szorc's Notebook | Moving a codebase to Python 3", None, "gregoryszorc.example") == "Moving a codebase to Python 3"
    # a short section between the headline and the site's name goes with it; a dash inside the headline stays
    assert strip_site("Cloud prices fall again | Politics | The Ledger", "The Ledger", "ledger.example") == "Cloud prices fall again"
    assert strip_site("Release 4.2 - faster builds | Toolsmith", "Toolsmith", "toolsmith.example") == "Release 4.2 - faster builds"
    # og:title and JSON-LD headlines lose only segments that name the site, not a subtitle
    html = ("<html><head><meta property='og:site_name' content='Game News Weekly'>"
            "<meta property='og:title' content='Patch 1.8 - The Big Harvest Update'></head>"
            f"<body><h1>Game News Weekly</h1><article>{BODY}</article></body></html>")
    assert extract_page(html, "https://games.example/p/123").title == "Patch 1.8 - The Big Harvest Update"


def test_title_agreement_microdata_and_the_article_h1():
    # every kind of declaration agrees on a wording the h1 paraphrases: the declarations win
    ld = json.dumps({"@type": "NewsArticle", "headline": "Johannesburg traders ask the city for a market plan"})
    html = (f"<html><head><script type='application/ld+json'>{ld}</script>"
            "<meta property='og:title' content='Johannesburg traders ask the city for a market plan'>"
            "<title>Johannesburg traders ask the city for a market plan | The Ledger</title></head>"
            f"<body><article><h1>Joburg traders ask the city for a market plan</h1>{BODY}</article></body></html>")
    assert extract_page(html, "https://ledger.example/a").title == "Johannesburg traders ask the city for a market plan"
    # the element marked itemprop=headline beats an h1 marked as the alternative headline
    html = ("<html><head><title>Decorating slip-ups | Home Pages</title>"
            "<meta property='og:title' content='The five decorating slip-ups renters make and how to fix them'></head>"
            "<body><article><header><h1 itemprop='alternativeHeadline'>Decorating slip-ups</h1>"
            "<h2 itemprop='headline'>The five decorating slip-ups renters make and how to fix them</h2></header>"
            f"{BODY}</article></body></html>")
    assert extract_page(html, "https://home.example/x").title == "The five decorating slip-ups renters make and how to fix them"
    # with nothing confirming any h1, the one inside <article> beats a masthead or footer h1
    html = ("<html><head><meta property='og:title' content='Why everyone is suddenly talking about tarot'></head>"
            "<body><header><h1>Subscribe and see fewer ads</h1></header>"
            f"<article><h1>The card deck that made tarot famous</h1>{BODY}</article></body></html>")
    assert extract_page(html, "https://atlas.example/x").title == "The card deck that made tarot famous"
    # a page listing other stories marks many headlines: none of them is taken for this page's
    teasers = "".join(f"<article><h2 itemprop='headline'>Teaser story number {i} about something</h2></article>" for i in range(3))
    html = ("<html><head><title>County police blotter for the week - Heartland Daily</title>"
            "<meta property='og:site_name' content='Heartland Daily'></head>"
            f"<body><h1>County police blotter for the week</h1>{BODY}{teasers}</body></html>")
    assert extract_page(html, "https://heartland.example/blotter").title == "County police blotter for the week"


def test_publish_date_prefers_the_declaration_over_page_furniture():
    page = lambda head, body="": (f"<html><head>{head}</head><body><aside><time datetime='2021-12-10T20:06:09-07:00'>"  # noqa: E731
                                   f"Dec 10, 2021</time></aside><article><h1>H</h1>{body}{BODY}</article></body></html>")
    # a meta tag that spells its value 'value=' still counts, before a sidebar's <time>
    ex = extract_page(page("<meta name='article:published_time' value='2019-04-09T08:00:15-06:00'>"), "https://x.example/a", now=NOW)
    assert ex.published_at.date().isoformat() == "2019-04-09" and ex.date_source == "meta"
    # JSON-LD datePublished, not dateModified, and not a <time> elsewhere on the page
    ld = json.dumps({"@type": "NewsArticle", "datePublished": "2020-01-03T09:48:24Z", "dateModified": "2020-01-06T09:22:36Z"})
    ex = extract_page(page(f"<script type='application/ld+json'>{ld}</script>"), "https://x.example/a", now=NOW)
    assert ex.published_at.date().isoformat() == "2020-01-03" and ex.date_source == "json-ld"
    # nothing declared: htmldate reads the date the page prints
    ex = extract_page(f"<html><body><article><h1>H</h1><p class='date'>Published 14 March 2022</p>{BODY}</article></body></html>",
                      "https://x.example/a", now=NOW)
    assert ex.published_at is not None and ex.published_at.date().isoformat() == "2022-03-14" and ex.date_source == "htmldate"


def test_article_split_in_chunks_and_link_heavy_paragraphs_are_restored():
    facts = ["the regulator weighed bundled discounts against the cost of moving data out",
             "three rivals said the largest vendor priced storage below its own cost for years",
             "lawyers for the vendor argued that customers had never been locked in by contract",
             "an economist hired by the agency modelled what prices would be without the bundles",
             "small hosting firms told the hearing that they lost clients every time prices were cut",
             "the agency asked for internal emails about how the discounts were first designed",
             "analysts expect the ruling to shape how other regulators treat cloud contracts",
             "the vendor has offered to publish its egress fees in a single public table",
             "a decision is due before the summer, although either side may still appeal it",
             "shares in the vendor barely moved while the hearing continued in the capital",
             "customer groups want any remedy to cover contracts signed in the last five years",
             "the case is the first of its kind to reach a full hearing in the region"]
    chunk = lambda n: "".join(f"<p>Chunk {n} paragraph {i}: {facts[4 * (n - 1) + i]}.</p>" for i in range(4))  # noqa: E731
    cited = ("<p>The inquiry <a href='/a'>followed a complaint by three rivals about bundled discounts</a> and "
             "<a href='/b'>an earlier ruling on data transfer fees in the same market</a>.</p>")
    teasers = "".join(f"<div class='card'><div class='body'><p>Teaser {i} is about another story entirely and has enough words to read as prose.</p></div></div>" for i in range(3))
    html = ("<html><body><article><h1>Regulator weighs cloud pricing case</h1>"
            f"<div class='grid'><div class='body'>{chunk(1)}{cited}{chunk(2)}</div></div>"
            "<div class='ad'>Advertisement</div>"
            f"<div class='grid'><div class='body'>{chunk(3)}</div></div>"
            f"<aside>{teasers}</aside></article></body></html>")
    assert "Chunk 3 paragraph 3" in extract_page(html, "https://ledger.example/a").text
    # what an extractor that kept the first chunk and judged the cited paragraph as links gives back
    tree = parse_html(html)
    kept = [re.sub(r"\s+", " ", p.text_content()) for p in tree.iter("p") if p.text_content().startswith(("Chunk 1", "Chunk 2"))]
    text = restore_paragraphs(tree, "\n".join(kept))
    lines = text.splitlines()
    assert lines[:4] == kept[:4] and lines[4].startswith("The inquiry followed a complaint by three rivals")  # in page order
    assert lines[-1].startswith("Chunk 3 paragraph 3") and len(lines) == 4 + 1 + 4 + 4
    assert "Teaser" not in text  # same class, other depth: cards of other stories are not chunks of this one
    assert restore_paragraphs(parse_html("<html><body><p>One.</p></body></html>"), "One.") == "One."


def test_dates_in_the_publishers_local_day():
    # 21:25 in New York is 02:25Z the next day: the URL's day and a local offset on the page say which day it is
    page = lambda meta: f"<html><head>{meta}</head><body><article><h1>H</h1>{BODY}</article></body></html>"  # noqa: E731
    utc = "<meta property='article:published_time' content='2025-02-25T02:25:54Z'>"
    ex = extract_page(page(utc), "https://paper.example/2025/02/24/some-story/", now=NOW)
    assert ex.published_at.date().isoformat() == "2025-02-24" and ex.published_at == datetime(2025, 2, 25, 2, 25, 54, tzinfo=timezone.utc)
    assert extract_page(page(utc), "https://paper.example/some-story/", now=NOW).published_at.date().isoformat() == "2025-02-25"
    offset = utc + "<meta property='article:modified_time' content='2025-02-24T22:00:00-05:00'><meta name='date' content='2025-02-24T22:00:00-05:00'>"
    assert extract_page(page(offset), "https://paper.example/some-story/", now=NOW).published_at.isoformat() == "2025-02-24T21:25:54-05:00"
    assert url_date("https://x.example/2025/13/40/x") is None and url_date("https://x.example/a/2024-03-01/b") == date(2024, 3, 1)
    # a URL day far from the declared one does not move it
    far = extract_page(page(utc), "https://paper.example/2024/01/02/old-slug/", now=NOW)
    assert far.published_at.date().isoformat() == "2025-02-25"


def test_comments_and_doctype_do_not_empty_the_body():
    # parsed as trafilatura parses (comments dropped, doctype line repaired), the body is found
    html = ("<!doctype html>\n<html lang='en'><head><title>A story about cloud prices</title></head><body>"
            "<!-- a comment --><main><article><h1>A story about cloud prices</h1><!-- another -->" + BODY +
            "<table><tr><td>Quarter</td><td>Cloud revenue rose by a third on the year, the filing said</td></tr></table>"
            "</article></main></body></html>")
    ex = extract_page(html, "https://x.example/a-story-about-cloud-prices")
    assert "paragraph 14" in ex.text and "Cloud revenue rose by a third" in ex.text  # tables are kept


def test_authors_and_dates_from_json_ld_with_sanity_checks():
    ld = {"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle", "headline": "H", "datePublished": "2025-03-04T08:00:00+08:00",
                                                        "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "John Roe"}]}]}
    html = (f"<html><head><script type='application/ld+json'>{json.dumps(ld)}</script>"
            f"<meta property='article:published_time' content='2031-01-01'></head><body><article><h1>H</h1>{BODY}</article></body></html>")
    ex = extract_page(html, "https://x.example/a", now=NOW)
    assert ex.authors == ("Jane Doe", "John Roe") and ex.published_at.date().isoformat() == "2025-03-04" and ex.date_source == "json-ld"
    future = html.replace(json.dumps(ld), "{}")
    ex = extract_page(future, "https://x.example/a", now=NOW)
    assert ex.published_at is None or ex.published_at <= NOW  # 2031 refused
    old = f"<html><head><meta property='article:published_time' content='1970-01-01'></head><body><article>{BODY}</article></body></html>"
    assert extract_page(old, "https://x.example/a", now=NOW).published_at is None
    assert split_authors(("By Jane Doe and John Roe", "jane@x.example")) == ("Jane Doe", "John Roe")


def test_page_encodings_reach_the_extractor():
    from narrative.extractors.encoding import decode

    gbk = f"<html><head><meta charset='gb2312'><title>阿里巴巴</title></head><body>{BODY}</body></html>".encode("gb18030")
    assert "阿里巴巴" in decode(gbk).text
    assert "阿里巴巴" in decode(gbk, "iso-8859-1").text  # the server's default header loses to the page's own
    assert decode(b"\xef\xbb\xbf<p>\xc3\xa9</p>").text == "<p>é</p>"
    assert decode("<p>Ações</p>".encode("latin-1")).text == "<p>Ações</p>"
    assert decode("<p>é</p>".encode("utf-8"), "iso-8859-1").text == "<p>é</p>"  # header says Latin-1, bytes are UTF-8
    xhtml = '<?xml version="1.0" encoding="utf-8"?><html><body><article>' + BODY + "</article></body></html>"
    assert not isinstance(extract_article(xhtml, "https://x.example/x", NOW, min_words=10, now=NOW), Skipped)


def test_relevance_with_embedding_similarity():
    topic = Topic.load()
    assert topic.descriptions
    calls = []

    def embed(texts):  # deterministic stand-in: texts with "zebra" are far from every topic description
        calls.append(len(texts))
        v = np.array([[1.0, 0.0] if "zebra" in t.lower() else [0.0, 1.0] for t in texts])
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    plain, emb = RelevanceScorer(topic), RelevanceScorer(topic, embed=embed)
    text = "Alibaba said on Monday it would hire more engineers in Hangzhou."
    base = plain.score("Hiring news", text)
    near = emb.score("Hiring news", text)
    assert near.similarity == 1.0 and near.score > base.score and "similarity" in near.explain()
    assert emb.score("Bananas", "Bananas are yellow. Cloud cover today.").score == 0.0  # no required entity: 0
    assert emb.score("Hiring news", text + " zebra").score == base.score
    sims = emb.similarities([("a", "cloud"), ("b", "zebra")])
    assert sims == [1.0, 0.0] and calls[-1] == 2  # batched


def test_near_duplicate_threshold_is_the_calibrated_one(demo_run):
    assert DEFAULT_THRESHOLD == 0.4 and demo_run["settings"].near_duplicate_threshold == 0.4
    import duckdb

    con = duckdb.connect(demo_run["db"], read_only=True)
    try:
        rows = con.execute("SELECT count(*), min(similarity) FROM articles WHERE status = 'duplicate'").fetchone()
    finally:
        con.close()
    assert rows[0] == 4 and rows[1] >= 0.6


EXTRACTION = SHARED / "eval-data" / "extraction"


@pytest.mark.skipif(not EXTRACTION.is_dir(), reason="../shared/eval-data is not here (a user's clone)")
def test_extraction_smoke_on_real_pages():
    from narrative.extractors.encoding import decode_html

    ids = ["fundus__us__CNBC__V1", "zyte__042bb7b5fedab6ea", "postlight__www.cnet.com"]
    for cid in ids:
        case = json.loads((EXTRACTION / f"{cid}.json").read_text("utf-8"))
        ex = extract_page(decode_html(gzip.decompress((EXTRACTION / f"{cid}.html.gz").read_bytes())), case["url"])
        assert len(ex.text.split()) > 50, cid
        if "title" in case["truth_fields"]:
            assert ex.title and ex.title.split()[0].lower() == case["title"].split()[0].lower(), cid
