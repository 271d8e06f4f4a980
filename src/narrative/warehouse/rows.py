"""Records of `extractors` and `models` → row dicts for bulk loading (the warehouse knows both)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from ..extractors.records import Article, FeedResult, FetchFailure
from ..models.entities import EntityTable
from ..models.records import ArticleAnnotation


def article_rows(articles: Iterable[Article], annotations: dict[str, ArticleAnnotation]) -> list[dict]:
    rows = []
    for a in articles:
        ann = annotations.get(a.id)
        rows.append({
            "id": a.id, "url": a.url, "final_url": a.extra.get("final_url"), "canonical_url": a.canonical_url,
            "site": a.site, "title": a.title, "authors": list(a.authors), "published_at": a.published_at,
            "fetched_at": a.fetched_at, "language": a.language, "text": a.text or None, "word_count": a.word_count,
            "content_hash": a.content_hash or None, "minhash": a.extra.get("minhash"),
            "status": a.status, "reason": a.reason, "relevance": a.relevance, "duplicate_of": a.duplicate_of,
            "similarity": a.extra.get("similarity"), "feed_url": a.feed_url,
            "sentiment": ann.sentiment if ann and ann.sentiments else None,
            "sentiment_score": ann.sentiment_score if ann and ann.sentiments else None,
            "summary": ann.summary if ann else None,
        })
    return rows


def annotation_rows(annotations: Iterable[ArticleAnnotation], models: dict[str, str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {k: [] for k in ("sentences", "mentions", "figures", "entity_sentiment", "article_sentiment", "article_themes",
                                                    "summaries")}
    sent_model = models.get("sentiment", "none")
    for ann in annotations:
        sent = {s.sentence_idx: s for s in ann.sentiments}
        for s in ann.sentences:
            ss = sent.get(s.idx)
            out["sentences"].append({
                "article_id": s.article_id, "idx": s.idx, "start_char": s.start, "end_char": s.end, "text": s.text,
                "sentiment": ss.label if ss else None, "sentiment_score": ss.score if ss else None,
                "p_positive": ss.positive if ss else None, "p_negative": ss.negative if ss else None,
                "p_neutral": ss.neutral if ss else None, "model": sent_model,
            })
        for m in ann.mentions:
            out["mentions"].append({
                "article_id": m.article_id, "sentence_idx": m.sentence_idx, "start_char": m.start, "end_char": m.end,
                "text": m.text, "label": m.label, "entity_id": m.entity_id, "model": models["ner"],
            })
        for f in ann.figures:
            out["figures"].append({
                "article_id": f.article_id, "sentence_idx": f.sentence_idx, "start_char": f.start or 0,
                "surface": f.surface, "kind": f.kind, "value": f.value, "value_high": f.value_high, "unit": f.unit,
                "currency": f.currency, "qualifier": f.qualifier, "direction": f.direction, "metric": f.metric,
                "subject_id": f.subject_id, "period": f.period, "region": f.region, "model": models.get("figures", "none"),
                "subject": f.subject, "change": getattr(f, "change", None), "basis": getattr(f, "basis", None),
            })
        for e in ann.entity_sentiments:
            out["entity_sentiment"].append({
                "article_id": e.article_id, "entity_id": e.entity_id, "mentions": e.mentions, "score": e.score,
                "label": e.label, "model": sent_model,
            })
        if ann.sentiments:
            out["article_sentiment"].append({"article_id": ann.article_id, "label": ann.sentiment,
                                             "score": ann.sentiment_score, "model": sent_model})
        for t in ann.themes:
            out["article_themes"].append({"article_id": t.article_id, "theme": t.theme, "score": t.score, "model": models.get("themes", "none")})
        if ann.vector is not None and "embedding" in models:
            out.setdefault("article_vectors", []).append({"article_id": ann.article_id, "model": models["embedding"], "vector": list(ann.vector)})
        if ann.summary:
            out["summaries"].append({"article_id": ann.article_id, "summary": ann.summary, "model": models.get("summary", "none")})
    return out


def feed_rows(results: Iterable[FeedResult]) -> tuple[list[dict], list[dict]]:
    now = datetime.now(timezone.utc)
    feeds, state = [], []
    for r in results:
        feeds.append({"url": r.url, "title": r.title, "added_at": now})
        state.append({
            "feed_url": r.url, "etag": r.etag, "last_modified": r.last_modified, "last_status": r.status,
            "http_status": r.http_status, "last_checked_at": now, "last_ok_at": now if r.status != "failed" else None,
            "entries_seen": len(r.entries), "problems": list(r.problems),
        })
    return feeds, state


def failure_rows(failures: Iterable[FetchFailure]) -> list[dict]:
    now = datetime.now(timezone.utc)
    return [{"url": f.url, "reason": f.reason, "detail": f.detail, "attempts": f.attempts,
             "status_code": f.status_code, "failed_at": now} for f in failures]


def entity_rows(table: EntityTable) -> list[dict]:
    return [{"id": e.id, "name": e.name, "type": e.type, "parent_id": e.parent_id, "aliases": list(e.aliases)}
            for e in table.entities.values()]
