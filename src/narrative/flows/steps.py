"""The plain functions the daily flow's tasks call. No Prefect here; each takes what it needs."""

from __future__ import annotations

import logging
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from ..extractors.dedupe import Deduper, signature
from ..extractors.errors import FetchError
from ..extractors.extract import Skipped, extract_article
from ..extractors.feeds import discover_feeds, parse_feed
from ..extractors.fetch import FEED_TYPES, Fetcher, make_client
from ..extractors.records import Article, FeedEntry, FeedResult, FetchedPage, FetchFailure
from ..extractors.relevance import RelevanceScorer, Topic
from ..extractors.sources import ReplayStats, replay_inputs
from ..extractors.transport import ResolvingTransport
from ..extractors.urls import article_id, canonicalize, site_of
from .settings import Settings

log = logging.getLogger("narrative.flow")


def make_fetcher(s: Settings) -> Fetcher:
    policy = s.fetch_policy()
    transport = ResolvingTransport(s.resolve) if s.resolve else None
    return Fetcher(make_client(policy, transport), policy)


def read_feed(fetcher: Fetcher, url: str, etag: str | None, last_modified: str | None) -> FeedResult:
    """Conditional GET, then parse. A feed that fails is a result with status `failed`, never an exception."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        page = fetcher.get(url, accept=FEED_TYPES, headers=headers)
    except FetchError as exc:
        log.warning("feed %s failed: %s", url, exc)
        return FeedResult(url, "failed", problems=(f"{exc.reason}: {exc.detail}",), etag=etag, last_modified=last_modified,
                          http_status=exc.status_code)
    if page.status_code == 304:
        return FeedResult(url, "not_modified", etag=etag, last_modified=last_modified, http_status=304)
    result = parse_feed(page.body, page.final_url, headers=page.headers)
    return replace(result, url=url, etag=_header(page, "etag") or etag, last_modified=_header(page, "last-modified") or last_modified,
                   http_status=page.status_code)


def _header(page: FetchedPage, name: str) -> str | None:
    return page.headers.get(name)


@dataclass
class Candidates:
    entries: list[FeedEntry] = field(default_factory=list)
    skipped_known: int = 0
    skipped_repeat: int = 0
    gave_up: int = 0


def select_candidates(results: list[FeedResult], known: set[str], failed_runs: dict[str, int], max_failed_runs: int) -> Candidates:
    """New entries only: not already stored (listed or canonical URL), not listed twice, not given up on."""
    out, seen = Candidates(), set()
    for r in results:
        for e in r.entries:
            canon = canonicalize(e.url)
            if canon in seen or e.url in seen:
                out.skipped_repeat += 1
                continue
            seen.update((canon, e.url))
            if e.url in known or canon in known:
                out.skipped_known += 1
                continue
            if failed_runs.get(e.url, 0) >= max_failed_runs:
                out.gave_up += 1
                continue
            out.entries.append(e)
    return out


@dataclass
class Replayed:
    """What an offline replay read: pages to extract, and every other input with its reason."""

    pages: list[tuple[FeedEntry, FetchedPage]] = field(default_factory=list)
    not_replayed: list[FetchFailure] = field(default_factory=list)  # not pages: not_http, not_html, http_404, …
    already_stored: int = 0
    not_pages: int = 0  # WARC records that describe others (warcinfo, request, metadata): not inputs

    @property
    def inputs(self) -> int:
        return len(self.pages) + len(self.not_replayed) + self.already_stored


def replay_pages(paths, known_urls, stats: ReplayStats | None = None) -> Replayed:
    """Saved pages (folders, WARC files) not yet stored: they then take the fetched pages' path. Records
    that are not pages to replay come back as failures with their reason (stored in fetch_failures)."""
    stats = stats if stats is not None else ReplayStats()
    out, pairs = Replayed(), []
    for x in replay_inputs(paths, stats):
        if x.page is not None:
            pairs.append((x.entry, x.page))
        else:
            out.not_replayed.append(FetchFailure(x.url or x.origin, x.reason or "unreadable", f"{x.origin}: {x.detail}"[:300], 0))
    out.not_pages = stats.skipped.get("not_page", 0)
    known = known_urls([u for e, _ in pairs for u in (e.url, canonicalize(e.url))]) if pairs else set()
    for e, p in pairs:
        if e.url in known or canonicalize(e.url) in known:
            out.already_stored += 1
        else:
            out.pages.append((e, p))
    return out


def resolve_aggregated(fetcher: Fetcher, results: list[FeedResult], known_feeds):
    """Aggregator entries (Google News `/rss/articles/CBMi…`: a script interstitial, never fetched) resolved
    to the publisher's article through the publisher's own feeds (found once on its home page, then kept in
    `publisher_feeds`: `known_feeds`, a dict or a callable giving it, read only when there are aggregator
    entries), matched by headline and time; the rest kept as headlines. Returns the feed results
    with resolved entries, the headlines, and the publisher feeds discovered this run."""
    from ..extractors.aggregator import AggregatorResolver, is_aggregator_link
    from ..extractors.fetch import HTML_TYPES

    if not any(is_aggregator_link(e.url) for r in results for e in r.entries):
        return results, [], {}

    def discover(home: str) -> list[str]:
        page = fetcher.get(home + "/", accept=HTML_TYPES + FEED_TYPES)
        return discover_feeds(page.text(), page.final_url)

    resolver = AggregatorResolver(discover=discover, read=lambda url: read_feed(fetcher, url, None, None),
                                  known_feeds=known_feeds() if callable(known_feeds) else dict(known_feeds))
    out, headlines = [], []
    for r in results:
        entries, kept = resolver.resolve(r.entries)
        out.append(replace(r, entries=tuple(entries)))
        headlines += kept
    return out, headlines, resolver.discovered


def headline_rows(headlines, entities=None) -> list[dict]:
    """Headlines as rows, with the tracked entities each title names (EntityTable.ids_named_in: no model
    reads a headline)."""
    now_ = now()
    return [{"id": h.id, "title": h.title, "publisher": h.publisher, "publisher_url": h.publisher_url, "published_at": h.published_at,
             "feed_url": h.feed_url, "link": h.link, "reason": h.reason, "seen_at": now_,
             "entity_ids": entities.ids_named_in(h.title or "") if entities is not None else []}
            for h in headlines]


def publisher_feed_rows(discovered: dict[str, tuple[str, ...]]) -> list[dict]:
    now_ = now()
    return [{"publisher": p, "feeds": list(f), "discovered_at": now_} for p, f in discovered.items()]


def relevance_scorer(s: Settings) -> RelevanceScorer:
    """The topic's scorer; with `relevance_embedding`, MiniLM similarity to the topic's descriptions counts too."""
    embed = None
    if s.relevance_embedding:
        embed = load_embedder(s).encode
    return RelevanceScorer(Topic.load(s.topic), embed=embed)


def extract_pages(pages: list[tuple[FeedEntry, FetchedPage]], min_words: int) -> list[Article]:
    """Every fetched page becomes an Article: extracted (status new) or skipped, with its reason."""
    out = []
    for entry, page in pages:
        try:
            res = extract_article(page.text(), page.final_url, page.fetched_at, entry, min_words=min_words)
        except Exception as exc:  # noqa: BLE001 - one page that breaks the extractor is that page's row, not the run's end
            log.warning("extraction failed on %s: %s", page.final_url, exc)
            res = Skipped(page.final_url, "failed", f"extraction failed: {type(exc).__name__}: {exc}"[:300])
        if isinstance(res, Skipped):
            canon = canonicalize(page.final_url)
            out.append(Article(
                id=article_id(canon), url=entry.url, canonical_url=canon, site=entry.source or site_of(page.final_url),
                title=res.title or entry.title, authors=(), published_at=entry.published_at, fetched_at=page.fetched_at,
                language=None, text="", content_hash="", feed_url=entry.feed_url, status="skipped",
                reason=f"{res.reason}: {res.detail}", extra={"final_url": page.final_url},
            ))
        else:
            out.append(res)
    return out


def triage(articles: list[Article], deduper: Deduper, scorer: RelevanceScorer, known_ids: set[str]) -> list[Article]:
    """Order by publication (the first published is the original), then: same page reached twice → dropped;
    exact or near copy → duplicate of the original; off-topic → rejected with its score; else to annotate."""
    out, ids = [], set(known_ids)
    ordered = sorted(articles, key=lambda a: (a.published_at or a.fetched_at, a.id))
    live = [a for a in ordered if a.status != "skipped"]
    sims = dict(zip((a.id for a in live), scorer.similarities([(a.title, a.text) for a in live])))
    for a in ordered:
        if a.id in ids:
            continue
        ids.add(a.id)
        if a.status == "skipped":
            out.append(a)
            continue
        sig = signature(a.text)
        extra = {**a.extra, "minhash": [int(x) for x in sig.hashvalues]}
        hit = deduper.find(a.content_hash, sig)
        rel = scorer.score(a.title, a.text, sims.get(a.id))
        if hit:
            original, sim = hit
            out.append(replace(a, status="duplicate", duplicate_of=original, relevance=rel.score,
                               reason=f"copy of {original} (similarity {sim:.2f})", extra={**extra, "similarity": round(sim, 4)}))
            continue
        deduper.add(a.id, a.content_hash, sig)
        if not scorer.is_relevant(rel):
            out.append(replace(a, status="rejected", relevance=rel.score, reason=f"off-topic: {rel.explain()}", extra=extra))
        else:
            out.append(replace(a, status="annotated", relevance=rel.score, extra=extra))
    return out


def summarise_counts(feed_results, cands: Candidates, failures: list[FetchFailure], articles: list[Article], inserted: dict,
                     replayed: Replayed | None = None, extracted: int | None = None, headlines: int = 0) -> dict:
    status = Counter(a.status for a in articles)
    replayed = replayed or Replayed()
    fetch_failed = len(failures)
    c = {
        "feeds": len(feed_results),
        "feeds_not_modified": sum(r.status == "not_modified" for r in feed_results),
        "feeds_failed": sum(r.status == "failed" for r in feed_results),
        "entries": sum(len(r.entries) for r in feed_results) + headlines,  # aggregator entries kept as headlines included
        "replayed": replayed.inputs,
        "already_stored": cands.skipped_known + replayed.already_stored,
        "listed_twice": cands.skipped_repeat,
        "given_up": cands.gave_up,
        "fetched": len(cands.entries) - fetch_failed,
        "fetch_failed": fetch_failed,
        "not_replayed": len(replayed.not_replayed),
        "same_page": (extracted - len(articles)) if extracted is not None else 0,
        "annotated": status.get("annotated", 0),
        "rejected": status.get("rejected", 0),
        "duplicate": status.get("duplicate", 0),
        "skipped": status.get("skipped", 0),
        "headline": headlines,
        "stored": inserted.get("articles", 0),
    }
    c["inputs"] = c["entries"] + c["replayed"]
    return c


def skip_reasons(articles: list[Article], failures: list[FetchFailure], replayed: Replayed | None = None) -> dict:
    """Skipped articles by reason, failed fetches as fetch:<reason>, replay records not replayed as replay:<reason>."""
    c = Counter((a.reason or "").split(":")[0] for a in articles if a.status == "skipped")
    c.update(f"fetch:{f.reason}" for f in failures)
    c.update(f"replay:{f.reason}" for f in (replayed.not_replayed if replayed else ()))
    return dict(c)


def accounting_line(counts: dict, failures: dict) -> str:
    """Every input of a run (feed entry, replayed page or WARC record) counted once, by what became of it:
    '61 inputs: annotated 46, rejected 8, duplicate 4, skipped 1 (paywall 1), already stored 2'."""
    parts = [f"{k.replace('_', ' ')} {counts[k]}" for k in ("annotated", "rejected", "duplicate", "headline") if counts.get(k)]
    skipped = {k: v for k, v in failures.items() if ":" not in k}
    if counts.get("skipped"):
        parts.append(f"skipped {counts['skipped']} (" + ", ".join(f"{k} {v}" for k, v in sorted(skipped.items())) + ")")
    for prefix, key in (("fetch", "fetch failed"), ("replay", "not replayed")):
        sub = {k.split(":", 1)[1]: v for k, v in failures.items() if k.startswith(prefix + ":")}
        if sub:
            parts.append(f"{key} {sum(sub.values())} (" + ", ".join(f"{k} {v}" for k, v in sorted(sub.items())) + ")")
    for k in ("same_page", "already_stored", "listed_twice", "given_up"):
        if counts.get(k):
            parts.append(f"{k.replace('_', ' ')} {counts[k]}")
    accounted = sum(counts.get(k, 0) for k in ("annotated", "rejected", "duplicate", "headline", "skipped", "fetch_failed",
                                               "not_replayed", "same_page", "already_stored", "listed_twice", "given_up"))
    line = f"{counts.get('inputs', 0)} inputs: " + (", ".join(parts) or "nothing new")
    if accounted != counts.get("inputs", 0):
        line += f" ({counts.get('inputs', 0) - accounted} unaccounted for: a bug)"
    return line


_ANNOTATORS: dict = {}
_ANNOTATORS_LOCK = threading.Lock()
_SENTIMENT_LOCK = threading.Lock()


_EMBEDDERS: dict = {}


def load_embedder(s: Settings):
    """The sentence embedder the settings name, loaded once per process and shared by relevance,
    annotation and stories. Default (None): the sentiment model's own ``embeddings`` output when it has
    one (the shipped model does: one transformer pass gives both), else the shipped int8 ONNX MiniLM;
    "sentiment": that output (an error if the model has none); "onnx": the shipped int8 MiniLM;
    "torch": sentence-transformers; or a folder (see ``narrative.models.embed.load_embedder``)."""
    from ..models.embed import load_embedder as _load

    if s.embedding_model in (None, "", "sentiment"):
        clf = _load_sentiment(s)
        if clf is not None and getattr(clf, "embedder", None) is not None:
            return clf.embedder
        if s.embedding_model == "sentiment":
            raise ValueError(f"embedding_model = 'sentiment', but {clf.info.tag if clf else 'no sentiment model'} "
                             "has no embeddings output")
    with _ANNOTATORS_LOCK:
        if s.embedding_model not in _EMBEDDERS:
            try:
                _EMBEDDERS[s.embedding_model] = _load(s.embedding_model or None)
            except FileNotFoundError:
                if s.embedding_model:  # a model the user named must exist
                    raise
                log.warning("the shipped ONNX embedding artefact is missing: using sentence-transformers (torch)")
                _EMBEDDERS[s.embedding_model] = _load("torch")
        return _EMBEDDERS[s.embedding_model]


def load_annotator(s: Settings):
    """Models are loaded once per process (thread runner: once; Dask: once per worker)."""
    key = (s.spacy_model, s.sentiment_model, s.embedding_model, s.entities, s.themes, s.annotate_batch)
    with _ANNOTATORS_LOCK:
        annotator = _ANNOTATORS.get(key)
    if annotator is None:
        embedder = load_embedder(s)
        with _ANNOTATORS_LOCK:
            if key not in _ANNOTATORS:
                _ANNOTATORS[key] = _build_annotator(s, embedder)
            annotator = _ANNOTATORS[key]
    return annotator


def _build_annotator(s: Settings, embedder):
    from ..models.annotate import Annotator
    from ..models.entities import EntityTable
    from ..models.nlp import load_pipeline
    from ..models.records import ModelInfo
    from ..models.themes import ThemeScorer, load_themes

    entities = EntityTable.load(s.entities)
    nlp = load_pipeline(entities, s.spacy_model)
    spacy_info = ModelInfo(f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', s.spacy_model)}", f"{nlp.meta.get('version', '?')}+ruler{len(entities.entities)}")
    themes = load_themes(s.themes)
    theme_scorer = ThemeScorer(themes, embedder.encode([f"{t.name}. {t.description}" for t in themes]))
    sentiment = _load_sentiment(s)
    figures, figures_info = _load_figures()
    return Annotator(nlp, entities, spacy_info, sentiment=sentiment, embedder=embedder, themes=theme_scorer,
                     figures=figures, figures_info=figures_info)


_SENTIMENTS: dict = {}


def _load_sentiment(s: Settings):
    """The sentiment classifier the settings name (None: the shipped one), once per process."""
    with _SENTIMENT_LOCK:
        if s.sentiment_model not in _SENTIMENTS:
            _SENTIMENTS[s.sentiment_model] = _read_sentiment(s)
        return _SENTIMENTS[s.sentiment_model]


def _read_sentiment(s: Settings):
    try:
        from ..models.sentiment import SentimentClassifier
    except ImportError:
        log.warning("no sentiment classifier available: sentences are stored without sentiment")
        return None
    try:
        return SentimentClassifier.load(s.sentiment_model)
    except FileNotFoundError:
        if s.sentiment_model:  # a model the user named must exist
            raise
        log.warning("the shipped sentiment artefact is missing: sentences are stored without sentiment")
        return None


def _load_figures():
    try:
        from ..models import figures as fig
    except ImportError:
        return None, None
    from ..models.records import ModelInfo

    return fig.extract_figures, ModelInfo("narrative-figures", getattr(fig, "VERSION", "1"))


def now() -> datetime:
    return datetime.now(timezone.utc)


def new_run_id(trigger: str) -> str:
    """A run's id: what started it, when, and a random suffix (two runs in one second stay apart)."""
    return f"{trigger}-{now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
