"""Speed of the annotate stage on this machine: each model alone (the floor) and the whole stage.

    .venv/bin/python benchmarks/bench_annotate.py [--articles 60] [--words 800]

Articles of ~800 words are built from the sample corpus. Prints sentences/s per model, articles/s
for the whole stage, the stage's time against the sum of the bare models' times on the same text,
and peak memory (max RSS of this process).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def build_articles(n: int, words: int) -> list[str]:
    from narrative.demo.corpus import load_corpus
    from narrative.extractors.clean import strip_tickers

    paras = [strip_tickers(p) for a in load_corpus() if a.kind == "article" for p in a.paragraphs if not p.startswith("## ")]
    out, i = [], 0
    for _ in range(n):
        doc, count = [], 0
        while count < words:
            p = paras[i % len(paras)]
            i += 1
            doc.append(p)
            count += len(p.split())
        out.append("\n".join(doc))
    return out


def timed(fn):
    t0 = time.perf_counter()
    r = fn()
    return r, time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=60)
    ap.add_argument("--words", type=int, default=800)
    args = ap.parse_args(argv)

    from narrative.flows.settings import Settings
    from narrative.flows.steps import load_annotator
    from narrative.models.annotate import TextDoc

    texts = build_articles(args.articles, args.words)
    n_words = sum(len(t.split()) for t in texts)
    (annotator), t_load = timed(lambda: load_annotator(Settings()))
    print(f"{len(texts)} articles, {n_words} words ({n_words / len(texts):.0f} per article); models loaded in {t_load:.1f}s")
    annotator.annotate([TextDoc("warm", None, texts[0])])  # warm-up

    nlp = annotator.nlp
    docs, t_spacy = timed(lambda: list(nlp.pipe(texts, batch_size=annotator.batch_size)))
    sents = [s.text.strip() for d in docs for s in d.sents if len(s.text.strip()) >= 3]
    tokens = sum(len(d) for d in docs)
    rows = [("spaCy (sm + ruler), sentences+NER+parse", t_spacy, len(sents), f"{tokens / t_spacy:,.0f} tokens/s")]
    if annotator.sentiment:
        _, t = timed(lambda: annotator.sentiment.predict(sents))
        rows.append((f"sentiment {annotator.sentiment.info.tag}", t, len(sents), ""))
    if annotator.embedder:
        _, t = timed(lambda: annotator.embedder.encode(sents))
        rows.append((f"embeddings {annotator.embedder.info.tag}", t, len(sents), ""))
    if annotator.figures:
        spans = [(i, j, s) for i, d in enumerate(docs) for j, s in enumerate(d.sents)]
        _, t = timed(lambda: [annotator.figures(s, "b", j, annotator.entities.resolve) for i, j, s in spans])
        rows.append(("figures (rules over the parse)", t, len(spans), ""))
    floor = sum(r[1] for r in rows)
    print(f"\n{'model':<48} {'seconds':>8} {'sentences/s':>12}")
    for name, t, n, extra in rows:
        print(f"{name:<48} {t:8.2f} {n / t:12.1f}  {extra}")
    tdocs = [TextDoc(f"d{i}", None, t) for i, t in enumerate(texts)]
    _, t_all = timed(lambda: annotator.annotate(tdocs))
    print(f"\nbare models (floor): {floor:.2f}s = {len(texts) / floor:.2f} articles/s")
    print(f"whole annotate stage: {t_all:.2f}s = {len(texts) / t_all:.2f} articles/s "
          f"({t_all / floor:.2f}x the floor)")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
