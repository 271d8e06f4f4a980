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
HIERARCHY = frozenset(("|", "/", "»", "·", "•", "::", "*"))
GENERIC = frozenset("com net org co uk news the online home www blog".split())
TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class PageMeta:
    h1s: tuple[str, ...]
    ld_headline: str | None
    md_headline: str | None  # microdata: the element marked itemprop="headline"
    article_h1: str | None  # the one h1 inside the page's <article>, if there is exactly one
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
        content = (el.get("content") or el.get("value") or "").strip()  # 'value' is a common misspelling
        if not key or not content:
            continue
        metas.setdefault(key, content)
        if key in DATE_META:
            dates.append(("meta", content))
        if key in AUTHOR_META and not content.startswith("http"):
            authors.append(content)
    ld_dates, ld_authors, headline, publisher = [], [], None, None
    for item in json_ld(tree):
        pub = item.get("publisher")
        if publisher is None and isinstance(pub, dict) and isinstance(pub.get("name"), str) and pub["name"].strip():
            publisher = pub["name"].strip()
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
    # the visible headlines: the one marked as the headline (microdata) first, then the h1 inside the
    # article, then the main content's, then the rest; an h1 marked as the alternative headline last.
    # A page listing other stories has many of these: a mark that is not unique ranks nothing.
    marked = tree.xpath("//*[@itemprop='headline']")
    micro = {(m.get("content") if m.tag == "meta" else _text(m)) or "" for m in marked}
    micro = micro.pop() if len(micro) == 1 else None
    main_h1 = "//h1[not(@itemprop='alternativeHeadline')]"
    ranked = [tree.xpath(x) for x in ("//*[@itemprop='headline'][not(self::meta)]", "//article" + main_h1, "//main" + main_h1)]
    ranked = [group if len(group) == 1 else [] for group in ranked] + [tree.xpath(main_h1), tree.xpath("//h1")]
    h1s = [t for t in (_text(e) for group in ranked for e in group) if t]
    html_el = tree if tree.tag == "html" else tree.getroottree().getroot()
    return PageMeta(
        h1s=tuple(dict.fromkeys(h1s))[:6],
        ld_headline=headline,
        article_h1=_text(ranked[1][0]) if ranked[1] else None,
        md_headline=re.sub(r"\s+", " ", micro).strip() if micro and micro.strip() else None,
        og_title=metas.get("og:title"),
        twitter_title=metas.get("twitter:title"),
        title_tag=_text(title_el) if title_el is not None else None,
        site_name=metas.get("og:site_name") or metas.get("application-name") or publisher,
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


def _site_words(site: str | None, host: str | None) -> tuple[set[str], set[str]]:
    """The words naming the site (og:site_name, the host's labels) and the host's labels run together
    ('gregoryszorc', 'dailymail'): a segment reading 'Gregory Szorc's Blog' or 'Daily Mail Online' names it."""
    labels = [lb for lb in (host or "").lower().removeprefix("www.").split(".") if lb]
    labels = labels[:-1] if len(labels) > 1 else labels  # the top-level domain says nothing
    words = set(_tokens(site)) | {t for lb in labels for t in _tokens(lb)}
    joined = {re.sub(r"\W|_", "", lb) for lb in labels} | {"".join(_tokens(site))}
    return words, {j for j in joined if len(j) >= 4 and j not in GENERIC}


def _names_site(segment: str, words: set[str], joined: set[str]) -> bool:
    toks = _tokens(segment)
    if not toks:
        return False
    if set(toks) <= words | GENERIC:
        return True
    return len(toks) <= 5 and any(j in "".join(toks) for j in joined)


def strip_site(title: str, site: str | None, host: str | None, blind: bool = True) -> str:
    """'Headline | Section | Site' → 'Headline': drop the segments naming the site (and a one- or two-word
    section between the headline and the site's name); else, with `blind`, the last segment when what
    remains is still a headline (three words or more) and the segment is short enough to be a name."""
    seps = list(SEPARATORS.finditer(title))
    if not seps:
        return title
    bounds = [0] + [m.end() for m in seps]
    ends = [m.start() for m in seps] + [len(title)]
    parts = [title[b:e] for b, e in zip(bounds, ends)]
    words, joined = _site_words(site, host)
    keep = [i for i, p in enumerate(parts) if not _names_site(p, words, joined)]
    if keep and len(keep) < len(parts):
        # 'Headline | Politics | Site': a one- or two-word section after the headline, set off by a
        # hierarchy mark (not a dash or colon, which headlines use themselves), goes too
        keep = [i for i in keep if i == keep[0] or len(_tokens(parts[i])) > 2 or seps[i - 1].group().strip() not in HIERARCHY]
        # from the original text, so a separator inside the headline ('Part one - part two') survives
        return title[bounds[keep[0]]: ends[keep[-1]]].strip()
    if not blind:
        return title
    head, tail = title[: seps[-1].start()].strip(), title[seps[-1].end():]
    return head if len(_tokens(head)) >= 3 and len(_tokens(tail)) <= 4 else title


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


ANCHOR_MARKS = re.compile(r"\s*[¶§#]+$")  # the permalink mark documentation generators put after a heading


def choose_title(meta: PageMeta, host: str | None, fallback: str | None = None, url: str | None = None) -> str | None:
    """The headline, by agreement between what the page shows (its h1s, best ranked first) and what it
    declares (JSON-LD or microdata headline, og:/twitter:title, <title>), the site's name stripped:
    1. a visible headline that a declaration repeats word for word;
    2. else the title all three kinds of declaration agree on (JSON-LD, og: or twitter:, <title>);
    3. else a declared title that is one segment of a visible one ('Politics | Headline');
    4. else the one h1 of the page's <article>;
    5. else a visible headline that a declaration or the URL's slug nearly repeats;
    6. else the page's one h1 when every declaration is a single word ('Home');
    7. else the declared title (JSON-LD, og:title, <title>, the fallback), the site's name stripped."""
    site = meta.site_name
    # headlines declared for sharing rarely carry the site's name unless they name it: only the <title>
    # (and the fallback) lose a trailing segment that does not name the site
    pairs = [(meta.ld_headline, False), (meta.md_headline, False), (meta.og_title, False), (meta.twitter_title, False),
             (meta.title_tag, True)]
    declared = [t for t, _ in pairs if t and _tokens(t)]
    stripped = [strip_site(t, site, host, blind=blind) for t, blind in pairs if t and _tokens(t)]
    said = {tuple(_tokens(t)) for t in declared + stripped}
    words, _ = _site_words(site, host)
    h1s = [ANCHOR_MARKS.sub("", h) for h in meta.h1s]
    h1s = [h for h in h1s if not set(_tokens(h)) <= words | GENERIC and not _site_segment(h, meta.title_tag)
           and 2 <= len(_tokens(h)) <= 40]  # the masthead and the site's name are not the headline
    for h in h1s:
        if tuple(_tokens(h)) in said:
            return h
    # one voice per kind of declaration: twitter:title is usually a copy of og:title
    voices = [v for v in (meta.ld_headline, meta.og_title or meta.twitter_title) if v and _tokens(v)]
    if meta.title_tag and _tokens(meta.title_tag):
        voices.append(strip_site(meta.title_tag, site, host))
    if len(voices) == 3 and len({tuple(_tokens(v)) for v in voices}) == 1 and len(_tokens(voices[0])) >= 3:
        return strip_site(voices[0], site, host, blind=False)
    for h in h1s:
        segments = {tuple(_tokens(p)) for p in SEPARATORS.split(h)}
        for s in stripped:
            if len(_tokens(s)) >= 3 and tuple(_tokens(s)) in segments:
                return s
    article = ANCHOR_MARKS.sub("", meta.article_h1) if meta.article_h1 else None
    if article in h1s:
        return article
    slug = url_slug(url)
    for h in h1s:
        if any(_close(h, d) for d in declared + stripped + ([slug] if slug else [])):
            return h
    if len(h1s) == 1 and all(len(_tokens(s)) <= 1 for s in stripped):
        return h1s[0]
    for t, blind in ((meta.ld_headline, False), (meta.og_title, False), (meta.title_tag, True), (fallback, True)):
        if t and _tokens(t):
            return strip_site(t, site, host, blind=blind)
    return None
