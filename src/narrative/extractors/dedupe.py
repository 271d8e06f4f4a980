"""Duplicates: exact (hash of normalised text) and near (MinHash/LSH over word 5-shingles).

Syndicated copies (a dateline added, a paragraph dropped, a sentence reworded) keep most of their
5-word shingles; two different reports of one event share few. The threshold is the estimated
Jaccard similarity above which a later article is stored as a copy of the first seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SHINGLE = 5
DEFAULT_THRESHOLD = 0.4  # calibrated: benchmarks/calibrate_dedupe.py (copies >= 0.64, different stories <= 0.03)
SCHEME = "affine32"  # stored signatures must be read back with the scheme that made them


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < k:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)}


def signature(text: str, num_perm: int = NUM_PERM) -> MinHash:
    m = MinHash(num_perm=num_perm, seed=1, scheme=SCHEME)
    m.update_batch(list(shingles(text)))
    return m


class Deduper:
    """Remembers what is stored (and what this run added) and says what a new article copies."""

    def __init__(self, threshold: float | None = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM):
        """threshold None: exact duplicates only (no near-duplicate search)."""
        if threshold is not None and not 0.0 < threshold < 0.95:
            raise ValueError(f"near-duplicate threshold must be in (0, 0.95) or None (exact only), not {threshold}")
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm) if threshold is not None else None
        self._sigs: dict[str, MinHash] = {}
        self._hashes: dict[str, str] = {}

    def add(self, article_id: str, content_hash: str, sig: MinHash | Iterable[int]) -> None:
        if not isinstance(sig, MinHash):
            sig = MinHash(num_perm=self.num_perm, seed=1, hashvalues=list(sig), scheme=SCHEME)
        if article_id in self._sigs:
            return
        self._sigs[article_id] = sig
        if self._lsh is not None:
            self._lsh.insert(article_id, sig)
        self._hashes.setdefault(content_hash, article_id)

    def find(self, content_hash: str, sig: MinHash) -> tuple[str, float] | None:
        """(original id, similarity) for an exact or near copy, else None."""
        if content_hash in self._hashes:
            return self._hashes[content_hash], 1.0
        best = None
        for cand in (self._lsh.query(sig) if self._lsh is not None else ()):
            sim = sig.jaccard(self._sigs[cand])
            if sim >= self.threshold and (best is None or sim > best[1]):
                best = (cand, sim)
        return best
