"""Financial sentence sentiment (positive / negative / neutral).

The shipped model is an int8 ONNX export of MiniLM fine-tuned on our own written corpus
(see ``artifacts/sentiment/MODEL_CARD.md``). With it, inference needs only onnxruntime and
tokenizers; torch is imported only when ``load`` is pointed at a Hugging Face model folder.

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
META_FILE = "labels.json"

Prediction = tuple[str, float, dict[str, float]]


def _softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


class SentimentClassifier:
    """Sentence-level sentiment; construct with :meth:`load`."""

    def __init__(self, backend, tokenizer, labels: Sequence[str], info: ModelInfo, max_length: int = 64):
        self._backend = backend  # callable(input_ids, attention_mask, token_type_ids) -> logits ndarray
        self._tok = tokenizer
        self.labels = tuple(labels)
        self.info = info
        self.max_length = max_length
        tokenizer.enable_truncation(max_length)
        tokenizer.enable_padding(pad_id=tokenizer.token_to_id("[PAD]") or 0, pad_token="[PAD]")

    # ------------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike | None = None, *, threads: int | None = None,
             max_length: int | None = None) -> "SentimentClassifier":
        """Load the shipped ONNX artefact (default) or a folder.

        ``path`` may be an artefact folder with ``model.onnx`` (onnxruntime) or a Hugging Face
        model folder with ``config.json`` and weights (transformers + torch).
        ``threads``: intra-op threads (default: env ``NARRATIVE_THREADS`` or the runtime's default).
        """
        p = Path(path) if path is not None else DEFAULT_ARTIFACT
        if threads is None and os.environ.get("NARRATIVE_THREADS"):
            threads = int(os.environ["NARRATIVE_THREADS"])
        if (p / "model.onnx").exists():
            return cls._load_onnx(p, threads, max_length)
        if (p / "config.json").exists():
            return cls._load_hf(p, threads, max_length)
        raise FileNotFoundError(f"no model.onnx or config.json in {p}")

    @classmethod
    def _load_onnx(cls, p: Path, threads: int | None, max_length: int | None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta = json.loads((p / META_FILE).read_text(encoding="utf-8"))
        ml = int(max_length or meta.get("max_length", 64))
        tok = Tokenizer.from_file(str(p / "tokenizer.json"))
        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = int(threads)
            opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # idle ORT threads must not spin: spaCy and torch share these two cores between batches
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        sess = ort.InferenceSession(str(p / "model.onnx"), sess_options=opts,
                                    providers=["CPUExecutionProvider"])
        names = {i.name for i in sess.get_inputs()}

        def run(ids, mask, types):
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in names:
                feed["token_type_ids"] = types
            return sess.run(["logits"], feed)[0]

        info = ModelInfo(meta.get("name", "narrative-finsent-minilm"), str(meta.get("version", "0")))
        return cls(run, tok, meta["labels"], info, ml)

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
    def _encode(self, texts: Sequence[str]):
        encs = self._tok.encode_batch(list(texts))
        ids = np.asarray([e.ids for e in encs], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encs], dtype=np.int64)
        types = np.asarray([e.type_ids for e in encs], dtype=np.int64)
        return ids, mask, types

    def predict_proba(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """(n, len(labels)) probabilities, rows in input order."""
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        n = len(texts)
        out = np.zeros((n, len(self.labels)), dtype=np.float64)
        if n == 0:
            return out
        order = sorted(range(n), key=lambda i: len(texts[i]))
        bs = max(1, int(batch_size))
        for s in range(0, n, bs):
            idx = order[s:s + bs]
            ids, mask, types = self._encode([texts[i] or " " for i in idx])
            logits = np.asarray(self._backend(ids, mask, types), dtype=np.float64)
            out[idx] = _softmax(logits)
        return out

    def predict(self, texts: Sequence[str], batch_size: int = 64) -> list[Prediction]:
        """[(label, probability of label, {label: probability})] in input order; [] for []."""
        if len(texts) == 0:
            return []
        probs = self.predict_proba(texts, batch_size=batch_size)
        res: list[Prediction] = []
        for row in probs:
            k = int(row.argmax())
            res.append((self.labels[k], float(row[k]), {lab: float(row[j]) for j, lab in enumerate(self.labels)}))
        return res

    def __repr__(self) -> str:
        return f"SentimentClassifier({self.info.tag})"
