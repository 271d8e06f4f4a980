"""Extractive summaries: centroid relevance with maximal marginal relevance over sentence embeddings."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np


_WORD = re.compile(r"\w+")


def reads_alone(sentence: str) -> bool:
    """Can this sentence stand in a summary by itself? Not a fragment of a quotation that runs over
    several sentences (an opening quote mark with no closing one, or the reverse: sentence splitters
    cut such quotes in pieces), and at least five words."""
    t = sentence.strip()
    if len(_WORD.findall(t)) < 5:
        return False
    if t.count("\u201c") != t.count("\u201d"):  # curly quotes
        return False
    return t.count('"') % 2 == 0


def mmr_select(vectors: np.ndarray, k: int = 3, lam: float = 0.7, lead_bonus: float = 0.05,
               eligible: Sequence[bool] | None = None) -> list[int]:
    """Indices (in document order) of up to k sentences close to the centroid and far from each other.

    ``eligible``: which sentences may be picked (e.g. :func:`reads_alone`); the centroid is still that
    of all of them. When none is eligible, any may be picked."""
    n = len(vectors)
    if n == 0:
        return []
    ok = np.ones(n, dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    if not ok.any():
        ok[:] = True
    centroid = vectors.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    rel = vectors @ centroid + lead_bonus * (np.arange(n) == 0)
    chosen: list[int] = []
    while len(chosen) < min(k, int(ok.sum())):
        if chosen:
            red = (vectors @ vectors[chosen].T).max(axis=1)
        else:
            red = np.zeros(n)
        mmr = lam * rel - (1 - lam) * red
        mmr[chosen] = -np.inf
        mmr[~ok] = -np.inf
        chosen.append(int(mmr.argmax()))
    return sorted(chosen)
