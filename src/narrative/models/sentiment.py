"""Financial sentence sentiment (positive / negative / neutral).

The shipped model is an int8 ONNX export of MiniLM fine-tuned on our own written corpus
(see ``artifacts/sentiment/MODEL_CARD.md``). With it, inference needs only onnxruntime and
tokenizers; torch is imported only when ``load`` is pointed at a Hugging Face model folder.

An artefact trained with ``distill`` has a second output, ``embeddings``: sentence embeddings
distilled from the base all-MiniLM-L6-v2. Then ``clf.embedder`` is a sentence embedder over the same
session, and :meth:`SentimentClassifier.submit_joint_ids` gives both in one transformer pass.

    clf = SentimentClassifier.load()
    clf.predict(["Operating profit rose to EUR 5 mn."])
    # [("positive", 0.97, {"positive": 0.97, "negative": 0.01, "neutral": 0.02})]
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

import numpy as np

from narrative.models.records import ModelInfo

DEFAULT_ARTIFACT = Path(__file__).resolve().parent / "artifacts" / "sentiment"
LABELS = ("positive", "negative", "neutral")
DEFAULT_BATCH = 16  # sentences per run, after sorting by length (16 used ~15% less CPU than 32 or 64 here)
META_FILE = "labels.json"

Prediction = tuple[str, float, dict[str, float]]


def _softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


class SentimentClassifier:
    """Sentence-level sentiment; construct with :meth:`load`."""

    def __init__(self, backend, tokenizer, labels: Sequence[str], info: ModelInfo, max_length: int = 64,
                 parallel: bool = False):
        self._backend = backend  # callable(input_ids, attention_mask, token_type_ids) -> logits ndarray
        self._tok = tokenizer
        self.labels = tuple(labels)
        self.info = info
        self.max_length = max_length
        # True: single-threaded backend whose batches are spread over the shared pool of
        # narrative.models.onnx_encoder (thread-safe ONNX sessions only)
        self.parallel = parallel
        self._pad_id = tokenizer.token_to_id("[PAD]") or 0
        tokenizer.enable_truncation(max_length)
        tokenizer.no_padding()  # batches are padded to their own longest row (see _submit)
        from .onnx_encoder import tokenizer_fingerprint

        self.tokenizer_fingerprint = tokenizer_fingerprint(tokenizer)
        self.embedder = None  # an OnnxSentenceEncoder over the same session, if the model has an embeddings output
        self._joint_backend = None  # callable(input_ids, attention_mask) -> [logits, embeddings] side by side, one pass

    # ------------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike | None = None, *, threads: int | None = None,
             max_length: int | None = None) -> "SentimentClassifier":
        """Load the shipped ONNX artefact (default) or a folder.

        ``path`` may be an artefact folder with ``model.onnx`` (onnxruntime) or a Hugging Face
        model folder with ``config.json`` and weights (transformers + torch).
        ``threads`` (ONNX): None (default) = single-threaded session whose length-sorted batches run
        on the shared worker pool, one thread per core or ``NARRATIVE_THREADS`` (see
        :mod:`narrative.models.onnx_encoder`); 1 = one thread, in the caller; k > 1 = k intra-op
        threads, batches in the caller. (torch: ``torch.set_num_threads``.)
        """
        p = Path(path) if path is not None else DEFAULT_ARTIFACT
        if (p / "model.onnx").exists():
            return cls._load_onnx(p, threads, max_length)
        if (p / "config.json").exists():
            return cls._load_hf(p, threads, max_length)
        raise FileNotFoundError(f"no model.onnx or config.json in {p}")

    @classmethod
    def _load_onnx(cls, p: Path, threads: int | None, max_length: int | None):
        from tokenizers import Tokenizer

        from .onnx_encoder import ort_session

        meta = json.loads((p / META_FILE).read_text(encoding="utf-8"))
        ml = int(max_length or meta.get("max_length", 64))
        tok = Tokenizer.from_file(str(p / "tokenizer.json"))
        # idle ORT threads never spin: spaCy and the embedder share these cores
        sess = ort_session(p / "model.onnx", int(threads) if threads else 1)
        names = {i.name for i in sess.get_inputs()}

        def feed(ids, mask, types=None) -> dict:
            out = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in names:
                out["token_type_ids"] = np.zeros_like(ids) if types is None else types
            return out

        def run(ids, mask, types):
            return sess.run(["logits"], feed(ids, mask, types))[0]

        info = ModelInfo(meta.get("name", "narrative-finsent-minilm"), str(meta.get("version", "0")))
        clf = cls(run, tok, meta["labels"], info, ml, parallel=threads is None)
        if "embeddings" in {o.name for o in sess.get_outputs()} and meta.get("dim"):
            from .onnx_encoder import OnnxSentenceEncoder

            emb_info = ModelInfo(f"{info.name}-embed", info.version)
            # the same tokenizer object: both cut at ``ml`` with no padding, so one tokenisation serves both
            clf.embedder = OnnxSentenceEncoder(sess, tok, emb_info, int(meta["dim"]), ml, output="embeddings",
                                               parallel=threads is None)

            def both(ids, mask):
                return np.concatenate(sess.run(["logits", "embeddings"], feed(ids, mask)), axis=1)

            clf._joint_backend = both
        return clf

    @classmethod
    def _load_hf(cls, p: Path, threads: int | None, max_length: int | None):
        import torch
        from tokenizers import Tokenizer
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        if threads:
            torch.set_num_threads(int(threads))
        model = AutoModelForSequenceClassification.from_pretrained(str(p))
        model.eval()
        if (p / "tokenizer.json").exists():
            tok = Tokenizer.from_file(str(p / "tokenizer.json"))
        else:  # slow-tokenizer-only folder: let transformers build the fast one
            tok = AutoTokenizer.from_pretrained(str(p), use_fast=True).backend_tokenizer
        id2label = {int(k): str(v).lower() for k, v in model.config.id2label.items()}
        labels = [id2label[i] for i in range(len(id2label))]
        # map common alternative spellings (e.g. FinBERT's) onto ours
        alias = {"pos": "positive", "neg": "negative", "neu": "neutral", "label_0": "positive",
                 "label_1": "negative", "label_2": "neutral"}
        labels = [alias.get(x, x) for x in labels]
        has_types = getattr(model.config, "type_vocab_size", 0) > 0

        def run(ids, mask, types):
            kw = {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask)}
            if has_types:
                kw["token_type_ids"] = torch.from_numpy(types)
            with torch.inference_mode():
                return model(**kw).logits.float().numpy()

        meta_p = p / META_FILE
        if meta_p.exists():
            meta = json.loads(meta_p.read_text(encoding="utf-8"))
            info = ModelInfo(meta.get("name", p.name), str(meta.get("version", "0")))
        else:
            info = ModelInfo(getattr(model.config, "_name_or_path", "") or p.name, "hf")
        ml = int(max_length or 64)
        return cls(run, tok, labels, info, ml)

    # ------------------------------------------------------------------------------------
    def _logits(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return np.asarray(self._backend(ids, mask, np.zeros_like(ids)), dtype=np.float64)

    def _submit(self, texts: Sequence[str], batch_size: int, finish=_softmax):
        """Start: tokenise all texts once, then length-sorted batches padded to their longest row."""
        texts = [(t if isinstance(t, str) else str(t)) or " " for t in texts]
        return self._submit_ids([e.ids for e in self._tok.encode_batch(texts)], batch_size, finish)

    def _submit_ids(self, seqs, batch_size: int, finish=_softmax):
        from .onnx_encoder import run_batches, truncate_ids

        return run_batches(self._logits, truncate_ids(seqs, self.max_length), len(self.labels), batch_size,
                           self._pad_id, parallel=self.parallel, dtype=np.float64, finish=finish)

    def _predictions(self, logits: np.ndarray) -> list[Prediction]:
        return self._rows(_softmax(logits))

    def submit_ids(self, seqs, batch_size: int = DEFAULT_BATCH):
        """:meth:`submit` for sentences already tokenised by a tokenizer with the same
        ``tokenizer_fingerprint`` (cut here to ``max_length``)."""
        return self._submit_ids(seqs, batch_size, self._predictions)

    def submit_joint_ids(self, seqs, batch_size: int = DEFAULT_BATCH):
        """Sentiment and sentence embeddings of tokenised sentences in one pass of the model (it must
        have an ``embeddings`` output: ``self.embedder`` is not None). ``.result()`` is
        ``(predictions, vectors)``: what :meth:`predict` returns, and an (n, dim) float32 array."""
        from .onnx_encoder import run_batches, truncate_ids

        if self._joint_backend is None:
            raise ValueError(f"{self.info.tag} has no embeddings output")
        k = len(self.labels)

        def finish(out: np.ndarray):
            return self._predictions(out[:, :k].astype(np.float64)), np.ascontiguousarray(out[:, k:])

        return run_batches(self._joint_backend, truncate_ids(seqs, self.max_length), k + self.embedder.dim, batch_size,
                           self._pad_id, parallel=self.parallel, dtype=np.float32, finish=finish)

    def predict_proba(self, texts: Sequence[str], batch_size: int = DEFAULT_BATCH) -> np.ndarray:
        """(n, len(labels)) probabilities, rows in input order."""
        if len(texts) == 0:
            return np.zeros((0, len(self.labels)), dtype=np.float64)
        return self._submit(texts, batch_size).result()

    def submit(self, texts: Sequence[str], batch_size: int = DEFAULT_BATCH):
        """Start predicting now (batches on the shared pool); ``.result()`` gives what ``predict`` returns."""
        return self._submit(texts, batch_size, self._predictions)

    def _rows(self, probs: np.ndarray) -> list[Prediction]:
        res: list[Prediction] = []
        for row in probs:
            k = int(row.argmax())
            res.append((self.labels[k], float(row[k]), {lab: float(row[j]) for j, lab in enumerate(self.labels)}))
        return res

    def predict(self, texts: Sequence[str], batch_size: int = DEFAULT_BATCH) -> list[Prediction]:
        """[(label, probability of label, {label: probability})] in input order; [] for []."""
        if len(texts) == 0:
            return []
        return self._rows(self.predict_proba(texts, batch_size=batch_size))

    def __repr__(self) -> str:
        return f"SentimentClassifier({self.info.tag})"

