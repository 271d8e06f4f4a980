"""Speed of the annotate stage on this machine: each model alone (the floor) and the whole stage.

    .venv/bin/python benchmarks/bench_annotate.py [--articles 60] [--words 800] [--embedding-model torch] [--n-process 2]

Articles of ~800 words are built from the sample corpus. Prints sentences/s per model, articles/s
for the whole stage, the stage's time against the sum of the bare models' times on the same text
(the floor: each model alone, one after the other, run the way the stage runs it), and peak memory
(max RSS of this process and of any child process, e.g. spaCy's with n_process > 1).
CPU seconds (all threads) are printed too: on a shared machine they vary less than wall time.
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


CPU: list[float] = []  # CPU seconds of the last timed() call (all threads, and finished child processes)


def cpu_seconds() -> float:
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def timed(fn):
    c0 = cpu_seconds()
    t0 = time.perf_counter()
    r = fn()
    CPU[:] = [cpu_seconds() - c0]
    return r, time.perf_counter() - t0


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=60)
    ap.add_argument("--words", type=int, default=800)
    ap.add_argument("--embedding-model", default=None,
                    help='setting embedding_model (default: the sentiment model\'s own output; "onnx": the separate '
                         'int8 MiniLM, a second pass; "torch")')
    ap.add_argument("--n-process", type=int, default=1, help="spaCy processes (the annotator's n_process)")
    args = ap.parse_args(argv)

    from narrative.flows.settings import Settings
    from narrative.flows.steps import load_annotator
    from narrative.models.annotate import TextDoc
    from narrative.models.onnx_encoder import worker_count

    texts = build_articles(args.articles, args.words)
    n_words = sum(len(t.split()) for t in texts)
    (annotator), t_load = timed(lambda: load_annotator(Settings(embedding_model=args.embedding_model)))
    annotator.n_process = args.n_process
    print(f"{len(texts)} articles, {n_words} words ({n_words / len(texts):.0f} per article); models loaded in {t_load:.1f}s")
    print(f"cores {os.cpu_count()}, model worker threads {worker_count()}, spaCy n_process {annotator.n_process}, "
          f"load average at start {load()}")
    annotator.annotate([TextDoc("warm", None, t) for t in texts[:2]])  # warm-up

    docs, t_spacy = timed(lambda: list(annotator.parse(texts)))
    c_spacy = CPU[0]
    sents = [s.text.strip() for d in docs for s in d.sents if len(s.text.strip()) >= 3]
    tokens = sum(len(d) for d in docs)
    rows = [("spaCy (sm + ruler), sentences+NER+parse", t_spacy, c_spacy, len(sents), f"{tokens / t_spacy:,.0f} tokens/s")]
    if annotator._joint():  # one model: sentiment and embeddings in one pass (how the stage runs it)
        sent = annotator.sentiment
        _, t = timed(lambda: sent.submit_joint_ids(annotator.embedder.tokenize(sents)).result())
        rows.append((f"sentiment+embeddings {sent.info.tag} (one pass)", t, CPU[0], len(sents), ""))
    elif annotator.sentiment:
        _, t = timed(lambda: annotator.sentiment.predict(sents))
        rows.append((f"sentiment {annotator.sentiment.info.tag}", t, CPU[0], len(sents), ""))
    if annotator.embedder and not annotator._joint():
        _, t = timed(lambda: annotator.embedder.encode(sents))
        rows.append((f"embeddings {annotator.embedder.info.tag}", t, CPU[0], len(sents), ""))
    if annotator.figures:
        spans = [(i, j, s) for i, d in enumerate(docs) for j, s in enumerate(d.sents)]
        _, t = timed(lambda: [annotator.figures(s, "b", j, annotator.entities.resolve) for i, j, s in spans])
        rows.append(("figures (rules over the parse)", t, CPU[0], len(spans), ""))
    docs = spans = None  # free the parses before the stage runs
    floor = sum(r[1] for r in rows)
    floor_cpu = sum(r[2] for r in rows)
    print(f"\n{'model':<48} {'seconds':>8} {'sentences/s':>12} {'cpu s':>7}")
    for name, t, c, n, extra in rows:
        print(f"{name:<48} {t:8.2f} {n / t:12.1f} {c:7.2f}  {extra}")
    tdocs = [TextDoc(f"d{i}", None, t) for i, t in enumerate(texts)]
    _, t_all = timed(lambda: annotator.annotate(tdocs))
    print(f"\nbare models (floor): {floor:.2f}s = {len(texts) / floor:.2f} articles/s  (cpu {floor_cpu:.2f}s)")
    print(f"whole annotate stage: {t_all:.2f}s = {len(texts) / t_all:.2f} articles/s "
          f"({t_all / floor:.2f}x the floor)  (cpu {CPU[0]:.2f}s)")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    n_kids = annotator.n_process if annotator.n_process > 1 else 0
    print(f"peak memory (max RSS): {own:.0f} MB this process, {kids:.0f} MB largest child process; "
          f"at most {own + n_kids * kids:.0f} MB together")
    print(f"load average at end {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
