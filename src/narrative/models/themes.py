"""Themes as data: each article scored per theme from keywords and embedding similarity."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ..data import load_json

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    name: str
    description: str
    keywords: tuple[str, ...]


def load_themes(path: str | Path | None = None) -> list[Theme]:
    return [Theme(t["id"], t["name"], t["description"], tuple(t["keywords"])) for t in load_json("themes.json", path)["themes"]]


class ThemeScorer:
    """score = 0.5 · keyword evidence (saturating) + 0.5 · rescaled cosine(article, description)."""

    def __init__(self, themes: list[Theme], description_vectors: np.ndarray | None):
        self.themes = themes
        self.desc = description_vectors  # (n_themes, dim), L2-normalised, or None for keywords only
        # each keyword with the word runs a match must contain: a keyword whose words are not all in the
        # text cannot match, so its regex is not run (most are not, and each scan reads the whole text)
        self._kw = [[(re.compile(rf"(?<!\w){re.escape(k)}(?!\w)"), frozenset(_WORD.findall(k.lower())))
                     for k in t.keywords] for t in themes]

    def score(self, text: str, article_vector: np.ndarray | None) -> dict[str, float]:
        low = text.lower()
        words = max(1, len(low.split()))
        present = set(_WORD.findall(low))
        out = {}
        sims = (self.desc @ article_vector) if (self.desc is not None and article_vector is not None) else None
        for i, t in enumerate(self.themes):
            hits = sum(len(rx.findall(low)) for rx, need in self._kw[i] if need <= present)
            kw = 1.0 - np.exp(-hits * 400.0 / words / 3.0)  # ~3 hits per 400 words → 0.63
            if sims is None:
                out[t.id] = round(float(kw), 4)
            else:
                emb = float(np.clip((sims[i] - 0.15) / 0.45, 0.0, 1.0))
                out[t.id] = round(0.5 * float(kw) + 0.5 * emb, 4)
        return out
