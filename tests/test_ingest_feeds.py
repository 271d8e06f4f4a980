"""Feeds as the real web serves them: every format, every encoding, broken ones, and the CLI that checks them."""

from __future__ import annotations

import json

import pytest

from conftest import SHARED
from narrative.cli import main
from narrative.extractors.feeds import discover_feeds, parse_feed

FEEDS = SHARED / "eval-data" / "feeds"
needs_shared = pytest.mark.skipif(not (FEEDS / "manifest.json").exists(), reason="../shared/eval-data is not here (a user's clone)")


def _manifest():
    return json.loads((FEEDS / "manifest.json").read_text("utf-8")) if (FEEDS / "manifest.json").exists() else []


@needs_shared
@pytest.mark.parametrize("case", _manifest(), ids=lambda c: c["file"])
def test_every_eval_feed_parses_with_its_manifest_count(case):
    r = parse_feed((FEEDS / case["file"]).read_bytes(), "https://feeds.example/dir/feed.xml", {"content-type": "text/xml"})
    assert r.items == case["items"], r.problems
    assert len(r.entries) <= r.items
    assert all(e.url.startswith(("http://", "https://")) for e in r.entries)
    if not case["expat_wellformed"] and "encoding" not in (case["expat_error"] or "") and r.status == "ok":
        assert r.problems  # a salvaged feed says what was wrong


@needs_shared
def test_eval_feeds_encodings_and_links():
    gb = parse_feed((FEEDS / "kc0011-gb2312-chinese-2020.rss").read_bytes(), "https://x.example/f")
    assert "纪念币" in gb.title and not gb.problems
    uol = parse_feed((FEEDS / "uol-noticias-undeclared-latin1-2018.rss").read_bytes(), "https://x.example/f")
    assert any("inquérito" in (e.title or "") for e in uol.entries) and "charset" in uol.problems[0]
    bom = parse_feed((FEEDS / "donthitsave-utf8-bom.xml").read_bytes(), "https://x.example/f")
    assert len(bom.entries) == 10 and not bom.problems
    base = parse_feed((FEEDS / "atom-xml-base.xml").read_bytes(), "https://x.example/f")
    assert base.entries[0].url == "https://numi.st/post/2022/travel-uke"
    rel = parse_feed((FEEDS / "atom-relative-urls.xml").read_bytes(), "https://feeds.example/dir/feed.xml")
    assert rel.entries[0].url == "https://feeds.example/blog/2003/12/13/atom03"
    rdf = parse_feed((FEEDS / "craigslist-rdf-2017.rss").read_bytes(), "https://x.example/f")
    assert rdf.version == "rss10" and len(rdf.entries) == 25
    alerts = parse_feed((FEEDS / "google-alerts-slack-2019.atom").read_bytes(), "https://x.example/f")
    assert not any("google.com/url" in e.url for e in alerts.entries)  # redirect wrappers unwrapped
    moved = parse_feed((FEEDS / "html-document-moved-not-a-feed.rss").read_bytes(), "https://x.example/f")
    assert moved.status == "failed" and any("not a feed" in p for p in moved.problems)


ITEM = "<item><title>{t}</title><link>{l}</link></item>"


def _rss(title: str, items: str, decl: str = '<?xml version="1.0" encoding="{enc}"?>', enc: str = "utf-8") -> str:
    return decl.format(enc=enc) + f"<rss version='2.0'><channel><title>{title}</title>{items}</channel></rss>"


def test_declared_gbk_and_wrong_http_charset():
    doc = _rss("阿里巴巴 通义千问 新闻", ITEM.format(t="阿里云降价", l="https://a.example/1"), enc="gb2312").encode("gb18030")
    r = parse_feed(doc, "https://a.example/feed", {"content-type": "application/rss+xml; charset=iso-8859-1"})
    assert r.title == "阿里巴巴 通义千问 新闻" and r.entries[0].title == "阿里云降价"
    r = parse_feed(doc, "https://a.example/feed", {"content-type": "application/rss+xml; charset=GBK"})
    assert r.entries[0].title == "阿里云降价" and not r.problems


def test_undeclared_latin1_bom_and_http_charset():
    latin = _rss("Notícias", ITEM.format(t="Ações da Alibaba", l="https://a.example/1"), decl="").encode("latin-1")
    r = parse_feed(latin, "https://a.example/feed")
    assert r.entries[0].title == "Ações da Alibaba"
    r = parse_feed(latin, "https://a.example/feed", {"content-type": "text/xml; charset=ISO-8859-1"})
    assert r.entries[0].title == "Ações da Alibaba" and not r.problems
    bom = b"\xef\xbb\xbf" + _rss("Über", ITEM.format(t="Qwen für alle", l="https://a.example/1")).encode("utf-8")
    r = parse_feed(bom, "https://a.example/feed")
    assert r.title == "Über" and r.entries[0].title == "Qwen für alle" and not r.problems


def test_rss_item_xml_base_and_relative_links():
    doc = ("<?xml version='1.0'?><rss version='2.0' xmlns:xml='http://www.w3.org/XML/1998/namespace'><channel><title>T</title>"
           "<item xml:base='https://cdn.example/news/'><title>A</title><link>a.html</link></item>"
           "<item><title>B</title><link>/b.html</link></item></channel></rss>").encode()
    r = parse_feed(doc, "https://site.example/feeds/all.xml")
    assert [e.url for e in r.entries] == ["https://cdn.example/news/a.html", "https://site.example/b.html"]


def test_rdf_feed():
    doc = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
    <channel rdf:about="https://r.example/"><title>RDF news</title><link>https://r.example/</link></channel>
    <item rdf:about="https://r.example/1"><title>One</title><link>https://r.example/1</link></item></rdf:RDF>"""
    r = parse_feed(doc, "https://r.example/rdf")
    assert r.version == "rss10" and r.title == "RDF news" and r.entries[0].url == "https://r.example/1"


def test_feeds_check_cli(tmp_path, capsys):
    good = tmp_path / "good.xml"
    good.write_bytes(_rss("Good", ITEM.format(t="x", l="https://a.example/1") * 1).encode())
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<?xml version='1.0'?><rss version='2.0'><channel><title>Bad</title><item><title>One</title><link>https://a.example/1</link></item><item><title>&oops;")
    assert main(["feeds", "check", "--json", str(good), str(bad)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["title"], r["entries"]) for r in rows] == [("Good", 1), ("Bad", 1)]
    assert rows[0]["problems"] == [] and "malformed" in rows[1]["problems"][0]
    assert set(rows[0]) >= {"source", "title", "entries", "problems"}


def test_feeds_check_and_discover_over_http(demo_server, tmp_path, capsys):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[narrative]\nallow_private = true\nper_host_interval = 0.0\n[narrative.resolve]\n"
                   + "".join(f'"{k}" = "{v}"\n' for k, v in demo_server.resolve_map().items()))
    assert main(["feeds", "check", "--config", str(cfg), "--json", "https://techledger.example/feed.xml"]) == 0
    row = json.loads(capsys.readouterr().out.splitlines()[0])
    assert row["entries"] > 5 and row["title"] == "The Tech Ledger" and row["problems"] == []
    html = '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body></body></html>'
    assert discover_feeds(html, "https://techledger.example/some/story") == ["https://techledger.example/feed.xml"]


def test_feeds_discover_cli(demo_server, tmp_path, capsys):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[narrative]\nallow_private = true\nper_host_interval = 0.0\n[narrative.resolve]\n"
                   + "".join(f'"{k}" = "{v}"\n' for k, v in demo_server.resolve_map().items()))
    assert main(["feeds", "discover", "--config", str(cfg), "--json", "https://techledger.example/feed.xml"]) == 0
    row = json.loads(capsys.readouterr().out.splitlines()[0])
    assert row["feed"] == "https://techledger.example/feed.xml" and row["ok"] and row["entries"] > 5
