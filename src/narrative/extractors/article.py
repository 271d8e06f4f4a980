"""Is this page a news article? Decided from what the page shows, not from a word floor.

Breaking news is short: a wire brief of 60 words is an article, and a word floor of 120 threw such
briefs away. So the decision reads signals the page gives about itself (`PageSignals`): the type it
declares (JSON-LD NewsArticle/LiveBlogPosting/…, og:type article; CollectionPage/ItemList for lists),
a publication date, a headline, prose paragraphs, how much of the extracted text is link text, how
many teasers of other stories it carries; and what it looks like when it is not an article (an
error page's title, a cookie wall's consent text, a paywall's subscription prompt, an aggregator's
script interstitial). `judge` returns the reason a page is skipped, or None to keep it:

  interstitial  an aggregator's redirect page (Google News `/rss/articles/CBMi…`): no article of its own
  error_page    a 404/410/"page not found"/"access denied" page
  cookie_wall   the text is consent language (cookies, partners, accept/reject)
  paywall       a subscription stub (decided by `extract.extract_article`, which knows the prompt)
  not_article   an index, tag, section or search page: a list of other stories (declared, or most
                of its text is link text / teasers)
  too_short     under BRIEF_WORDS words; or under `min_words` without the signals of a news brief
  empty         no body at all
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .metadata import json_ld

BRIEF_WORDS = 40  # a genuine brief has at least this many words
ARTICLE_TYPES = re.compile(r"(News)?Article$|BlogPosting$|LiveBlogPosting$|Report$|Posting$", re.IGNORECASE)
LIST_TYPES = frozenset(t.lower() for t in ("CollectionPage", "ItemList", "SearchResultsPage"))
ERROR_TITLE = re.compile(
    r"(\b(404|410|403|500|503)\b.{0,30}\b(error|not found|page|gone|forbidden)|\b(page|article|content|story) (was )?not found\b|"
    r"^not found$|^error$|\bpage (does not|doesn'?t|no longer) exists?\b|\bno longer available\b|\baccess denied\b|"
    r"\bsomething went wrong\b|\bwe can'?t find (that|the|this) page\b|\bseite nicht gefunden\b|\bpage introuvable\b)",
    re.IGNORECASE)
CONSENT = re.compile(
    r"\b(we use cookies|use of cookies|accept (all )?cookies|cookie (policy|settings|preferences|notice|consent|banner)|consent|"
    r"accept all|reject all|manage (your )?(preferences|options|choices|settings)|privacy (policy|settings|choices)|our partners|"
    r"personali[sz]ed (ads|content)|legitimate interest|store and/or access information)\b", re.IGNORECASE)
SENTENCE = re.compile(r"\w[.!?…][\"'”’)\]]*(?=\s|$)")
# an aggregator's link to a story it does not host: Google News `/rss/articles/CBMi…` (`/articles/…`, `/read/…` on
# news.google.com itself); on another host only the `/rss/articles/CBMi…` shape with a long id (a publisher's own
# `/articles/CBS-…` is not one)
AGGREGATOR_PATH = re.compile(r"^/rss/articles/(CBMi|CAIi)[A-Za-z0-9_-]{16,}")
AGGREGATOR_HOSTS = frozenset(("news.google.com",))


def is_aggregator_link(url: str | None) -> bool:
    """A link to an aggregator's story page (which serves a script interstitial, not the article)."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    if host in AGGREGATOR_HOSTS:
        return parts.path.startswith(("/rss/articles/", "/articles/", "/read/"))
    return bool(AGGREGATOR_PATH.match(parts.path or ""))


@dataclass(frozen=True, slots=True)
class PageSignals:
    """What a page says about being an article; read from the parsed tree before extraction."""

    declared: tuple[str, ...] = ()  # JSON-LD @types and og:type, lower-cased
    dated: bool = False  # a publication date declared (JSON-LD, meta, <time>) or in the URL
    headline: bool = False  # an h1 or a declared headline
    teasers: int = 0  # elements that look like other stories' teasers (<article> blocks, headline links)
    error_title: bool = False  # <title>/h1 says 404, not found, access denied …
    interstitial: str = ""  # "aggregator": an aggregator's story link; "scripts": a page of scripts with almost no text
    anchors: frozenset = frozenset()  # normalised texts of the page's links of 3+ words (to measure link text in the body)

    @property
    def declares_article(self) -> bool:
        return any(ARTICLE_TYPES.search(t) for t in self.declared if t != "website") or "article" in self.declared

    @property
    def declares_list(self) -> bool:
        return any(t in LIST_TYPES for t in self.declared) and not self.declares_article


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s.lower()).strip()


def page_signals(tree, meta, url: str | None, url_dated: bool = False) -> PageSignals:
    """The signals of a parsed page; `url_dated`: the URL names a day (/2026/03/13/…)."""
    declared: list[str] = []
    for item in json_ld(tree):
        t = item.get("@type")
        for x in t if isinstance(t, list) else [t]:
            if isinstance(x, str):
                declared.append(x.split("/")[-1].lower())
    for el in tree.iter("meta"):
        if (el.get("property") or el.get("name") or "").strip().lower() == "og:type" and el.get("content"):
            declared.append(el.get("content").strip().lower())
    dated = bool(meta.dates) or url_dated
    headline = bool(meta.h1s or meta.ld_headline or meta.og_title)
    articles = len(tree.xpath("//article"))
    headline_links = len(tree.xpath("//*[self::h2 or self::h3 or self::h4][.//a]"))
    teasers = max(articles if articles > 1 else 0, headline_links)
    titles = " ".join(x for x in (meta.title_tag, *(meta.h1s[:1])) if x)
    anchors = frozenset(n for n in (_norm(a.text_content()) for a in tree.iter("a")) if len(n.split()) >= 3)
    body = tree.find(".//body")
    visible = re.sub(r"\s+", " ", body.text_content() if body is not None else "").strip()
    scripts = sum(1 for _ in tree.iter("script"))
    host = (urlsplit(url or "").hostname or "").lower()
    interstitial = ("aggregator" if is_aggregator_link(url) else "consent" if host.startswith("consent.")
                    else "scripts" if scripts >= 1 and len(visible.split()) < 15 and not meta.h1s else "")
    return PageSignals(tuple(dict.fromkeys(declared)), dated, headline, teasers, bool(ERROR_TITLE.search(titles)), interstitial, anchors)


def link_share(text: str, anchors: frozenset) -> float:
    """The share of the text's words in lines that are link texts (a list of other stories is mostly these)."""
    total = linked = 0
    for line in text.splitlines():
        n = len(line.split())
        total += n
        if n and _norm(line) in anchors:
            linked += n
    return linked / total if total else 0.0


def sentences(text: str) -> int:
    """Sentence ends in the text (a brief is written in sentences; a list of links is not)."""
    return len(SENTENCE.findall(text))


def consent_share(text: str) -> float:
    """The share of the text's words in lines about cookies and consent."""
    total = hits = 0
    for line in text.splitlines():
        n = len(line.split())
        total += n
        if n and CONSENT.search(line):
            hits += n
    return hits / total if total else 0.0


def count_words(text: str) -> int:
    """Words, with CJK text (no spaces between words) counted at two characters a word."""
    cjk = len(re.findall(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]", text))
    return len(text.split()) + cjk // 2 if cjk > 20 else len(text.split())


def judge(text: str, sig: PageSignals, min_words: int) -> tuple[str, str] | None:
    """(reason, detail) when the page is not an article to store, else None. Paywalls are `extract`'s."""
    n = count_words(text)
    if sig.interstitial and n < BRIEF_WORDS * 2:
        if sig.interstitial == "consent":
            return "cookie_wall", f"a consent page ({n} words), not the article it stands in front of"
        if sig.interstitial == "aggregator":
            return "interstitial", "an aggregator's story link serves scripts, not the article: resolve the entry through the publisher's feeds"
        return "interstitial", "a page of scripts with no text (a redirect or consent page, or rendered in the browser)"
    if not text.strip():
        return ("error_page", "error page with no body") if sig.error_title else ("empty", "no article body found")
    if sig.error_title and n < 200 and not sig.declares_article:
        return "error_page", f"the title says it is an error page ({n} words)"
    if consent_share(text) >= 0.5 and n < 400:
        return "cookie_wall", f"{n} words, mostly about cookies and consent"
    links = link_share(text, sig.anchors)
    if sig.declares_list and (links >= 0.3 or sig.teasers >= 5):
        return "not_article", f"declared {'/'.join(t for t in sig.declared if t in LIST_TYPES)}: a list of {sig.teasers} stories"
    if links >= 0.5 or (sig.teasers >= 8 and links >= 0.3 and not sig.declares_article):
        return "not_article", f"an index or tag page: {links:.0%} of the text is link text, {sig.teasers} teasers"
    if n < BRIEF_WORDS:
        return "too_short", f"{n} words < {BRIEF_WORDS}"
    if n < min_words:
        prose = sentences(text)
        news = sig.declares_article or (sig.dated and sig.headline)
        if news and prose >= 2 and links < 0.2:
            return None  # a brief: short, but a dated, headlined story in sentences
        missing = [w for w, ok in (("no declared article type or date+headline", news), ("not in sentences", prose >= 2),
                                   (f"{links:.0%} link text", links < 0.2)) if not ok]
        return "too_short", f"{n} words < {min_words} and not a news brief ({', '.join(missing)})"
    return None
