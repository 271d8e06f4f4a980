"""Topic relevance: a topic is data (a JSON file); each article gets an auditable score in [0, 1]."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    description: str
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]
    weights: dict
    threshold: float

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Topic":
        if path is None:
            raw = json.loads(resources.files("narrative.data").joinpath("topics/alibaba-ai.json").read_text("utf-8"))
        else:
            raw = json.loads(Path(path).read_text("utf-8"))
        return cls(
            name=raw["name"],
            description=raw.get("description", ""),
            aliases=tuple(raw["required"]["aliases"]),
            keywords=tuple(raw.get("keywords", {}).get("terms", ())),
            weights=raw.get("weights", {}),
            threshold=float(raw.get("threshold", 0.35)),
        )


@dataclass(frozen=True, slots=True)
class Relevance:
    score: float
    required_mentions: int
    in_title: bool
    keywords: tuple[str, ...]

    def explain(self) -> str:
        return f"score={self.score:.2f} mentions={self.required_mentions} in_title={self.in_title} keywords={','.join(self.keywords[:5])}"


class RelevanceScorer:
    def __init__(self, topic: Topic):
        self.topic = topic
        alias = "|".join(re.escape(a) for a in sorted(topic.aliases, key=len, reverse=True))
        # whole words; debris like "AlibabaBABA--" is cleaned before scoring
        self._alias_re = re.compile(rf"(?<![\w-])(?:{alias})(?![\w])")
        self._kw_res = [(k, re.compile(rf"(?<!\w){re.escape(k)}(?!\w)")) for k in topic.keywords]

    def score(self, title: str | None, text: str) -> Relevance:
        w = self.topic.weights
        mentions = len(self._alias_re.findall(text))
        in_title = bool(title and self._alias_re.search(title))
        low = f"{title or ''}\n{text}".lower()
        kws = tuple(k for k, rx in self._kw_res if rx.search(low))
        if mentions == 0 and not in_title:
            return Relevance(0.0, 0, False, kws)
        s = (w.get("required_in_title", 0.45) if in_title else 0.0)
        s += w.get("per_required_mention", 0.08) * min(mentions, w.get("max_required_mentions", 5))
        s += w.get("per_keyword", 0.04) * min(len(kws), w.get("max_keywords", 5))
        return Relevance(round(min(1.0, s), 4), mentions, in_title, kws)

    def is_relevant(self, r: Relevance) -> bool:
        return r.score >= self.topic.threshold
