"""Stories: articles from different sources about the same event, grouped, with one summary each.

Grouping is single-link over article embeddings (mean of sentence embeddings, L2-normalised) within
a time window: two articles belong to one story when their cosine is at least `threshold` and they
were published within `window_hours` of each other. Syndicated copies are already linked by the
deduper and join their original's story. A story's summary is MMR over the sentences of all its
articles, so each sentence chosen adds something the others do not say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from .summarize import mmr_select, reads_alone

DEFAULT_THRESHOLD = 0.8
DEFAULT_WINDOW_HOURS = 48


@dataclass(frozen=True, slots=True)
class StoryMember:
    article_id: str
    site: str | None
    published_at: datetime | None
    vector: np.ndarray  # L2-normalised article embedding


@dataclass(frozen=True, slots=True)
class Story:
    id: str  # the id of its earliest article
    article_ids: tuple[str, ...]
    sources: int
    summary: str


def group_stories(members: Sequence[StoryMember], threshold: float = DEFAULT_THRESHOLD,
                  window_hours: float = DEFAULT_WINDOW_HOURS) -> list[list[StoryMember]]:
    """Connected components of the 'same event' graph; each group sorted by publication time."""
    n = len(members)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if n:
        vecs = np.stack([m.vector for m in members])
        sims = vecs @ vecs.T
        for i in range(n):
            for j in range(i + 1, n):
                if sims[i, j] < threshold:
                    continue
                a, b = members[i].published_at, members[j].published_at
                if a and b and abs((a - b).total_seconds()) > window_hours * 3600:
                    continue
                parent[find(i)] = find(j)
    groups: dict[int, list[StoryMember]] = {}
    for i, m in enumerate(members):
        groups.setdefault(find(i), []).append(m)
    key = lambda m: (m.published_at or datetime.max.replace(tzinfo=timezone.utc), m.article_id)  # noqa: E731 - undated last (aware, as dates are)
    return sorted((sorted(g, key=key) for g in groups.values()), key=lambda g: key(g[0]))


def story_summary(sentences: Sequence[str], vectors: np.ndarray, k: int = 3, near_same: float = 0.92) -> str:
    """MMR over the pooled sentences, after dropping sentences that repeat one already kept."""
    keep: list[int] = []
    for i in range(len(sentences)):
        if all(float(vectors[i] @ vectors[j]) < near_same for j in keep):
            keep.append(i)
    if not keep:
        return ""
    picks = mmr_select(vectors[keep], k=k, eligible=[reads_alone(sentences[i]) for i in keep])
    return " ".join(sentences[keep[p]] for p in picks)
