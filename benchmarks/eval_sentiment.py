"""Score the shipped sentiment model on Financial PhraseBank (dev half).

    python benchmarks/eval_sentiment.py [--model PATH] [--torch-model DIR] [--eval FILE] [--threads 2]

Prints accuracy and macro-F1 overall and on the all-agree subset, the confusion matrix, and
throughput (batched and one sentence at a time). With --torch-model (or the env
NARRATIVE_FINSENT_FP32) it also scores a Hugging Face fp32 checkpoint kept outside the package.
PhraseBank is CC BY-NC-SA: it is a yardstick only, never training data.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from narrative.models.sentiment import SentimentClassifier  # noqa: E402

DEFAULT_EVAL = str(Path(__file__).resolve().parents[2] / "shared" / "eval-data" / "phrasebank-dev.jsonl")
LABELS = ("positive", "negative", "neutral")


def scores(gold, pred) -> dict:
    """Accuracy, macro-F1, per-label F1 and the confusion matrix (the training code's own scorer)."""
    from narrative.training.sentiment_train import _scores

    return _scores(gold, pred)


def print_block(title: str, s: dict) -> None:
    print(f"  {title}: n={s['n']}  accuracy={s['accuracy']:.4f}  macro-F1={s['macro_f1']:.4f}  "
          + "  ".join(f"F1[{k}]={v:.3f}" for k, v in s["f1"].items()))


def print_confusion(cm: dict) -> None:
    print("    gold \\ pred " + "".join(f"{p:>10}" for p in LABELS))
    for g in LABELS:
        print(f"    {g:<12} " + "".join(f"{cm[g][p]:>10}" for p in LABELS))


def run(clf: SentimentClassifier, rows: list[dict], field: str, n_single: int) -> dict:
    texts = [r[field] for r in rows]
    gold = [r["label"] for r in rows]
    clf.predict(texts[:64])  # warm-up
    t0 = time.perf_counter()
    preds = clf.predict(texts, batch_size=64)
    batched = len(texts) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for t in texts[:n_single]:
        clf.predict([t])
    single_ms = (time.perf_counter() - t0) / max(1, n_single) * 1000
    pred = [p[0] for p in preds]
    sub = [i for i, r in enumerate(rows) if r.get("agreement") == "AllAgree"]
    by_level = {}
    for lvl in ("AllAgree", "75Agree", "66Agree", "50Agree"):
        ix = [i for i, r in enumerate(rows) if r.get("agreement") == lvl]
        if ix:
            by_level[lvl] = sum(gold[i] == pred[i] for i in ix) / len(ix)
    return {
        "model": clf.info.tag,
        "overall": scores(gold, pred),
        "all_agree": scores([gold[i] for i in sub], [pred[i] for i in sub]),
        "accuracy_by_agreement": by_level,
        "sentences_per_s_batched": batched,
        "ms_per_single_sentence": single_ms,
    }


def report(name: str, r: dict) -> None:
    print(f"\n== {name}: {r['model']}")
    print_block("overall  ", r["overall"])
    print_block("all-agree", r["all_agree"])
    print("  accuracy by strongest agreement level: "
          + ", ".join(f"{k} {v:.3f}" for k, v in r["accuracy_by_agreement"].items()))
    print("  confusion (overall):")
    print_confusion(r["overall"]["confusion"])
    print(f"  speed: {r['sentences_per_s_batched']:.0f} sentences/s batched (64), "
          f"{r['ms_per_single_sentence']:.2f} ms per single sentence")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="artefact or HF folder (default: shipped artefact)")
    ap.add_argument("--torch-model", default=os.environ.get("NARRATIVE_FINSENT_FP32", "/tmp/finsent/fp32"))
    ap.add_argument("--eval", default=DEFAULT_EVAL)
    ap.add_argument("--field", default="sentence", help="sentence (as distributed) or sentence_detok")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--single", type=int, default=300, help="sentences timed one at a time")
    ap.add_argument("--json", default=None, help="also write results here")
    a = ap.parse_args(argv)

    if not Path(a.eval).exists():
        print(f"SKIP: eval file {a.eval} not found")
        return 0
    rows = [json.loads(line) for line in open(a.eval, encoding="utf-8") if line.strip()]
    print(f"eval: {a.eval} ({len(rows)} sentences, field '{a.field}')")
    results = {}
    clf = SentimentClassifier.load(a.model, threads=a.threads)
    results["shipped"] = run(clf, rows, a.field, a.single)
    report("shipped int8 ONNX" if a.model is None else a.model, results["shipped"])
    tm = Path(a.torch_model) if a.torch_model else None
    if tm and (tm / "config.json").exists():
        clf_t = SentimentClassifier.load(tm, threads=a.threads)
        results["torch_fp32"] = run(clf_t, rows, a.field, min(a.single, 100))
        report("torch fp32 checkpoint", results["torch_fp32"])
        same = sum(x[0] == y[0] for x, y in zip(clf.predict([r[a.field] for r in rows]),
                                                 clf_t.predict([r[a.field] for r in rows])))
        print(f"\n  int8 vs fp32 identical predictions: {same / len(rows):.3%}")
    else:
        print(f"\n(no torch fp32 checkpoint at {tm}; skipped)")
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
