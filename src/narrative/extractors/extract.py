"""HTML → an Article (trafilatura for text and metadata, our own checks for dates and debris)."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from htmldate import find_date
from trafilatura.metadata import extract_author, extract_sitename, extract_title
from trafilatura.utils import load_html

from .article import PageSignals, count_words, judge, page_signals
from .clean import PAYWALL, clean_text, is_promo, looks_paywalled
from .records import Article, FeedEntry
from .metadata import choose_title, read_meta
from .urls import article_id, canonicalize, site_of

log = logging.getLogger(__name__)

EARLIEST = datetime(1995, 1, 1, tzinfo=timezone.utc)
DATE_META = (
    "article:published_time", "og:article:published_time", "datePublished", "pubdate", "publishdate",
    "date", "dc.date", "dc.date.issued", "sailthru.date", "parsely-pub-date",
)
TITLE_SUFFIX = re.compile(r"\s+[|\-–—:]\s+[^|\-–—:]{2,40}$")
ENGLISH_HINTS = frozenset("the and of to in is that for with on as was said by are from at its".split())


@dataclass(frozen=True, slots=True)
class Skipped:
    url: str
    reason: str  # paywall | empty | too_short | not_article | error_page | cookie_wall | interstitial | unreadable
    detail: str
    title: str | None = None


def parse_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    v = value.strip()
    try:
        dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = datetime.strptime(v[:10], "%Y-%m-%d")
        except ValueError:
            return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def sane_date(dt: datetime | None, now: datetime) -> datetime | None:
    """Not in the future (an hour of clock skew allowed), not before 1995."""
    if dt is None:
        return None
    if dt < EARLIEST or (dt - now).total_seconds() > 3600:
        return None
    return dt


URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?=[/-]|$)")


def url_date(url: str | None) -> date | None:
    """The day a path like /2020/02/24/slug or /2020-02-24/ names: the publisher's own, local, date."""
    m = URL_DATE.search(urlsplit(url or "").path)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def local_day(dt: datetime | None, declared: list[str], url: str | None) -> datetime | None:
    """The same instant, expressed in the publisher's local time where the page tells it.

    Declarations are often in UTC while the date the page prints (and readers mean) is the local one:
    published 21:25 in New York is 02:25Z the next day. A UTC instant is moved to the UTC offset another
    declaration on the page carries; and when the URL names a day that the instant falls on in some
    real time zone (one day off at most), the instant is expressed in the nearest whole-hour offset
    that puts it on that day."""
    if dt is None:
        return None
    if dt.utcoffset() == timedelta(0):
        for raw in declared:
            other = parse_datetime(raw)
            off = other.utcoffset() if other is not None and raw and ("+" in raw[10:] or "-" in raw[10:]) else None
            if off:
                dt = dt.astimezone(timezone(off))
                break
    day = url_date(url)
    if day is None or dt.date() == day or abs((dt.date() - day).days) > 1:
        return dt
    utc = dt.astimezone(timezone.utc)
    for hours in sorted(range(-12, 15), key=abs):
        local = utc.astimezone(timezone(timedelta(hours=hours)))
        if local.date() == day:
            return local
    return dt


def _meta_dates(tree) -> list[str]:
    out = []
    for el in tree.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop")
        if key and key.lower() in {k.lower() for k in DATE_META} and el.get("content"):
            out.append(el.get("content"))
    for el in tree.iter("time"):
        if el.get("datetime"):
            out.append(el.get("datetime"))
    for el in tree.iter("script"):
        if (el.get("type") or "").lower() == "application/ld+json" and el.text:
            try:
                data = json.loads(el.text)
            except ValueError:
                continue
            for item in data if isinstance(data, list) else [data]:
                if isinstance(item, dict) and item.get("datePublished"):
                    out.append(str(item["datePublished"]))
    return out


def _canonical_link(tree) -> str | None:
    for el in tree.iter("link"):
        if (el.get("rel") or "").lower() == "canonical" and el.get("href"):
            return el.get("href")
    for el in tree.iter("meta"):
        if (el.get("property") or "").lower() == "og:url" and el.get("content"):
            return el.get("content")
    return None


def detect_language(text: str, declared: str | None) -> str | None:
    """The page's declared language, checked against a cheap stop-word test for English."""
    words = re.findall(r"[a-z]+", text[:4000].lower())
    english = bool(words) and sum(w in ENGLISH_HINTS for w in words) / len(words) > 0.08
    if declared:
        lang = declared.split("-")[0].lower()
        if lang == "en" or not english:
            return lang
    if english:
        return "en"
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in text[:2000])
    return "zh" if cjk > 50 else declared


def clean_title(title: str | None, site: str | None) -> str | None:
    if not title:
        return None
    t = title.strip()
    if site and t.lower().endswith(site.lower()):
        t = TITLE_SUFFIX.sub("", t)
    return t or None


@dataclass(frozen=True, slots=True)
class Extraction:
    """What one page yields before any policy (skip rules) is applied: `narrative extract` prints it."""

    url: str
    canonical_url: str
    title: str | None
    authors: tuple[str, ...]
    published_at: datetime | None
    site: str | None
    language: str | None
    text: str
    date_source: str | None = None  # which signal gave the date: meta, json-ld, time, htmldate, feed
    paywall_prompt: bool = False  # the body asked for a subscription (the prompt itself is cleaned out of `text`)
    signals: PageSignals = PageSignals()  # what the page says about being an article (article.judge reads them)


def extract_page(html: str, url: str, entry: FeedEntry | None = None, now: datetime | None = None) -> Extraction:
    """Clean text and metadata of one page: trafilatura for the body, the page's own declarations
    (JSON-LD, meta, h1) for headline, date and authors, htmldate and the feed as fallbacks."""
    now = now or datetime.now(timezone.utc)
    tree = parse_html(html)
    meta = read_meta(tree)
    published, date_source = None, None
    for source, raw in meta.dates:
        published = sane_date(parse_datetime(raw), now)
        if published:
            date_source = source
            break
    canonical = canonicalize(urljoin(url, meta.canonical) if meta.canonical else url)
    host = urlsplit(url).hostname
    site = meta.site_name or _fallback(extract_sitename, tree) or site_of(url)
    fallback_title = (entry.title if entry else None) or (None if meta.h1s or meta.title_tag else _fallback(extract_title, tree))
    title = choose_title(meta, host, fallback_title, url)
    signals = page_signals(tree, meta, url, url_date(url) is not None)
    body = extract_body(tree, url)
    text = clean_text(body, title)
    if published is None:  # htmldate's guess from the page's text and URL, only when the page declares nothing
        published = sane_date(parse_datetime(_fallback(find_date, tree, url=url or None, original_date=True,
                                                       extensive_search=True, max_date=f"{now:%Y-%m-%d}")), now)
        date_source = "htmldate" if published else None
    if published is None and entry is not None:
        published = sane_date(entry.published_at, now)
        date_source = "feed" if published else None
    published = local_day(published, [raw for _, raw in meta.dates], url)
    authors = split_authors(meta.authors or tuple(a for a in [_fallback(extract_author, tree)] if a))
    return Extraction(url, canonical, title, authors, published, site, detect_language(text, meta.language), text, date_source,
                      bool(PAYWALL.search(body)), signals)


def _fallback(fn, *args, **kwargs):
    """A fallback reader's answer, None when it fails (they parse whatever a page holds)."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - a fallback never sinks the page
        log.debug("%s failed: %s", getattr(fn, "__name__", fn), exc)
        return None


TRAFILATURA = {"with_metadata": False, "include_comments": False, "include_tables": True}
SHORT_BODY = 200  # words: below this, a recall-mode extraction may have lost the article and is checked


def extract_body(tree, url: str | None) -> str:
    """The article's text, one paragraph a line, before cleaning.

    trafilatura in recall mode (our cleaning removes the promos and tails it lets through); when that
    yields under SHORT_BODY words it may have lost the article, so the balanced mode is tried too and the
    longer kept. Paragraphs it dropped from the article's own containers are then restored."""
    doc = trafilatura.bare_extraction(tree, url=url or None, favor_recall=True, **TRAFILATURA)
    text = (doc.text if doc else "") or ""
    if len(text.split()) < SHORT_BODY:
        other = trafilatura.bare_extraction(tree, url=url or None, **TRAFILATURA)
        if other is not None and len((other.text or "").split()) > len(text.split()):
            text = other.text or ""
    return restore_paragraphs(tree, text) if text else text


BYLINE = re.compile(r"^\s*(by|von|par|por)\s+", re.IGNORECASE)


def split_authors(raw: tuple[str, ...]) -> tuple[str, ...]:
    """'By Jane Doe and John Roe' / 'Jane Doe; John Roe' → ('Jane Doe', 'John Roe'); no URLs, no e-mail, no duplicates."""
    out: list[str] = []
    for r in raw:
        for part in re.split(r";|,|\s+and\s+|\s+&\s+|\|", BYLINE.sub("", r)):
            name = BYLINE.sub("", part).strip(" .\t\n")
            if name and "@" not in name and not name.startswith("http") and len(name) <= 80 and name not in out:
                out.append(name)
    return tuple(out)


def extract_article(html: str, url: str, fetched_at: datetime, entry: FeedEntry | None = None,
                    min_words: int = 120, now: datetime | None = None) -> Article | Skipped:
    """An Article worth storing, or the reason the page is not one (see `article.judge`): a brief of
    BRIEF_WORDS (40) words or more is kept when it reads as news (declared article, or dated and
    headlined, in sentences); `min_words` is the length from which no such signals are needed."""
    try:
        ex = extract_page(html, url, entry, now)
    except (lxml.etree.ParserError, ValueError) as exc:
        return Skipped(url, "unreadable", f"HTML did not parse: {exc}")
    return decide(ex, html, entry, fetched_at, min_words)


def decide(ex: Extraction, html: str, entry: FeedEntry | None, fetched_at: datetime, min_words: int = 120) -> Article | Skipped:
    """The skip policy on an extraction: paywall stubs first (they can look like briefs), then `article.judge`."""
    url, text, title = ex.url, ex.text, ex.title
    n_words = count_words(text)
    if text.strip() and not ex.signals.interstitial:
        if looks_paywalled(text, min_words) or (ex.paywall_prompt and n_words < max(min_words * 2, 200)):
            return Skipped(url, "paywall", f"subscription stub of {n_words} words", title)
        if n_words < min_words and looks_paywalled(_visible_text(html), min_words * 10):
            return Skipped(url, "paywall", f"subscription stub: {n_words} words of body and a subscribe prompt", title)
    verdict = judge(text, ex.signals, min_words)
    if verdict is not None:
        return Skipped(url, verdict[0], verdict[1], title)
    norm = re.sub(r"\W+", " ", text.lower()).strip()
    return Article(
        id=article_id(ex.canonical_url),
        url=entry.url if entry else url,
        canonical_url=ex.canonical_url,
        site=ex.site,
        title=title,
        authors=ex.authors,
        published_at=ex.published_at,
        fetched_at=fetched_at,
        language=ex.language,
        text=text,
        content_hash=hashlib.sha256(norm.encode("utf-8")).hexdigest()[:32],
        feed_url=entry.feed_url if entry else None,
        word_count=n_words,
        extra={"final_url": url, "date_source": ex.date_source},
    )


XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def parse_html(html: str):
    """The page parsed the way trafilatura's own loader does it (comments and processing instructions
    dropped, invalid XML characters and the libxml2 doctype bug repaired): a tree parsed otherwise can
    make its extractor return nothing for a whole page. lxml refuses a str that still carries an XML
    encoding declaration (XHTML): the text is already decoded, so the declaration goes."""
    if html.lstrip().startswith("<?"):
        html = XML_DECLARATION.sub("", html, count=1)
    tree = load_html(html)
    if tree is None:  # trafilatura's loader rejects what it finds dubious; parse it anyway
        tree = lxml.html.fromstring(html)
    return tree


def _visible_text(html: str) -> str:
    try:
        return parse_html(html).text_content()
    except (lxml.etree.ParserError, ValueError):
        return ""


# -- paragraphs the extractor dropped ------------------------------------------------------------
WORD = re.compile(r"\w+")
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
SKIP_ANCESTORS = frozenset(("nav", "footer", "aside", "header", "form", "figure", "figcaption", "blockquote"))


def _words(s: str) -> list[str]:
    return WORD.findall(s.replace("\u00ad", "").lower())


def _shingles(words: list[str], n: int = 4) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}


# an element's text without formulas, scripts and controls (what trafilatura leaves out too)
_TEXT = lxml.etree.XPath(".//text()[not(ancestor::math or ancestor::script or ancestor::style or ancestor::noscript"
                         " or ancestor::template or ancestor::svg or ancestor::button)]")


def _text(el) -> str:
    return "".join(_TEXT(el))


def _prose(p) -> str | None:
    """The text of a paragraph that reads as a sentence of the article (15 words or more, ending as a
    sentence ends, not a call to action nor a copyright line), whitespace-folded; else None."""
    text = re.sub(r"\s+", " ", _text(p)).replace("\u00ad", "").strip()
    if len(text.split()) < 15 or not SENTENCE_END.search(text) or text.startswith("©") or is_promo(text):
        return None
    return text


def _depth(el) -> int:
    return sum(1 for _ in el.iterancestors())


def _scope(el):
    """The article or main element around an element, if any."""
    return next((a for a in el.iterancestors("article", "main")), None)


def restore_paragraphs(tree, text: str) -> str:
    """Paragraphs trafilatura dropped from the containers it took the article from.

    Its extractor keeps one main container and judges paragraphs one by one: a paragraph that is mostly
    links (inline citations) can go, and an article split in chunks around ads ('div.body' … ad …
    'div.body') loses every chunk after the first. The containers holding two or more extracted
    paragraphs give back the prose <p> children that sit between extracted ones (not after the last:
    a tail of bios and notes is trafilatura's to cut); elements of the same tag, class and depth in the
    same article (the other chunks) give back all of theirs. Each goes after the paragraph that
    precedes it on the page."""
    lines = text.splitlines()
    line_of = {" ".join(_words(ln)): i for i, ln in enumerate(lines)}
    seen = _shingles(_words(text))
    present = lambda ws: len(_shingles(ws) & seen) >= 0.5 * len(_shingles(ws))  # noqa: E731
    paras = [(p, p.getparent(), _words(_text(p))) for p in tree.iter("p")]
    last_hit: dict = {}
    for k, (p, parent, ws) in enumerate(paras):
        if parent is not None and ws and " ".join(ws) in line_of:
            last_hit.setdefault(parent, []).append(k)
    containers = [c for c, ks in last_hit.items() if len(ks) >= 2]
    if not containers:
        return text
    limit = {c: last_hit[c][-1] for c in containers}  # restore up to the container's last extracted paragraph
    for c in containers:
        if not (c.get("class") or "").strip():
            continue
        depth, scope = _depth(c), _scope(c)
        for x in tree.iter(c.tag):
            if x not in limit and x.get("class") == c.get("class") and _depth(x) == depth and _scope(x) is scope:
                limit[x] = len(paras)  # a chunk nothing was taken from: all of it
    inserts: dict[int, list[str]] = {}
    last = -1  # the output line of the last extracted paragraph seen, in page order
    for k, (p, parent, ws) in enumerate(paras):
        key = " ".join(ws)
        if key in line_of:
            if parent in limit:
                last = max(last, line_of[key])
            continue
        if parent not in limit or k > limit[parent] or not ws or present(ws):
            continue
        if any(a.tag in SKIP_ANCESTORS for a in p.iterancestors()):
            continue
        prose = _prose(p)
        if prose:
            inserts.setdefault(last, []).append(prose)
            seen |= _shingles(ws)
    if not inserts:
        return text
    out = inserts.get(-1, [])
    for i, ln in enumerate(lines):
        out.append(ln)
        out.extend(inserts.get(i, []))
    return "\n".join(out)
