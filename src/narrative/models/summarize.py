"""Extractive summaries: centroid relevance with maximal marginal relevance over sentence embeddings."""

from __future__ import annotations

import numpy as np


def mmr_select(vectors: np.ndarray, k: int = 3, lam: float = 0.7, lead_bonus: float = 0.05) -> list[int]:
    """Indices (in document order) of up to k sentences close to the centroid and far from each other."""
    n = len(vectors)
    if n == 0:
        return []
    centroid = vectors.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    rel = vectors @ centroid + lead_bonus * (np.arange(n) == 0)
    chosen: list[int] = []
    while len(chosen) < min(k, n):
        if chosen:
            red = (vectors @ vectors[chosen].T).max(axis=1)
        else:
            red = np.zeros(n)
        mmr = lam * rel - (1 - lam) * red
        mmr[chosen] = -np.inf
        chosen.append(int(mmr.argmax()))
    return sorted(chosen)
