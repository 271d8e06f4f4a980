"""The figure stage side by side with an earlier commit's, in one process (issue 12's speed budget).

    .venv/bin/python benchmarks/bench_figures_ab.py [--against 7b0c359] [--rounds 5]

Both versions run `extract_figures` over the same already-parsed sentences (the written gold sets
and, when ../shared/eval-data is present, the real-text pages), interleaved document by document
and in rotating order, with the garbage collector off, so that the machine's drift (this 2-core
VM's timings move by ±30% from one minute to the next) hits both alike. Prints µs per sentence for
each and their ratio. The earlier commit's `narrative/models/` is taken with `git archive` into a
temporary package `narrative_ref`; it shares the current spaCy helpers (`nlp.doc_ents`) and record
types, which is what lets both live in one process (spaCy factories register once).
"""

from __future__ import annotations

import argparse
import gc
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))


def reference_package(commit: str, into: Path) -> None:
    tar = into / "ref.tar"
    with tar.open("wb") as fh:
        subprocess.run(["git", "-C", str(ROOT), "archive", commit, "src/narrative"], stdout=fh, check=True)
    with tarfile.open(tar) as tf:
        tf.extractall(into, filter="data")
    shutil.move(str(into / "src" / "narrative"), str(into / "narrative_ref"))
    fig = into / "narrative_ref" / "models" / "figures.py"
    text = fig.read_text("utf-8")
    text = text.replace("from .nlp import", "from narrative.models.nlp import").replace("from .records import", "from narrative.models.records import")
    fig.write_text(text, "utf-8")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--against", default="7b0c359", help="the earlier commit (default: the figure stage when issue 12 was filed)")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)

    import eval_figures as ef
    from narrative.models.figures import extract_figures as now

    tmp = Path(tempfile.mkdtemp(prefix="figures-ab-"))
    try:
        reference_package(args.against, tmp)
        sys.path.insert(0, str(tmp))
        from narrative_ref.models.figures import extract_figures as ref

        nlp, resolve = ef.load_nlp_and_resolver()
        by_doc = [list(ef._sentences(d)) for d in ef.timing_docs(nlp)]
        n = sum(len(s) for s in by_doc)
        fns = [(args.against, ref), ("now", now)]
        total = {name: 0.0 for name, _ in fns}
        gc.disable()
        try:
            for rnd in range(args.rounds):
                for di, sents in enumerate(by_doc):
                    for name, fn in (fns if (di + rnd) % 2 == 0 else fns[::-1]):
                        t0 = time.perf_counter()
                        for i, sp in enumerate(sents):
                            fn(sp, "ab", i, resolve)
                        total[name] += time.perf_counter() - t0
        finally:
            gc.enable()
        for name, t in total.items():
            print(f"{name:>10}: {t / (n * args.rounds) * 1e6:.1f} µs per sentence")
        print(f"now / {args.against}: {total['now'] / total[args.against]:.3f} ({n} sentences, {len(by_doc)} documents, {args.rounds} rounds)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
