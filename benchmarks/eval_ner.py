"""PER / LOC / ORG F1 of our spaCy pipeline on FiNER-ORD (dev half), with and without our EntityRuler.

    .venv/bin/python benchmarks/eval_ner.py [--data ../shared/eval-data/ner/finer-ord-test-dev.jsonl]

Spans are compared by (type, token span) on the dataset's own tokens (spaCy gets a Doc built from
them, so tokenisation differences do not count). spaCy labels map: PERSON→PER, GPE/LOC/FAC→LOC,
ORG→ORG; our ruler's PRODUCT labels are not scored (FiNER-ORD has no product type).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

MAP = {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "ORG": "ORG"}
DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval-data" / "ner" / "finer-ord-test-dev.jsonl"


def score(nlp, rows) -> dict[str, tuple[float, float, float, int]]:
    from spacy.tokens import Doc

    tp, fp, fn = Counter(), Counter(), Counter()
    docs = [Doc(nlp.vocab, words=r["tokens"]) for r in rows]
    for r, doc in zip(rows, nlp.pipe(docs)):
        gold = {(e["type"], e["token_start"], e["token_end"]) for e in r["entities"] if e["type"] in ("PER", "LOC", "ORG")}
        pred = {(MAP[e.label_], e.start, e.end) for e in doc.ents if e.label_ in MAP}
        for t in ("PER", "LOC", "ORG"):
            g = {x for x in gold if x[0] == t}
            p = {x for x in pred if x[0] == t}
            tp[t] += len(g & p)
            fp[t] += len(p - g)
            fn[t] += len(g - p)
    out = {}
    for t in ("PER", "LOC", "ORG", "ALL"):
        a, b, c = (sum(x.values()) for x in (tp, fp, fn)) if t == "ALL" else (tp[t], fp[t], fn[t])
        p = a / (a + b) if a + b else 0.0
        r = a / (a + c) if a + c else 0.0
        out[t] = (p, r, 2 * p * r / (p + r) if p + r else 0.0, a + c)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT)
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"no data at {args.data}: skipped")
        return 0
    import spacy

    from narrative.models.entities import EntityTable
    from narrative.models.nlp import DEFAULT_SPACY_MODEL, load_pipeline

    rows = [json.loads(line) for line in args.data.open()]
    plain = spacy.load(DEFAULT_SPACY_MODEL, exclude=["lemmatizer"])
    ours = load_pipeline(EntityTable.load())
    print(f"FiNER-ORD dev half: {len(rows)} sentences")
    print(f"{'pipeline':<28} {'type':<4} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5}")
    for name, nlp in (("en_core_web_sm", plain), ("en_core_web_sm + our ruler", ours)):
        for t, (p, r, f, n) in score(nlp, rows).items():
            print(f"{name:<28} {t:<4} {p:6.3f} {r:6.3f} {f:6.3f} {n:5d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
