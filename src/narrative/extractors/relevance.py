"""Topic relevance: a topic is data (a JSON file); each article gets an auditable score in [0, 1].

The score adds up named signals: a required entity (alias) in the title and in the text, topic
keywords, and, when the caller supplies an embedding function (the flow passes the packaged MiniLM;
this layer imports no model), the cosine similarity of the article's opening to the topic's
descriptions. An article naming none of the required entities scores 0 whatever else it says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from ..data import load_json

Embed = Callable[[list[str]], np.ndarray]  # texts → one L2-normalised row per text


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    description: str
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]
    weights: dict
    threshold: float
    descriptions: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Topic":
        raw = load_json("topics/alibaba-ai.json", path)
        return cls(
            name=raw["name"],
            description=raw.get("description", ""),
            aliases=tuple(raw["required"]["aliases"]),
            keywords=tuple(raw.get("keywords", {}).get("terms", ())),
            weights=raw.get("weights", {}),
            threshold=float(raw.get("threshold", 0.35)),
            descriptions=tuple(raw.get("descriptions", ())) or ((raw["description"],) if raw.get("description") else ()),
        )


@dataclass(frozen=True, slots=True)
class Relevance:
    score: float
    required_mentions: int
    in_title: bool
    keywords: tuple[str, ...]
    similarity: float | None = None  # cosine to the closest topic description, when embeddings are on

    def explain(self) -> str:
        sim = f" similarity={self.similarity:.2f}" if self.similarity is not None else ""
        return f"score={self.score:.2f} mentions={self.required_mentions} in_title={self.in_title}{sim} keywords={','.join(self.keywords[:5])}"


class RelevanceScorer:
    def __init__(self, topic: Topic, embed: Embed | None = None):
        self.topic = topic
        self.embed = embed if topic.descriptions else None
        self._desc = embed(list(topic.descriptions)) if self.embed else None
        alias = "|".join(re.escape(a) for a in sorted(topic.aliases, key=len, reverse=True))
        # whole words; debris like "AlibabaBABA--" is cleaned before scoring
        self._alias_re = re.compile(rf"(?<![\w-])(?:{alias})(?![\w])")
        self._kw_res = [(k, re.compile(rf"(?<!\w){re.escape(k)}(?!\w)")) for k in topic.keywords]

    def similarities(self, docs: Sequence[tuple[str | None, str]]) -> list[float | None]:
        """Cosine of each (title, text)'s opening to the nearest topic description; None without embeddings."""
        if self.embed is None or not docs:
            return [None] * len(docs)
        vecs = self.embed([f"{t or ''}\n{x[:1000]}" for t, x in docs])
        return [float(v) for v in (np.asarray(vecs) @ np.asarray(self._desc).T).max(axis=1)]

    def score(self, title: str | None, text: str, similarity: float | None = None) -> Relevance:
        """Score one article; `similarity` from `similarities` (batched), computed here if embeddings are on."""
        if similarity is None and self.embed is not None:
            similarity = self.similarities([(title, text)])[0]
        w = self.topic.weights
        mentions = len(self._alias_re.findall(text))
        in_title = bool(title and self._alias_re.search(title))
        low = f"{title or ''}\n{text}".lower()
        kws = tuple(k for k, rx in self._kw_res if rx.search(low))
        if mentions == 0 and not in_title:
            return Relevance(0.0, 0, False, kws, similarity)
        s = (w.get("required_in_title", 0.45) if in_title else 0.0)
        s += w.get("per_required_mention", 0.08) * min(mentions, w.get("max_required_mentions", 5))
        s += w.get("per_keyword", 0.04) * min(len(kws), w.get("max_keywords", 5))
        if similarity is not None:
            floor = w.get("embedding_floor", 0.2)  # MiniLM cosines of unrelated news sit around 0-0.2
            s += w.get("embedding", 0.3) * max(0.0, min(1.0, (similarity - floor) / (1 - floor)))
        return Relevance(round(min(1.0, s), 4), mentions, in_title, kws, similarity)

    def is_relevant(self, r: Relevance) -> bool:
        return r.score >= self.topic.threshold
