"""Group this run's new articles with the recent stored ones into stories; summarise multi-source ones."""

from __future__ import annotations

import logging
import numpy as np

from ..extractors.records import Article
from ..models.records import ArticleAnnotation
from ..models.stories import DEFAULT_WINDOW_HOURS, StoryMember, group_stories, story_summary

log = logging.getLogger("narrative.stories")
MAX_SENTENCES = 12  # per article, for a story's summary


def story_rows(wh, embedder, articles: list[Article], annotations: list[ArticleAnnotation], model: str) -> dict[str, list[dict]]:
    """Rows for `stories` and `story_articles` (stories that gained an article this run)."""
    by_id = {a.id: a for a in articles}
    new = [StoryMember(x.article_id, by_id[x.article_id].site, by_id[x.article_id].published_at, np.asarray(x.vector))
           for x in annotations if x.vector is not None and x.article_id in by_id]
    if not new:
        return {}
    days = max(3, int(DEFAULT_WINDOW_HOURS / 24) + 1)
    old = [StoryMember(i, site, pub, np.asarray(vec, dtype=float)) for i, site, pub, vec in wh.recent_story_members(model, days)
           if i not in by_id]
    new_ids = {m.article_id for m in new}
    copies: dict[str, list[Article]] = {}  # syndicated copies stored this run, by original: more sources, same story
    for a in articles:
        if a.status == "duplicate" and a.duplicate_of:
            copies.setdefault(a.duplicate_of, []).append(a)
    stories, links = [], []
    ann_sents = {x.article_id: [s.text for s in x.sentences] for x in annotations}
    for group in group_stories(old + new):
        ids = {m.article_id for m in group}
        if not (new_ids | set(copies)) & ids:
            continue
        group_copies = [c for i in ids for c in copies.get(i, ())]
        sources = {m.site for m in group} | {c.site for c in group_copies}
        summary = None
        if len(sources) >= 2:
            # bounded cost: the first and the latest reports, their opening sentences
            picked = group[:3] + group[3:][-3:]
            stored = wh.article_sentences([m.article_id for m in picked if m.article_id not in ann_sents])
            sents = [t for m in picked for t in (ann_sents.get(m.article_id) or stored.get(m.article_id, []))[:MAX_SENTENCES]]
            if sents:
                summary = story_summary(sents, embedder.encode(sents))
        first = group[0]
        title = by_id[first.article_id].title if first.article_id in by_id else None
        stories.append({"id": first.article_id, "first_published_at": first.published_at,
                        "last_published_at": group[-1].published_at, "articles": len(group), "sources": len(sources),
                        "title": title, "summary": summary, "model": model})
        links += [{"story_id": first.article_id, "article_id": m.article_id} for m in group]
        links += [{"story_id": first.article_id, "article_id": c.id} for c in group_copies]
    return {"stories": stories, "story_articles": links}
