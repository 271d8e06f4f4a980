"""What a page says about itself: headline candidates, publication dates, authors, canonical URL.

Read from the parsed tree before trafilatura prunes it. Publishers state these in several places that
often disagree (an SEO `<title>` with the site's name, a shorter og:title, the visible h1, JSON-LD):
`choose_title` picks the visible headline when a declared title confirms it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

DATE_META = frozenset(k.lower() for k in (
    "article:published_time", "og:article:published_time", "og:published_time", "datePublished", "pubdate",
    "publishdate", "publish-date", "publish_date", "dc.date", "dc.date.issued", "dcterms.created", "dcterms.date",
    "sailthru.date", "parsely-pub-date", "article.published", "published-date", "date", "citation_publication_date",
    "citation_date", "originalpublicationdate", "rnews:datepublished", "article_date_original", "cxenseparse:recs:publishtime",
))
AUTHOR_META = frozenset(("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl", "citation_author"))
SEPARATORS = re.compile(r"\s+(?:[|\-–—·•*»/:]|::)\s+")
GENERIC = frozenset("com net org co uk news the online home www blog".split())
TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class PageMeta:
    h1s: tuple[str, ...]
    ld_headline: str | None
    og_title: str | None
    twitter_title: str | None
    title_tag: str | None
    site_name: str | None
    dates: tuple[tuple[str, str], ...]  # (source, raw value), best first: json-ld, meta, time
    authors: tuple[str, ...]
    canonical: str | None
    language: str | None


def _text(el) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


def _tokens(s: str | None) -> list[str]:
    return TOKEN.findall((s or "").lower())


def json_ld(tree) -> list[dict]:
    """Every JSON-LD object on the page, @graph members included."""
    out = []
    for el in tree.iter("script"):
        if (el.get("type") or "").strip().lower() != "application/ld+json" or not el.text:
            continue
        try:
            data = json.loads(el.text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            x = stack.pop()
            if isinstance(x, list):
                stack.extend(x)
            elif isinstance(x, dict):
                out.append(x)
                if "@graph" in x:
                    stack.append(x["@graph"])
    return out


def _ld_names(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out = []
    for it in items:
        if isinstance(it, str):
            out.append(it)
        elif isinstance(it, dict) and isinstance(it.get("name"), str) and (it.get("@type") in (None, "Person") or "Person" in str(it.get("@type"))):
            out.append(it["name"])
    return out


ARTICLE_TYPES = re.compile(r"Article|Posting|Report|BlogPosting|NewsArticle|WebPage", re.IGNORECASE)


def read_meta(tree) -> PageMeta:
    metas: dict[str, str] = {}
    dates: list[tuple[str, str]] = []
    authors: list[str] = []
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if not key or not content:
            continue
        metas.setdefault(key, content)
        if key in DATE_META:
            dates.append(("meta", content))
        if key in AUTHOR_META and not content.startswith("http"):
            authors.append(content)
    ld_dates, ld_authors, headline = [], [], None
    for item in json_ld(tree):
        if not ARTICLE_TYPES.search(str(item.get("@type", ""))) and "datePublished" not in item:
            continue
        if isinstance(item.get("datePublished"), str):
            ld_dates.append(("json-ld", item["datePublished"]))
        if headline is None and isinstance(item.get("headline"), str) and item["headline"].strip():
            headline = re.sub(r"\s+", " ", item["headline"]).strip()
        ld_authors.extend(_ld_names(item.get("author")))
    times = [("time", el.get("datetime")) for el in tree.xpath("//article//time[@datetime]|//time[@pubdate]|//time[@itemprop='datePublished']")]
    times += [("time", el.get("datetime")) for el in tree.iter("time") if el.get("datetime")][:1]
    title_el = tree.find(".//title")
    canonical = None
    for el in tree.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
            canonical = el.get("href").strip()
            break
    if canonical is None and metas.get("og:url", "").startswith("http"):
        canonical = metas["og:url"]
    h1s = [t for t in (_text(e) for e in tree.xpath("//article//h1|//main//h1|//*[@itemprop='headline']|//h1")) if t]
    html_el = tree if tree.tag == "html" else tree.getroottree().getroot()
    return PageMeta(
        h1s=tuple(dict.fromkeys(h1s))[:6],
        ld_headline=headline,
        og_title=metas.get("og:title"),
        twitter_title=metas.get("twitter:title"),
        title_tag=_text(title_el) if title_el is not None else None,
        site_name=metas.get("og:site_name") or metas.get("application-name"),
        dates=tuple(ld_dates + dates + times),
        authors=tuple(dict.fromkeys(a.strip() for a in ld_authors + authors if a and a.strip())),
        canonical=canonical,
        language=(html_el.get("lang") or metas.get("og:locale") or metas.get("content-language") or None),
    )


def _close(a: str, b: str) -> bool:
    A, B = set(_tokens(a)), set(_tokens(b))
    if not A or not B:
        return False
    inter = len(A & B)
    return inter / min(len(A), len(B)) >= 0.8 or inter / len(A | B) >= 0.6


def strip_site(title: str, site: str | None, host: str | None) -> str:
    """'Headline | Section | Site' → 'Headline': drop the segments naming the site; else the last segment
    when what remains is still a headline (three words or more)."""
    parts = SEPARATORS.split(title)
    if len(parts) == 1:
        return title
    site_tokens = set(_tokens(site)) | set(_tokens((host or "").removeprefix("www.").rsplit(".", 1)[0]))
    keep = [p for p in parts if not (set(_tokens(p)) and set(_tokens(p)) <= site_tokens | GENERIC)]
    if keep and len(keep) < len(parts):
        return keep[0] if len(keep) == 1 else title[: title.find(keep[-1]) + len(keep[-1])].strip()
    last = list(SEPARATORS.finditer(title))[-1]
    head = title[: last.start()].strip()
    return head if len(_tokens(head)) >= 3 else title


def _site_segment(h: str, title_tag: str | None) -> bool:
    """An h1 that is the trailing segment of '<title>Headline — Site</title>' names the site."""
    if not title_tag:
        return False
    parts = SEPARATORS.split(title_tag)
    return len(parts) > 1 and _tokens(parts[-1]) == _tokens(h)


def url_slug(url: str | None) -> str | None:
    """'/2016/12/15/505723552/jury-finds-roof-guilty.html' → 'jury finds roof guilty': the words a
    publisher put in the path, a headline candidate of its own (three words or more)."""
    if not url:
        return None
    path = urlsplit(url).path
    best = None
    for seg in path.split("/"):
        seg = re.sub(r"\.[a-z]{2,5}$", "", seg, flags=re.IGNORECASE)
        words = [w for w in re.split(r"[-_+]+", seg) if w and not w.isdigit()]
        if len(words) >= 3 and (best is None or len(words) > len(best)):
            best = words
    return " ".join(best) if best else None


def choose_title(meta: PageMeta, host: str | None, fallback: str | None = None, url: str | None = None) -> str | None:
    """The visible headline (an h1) when another candidate confirms it: a declared title (JSON-LD
    headline, og:/twitter:title, <title>) or the words of the URL's slug; else the declared title
    with the site's name stripped."""
    declared = [t for t in (meta.ld_headline, meta.og_title, meta.twitter_title, meta.title_tag) if t]
    slug = url_slug(url)
    site_tokens = set(_tokens(meta.site_name)) | set(_tokens((host or "").removeprefix("www.").rsplit(".", 1)[0])) | GENERIC
    h1s = [h for h in meta.h1s if not set(_tokens(h)) <= site_tokens and not _site_segment(h, meta.title_tag)]
    for h in h1s:  # the masthead and the site's name are not the headline
        if 2 <= len(_tokens(h)) <= 40 and any(_close(h, d) for d in declared + ([slug] if slug else [])):
            return h
    # a page that declares nothing longer than a word ('Home', 'News') declares a section, not a headline:
    # its one visible h1 is the better title
    if len(h1s) == 1 and 2 <= len(_tokens(h1s[0])) <= 40 and all(len(_tokens(strip_site(d, meta.site_name, host))) <= 1 for d in declared):
        return h1s[0]
    for t in (meta.ld_headline, meta.og_title, meta.title_tag, fallback):
        if t and _tokens(t):
            return strip_site(t, meta.site_name, host)
    return None
