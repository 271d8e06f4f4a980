"""Render the corpus as its invented publishers serve it: pages full of chrome, and their feeds.

Each site has its own template (navigation, cookie banner, share bars, newsletter box, related links,
comments), its own way of stating the date (meta tag, JSON-LD, <time>), and its own feed format.
Links in feeds carry tracking parameters; pages name their clean URL in <link rel=canonical>.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime

from .corpus import CorpusArticle

AGGREGATOR_HOST = "news.example"


@dataclass(frozen=True, slots=True)
class SiteInfo:
    key: str
    host: str
    name: str
    feed_path: str | None  # None: not in the demo's configured feeds (reached through the aggregator's search feed)
    own_feed: str | None = None  # a feed of its own that only its home page names (<link rel=alternate>), found by discovery


SITES = {
    "techledger": SiteInfo("techledger", "techledger.example", "The Tech Ledger", "/feed.xml"),
    "asiamarkets": SiteInfo("asiamarkets", "asiamarkets.example", "Asia Markets Daily", "/atom.xml"),
    "dailyharbor": SiteInfo("dailyharbor", "dailyharbor.example", "The Daily Harbor", "/rss/news.xml"),
    "cloudbeat": SiteInfo("cloudbeat", "cloudbeat.example", "CloudBeat", None, "/feed/"),
    "capitalstreet": SiteInfo("capitalstreet", "www.capitalstreet.example", "Capital Street Journal", None, "/rss/latest.xml"),
    "silkroadwire": SiteInfo("silkroadwire", "silkroadwire.example", "Silk Road Wire", None, "/feeds/all.rss"),
    # a broadcaster the aggregator lists that has no feed at all: its entries can only be kept as headlines
    "harbourradio": SiteInfo("harbourradio", "harbourradio.example", "Harbour Radio News", None),
}
# What the aggregator lists from publishers outside the corpus (title, site, time): headlines only, no page to read.
AGGREGATOR_ONLY = (
    ("Alibaba Cloud says its Mexico data centre will open ahead of schedule", "harbourradio", datetime(2026, 11, 4, 9, 15, tzinfo=timezone.utc)),
)
SEARCH_PATH = "/rss/search"


def path_for(a: CorpusArticle) -> str:
    d = a.published
    return {
        "techledger": f"/{d:%Y/%m/%d}/{a.slug}",
        "asiamarkets": f"/markets/{a.slug}-{a.id}",
        "dailyharbor": f"/news/{d:%Y%m%d}-{a.slug}.html",
        "cloudbeat": f"/ai/{a.slug}/",
        "capitalstreet": f"/articles/{a.slug}",
        "silkroadwire": f"/story/{a.id}-{a.slug}",
    }[a.site]


def canonical_url(a: CorpusArticle) -> str:
    return f"https://{SITES[a.site].host}{path_for(a)}"


def listed_url(a: CorpusArticle) -> str:
    """The URL as the publisher's feed lists it: with tracking parameters, a www. spelling, or as it is."""
    s = SITES[a.site]
    if s.feed_path is None:  # the publisher's own feed (found by discovery) lists its pages as they are
        return canonical_url(a)
    if a.site == "techledger":
        return f"http://{s.host}{path_for(a)}?utm_source=rss&utm_medium=feed&utm_campaign=tech"
    if a.site == "dailyharbor":
        return f"https://www.{s.host}{path_for(a)}#comments"
    return canonical_url(a)


def aggregator_token(a: CorpusArticle) -> str:
    return "CBMi" + hashlib.sha256(canonical_url(a).encode()).hexdigest()[:40]


# -- pages -----------------------------------------------------------------------------------------
def _body_html(a: CorpusArticle, tag: str = "p") -> str:
    out = []
    for p in a.paragraphs:
        if p.startswith("## "):
            out.append(f"<h2>{html.escape(p[3:])}</h2>")
        else:
            out.append(f"<{tag}>{html.escape(p)}</{tag}>")
    return "\n".join(out)


def _related(others: list[CorpusArticle]) -> str:
    items = "".join(f'<li><a href="{path_for(o)}">{html.escape(o.title)}</a></li>' for o in others[:4])
    return f'<aside class="related"><h3>Related stories</h3><ul>{items}</ul></aside>'


COOKIE = ('<div id="cookie-banner" class="consent">We use cookies to personalise content and ads and to analyse '
          'our traffic. By clicking "Accept all" you agree to the storing of cookies on your device. '
          '<button>Accept all</button> <button>Manage preferences</button></div>')
NEWSLETTER = ('<div class="newsletter-signup"><h4>Stay ahead of the market.</h4><p>Get curated market news, insights '
              'and key dates delivered to your inbox every morning.</p><form><input type="email" '
              'placeholder="Your email"><button>Subscribe</button></form></div>')
COMMENTS = ('<section id="comments" class="comments"><h3>Comments</h3><div class="comment"><b>tradewatcher88</b>'
            '<p>Been saying this for months. Nobody listens.</p></div><div class="comment"><b>J. Okafor</b><p>Great '
            'piece, thanks for the clear breakdown of the numbers.</p></div><p>Log in to join the conversation.</p></section>')


def render_page(a: CorpusArticle, related: list[CorpusArticle]) -> str:
    s = SITES[a.site]
    t = html.escape(a.title)
    iso = a.published.isoformat()
    canon = canonical_url(a)
    author = html.escape(a.author)
    nav = ("<nav class='site-nav'><a href='/'>Home</a> <a href='/markets'>Markets</a> <a href='/tech'>Tech</a> "
           "<a href='/opinion'>Opinion</a> <a href='/video'>Video</a> <a href='/subscribe'>Subscribe</a></nav>")
    footer = (f"<footer><p>© 2026 {html.escape(s.name)}. All rights reserved.</p><a href='/privacy'>Privacy</a> "
              "<a href='/terms'>Terms</a> <a href='/contact'>Contact us</a></footer>")
    head_common = (f'<meta charset="utf-8"><link rel="canonical" href="{canon}">'
                   f'<meta property="og:site_name" content="{html.escape(s.name)}">'
                   f'<meta property="og:title" content="{t}"><meta property="og:type" content="article">')
    if a.kind == "paywall":
        teaser = html.escape(a.paragraphs[0])
        return (f"<!doctype html><html lang='en'><head><title>{t} | {html.escape(s.name)}</title>{head_common}"
                f"<meta property='article:published_time' content='{iso}'></head><body>{nav}{COOKIE}"
                f"<article><h1>{t}</h1><p class='byline'>By {author}</p><p>{teaser}</p>"
                "<div class='paywall'><h3>This article is for subscribers.</h3><p>Subscribe to continue reading. "
                "Already a subscriber? <a href='/login'>Sign in</a></p></div></article>"
                f"{_related(related)}{footer}</body></html>")
    if a.site == "techledger":
        return (f"<!doctype html><html lang='en'><head><title>{t} | {html.escape(s.name)}</title>{head_common}"
                f"<meta name='author' content='{author}'><meta property='article:published_time' content='{iso}'>"
                f"</head><body><header><div class='logo'>The Tech Ledger</div>{nav}</header>{COOKIE}<main>"
                f"<article><h1>{t}</h1><div class='byline'>By <a rel='author' href='/authors/x'>{author}</a> · "
                f"<time datetime='{iso}'>{a.published:%B %d, %Y}</time></div>"
                "<div class='share'><a>Share on Twitter</a> <a>Share on LinkedIn</a> <a>Email</a></div>"
                f"<div class='article-body'>{_body_html(a)}</div></article>{NEWSLETTER}{_related(related)}"
                f"{COMMENTS}</main>{footer}</body></html>")
    if a.site == "asiamarkets":
        ld = ('{"@context":"https://schema.org","@type":"NewsArticle","headline":' + _json(a.title) +
              ',"datePublished":"' + iso + '","author":{"@type":"Person","name":' + _json(a.author) + '}}')
        ticker = ("<div class='ticker-bar'>HSI 25,612.3 ▲0.8% · HSTECH 5,731.9 ▲1.2% · USD/CNY 7.12 · "
                  "BABA 151.20 ▲2.1% · 0700.HK 512.50 ▼0.4%</div>")
        return (f"<!doctype html><html lang='en-GB'><head><title>{t} - Asia Markets Daily</title>{head_common}"
                f"<script type='application/ld+json'>{ld}</script></head><body>{ticker}{nav}{COOKIE}"
                f"<main><div class='story'><h1 class='headline'>{t}</h1><p class='author'>{author}, Asia Markets Daily</p>"
                f"<div class='story-body'>{_body_html(a)}</div><p class='disclaimer'>Asia Markets Daily does not "
                "provide investment advice.</p></div>"
                f"{_related(related)}</main>{NEWSLETTER}{footer}</body></html>")
    if a.site == "dailyharbor":
        return (f"<!doctype html><html lang='en'><head><title>{t} | The Daily Harbor</title>{head_common}"
                f"<meta name='author' content='{author}'><meta property='article:published_time' content='{iso}'>"
                f"</head><body>{nav}{COOKIE}<div id='content'><h1>{t}</h1><p class='dateline'>{author} · "
                f"{a.published:%d %b %Y}</p>{_body_html(a)}<p class='advert'>Advertisement</p></div>"
                f"{_related(related)}{COMMENTS}{footer}</body></html>")
    if a.site == "cloudbeat":
        paras = _body_html(a).split("\n")
        mid = len(paras) // 2
        body = "\n".join(paras[:mid]) + NEWSLETTER + "\n".join(paras[mid:])
        return (f"<!doctype html><html lang='en-US'><head><title>{t} — CloudBeat</title>{head_common}"
                f"<link rel='amphtml' href='{canon}amp/'><meta name='author' content='{author}'>"
                f"<meta property='article:published_time' content='{iso}'></head><body>{nav}{COOKIE}<article class='post'>"
                f"<header><h1 class='entry-title'>{t}</h1><span class='author vcard'>{author}</span></header>"
                f"<div class='entry-content'>{body}</div><footer class='entry-footer'>Filed under: AI, Cloud</footer>"
                f"</article>{_related(related)}{COMMENTS}{footer}</body></html>")
    # capitalstreet, silkroadwire
    return (f"<!doctype html><html lang='en'><head><title>{t} | {html.escape(s.name)}</title>{head_common}"
            f"<meta name='author' content='{author}'><meta property='article:published_time' content='{iso}'>"
            f"</head><body>{nav}{COOKIE}<div class='container'><article><h1>{t}</h1><p class='byline'>By {author}</p>"
            f"<section class='body'>{_body_html(a)}</section></article>{_related(related)}</div>{footer}</body></html>")


def _json(s: str) -> str:
    import json

    return json.dumps(s, ensure_ascii=False)


# -- feeds -----------------------------------------------------------------------------------------
def _x(s: str) -> str:
    return html.escape(s, quote=True)


def rss_feed(site: SiteInfo, arts: list[CorpusArticle]) -> str:
    items = "".join(
        f"<item><title>{_x(a.title)}</title><link>{_x(listed_url(a))}</link>"
        f"<guid isPermaLink='false'>{a.site}-{a.id}</guid><pubDate>{format_datetime(a.published.astimezone(timezone.utc))}</pubDate>"
        f"<dc:creator>{_x(a.author)}</dc:creator><description>{_x(a.paragraphs[0][:240])}</description></item>"
        for a in sorted(arts, key=lambda a: a.published, reverse=True)
    )
    return ("<?xml version='1.0' encoding='UTF-8'?><rss version='2.0' xmlns:dc='http://purl.org/dc/elements/1.1/'>"
            f"<channel><title>{_x(site.name)}</title><link>https://{site.host}/</link><description>Latest from "
            f"{_x(site.name)}</description><language>en</language>{items}</channel></rss>")


def atom_feed(site: SiteInfo, arts: list[CorpusArticle]) -> str:
    updated = max(a.published for a in arts).isoformat() if arts else datetime.now(timezone.utc).isoformat()
    entries = "".join(
        f"<entry><title>{_x(a.title)}</title><link rel='alternate' href='{path_for(a)}'/>"
        f"<id>tag:{site.host},2026:{a.id}</id><published>{a.published.isoformat()}</published>"
        f"<updated>{a.published.isoformat()}</updated><author><name>{_x(a.author)}</name></author>"
        f"<summary>{_x(a.paragraphs[0][:240])}</summary></entry>"
        for a in sorted(arts, key=lambda a: a.published, reverse=True)
    )
    return ("<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom' "
            f"xml:base='https://{site.host}/'><title>{_x(site.name)}: Markets</title><id>https://{site.host}/</id>"
            f"<link rel='self' href='https://{site.host}{site.feed_path}'/><updated>{updated}</updated>{entries}</feed>")


def only_token(title: str) -> str:
    return "CBMi" + hashlib.sha256(title.encode()).hexdigest()[:40]


def search_feed(query: str, arts: list[CorpusArticle]) -> str:
    """A Google-News-style search feed, as Google News serves one today: item links are opaque
    (`/rss/articles/CBMi…`, answered with a script interstitial, not a redirect), the title ends with
    " - Publisher", `<source url>` names the publisher's site, and the terms are in <copyright>."""
    rows = [(f"{a.title} - {SITES[a.site].name}", aggregator_token(a), a.published, SITES[a.site]) for a in arts]
    rows += [(f"{t} - {SITES[k].name}", only_token(t), when, SITES[k]) for t, k, when in AGGREGATOR_ONLY]
    items = "".join(
        f"<item><title>{_x(title)}</title>"
        f"<link>https://{AGGREGATOR_HOST}/rss/articles/{token}?oc=5</link>"
        f"<guid isPermaLink='false'>{token}</guid>"
        f"<pubDate>{format_datetime(when.astimezone(timezone.utc))}</pubDate>"
        f"<source url='https://{site.host}'>{_x(site.name)}</source></item>"
        for title, token, when, site in sorted(rows, key=lambda r: r[2], reverse=True)
    )
    return ("<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
            f"<title>\"{_x(query)}\" - News search</title><link>https://{AGGREGATOR_HOST}/search?q={_x(query)}</link>"
            "<copyright>This feed is made available solely for rendering results in a personal feed reader for "
            "personal, non-commercial use. Any other use is prohibited.</copyright>"
            f"<description>News search results</description>{items}</channel></rss>")


def interstitial(token: str) -> str:
    """What the aggregator answers for an item link: 200, a page of scripts that a browser runs to find
    the publisher's URL (the token does not decode to it), no article, no redirect."""
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>News</title>"
            "<meta name='referrer' content='origin'><script nonce='x'>window.WIZ_global_data={\"cfb2h\":\"boq_news\"};</script>"
            "</head><body><c-wiz jsrenderer='x' data-n-a-id='" + token + "' data-n-a-ts='1773405183' data-n-a-sg='AZ5r3eQ'>"
            "<div jsname='a' class='m' role='progressbar'></div></c-wiz>"
            "<script nonce='x'>(function(){var c=document.querySelector('c-wiz');fetch('/_/DotsSplashUi/data/batchexecute',"
            "{method:'POST',body:c.dataset.nAId}).then(function(r){return r.text()}).then(function(t){location.replace(t)})})();"
            "</script></body></html>")


def home_page(site: SiteInfo) -> str:
    """A publisher's front page: its name, and its feed named the way sites name them (<link rel=alternate>)."""
    feed = site.feed_path or site.own_feed
    link = f"<link rel='alternate' type='application/rss+xml' title='{_x(site.name)}' href='{feed}'>" if feed else ""
    return f"<!doctype html><html><head><title>{_x(site.name)}</title>{link}</head><body><h1>{_x(site.name)}</h1></body></html>"
