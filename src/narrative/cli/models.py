"""CLI commands for the models layer: `annotate` (what the models make of a text), `reannotate`
(stored articles again, with the current models) and `models train-sentiment` (reproduce the shipped
sentiment classifier)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .options import settings_for


def register(sub, common, commands: dict) -> None:
    p = sub.add_parser("annotate", help="print what the models make of a text: one JSON line per document")
    common(p)
    p.add_argument("text", nargs="*", help="text to annotate; a path to a file reads the file; nothing or '-' reads stdin")
    p.add_argument("--lines", action="store_true", help="one document per input line")
    p.add_argument("--batch-size", type=int, default=32)
    commands["annotate"] = cmd_annotate

    r = sub.add_parser("reannotate", help="annotate stored articles again with the current models (after a model "
                       "upgrade): new rows go beside the old models' rows, and the views read the new ones")
    common(r)
    r.add_argument("--since", metavar="YYYY-MM-DD", help="only articles published on or after this day")
    r.add_argument("--limit", type=int, help="at most this many articles (oldest first)")
    r.add_argument("--all", dest="every", action="store_true",
                   help="every annotated article, not only those missing rows of the current models")
    r.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    commands["reannotate"] = cmd_reannotate

    p = sub.add_parser("models", help="model maintenance (train the sentiment classifier)")
    common(p)
    msub = p.add_subparsers(dest="models_command", metavar="SUBCOMMAND")
    msub.required = True
    t = msub.add_parser("train-sentiment", help="fine-tune MiniLM on our labelled sentences and export int8 ONNX")
    common(t)
    t.add_argument("--data", help="JSONL of {text, label} (default: training/sentiment_data/train.jsonl of a source "
                   "checkout; a wheel does not ship the training sentences)")
    t.add_argument("--out", default="sentiment-model", help="artefact folder to write (default ./sentiment-model); "
                   "point sentiment_model at it, or use src/narrative/models/artifacts/sentiment to replace the shipped one")
    t.add_argument("--epochs", type=int, default=3)
    t.add_argument("--lr", type=float, default=5e-5)
    t.add_argument("--batch-size", type=int, default=16)
    t.add_argument("--seed", type=int, default=13)
    t.add_argument("--version", help="version string stored with every prediction (default: derived from data and settings)")
    t.add_argument("--max-length", type=int, default=128, help="word pieces per sentence (default 128)")
    t.add_argument("--distill", type=float, default=10.0,
                   help="weight of the embedding loss: > 0 (default 10) trains one model for sentiment and sentence "
                        "embeddings (distilled from all-MiniLM-L6-v2), so annotation runs one transformer pass; 0: sentiment only")
    t.add_argument("--threads", type=int, default=2, help="torch threads (default 2; use 1 on a machine busy with other work)")
    t.add_argument("--eval", metavar="JSONL", help="PhraseBank-style file to score after training (never trained on)")
    commands["models"] = cmd_models


def _read_docs(args) -> list[str]:
    if args.text and args.text != ["-"]:
        if len(args.text) == 1 and Path(args.text[0]).is_file():
            raw = Path(args.text[0]).read_text("utf-8")
        else:
            return [" ".join(args.text)] if not args.lines else list(args.text)
    else:
        raw = sys.stdin.read()
    if args.lines:
        return [ln.strip() for ln in raw.splitlines() if ln.strip()]
    return [raw.strip()] if raw.strip() else []


def cmd_annotate(args) -> int:
    from dataclasses import replace

    from ..extractors.clean import clean_text
    from ..models.annotate import TextDoc
    from ..flows.steps import load_annotator

    s = replace(settings_for(args), annotate_batch=args.batch_size)
    docs = _read_docs(args)
    if not docs:
        print("narrative annotate: no text given (argument, file or stdin)", file=sys.stderr)
        return 2
    annotator = load_annotator(s)
    models = annotator.models()
    names = annotator.entities
    anns = annotator.annotate([TextDoc(f"doc{i}", None, clean_text(d)) for i, d in enumerate(docs)])
    for i, a in enumerate(anns):
        sent = {x.sentence_idx: x for x in a.sentiments}
        print(json.dumps({
            "doc": i,
            "sentiment": a.sentiment if a.sentiments else None,
            "sentiment_score": a.sentiment_score if a.sentiments else None,
            "summary": a.summary,
            "themes": {t.theme: t.score for t in a.themes},
            "sentences": [{"idx": x.idx, "text": x.text, "sentiment": sent[x.idx].label if x.idx in sent else None,
                           "sentiment_score": round(sent[x.idx].score, 4) if x.idx in sent else None} for x in a.sentences],
            "mentions": [{"sentence_idx": m.sentence_idx, "text": m.text, "label": m.label, "entity_id": m.entity_id,
                          "entity": names.name(m.entity_id) if m.entity_id in names.entities else None} for m in a.mentions],
            "figures": [{"sentence_idx": f.sentence_idx, "surface": f.surface, "kind": f.kind, "value": f.value,
                         "value_high": f.value_high, "unit": f.unit, "currency": f.currency, "qualifier": f.qualifier,
                         "direction": f.direction, "metric": f.metric, "subject_id": f.subject_id,
                         "subject": names.name(f.subject_id) if f.subject_id in names.entities else f.subject,
                         "period": f.period, "region": f.region} for f in a.figures],
            "entity_sentiment": [{"entity_id": e.entity_id, "score": e.score, "label": e.label, "mentions": e.mentions}
                                 for e in a.entity_sentiments],
            "models": models,
        }, ensure_ascii=False))
    return 0


def cmd_reannotate(args) -> int:
    from datetime import date

    from ..flows.reannotating import run_reannotate

    s = settings_for(args)
    if not Path(s.db).exists():
        print(f"narrative reannotate: no warehouse at {s.db}", file=sys.stderr)
        return 2
    try:
        since = date.fromisoformat(args.since) if args.since else None
    except ValueError:
        print(f"narrative reannotate: --since wants YYYY-MM-DD, not {args.since!r}", file=sys.stderr)
        return 2
    rep = run_reannotate(s, since, args.limit, args.every, show_progress=not args.quiet)
    print(json.dumps({"run_id": rep.run_id, "articles": rep.articles, "models": rep.models, "inserted": rep.inserted}))
    return 0


def cmd_models(args) -> int:
    if args.models_command == "train-sentiment":
        from ..training import SENTIMENT_DATA
        from ..training.sentiment_train import train_sentiment

        data = Path(args.data) if args.data else SENTIMENT_DATA
        if not data.is_file():
            print(f"narrative models train-sentiment: no training data at {data}: the labelled sentences ship with the "
                  "source repository, not the wheel; run from a checkout or pass --data FILE", file=sys.stderr)
            return 2
        res = train_sentiment(str(data), args.out, epochs=args.epochs, lr=args.lr, batch_size=args.batch_size,
                              seed=args.seed, version=args.version, eval_path=args.eval, max_length=args.max_length,
                              distill=args.distill, threads=args.threads)
        print(json.dumps({k: v for k, v in res.items() if k != "eval"}, indent=2, default=str))
        return 0
    return 2
