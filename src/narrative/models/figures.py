"""Figure extraction: the numbers a sentence claims, tied to what they measure.

`extract_figures(sent, article_id, sentence_idx, resolve_entity)` takes one sentence of a Doc run
through the full spaCy pipeline (entities + dependency parse) and returns `Figure` records.

How it works
------------
1. Candidates come from token-level regular expressions over the sentence text (money with
   currency prefixes/suffixes and scale words or suffixes, percentages, percentage points and
   basis points, multiples, qualitative "double-digit" magnitudes) plus parse-checked counts (a
   number modifying a countable noun: "4,200 employees", or a scaled bare number: "reached 200
   million"). Years, dates, model names ("Qwen2.5", "H20", "Mate 70") are not figures.
2. Each candidate is mapped to its tokens; the dependency parse gives
   - direction: the nearest governing change word (verb, noun or "up"/"down") among the figure's
     ancestors, or a particle of the first verb ("closed down"). Both the change ("rose 12%") and
     the level reached ("to RMB 9.8 billion") take the verb's direction. "widened" is always up
     and "narrowed" always down: a widening loss is a loss growing in magnitude. Level figures
     stated with a sibling change ("revenue was $3bn, up 5%") inherit the sibling's direction.
   - metric: the noun phrase measured (subject of the governing verb, the object of "of"/"in",
     the noun the figure modifies, the counted noun, or the verb's nominalisation for
     "invest/spend/lose/raise/sell X"), with determiners, possessives, dates and company names
     stripped.
   - subject: a company named inside the metric phrase ("AWS segment sales"), its possessor
     ("Tencent's"), "at/of X", the verb's subject, the speaker of a quote when the alias table
     knows it as a company, then the nearest tracked company of the figure's clause. Research
     firms, brokers and publications quoted as sources, people (titles, full names, speakers) and
     places are never subjects; a country possessor ("China's retail sales") is a region.
   - metric names: canonical where a lexicon has them (`METRIC_CANON`: net profit → net income,
     stock → share price, comps → comparable sales, …); "X% of Y" is Y, "rechargeable (63.6%)" is
     rechargeable, "£5,000 worth of clothes" is clothes, "$2.52 a share" is earnings per share, a
     market move names its index ("Nikkei 225"); never a person, company or a bare "increase".
3. Period and region come from `figures_periods`. `period` is the stated period ("Q3", "FY2025",
   "H1 2026", "over three years") of the figure's own clause (or of a clause it hangs from, or of
   a clause describing one of its nouns), never of another clause; a period stated right after
   another figure of the clause is shared unless that figure is a base ("from $3bn in 2024"). A
   comparison ("year on year", "compared to 2022", "from the same period last year") is `basis`,
   not a period. A weekday or a day's date is a period only for a market move on that day.
4. `change`: level (a value), change (a difference: "rose 5%", "up $2bn", "20% lower than",
   "doubled") or base (what a change is measured from: "from $47bn", "compared with 8%").
5. Document context (issue 12): the companies an article names (organisations the NER finds,
   tracked entities, and capitalised owners it misses), minus speakers, sources and people named in
   full. "the company", "its", "the stock" point back to the article's main company (else the
   last company named as a subject); "the department/agency/council/bank" points to the last
   organisation named with that noun. A company metric with no owner in its sentence belongs to an
   article about one company: named at least three times and as often as all others together, or
   named most and first in the lede (or half as often again as the next) when the text shows it is
   a company (tracked, a corporate suffix, "beauty company X", a ticker, its shares or CEO). Shares
   of people ("62% of developers") and survey figures get no company from context. A product is a
   subject only as the figure's owner (possessor, modifier or its verb's subject). Untracked
   companies are kept by name (`subject_id` NULL); people and places never own a figure, but a name
   the NER takes for a person is a company when a company possesses it ("Tencent's Weixin"), its last
   word is a trade word ("Ironbark Minerals") or a trade noun precedes it ("iron ore producer X"). A
   figure takes a metric or subject from a sibling figure only within its own clause.
6. Words that map to values: "a quarter-point" (0.25 pp), "twice the X" (2x), "a billion users";
   East African amounts ("620m/-", shillings of the article's country). A phrasal verb's particle
   ("pony up $12") and a habit ("prices often exceed") are no movement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from .figures_lexicon import (
    AGENT_NOUNS,
    ALWAYS_VERB_METRIC,
    CASUALTY_WORDS,
    COMPANY_METRICS,
    COMPARATIVE_DOWN,
    COMPARATIVE_UP,
    COMPARE_WORDS,
    COREF_NOUNS,
    COREF_PRONOUNS,
    LEVEL_REACH_VERBS,
    MARKET_METRICS,
    METRIC_CANON,
    NON_ECON_COUNT_NOUNS,
    WEEKDAYS,
    COUNT_NOUNS_BAD,
    COUNT_NOUNS_STRONG,
    CUR_PREFIX,
    CUR_SUFFIX,
    DOWN,
    GENERIC_COUNT_UNITS,
    INDEX_WORDS,
    JPY_CONTEXT,
    LEVEL_VERBS_AS_METRIC,
    MONEY_RE,
    MULT_NUM_RE,
    MULT_WORD_RE,
    MULT_WORDS,
    NO_STRIP_ENT_WORDS,
    NON_COMPANY_SUBJECTS,
    PERCENT_RE,
    PP_RE,
    QUAL_BOUNDS,
    QUAL_RE,
    QUALIFIER_RE,
    REGION_SET,
    SCALES,
    SOURCE_ORGS,
    UP,
    WORD_NUMS,
    BARE_NUM_RE,
)
from .figures_periods import find_periods, find_region
import bisect
import itertools
import threading

from .nlp import doc_ents
from .records import Figure

Resolver = Callable[[str], "str | None"]

# 2: subjects, metrics and periods read for real articles (document context, the figure's own clause),
# `change` and `basis` (issue 12)
VERSION = "3"

CHANGE_NOUNS = {
    "growth", "increase", "rise", "drop", "decline", "gain", "jump", "fall", "cut", "reduction", "surge",
    "slump", "plunge", "decrease", "expansion", "contraction", "climb", "slide", "improvement", "hike",
}
SKIP_HEAD_NOUNS = {"total", "worth", "average", "sum", "combined", "tally", "record", "high", "low", "peak"}
_COMPANY_LABELS = {"ORG", "PRODUCT", "PERSON", "GPE", "NORP", "FAC", "WORK_OF_ART", "LOC"}
_FREQ = {"daily", "weekly", "monthly", "quarterly", "annual", "yearly", "annualised", "annualized"}
_DROP_MODS = {"more", "fewer", "additional", "extra", "forecast", "expected", "estimated", "projected", "prior", "previous",
              "initial", "earlier", "positive", "negative"}
_PRONOUNS = {"it", "its", "they", "their", "we", "our", "the company", "company", "that", "which", "who"}


@dataclass
class _Cand:
    start: int
    end: int
    kind: str
    value: float
    value_high: float | None = None
    currency: str | None = None
    unit: str | None = None
    qual_start: int | None = None
    qualifier: str | None = None
    tokens: list = field(default_factory=list)
    noun: object = None  # counted noun of a count
    num_end: int | None = None  # end of the number part of a count (chars)
    sign: str | None = None  # "-" or "+" written before a percentage ("(-81%)" in a table)


def _num(s: str) -> float:
    return float(s.replace(",", ""))


def _scale(s: str | None) -> float:
    if not s:
        return 1.0
    return SCALES.get(s.strip().strip("-").lower(), 1.0)


def _yen(text: str) -> str:
    if JPY_CONTEXT.search(text):
        return "JPY"
    return "CNY"


def _overlaps(c: _Cand, taken: list[_Cand]) -> bool:
    return any(c.start < t.end and t.start < c.end for t in taken)


def _money(text: str) -> list[_Cand]:
    out = []
    pos = 0
    while True:
        m = MONEY_RE.search(text, pos)
        if not m:
            break
        pos = m.end()
        if m.group("pre"):
            cur = CUR_PREFIX[m.group("pre").lower()]
            n1, s1, n2, s2 = m.group("n1"), m.group("s1"), m.group("n2"), m.group("s2")
        else:
            cur = CUR_SUFFIX.get(re.sub(r"\s+", " ", m.group("post").lower()), "USD")
            n1, s1, n2, s2 = m.group("n3"), m.group("s3"), m.group("n4"), m.group("s3")
        start, end = m.span()
        if text[start:].startswith("between "):
            start += len("between ")
        if n2 is not None and text[:start].rstrip().lower().endswith("from"):
            # "from $1bn to $2bn" is two figures, not a range
            end = m.end("s1") if m.group("pre") and s1 else (m.end("n1") if m.group("pre") else end)
            n2 = None
            pos = end
        if cur == "GBP" and not m.group("pre") and re.search(r"\b(?:weigh\w*|heavy|heavier|lighter)\b[^.;]{0,25}$", text[:start], re.I):
            continue  # "weighs 8.4 pounds"
        if cur == "¥":
            cur = _yen(text)
        if m.group("pre") == "$":
            # a bare "$" after an explicit dollar ("NZ$27.8b), Australia ($26.2b)") is that dollar
            prev = [c for c in out if c.currency not in (None, "USD") and c.currency.endswith("D")]
            if prev and re.search(r"(?:NZ|HK|A|C|S|NT)\$", text[:start]):
                cur = prev[-1].currency
        sc1 = _scale(s1) if s1 else _scale(s2)
        v1 = _num(n1) * sc1
        v2 = _num(n2) * _scale(s2 or s1) if n2 is not None else None
        out.append(_Cand(start, end, "money", v1, v2, cur, cur))
    # "between $91 billion and $93 billion"
    merged: list[_Cand] = []
    for c in out:
        if merged and re.fullmatch(r"\s+and\s+", text[merged[-1].end:c.start]) and text[: merged[-1].start].rstrip().lower().endswith("between") and merged[-1].value_high is None:
            merged[-1].value_high = c.value
            merged[-1].end = c.end
        else:
            merged.append(c)
    return merged


_SIGNED_PCT = re.compile(r"(?:(?<=\()|(?<=\s)|^)(?P<s>[-−–+])(?P<n>\d+(?:\.\d+)?)\s?%")


def _percent(text: str) -> list[_Cand]:
    out = []
    for m in _SIGNED_PCT.finditer(text):
        # "(-81%)" in a table: a change, its sign the direction
        out.append(_Cand(m.start("n"), m.end(), "percent", _num(m.group("n")), unit="%", sign="+" if m.group("s") == "+" else "-"))
    for m in PERCENT_RE.finditer(text):
        if m.group("n3") is not None:
            out.append(_Cand(m.start(), m.end(), "percent", _num(m.group("n3")), unit="%"))
        else:
            if text[: m.start()].rstrip().lower().endswith("from"):
                # "from 5% to 10%": two figures
                a = re.match(r"\d[\d,.]*\s?(?:%|percent|per cent)", text[m.start():], re.I)
                if a:
                    out.append(_Cand(m.start(), m.start() + a.end(), "percent", _num(m.group("n1")), unit="%"))
                out.append(_Cand(m.start("n2"), m.end(), "percent", _num(m.group("n2")), unit="%"))
                continue
            out.append(_Cand(m.start(), m.end(), "percent", _num(m.group("n1")), _num(m.group("n2")), unit="%"))
    return out


def _pp(text: str) -> list[_Cand]:
    out = []
    for m in PP_RE.finditer(text):
        v = _num(m.group("n"))
        if m.group("u").lower().startswith(("basis", "bp")):
            v = v / 100.0
        out.append(_Cand(m.start(), m.end(), "percentage_points", v, unit="pp"))
    return out


def _multiples(text: str) -> list[_Cand]:
    out = []
    for m in MULT_NUM_RE.finditer(text):
        n = m.group("n") or m.group("n2")
        v = WORD_NUMS.get(n.lower()) if n.lower() in WORD_NUMS else _num(n)
        after = text[m.end(): m.end() + 12].lower()
        if re.match(r"\s(?:a|per|each|in\sa)\s", after):  # "three times a year" is a frequency
            continue
        if re.match(r"\s?\d", after):  # "1800 x 1920" is a size
            continue
        out.append(_Cand(m.start(), m.end(), "multiple", float(v), unit="x"))
    for m in MULT_WORD_RE.finditer(text):
        w = m.group("w").lower()
        v = 0.5 if w.startswith("by") else MULT_WORDS[w]
        start = m.start()
        if w.startswith("by"):
            start = m.start() + 3
        out.append(_Cand(start, m.end(), "multiple", float(v), unit="x"))
    return out


_PP_WORDS = re.compile(r"\b(?:(?:a|one)\s(?P<q>quarter|half)[\s-](?:percentage[\s-])?point|half\sa\s(?:percentage\s)?point)\b", re.I)
_TWICE = re.compile(r"\btwice(?=\s(?:the|that|as|its|their|what|his|her|our)\b)", re.I)


def _word_figures(text: str) -> list[_Cand]:
    """Figures written in words that map to a value: "a quarter-point" (0.25 pp), "twice the CTR" (2x)."""
    out = []
    for m in _PP_WORDS.finditer(text):
        out.append(_Cand(m.start(), m.end(), "percentage_points", 0.25 if (m.group("q") or "").lower() == "quarter" else 0.5, unit="pp"))
    for m in _TWICE.finditer(text):
        out.append(_Cand(m.start(), m.end(), "multiple", 2.0, unit="x"))
    return out


# East African amounts: "4m/-", "10,000/-" (shillings; the country from the article)
_SHILLINGS = re.compile(r"(?<![\w.$€£¥])(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(?P<s>million|billion|thousand|bn|mn|m|k|b)?/-")
_SHILLING_COUNTRIES = (("tanzania", "TZS"), ("kenya", "KES"), ("uganda", "UGX"))


def _shillings(sent, text: str) -> list[_Cand]:
    if "/-" not in text:
        return []
    doc_text = _doc_text(sent.doc).lower()
    cur = next((code for name, code in _SHILLING_COUNTRIES if name in doc_text), "KES")
    out: list[_Cand] = []
    for m in _SHILLINGS.finditer(text):
        v = _num(m.group("n")) * (_scale(m.group("s")) if m.group("s") else 1.0)
        if out and out[-1].value_high is None and re.fullmatch(r"\s*(?:to|-|–)\s*", text[out[-1].end: m.start()]):
            out[-1].value_high, out[-1].end = v, m.end()  # "10,000/- to 15,000/-": one range
            continue
        out.append(_Cand(m.start(), m.end(), "money", v, None, cur, cur))
    return out


def _qualitative(text: str) -> list[_Cand]:
    out = []
    for m in QUAL_RE.finditer(text):
        around = (text[max(0, m.start() - 40): m.start()] + " " + text[m.end(): m.end() + 30]).lower()
        if not re.search(r"grow|growth|gain|increas|declin|drop|rise|rose|fell|fall|jump|surg|percent|%|pace|rate|return|margin|expan", m.group(0).lower() + " " + around):
            continue  # "single-digit temperatures" is no change of anything
        lo, hi = QUAL_BOUNDS[m.group("w").lower()]
        out.append(_Cand(m.start(), m.end(), "qualitative", float(lo), float(hi), unit="%"))
    return out


def _qualifier(text: str, start: int) -> tuple[str | None, int | None]:
    before = text[max(0, start - 30): start]
    for rx, name in QUALIFIER_RE:
        m = rx.search(before)
        if m:
            return name, start - (len(before) - m.start("q"))
    return None, None


def _is_plural(tok) -> bool:
    t = tok.lower_
    return tok.tag_ in ("NNS", "NNPS") or t in {"staff", "people", "personnel", "headcount"} or t.endswith("s")


_TITLES = {"president", "ceo", "chairman", "chairwoman", "minister", "gov", "governor", "sir", "lady", "lord", "mr", "mrs",
           "ms", "dr", "secretary", "senator", "rep", "chancellor", "director", "analyst", "strategist", "founder"}
_SPEECH_VERBS = {"said", "says", "say", "told", "tells", "wrote", "writes", "added", "adds", "noted", "notes", "explained",
                 "argued", "commented", "asked", "replied"}
_FINDING_VERBS = {"found", "finds", "find", "shows", "showed", "show", "estimates", "estimated", "predicted", "predicts",
                  "projected", "projects", "indicates", "indicated", "reveals", "revealed", "suggests", "suggested"}
_ECONOMY_METRICS = {"gdp", "inflation", "tariff", "interest rate", "unemployment", "unemployment rate", "exports",
                    "imports", "trade", "population", "budget", "surplus", "deficit", "emissions"}
_COUNT_HOLDERS = {"population", "workforce", "headcount", "membership", "audience", "enrollment", "enrolment", "attendance"}


def _counts(sent, text: str, taken: list[_Cand]) -> list[_Cand]:
    out = []
    base = sent.start_char
    doc = sent.doc
    for m in BARE_NUM_RE.finditer(text):
        s, e = m.span()
        probe = _Cand(s, e, "count", 0)
        if _overlaps(probe, taken) or _overlaps(probe, out):
            continue
        n = m.group("n")
        value = _num(n)
        # scale word right after the number
        sm = re.match(r"\s?(trillion|billion|million|thousand)\b|(bn|mn|tn|m|k)\b", text[e:], re.I)
        scaled = False
        if sm:
            value *= _scale(sm.group(1) or sm.group(2))
            e += sm.end()
            scaled = True
        span = doc.char_span(base + s, base + e, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        first, last = span[0], span[-1]
        if first.ent_type_ == "DATE" and not scaled:
            continue
        if re.fullmatch(r"(19|20)\d\d", n):
            continue
        prev = doc[first.i - 1] if first.i > sent.start else None
        if prev is not None and (prev.is_title or prev.is_upper) and prev.pos_ == "PROPN" and not prev.is_sent_start and prev.ent_type_ not in ("MONEY",):
            # "Mate 70", "S&P 500", "Ernie 4.5": a name, not a number of things
            if not scaled:
                continue
        # counted noun: the noun the number modifies
        noun = None
        h = last.head
        if last.dep_ in ("nummod", "compound", "quantmod", "amod", "nmod") and h.pos_ in ("NOUN", "PROPN") and h.i > last.i and h.i < sent.end:
            noun = h
        if noun is None and last.i + 1 < sent.end and doc[last.i + 1].pos_ == "NOUN" and doc[last.i + 1].lower_ in COUNT_NOUNS_STRONG:
            noun = doc[last.i + 1]
        if noun is not None:
            nl = noun.lower_
            if nl in COUNT_NOUNS_BAD or nl in NON_ECON_COUNT_NOUNS or noun.ent_type_ == "DATE":
                continue
            if nl in ("people", "persons", "residents") and any(
                    w.lower_ in CASUALTY_WORDS for w in (noun.head, noun.head.head, doc[max(sent.start, first.i - 1)], doc[max(sent.start, first.i - 2)])):
                continue  # "killed 185 people" is no economic figure
            ok = (nl in COUNT_NOUNS_STRONG and (_is_plural(noun) or value == 1)) or (
                (value >= 1000 or scaled) and _is_plural(noun) and noun.pos_ == "NOUN"
            ) or (
                # "500 leaks", "25 crews", "450 Dreamers": a number of things the number directly counts
                value >= 10 and last.dep_ == "nummod" and noun.tag_ in ("NNS", "NNPS") and len(noun.text) > 2
                and not re.fullmatch(r"\d+\.\d+", n) and noun.ent_type_ not in ("DATE", "TIME", "QUANTITY")
                and (noun.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "appos", "conj")
                     or (noun.dep_ == "pobj" and noun.head.lower_ in ("of", "to")))
                and not (noun.i + 1 < len(doc) and doc[noun.i + 1].text in ("-", "–"))
            )
            if nl == "people" and value < 100:
                ok = False
            if not ok:
                if not scaled:
                    continue
                noun = None
        elif not scaled:
            # "a population of 864,652": a bare number that is the value of a count noun
            h = last.head
            if not (value >= 1000 and last.dep_ == "pobj" and h.lower_ == "of" and h.head.lower_ in _COUNT_HOLDERS):
                continue
            noun = None
        end_char = (noun.idx + len(noun.text) - base) if noun is not None else e
        c = _Cand(s, end_char, "count", value, unit=(noun.lower_ if noun is not None else None))
        c.noun = noun
        c.num_end = e
        out.append(c)
    # "a billion Android users", "one million customers": a scale word the article writes as a number
    for m in _A_SCALE.finditer(text):
        probe = _Cand(m.start(), m.end(), "count", 0)
        if _overlaps(probe, taken) or _overlaps(probe, out):
            continue
        span = doc.char_span(base + m.start(), base + m.end(), alignment_mode="expand")
        if span is None:
            continue
        noun = next((t for t in doc[span.end: min(sent.end, span.end + 4)] if t.pos_ in ("NOUN", "PROPN") and t.tag_ in ("NNS", "NNPS")), None)
        if noun is None or any(t.pos_ not in ("ADJ", "PROPN", "NOUN", "VERB") for t in doc[span.end: noun.i]) or noun.lower_ in _MONEY_NOUNS \
                or noun.lower_ in COUNT_NOUNS_BAD or noun.lower_ in NON_ECON_COUNT_NOUNS:
            continue
        if not (_qualifier(text, m.start())[0] or noun.lower_ in _AUDIENCE_NOUNS):
            continue  # "the cost of serving a million tokens": a unit of measure, not a number of things
        c = _Cand(m.start(), noun.idx + len(noun.text) - base, "count", _scale(m.group("s")), unit=noun.lower_)
        c.noun = noun
        c.num_end = m.end()
        out.append(c)
    return out


_A_SCALE = re.compile(r"\b(?:a|one)\s(?P<s>billion|million)\b(?!\s(?:of|dollars?|euros?|pounds?|yuan|yen)\b)", re.I)
_INSTRUMENT_NOUNS = {"yield", "yields", "bond", "bonds", "futures", "index", "rate", "rates", "note", "notes", "bill", "bills", "spread"}
_COPULAS = {"is", "was", "were", "are", "be", "been", "being", "remain", "remains", "remained", "stood", "stands", "stay", "stayed"}
_AUDIENCE_NOUNS = {"users", "customers", "people", "members", "subscribers", "viewers", "listeners", "readers", "players",
                   "downloads", "visitors", "accounts", "merchants", "sellers", "buyers", "shoppers", "developers", "consumers"}
_MONEY_NOUNS = {"dollars", "euros", "pounds", "yuan", "yen", "rupees", "pesos", "francs", "times", "years", "miles"}


# a sentence with none of these has no figure (every candidate pattern needs one): skip it cheaply
_MAYBE_FIGURE = re.compile(r"\d|doubl|tripl|quadrupl|halv|half|fold|\btimes\b|digit|twice|quarter|\ba\s[mb]illion\b", re.I)


def _candidates(sent, text: str | None = None) -> list[_Cand]:
    text = sent.text if text is None else text  # Span.text builds a Token per word: callers pass it
    if not _MAYBE_FIGURE.search(text):
        return []
    taken: list[_Cand] = []
    for group in (_money(text), _shillings(sent, text), _pp(text), _percent(text), _qualitative(text), _multiples(text), _word_figures(text)):
        for c in group:
            if not _overlaps(c, taken):
                taken.append(c)
    taken.extend(_counts(sent, text, taken))
    for c in taken:
        c.qualifier, c.qual_start = _qualifier(text, c.start)
    taken.sort(key=lambda c: c.start)
    return taken


# ----------------------------------------------------------------------------- parse helpers


def _span_tokens(sent, c: _Cand):
    span = sent.doc.char_span(sent.start_char + c.start, sent.start_char + c.end, alignment_mode="expand")
    if span is None:
        return []
    return list(span)


def _root(tokens):
    ids = {t.i for t in tokens}
    for t in tokens:
        if t.head.i not in ids or t.head.i == t.i:
            return t
    return tokens[-1]


def _ent_of(tok):
    if not tok.ent_type_:
        return None
    return doc_ents(tok.doc)[1].get(tok.i)


_STARTS = threading.local()


def _ent_starts(ents) -> list[int]:
    last = getattr(_STARTS, "last", None)
    if last is None or last[0] is not ents:
        last = (ents, [e.start for e in ents])
        _STARTS.last = last
    return last[1]


class _Ctx:
    def __init__(self, sent, resolve: Resolver, text: str | None = None):
        self.sent = sent
        self.resolve = resolve
        self.fig_token_ids: set[int] = set()
        self.qual_token_ids: set[int] = set()
        self._ents = None
        self.period_heads: dict = {}
        self.period_spans: dict = {}
        self.text = sent.text if text is None else text  # Span.text joins the tokens on every access

    def ents(self):
        """The sentence's entity spans (built once per sentence; a binary search in the doc's)."""
        if self._ents is None:
            ents = doc_ents(self.sent.doc)[0]
            starts = _ent_starts(ents)
            lo = bisect.bisect_left(starts, self.sent.start)
            out = []
            for e in ents[lo:]:
                if e.start >= self.sent.end:
                    break
                if e.end <= self.sent.end:
                    out.append(e)
            self._ents = out
        return self._ents

    # ---- entities

    def entity(self, tok, owner: int = 0):
        """(id, surface) if `tok` names a company (or product), ("REGION", name) for a region, else None.

        An untracked name counts when the NER calls it an organisation or product; with `owner` (the
        token is the possessor or a modifier of the metric, "Xiaomi's revenue", "revenue at Arm") a
        capitalised name the NER missed or took for a person counts too."""
        if tok.lower_ in _PRONOUNS or tok.pos_ == "PRON" or tok.lower_ in NON_COMPANY_SUBJECTS:
            return None
        ent = _ent_of(tok)
        if ent is not None and ent.label_ in ("DATE", "MONEY", "PERCENT", "CARDINAL", "QUANTITY", "ORDINAL", "TIME"):
            return None
        if ent is not None:
            toks = [t for t in ent if t.dep_ != "case" and t.text not in ("'s", "’s", "'", "’") and t.lower_ != "the"]
        else:
            if tok.pos_ != "PROPN" and not (tok.dep_ == "poss" and tok.is_upper and len(tok.text) > 1):
                return None
            toks = [t for t in tok.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"] + [tok]
        if not toks or any(t.i in self.fig_token_ids or t.like_num or t.lower_ in CUR_PREFIX for t in toks):
            return None
        surface = tok.doc[toks[0].i: toks[-1].i + 1].text
        surface = re.sub(r"(?:'s|’s|'|’)$", "", surface).strip()
        if ent is not None and re.search(r"\S(?:'s|’s)\s+[A-Z]", surface):
            own = re.split(r"(?:'s|’s)\s+", surface)[-1]
            if own.split()[-1].rstrip(".").lower() in _CORP_SUFFIXES or self.resolve(own):
                surface = own  # "Braun's Ithaca Holdings": the company, not its owner's name
        low = surface.lower().removeprefix("the ")
        if low in REGION_SET:
            return ("REGION", surface.removeprefix("the "))
        if low in SOURCE_ORGS or low.split()[0] in {"analysts", "analyst"}:
            # a source quoted is no owner, but a bank's own figure is its own ("JPMorgan's investment banking fees")
            if not (owner == 2 and tok.dep_ == "poss" and low not in {"analysts", "analyst"} and tok.head.pos_ == "NOUN"
                    and tok.head.lower_ not in _SOURCE_HEADS):
                return None
        if low in NO_STRIP_ENT_WORDS or low in NON_COMPANY_SUBJECTS:
            return None
        if any(low == w or low.startswith(w + " ") for w in INDEX_WORDS):
            return None
        eid = (ent.ent_id_ if ent is not None and ent.ent_id_ else None) or self.resolve(surface)
        if ent is None and eid is not None and len(toks) > 1 and toks[-1].lower_ not in _CORP_SUFFIXES \
                and self.resolve(tok.doc[toks[0].i: toks[-1].i].text) == eid and self.resolve(toks[-1].text) != eid:
            eid = None  # "Alibaba Health", "Tencent Music": a unit the alias table does not know, kept by its name
        if eid is None and toks[0].i > 0 and tok.doc[toks[0].i - 1].lower_.rstrip(".") in _TITLES:
            return None  # "President Donald Trump", "CEO Craig Menear": a person
        if eid is None:
            # an untracked name is a subject only when the NER calls it an organisation (or a product):
            # people, places, events and bare capitalised words are not companies
            # owner: 2 = possessor/modifier of the metric, 1 = subject of the figure's verb
            label = ent.label_ if ent is not None else None
            if owner and label in ("PERSON", "FAC", "WORK_OF_ART") and _company_possessed(toks[-1], self):
                pass  # "Tencent's Weixin", "Baidu's Apollo Go": a company's product or unit, not a person
            elif label == "PERSON" and (toks[-1].lower_ in _ORG_HEAD_WORDS or _named_as_company(toks[0])):
                pass  # "Ironbark Minerals", "iron ore producer X": a company the NER took for a person
            elif label is None or label == "PERSON":
                # a one-word name the NER calls a person may be a company ("Xiaomi delivered ..."); a full
                # name ("Adam Neumann") is a person (surnames of people named in full: _doc_context)
                if not owner or (label == "PERSON" and owner < 2 and len(toks) > 1) or not (tok.is_title or tok.is_upper):
                    return None
            elif label in ("NORP", "FAC", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE"):
                return None
            elif label in ("GPE", "LOC") and owner < 2:
                return ("REGION", surface.removeprefix("the "))
        return (eid, surface)

    # ---- noun phrases

    def np(self, head):
        """Metric text for a noun head: premodifiers kept, determiners/possessives/dates/companies stripped.

        Returns (text, subject_from_inside, region_from_inside)."""
        subject = None
        poss_subject = None
        region = None
        keep = {head.i}

        def visit(t):
            nonlocal subject, region, poss_subject
            for ch in t.lefts:
                if ch.dep_ == "poss" and ch.pos_ == "PROPN" and poss_subject is None:
                    e = self.entity(ch, owner=2)
                    if e is not None and e[0] != "REGION":
                        poss_subject = e
                if ch.dep_ in ("det", "poss", "case", "predet", "nummod", "quantmod", "punct", "cc", "prep", "aux", "neg", "appos"):
                    if ch.dep_ == "punct" and ch.text in ("-", "–"):
                        keep.add(ch.i)
                    continue
                if ch.i in self.fig_token_ids:
                    continue
                if (ch.ent_type_ == "DATE" and ch.pos_ != "ADJ" and ch.lower_ not in _FREQ) or re.fullmatch(r"(19|20)\d\d", ch.text):
                    continue
                if ch.lower_ in _DROP_MODS:
                    continue
                if ch.lower_ not in NO_STRIP_ENT_WORDS and ch.pos_ == "PROPN":
                    ent = self.entity(ch, owner=2)
                    named_org = ent is not None and ent[0] is None and ch.dep_ == "compound" and _ent_of(ch) is not None \
                        and _ent_of(ch).label_ == "ORG" and _ent_of(ch).end == ch.i + 1 and len(_ent_of(ch)) >= 2 \
                        and head.lower_ not in _INSTRUMENT_NOUNS
                    if ent is not None and (ent[0] is not None or ent[0] == "REGION" or named_org):
                        # "Athena Advisers sales": an organisation the NER names before the metric is its owner
                        if ent[0] == "REGION":
                            region = region or ent[1]
                        else:
                            subject = subject or ent
                        continue
                    if ent is not None and ent[0] == "REGION":
                        region = region or ent[1]
                        continue
                keep.add(ch.i)
                visit(ch)

        visit(head)
        # contiguous run of kept tokens ending at the head
        doc = head.doc
        i = head.i
        while i - 1 in keep:
            i -= 1
        # drop leading hyphens
        while i < head.i and doc[i].text in ("-", "–"):
            i += 1
        words = doc[i: head.i + 1].text
        words = re.sub(r"\s*-\s*", "-", words)
        if doc[i].is_sent_start and doc[i].is_title and not doc[i].ent_type_ and len(doc[i].text) > 1:
            words = words[0].lower() + words[1:]
        # "Amazon's AWS segment sales": the named unit next to the metric is closer than the possessor
        return words, subject or poss_subject, region

    def noun_head(self, tok):
        if tok is None:
            return None
        if tok.pos_ in ("NOUN", "PROPN", "NUM", "X", "ADJ", "PRON"):
            return tok
        return None


# last words of company names the NER often takes for people's ("Ironbark Minerals", "Model Studio")
_ORG_HEAD_WORDS = {"minerals", "mining", "energy", "studio", "studios", "motors", "labs", "lab", "bank", "capital", "partners",
                   "group", "systems", "technologies", "technology", "tech", "pharma", "pharmaceuticals", "foods", "airlines",
                   "airways", "media", "software", "networks", "robotics", "semiconductor", "semiconductors", "electronics",
                   "resources", "industries", "holdings", "ventures", "securities", "insurance", "logistics", "entertainment",
                   "games", "cloud", "engine", "services", "solutions", "communications", "telecom", "power", "steel", "iron",
                   "chemicals", "materials", "brands", "retail", "stores", "exchange", "fund", "trust", "financial", "health",
                   "biotech", "therapeutics", "aerospace", "automotive", "ai", "records", "music", "pictures", "realty",
                   "properties", "advisers", "advisors", "associates", "bancorp", "petroleum", "oil", "gas", "mobile", "digital"}


_TRADE_NOUNS = {"producer", "manufacturer", "miner", "operator", "provider", "supplier", "lender", "insurer", "distributor",
                "exporter", "importer", "refiner", "shipper", "builder", "owner", "investor", "fund", "unit",
                "subsidiary", "rival", "competitor", "peer", "carmaker"}  # besides _COMPANY_NOUNS


def _named_as_company(first) -> bool:
    """"iron ore producer Ironbark Minerals", "chip maker X": a name after a noun of what a company does."""
    prev = first.doc[first.i - 1] if first.i > 0 else None
    return prev is not None and prev.pos_ == "NOUN" and (prev.lower_ in _COMPANY_NOUNS or prev.lower_ in _TRADE_NOUNS)


def _company_possessed(tok, ctx) -> bool:
    """Is the name possessed by a company ("Tencent's Weixin")? Then it is the company's product or unit."""
    for ch in tok.children:
        if ch.dep_ == "poss" and ch.pos_ == "PROPN":
            e = _ent_of(ch)
            if (e is not None and (e.label_ == "ORG" or e.ent_id_)) or ctx.resolve(ch.text) is not None:
                return True
    return False


def _is_verb(t) -> bool:
    return t.pos_ in ("VERB", "AUX")


def _children(t, deps):
    return [c for c in t.children if c.dep_ in deps]


# verbs whose particle "up" is no rise: "made up 55% of exports", "took up", "set up"
_NOT_MOVES = {"made", "make", "makes", "making", "took", "take", "takes", "set", "sets", "picked", "wrapped", "ended",
              "end", "signed", "sign", "showed", "show", "opened", "add", "adds", "added"}


# verbs that "up"/"down" as a particle turn into a movement ("went up 5%", "closed down 2%", "ticked up");
# other phrasal verbs are no movement ("made up 55%", "pony up $12", "signed up 2 million users")
_PARTICLE_MOVES = {"go", "goes", "going", "went", "gone", "move", "moves", "moved", "moving", "come", "comes", "came",
                   "coming", "tick", "ticks", "ticked", "inch", "inched", "edge", "edges", "edged", "creep", "crept",
                   "shoot", "shot", "bump", "bumped", "mark", "marked", "ratchet", "ratcheted", "trade", "traded",
                   "trading", "trades", "close", "closed", "closes", "finish", "finished", "head", "headed", "push",
                   "pushed", "drive", "drove", "driven", "revise", "revised", "scale", "scaled", "step", "stepped",
                   "trend", "trended", "trending", "drift", "drifted", "settle", "settled", "bid", "wind", "wound",
                   "was", "were", "is", "are", "be", "been"}
_HABITUAL_ADVS = {"often", "rarely", "usually", "typically", "generally", "normally", "seldom", "sometimes", "never",
                  "frequently", "routinely", "commonly", "always"}


_MULT_UP_WORDS = {"double", "triple", "quadruple", "growth", "twice"}  # a multiple's own word that says up


def _moves_with_particle(verb) -> bool:
    w = verb.lower_
    return (w in _PARTICLE_MOVES or w in UP or w in DOWN) and w not in _NOT_MOVES


def _habitual(verb) -> bool:
    """Present tense with a frequency adverb or a modal of possibility ("often exceed", "can top")."""
    return any(ch.lower_ in _HABITUAL_ADVS or (ch.dep_ == "aux" and ch.lower_ in ("can", "could", "may", "might"))
               for ch in verb.children) and verb.tag_ in ("VBZ", "VBP", "VB")


def _direction(root, tokens, kind: str, ctx: _Ctx) -> tuple[str, object]:
    """(direction, governing token)."""
    # figure word itself ("doubled", "halved", "triple-digit growth")
    for t in tokens:
        w = t.lower_
        if kind in ("multiple", "qualitative") and (w in UP or w in DOWN or w in _MULT_UP_WORDS):
            if w in DOWN or w in {"halved", "halve", "halving"}:
                return "down", t
            if w in UP or w in _MULT_UP_WORDS:
                return "up", t
    if kind == "multiple" and any(t.lower_ in ("half",) for t in tokens):
        return "down", tokens[0]
    # "up 5%", "down 4%" right before the figure
    doc = root.doc
    first = tokens[0]
    j = first.i - 1
    while j >= ctx.sent.start and doc[j].lower_ in ("about", "around", "roughly", "nearly", "almost", "more", "than", "over", "some", "by", "just", "only", "a", "an", "as", "much", "fully", "sharply"):
        j -= 1
    if j >= ctx.sent.start and doc[j].lower_ in ("up", "down") and not (doc[j].dep_ == "prt" and not _moves_with_particle(doc[j].head)):
        return ("up" if doc[j].lower_ == "up" else "down"), doc[j]
    t = root
    for _ in range(8):
        h = t.head
        if h.i == t.i:
            break
        if h.i in ctx.qual_token_ids or h.i in ctx.fig_token_ids:
            t = h
            continue
        w = h.lower_
        if w in ("gain", "gains") and kind == "money" and h.pos_ == "NOUN":
            return "none", h
        if t.i in ctx.fig_token_ids and t.dep_ in ("nummod", "compound", "quantmod", "amod", "nmod") and h.pos_ == "NOUN" and h.i > t.i \
                and w not in CHANGE_NOUNS and w not in UP and w not in DOWN and h.i not in ctx.fig_token_ids \
                and h.ent_type_ not in ("DATE", "TIME") and w not in ("yoy", "qoq", "year", "quarter", "month", "week", "day"):
            return "none", None  # "its proposed $5-billion takeover": a level naming its noun; verbs above it move other things
        if w in _SPEECH_VERBS and t.dep_ in ("ccomp", "parataxis"):
            return "none", None  # "there are 400 breaks a year, he added": the reporting verb moves nothing
        if w in LEVEL_REACH_VERBS and _habitual(h):
            return "none", h  # "prices often exceed 40,000 euros": a comparison that holds, not a movement
        if w in UP or w in DOWN:
            if w in ("lost", "loses", "losing", "raised", "raise", "raises", "raising") and kind in ("money", "count") and (t.dep_ in ("dobj", "nummod", "compound") or t.i in ctx.qual_token_ids):
                return "none", h
            if w == "cut" and kind == "money" and t.dep_ == "dobj" and not _children(h, ("dobj",)):
                return "down", h
            return ("up" if w in UP else "down"), h
        if _is_verb(h):
            for p in _children(h, ("prt", "advmod", "acomp")):
                if p.dep_ == "prt" and not _moves_with_particle(h):
                    continue  # "made up 55% of exports", "pony up $12": a phrasal verb, not a movement
                if p.lower_ in ("up", "higher"):
                    return "up", h
                if p.lower_ in ("down", "lower"):
                    return "down", h
            if h.lower_ in ("is", "was", "were", "are", "be", "been", "being", "expected", "set", "forecast", "expects", "keep") and h.dep_ in ("xcomp", "ccomp", "conj"):
                t = h
                continue
            return "none", h
        if h.pos_ == "NOUN" and t.dep_ in ("pobj",) and h.lower_ not in CHANGE_NOUNS:
            # "an operating loss of X": keep climbing to see whether the loss widened
            pass
        t = h
    return "none", None


_INDEX_NAMES = tuple(w for w in INDEX_WORDS if w not in ("yuan", "dollar", "yen", "euro", "renminbi", "benchmark"))


def _index_name(tok) -> str | None:
    """"Japan's Nikkei 225 (N225)", "the pan-European STOXX 600": the name of a market index."""
    window = tok.doc[tok.left_edge.i: min(tok.i + 2, len(tok.doc))].text.lower()
    if not any(w in window for w in _INDEX_NAMES):
        return None
    toks = [t for t in tok.subtree if (t.i == tok.i or t.dep_ not in ("poss", "case", "det", "punct", "appos")) and t.i <= tok.i
            and not any(a.dep_ in ("poss", "appos") for a in t.ancestors if a.i != tok.i and tok in a.ancestors)]
    toks = [t for t in toks if t.pos_ in ("PROPN", "NUM", "NOUN") and not (t.pos_ == "PROPN" and t.lower_ in REGION_SET)]
    if not toks:
        return None
    end = tok.i
    for r in tok.rights:  # "Nikkei 225", "CAC 40"
        if r.i == end + 1 and r.like_num:
            end = r.i
    if end == tok.i and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].like_num and tok.doc[tok.i + 1].head.i == tok.i:
        end = tok.i + 1
    text = tok.doc[toks[0].i: end + 1].text
    low = text.lower()
    if any(low == w or low.startswith(w + " ") or (" " + w + " ") in (" " + low + " ") for w in INDEX_WORDS if w not in ("yuan", "dollar", "yen", "euro", "renminbi", "benchmark")):
        return text
    return None


def _verb_metric(v, ctx: _Ctx, depth=0, fig_root=None):
    """Metric noun for a governing verb: its subject, or its object when the subject is a company."""
    if v is None or depth > 3:
        return None, None
    own_subj = next((c for c in _children(v, ("nsubj", "nsubjpass")) if c.tag_ not in ("WDT", "WP") and c.lower_ not in ("which", "that", "who")), None)
    # transitive change: "cut API prices by 90%", "raised its dividend by 32% to HK$4.50"
    if fig_root is not None and fig_root.dep_ == "pobj" and fig_root.head.lower_ in ("by", "to") and fig_root.head.head.i == v.i:
        obj = next((c for c in _children(v, ("dobj",)) if c.i not in ctx.fig_token_ids and not _holds_other_change(c, fig_root, ctx)), None)
        if obj is not None and ctx.entity(obj) is None:
            subj = next(iter(_children(v, ("nsubj", "nsubjpass"))), None)
            comp = ctx.entity(subj) if subj is not None else None
            return obj, (comp if comp is not None and comp[0] != "REGION" else None)
    if v.dep_ in ("acl", "relcl") and v.head.pos_ in ("NOUN", "PROPN") and v.lower_ not in LEVEL_VERBS_AS_METRIC and own_subj is None:
        return v.head, None  # "... cloud revenue, which grew 34%": the noun the clause describes
    subj = next(iter(_children(v, ("nsubj", "nsubjpass"))), None)
    company = None
    if subj is not None and subj.lower_ in ("yoy", "qoq"):
        subj = None
    if subj is not None:
        name = _index_name(subj)
        for ap in (a for a in subj.children if a.dep_ == "appos"):
            name = name or _index_name(ap)  # "Overseas, the pan-European STOXX 600 was up 0.49 per cent"
        if name is not None:
            return name, None
    if subj is not None and subj.pos_ == "ADJ" and subj.tag_ in ("JJS", "JJR"):
        return None, None  # "the largest was worth RMB 120 million": an adjective standing for a noun elsewhere
    if subj is not None:
        ent = ctx.entity(subj, owner=1)
        is_company = ent is not None and ent[0] != "REGION"
        if subj.lower_ in _PRONOUNS or subj.pos_ == "PRON" or is_company or subj.lower_ in NON_COMPANY_SUBJECTS:
            company = ent if is_company else None
            obj = next((c for c in _children(v, ("dobj",)) if c.i not in ctx.fig_token_ids and not _holds_other_change(c, fig_root, ctx)), None)
            if obj is not None:
                return obj, company
            inn = _pp_child_noun(v, ("in",), ctx)
            if inn is not None and inn.i not in ctx.fig_token_ids and inn.lower_ not in _SESSION_WORDS:
                return inn, company
            if is_company and subj.lower_ not in INDEX_WORDS:
                return None, company
            # "the company added $5 billion to its buyback": the figure is the object, the noun after "to"
            # is what it goes to (never a noun of another clause)
            if fig_root is not None and fig_root.dep_ == "dobj" and fig_root.head.i == v.i:
                to = _pp_child_noun(v, ("to", "into"), ctx)
                if to is not None and to.i not in ctx.fig_token_ids and ctx.entity(to) is None:
                    return to, company
            # pronoun subject: climb
            if v.dep_ in ("xcomp", "ccomp", "advcl", "conj") and v.head.i != v.i:
                m, comp = _verb_metric(v.head, ctx, depth + 1)
                return m, comp
            return None, company
        return subj, None
    obj = next((c for c in _children(v, ("dobj",)) if c.i not in ctx.fig_token_ids and not _holds_other_change(c, fig_root, ctx)), None)
    if v.dep_ in ("xcomp", "ccomp", "advcl", "conj", "pcomp") and v.head.i != v.i:
        h = v.head
        # "expects its AI capacity to double": controller is the head's object
        hobj = next((c for c in _children(h, ("dobj",)) if c.i not in ctx.fig_token_ids), None)
        if v.dep_ == "xcomp" and hobj is not None:
            hent = ctx.entity(hobj)
            if hent is None:
                return hobj, None
        if obj is not None:
            m, comp = obj, None
            hs = next(iter(_children(h, ("nsubj", "nsubjpass"))), None)
            if hs is not None:
                e = ctx.entity(hs)
                if e is not None and e[0] != "REGION":
                    comp = e
            return m, comp
        return _verb_metric(h, ctx, depth + 1)
    if obj is not None:
        return obj, None
    if subj is None and v.i > ctx.sent.start:
        # no subject in the parse ("According to X, the net worth of ... reached"): the noun phrase
        # right before the verb, up to where a name begins
        t, best = v.doc[v.i - 1], None
        for _ in range(6):
            if t.i in ctx.fig_token_ids or t.i < ctx.sent.start:
                break
            if t.pos_ == "NOUN" and _ent_of(t) is None and t.lower_ not in AGENT_NOUNS:
                best = t
            if t.head.i == t.i or t.head.i >= v.i or _ent_of(t.head) is not None:
                break
            t = t.head
        if best is not None:
            return best, None
    return None, None


def _holds_other_change(obj, fig_root, ctx) -> bool:
    """"reached 855 billion euros, an increase of 6%": a change noun holding another figure is that
    figure's, not the metric of the verb's other figures."""
    if obj.lower_ not in CHANGE_NOUNS:
        return False
    sub = list(obj.subtree)
    return any(t.i in ctx.fig_token_ids for t in sub) and (fig_root is None or fig_root not in sub)


def _is_verb_arg(root, v, ctx) -> bool:
    """Is the figure the object of `v` (through qualifiers, "for"/"at", "a total of")?"""
    t = root
    for _ in range(6):
        if t.head.i == v.i:
            return t.dep_ in ("dobj", "attr", "npadvmod", "oprd") or t.i in ctx.qual_token_ids or (t.dep_ == "prep" and t.lower_ in ("for", "at"))
        h = t.head
        if h.i == t.i:
            return False
        if h.i in ctx.qual_token_ids or h.lower_ in ("for", "at", "of") or h.lower_ in SKIP_HEAD_NOUNS:
            t = h
            continue
        return False
    return False


def _pp_child_noun(tok, preps=("of", "in"), ctx=None):
    for p in tok.children:
        if p.dep_ == "prep" and p.lower_ in preps:
            for o in p.children:
                if o.dep_ == "pobj" and o.pos_ in ("NOUN", "PROPN") and (o.ent_type_ not in ("DATE", "GPE", "ORG", "LOC", "NORP", "MONEY", "PERCENT") or o.lower_ in NO_STRIP_ENT_WORDS):
                    if o.lower_ in ("quarter", "year", "period", "month", "half"):
                        continue
                    return o
    return None


_PRICE_VERBS = {"launch", "launched", "launches", "priced", "available", "retail", "retails", "start", "starts", "costs",
                "cost", "go", "goes", "offered", "offer"}
_RELATIVE_BASE = re.compile(r"\s*,?\s*(?:a|one|the)\s(?:year|quarter|month|week)\s(?:earlier|ago|before)\b|\s*,?\s*(?:in|during)\sthe\s(?:previous|prior|same)\s(?:year|quarter|month|period)\b", re.I)
_COMPARED_QUALITIES = {"likely": "likelihood", "unlikely": "likelihood", "profitable": "profitability",
                       "expensive": "price", "cheaper": "price", "costlier": "price", "pricier": "price"}
_STOCK_WORDS = re.compile(r"\b(?:shares|stock)\b", re.I)
_AMOUNT_HEADS = {"number", "amount", "total", "volume", "count", "numbers"}
_PAY_VERBS = {"pay", "pays", "paid", "paying", "shell", "shells", "shelled", "pony", "fork", "forks", "forked", "cough", "splash", "splashed"}
_BUYERS = {"you", "anyone", "everyone", "consumers", "customers", "users", "buyers", "shoppers", "players", "subscribers", "fans", "readers", "viewers"}
_EXCHANGE_VERBS = {"sell", "sells", "selling", "sold", "purchase", "purchases", "purchasing", "purchased", "acquire", "acquires",
                   "acquiring", "acquired", "buy", "buys", "buying", "bought", "get", "gets", "getting", "got", "pay", "pays",
                   "paying", "paid", "rent", "rents", "renting", "rented", "lease", "leases", "leasing", "leased", "offer",
                   "offers", "offering", "offered"}
_ALLOCATE_VERBS = {v + e for v in ("spend", "allocate", "invest", "devote", "earmark", "dedicate", "channel") for e in ("", "s", "ed", "ing")} | {
    "spent", "use", "uses", "used", "using", "put", "puts", "putting"}
_SHARE_OF_VERBS = {"account", "accounts", "accounted", "accounting", "make", "makes", "made", "making", "represent",
                   "represents", "represented", "comprise", "comprises", "comprised"}


def _metric_direct(c: _Cand, root, ctx: _Ctx):
    """Constructions that name the metric outright, checked before the verb: "11% of global
    emissions", "electricity (5.4%)", "£5,000 worth of clothes", "launch ... for $9.99"."""
    # "X% of Y": the share of Y
    if c.kind == "percent":
        n = _pp_child_noun(root, ("of",), ctx)
        # "AI revenue accounted for 20% of cloud revenue": the share is the verb's subject's
        v = root.head.head if root.dep_ == "pobj" else root.head
        vs = next((ch for ch in v.children if ch.dep_ == "nsubj"), None) if v.lower_ in _SHARE_OF_VERBS else None
        owner_noun = vs is not None and vs.pos_ == "NOUN" and _ent_of(vs) is None and vs.lower_ not in AGENT_NOUNS
        if n is not None and not owner_noun and n.i not in ctx.fig_token_ids and ctx.entity(n) is None and n.lower_ not in AGENT_NOUNS:
            if root.dep_ == "dobj" and root.head.lower_ in _ALLOCATE_VERBS:
                # "spend about 70% of the new funds on compute": a share of the funds, not their amount
                return "share of " + ctx.np(n)[0]
            return n
    # a figure in parentheses right after a noun: "rechargeable (63.6%)", "in-feed units (30%)"
    first = c.tokens[0] if c.tokens else root
    doc = root.doc
    if first.i - 2 >= ctx.sent.start and doc[first.i - 1].text == "(":
        prev = doc[first.i - 2]
        ent = _ent_of(prev)
        if prev.pos_ in ("NOUN", "ADJ", "PROPN") and (ent is None or ent.label_ not in ("PERSON", "ORG", "GPE", "NORP", "LOC") or prev.is_lower) and prev.lower_ not in AGENT_NOUNS:
            return prev
    # "worth": "£5,000 worth of clothes", "accommodation worth more than £20,000"
    h = root.head
    bought = any(a.lower_ in LEVEL_VERBS_AS_METRIC or a.lower_ in ("back",) for a in (h, h.head, h.head.head))
    for w in (h, h.head):
        if w.lower_ == "worth" and not bought:
            n = _pp_child_noun(w, ("of",), ctx)
            if n is not None:
                return n
            if w.head.pos_ == "NOUN" and w.head.i not in ctx.fig_token_ids and w.head.lower_ not in AGENT_NOUNS:
                return w.head
    # "50 percent off": a discount, whatever is on sale
    if c.kind == "percent" and c.tokens and c.tokens[-1].i + 1 < ctx.sent.end and doc[c.tokens[-1].i + 1].lower_ == "off":
        return "discount"
    # "households with incomes less than $50,000": the noun right before the figure's qualifier
    if c.qual_start is not None and c.kind in ("money", "percent", "count"):
        q0 = next((t.i for t in c.tokens if t.i in ctx.qual_token_ids), first.i)
        while q0 - 1 in ctx.qual_token_ids:
            q0 -= 1
        prev = doc[q0 - 1] if q0 - 1 >= ctx.sent.start else None
        if prev is not None and prev.pos_ == "NOUN" and prev.tag_ in ("NN", "NNS") and prev.lower_ not in AGENT_NOUNS \
                and prev.ent_type_ not in ("DATE", "TIME") and prev.dep_ in ("pobj", "dobj", "nsubj", "attr", "conj", "appos"):
            return prev
    # "a budget request for $22.6bn", "a contract for $300 million": the noun the amount is for
    if c.kind == "money" and root.dep_ == "pobj" and root.head.lower_ == "for" and root.head.head.pos_ == "NOUN" \
            and root.head.head.lower_ not in AGENT_NOUNS and root.head.head.i not in ctx.fig_token_ids \
            and not (root.head.head.dep_ == "dobj" and root.head.head.head.lower_ in _EXCHANGE_VERBS):
        return root.head.head
    # "23% less likely than men", "20% less profitable than": the quality compared
    if c.kind in ("percent", "multiple") and root.head.lower_ in ("less", "more") and root.head.head.lower_ in _COMPARED_QUALITIES:
        return _COMPARED_QUALITIES[root.head.head.lower_]
    if c.kind in ("percent", "multiple") and root.head.lower_ in _COMPARED_QUALITIES:
        return _COMPARED_QUALITIES[root.head.lower_]
    # "twice the CTR": the noun the multiple quantifies
    if c.kind == "multiple" and first.lower_ == "twice" and first.i + 1 < ctx.sent.end:
        nxt = doc[first.i + 1]
        if nxt.dep_ in ("det", "poss") and nxt.head.pos_ in ("NOUN", "PROPN") and nxt.head.i > nxt.i:
            return nxt.head
    # a price: "launch ... for $9.99", "launched at $400", "costs $500"
    if c.kind == "money":
        if root.dep_ == "pobj" and h.lower_ in ("for", "at") and h.head.lower_ in _PRICE_VERBS:
            return "price"
        xv = h.head if h.head.dep_ != "dobj" else h.head.head  # "for $10" on the verb or on its object
        if root.dep_ == "pobj" and h.lower_ == "for" and xv.lower_ in _EXCHANGE_VERBS and (
                xv.lower_ not in LEVEL_VERBS_AS_METRIC or _children(xv, ("dative",))):
            # (a company selling or buying a business is read from the verb: "sold its stake for X" is a sale)
            # "purchased Big Machine for $300M": a company changing hands is a deal; anything else, a price
            objs = _children(xv, ("dobj",))
            if any((_ent_of(o).label_ == "ORG" if _ent_of(o) is not None else o.pos_ == "PROPN") or ctx.resolve(o.text) for o in objs):
                return "deal value"
            return "price"
        if root.dep_ == "dobj" and h.lower_ in _PAY_VERBS and (
                any(p.dep_ == "prt" for p in h.children) or any(ch.dep_ in ("advcl", "xcomp") and any(a.lower_ == "to" for a in ch.children) for ch in h.children)
                or any(sj.lower_ in _BUYERS for sj in _children(h, ("nsubj",)))):
            return "price"  # "shell out $15 to get Atmos support", "you can pay $10": what a buyer pays
        if root.dep_ in ("dobj", "attr", "npadvmod") and h.lower_ in ("costs", "cost") and any(
                ch.dep_ == "nsubj" and ch.pos_ == "PROPN" for ch in h.children):
            return "price"  # "the One X costs $500": a product's price
    return None


def _metric(c: _Cand, root, gov, ctx: _Ctx):
    """(metric head token or literal string, company from the verb)"""
    kind = c.kind
    direct = _metric_direct(c, root, ctx)
    if direct is not None:
        return direct, None
    # counts: the counted noun, unless the count is the level a metric moved to
    if kind == "count" and c.noun is not None:
        noun = c.noun
        if noun.dep_ == "pobj" and noun.head.lower_ in ("to", "by", "from") and _is_verb(noun.head.head):
            m, comp = _verb_metric(noun.head.head, ctx, fig_root=noun)
            if m is not None and (isinstance(m, str) or (m.i not in ctx.fig_token_ids and ctx.entity(m) is None)):
                return m, comp
        if noun.lower_ not in GENERIC_COUNT_UNITS:
            return noun, None
    # money/count followed by "of"/"in" + noun: "RMB 1 billion in subsidies", "$3.2 billion of convertible bonds"
    if kind in ("money", "count"):
        if root.head.lower_ != "worth" and root.lower_ != "worth":
            mapped = LEVEL_VERBS_AS_METRIC.get(gov.lower_) if gov is not None else None
            n = _pp_child_noun(root, ("of",) if mapped else ("of", "in"), ctx)
            if n is not None and n.lower_ not in ("shares",) and n.i not in ctx.fig_token_ids:
                if not (mapped in ALWAYS_VERB_METRIC and root.dep_ in ("dobj", "attr")):
                    return n, None
    # the noun the figure modifies: "a $4.5 billion charge", "a 1.6% drop in net profit"
    h = root.head
    if root.dep_ in ("nummod", "compound", "amod", "quantmod", "nmod", "npadvmod") and h.pos_ in ("NOUN", "PROPN") and h.i > root.i and h.lower_ not in SKIP_HEAD_NOUNS and h.lower_ not in ("yoy", "qoq"):
        if h.lower_ in CHANGE_NOUNS:
            n = _pp_child_noun(h, ("in", "of"), ctx)
            if n is not None:
                return n, None
            comp = [ch for ch in h.lefts if ch.dep_ == "compound" and ch.pos_ in ("NOUN", "PROPN") and ch.i not in ctx.fig_token_ids]
            if comp:  # "an 18% revenue increase"
                return comp[-1], None
            root, h = h, h.head
        elif kind == "money" and h.pos_ == "PROPN" and (_ent_of(h) is None or _ent_of(h).label_ in ("PRODUCT", "ORG", "WORK_OF_ART")):
            return "price", None  # "the $1,000 Meta Quest Pro", "the $279 Xbox One S": a product's price
        elif kind != "count" and h.lower_ not in ("year",) and h.ent_type_ != "DATE":
            return h, None
    # "an operating loss of X", "a stake of about 36%", "an increase of 28%"
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.pos_ in ("NOUN", "PROPN"):
        n = root.head.head
        if n.lower_ in CHANGE_NOUNS:
            nn = _pp_child_noun(n, ("in", "of"), ctx)
            if nn is not None:
                return nn, None
        elif n.lower_ not in SKIP_HEAD_NOUNS:
            return n, None
    # the baseline of an adverbial change ("..., down from $150 billion"): shares its sibling's metric
    if root.dep_ == "pobj" and root.head.lower_ == "from" and root.head.head.lower_ in ("up", "down"):
        # ... unless the figure is its clause's only one: "fleet sales were up from 13.2 percent"
        v = root.head.head.head
        own = {i for i in ctx.fig_token_ids if _clause_head(v.doc[i]).i == _clause_head(root).i}
        if _is_verb(v) and own <= {t.i for t in c.tokens} and (v.lower_ in _COPULAS or v.lower_ in UP or v.lower_ in DOWN):
            sj = next(iter(_children(v, ("nsubj",))), None)
            if sj is not None and sj.pos_ == "NOUN" and sj.lower_ not in AGENT_NOUNS and ctx.entity(sj) is None:
                return sj, None
        return None, None
    # "about 8% of its workforce" in apposition
    if kind == "percent" and root.dep_ in ("appos", "npadvmod", "conj"):
        n = _pp_child_noun(root, ("of",), ctx)
        if n is not None:
            return n, None
    # change nouns as governor: "triple-digit growth in X"
    if gov is not None and gov.lower_ in CHANGE_NOUNS:
        n = _pp_child_noun(gov, ("in", "of", "for"), ctx)
        if n is not None:
            return n, None
    # verb-governed
    v = gov if gov is not None and _is_verb(gov) else None
    if v is None:
        t = root
        for _ in range(8):
            if t.head.i == t.i:
                break
            t = t.head
            if _is_verb(t):
                v = t
                break
    if v is None:
        # verbless fragment: the noun the figure hangs on
        t = root.head
        if t.pos_ in ("NOUN", "PROPN") and t.i != root.i:
            return t, None
        return None, None
    vl = v.lower_
    if vl in LEVEL_VERBS_AS_METRIC and kind in ("money", "count"):
        is_obj = _is_verb_arg(root, v, ctx)
        if is_obj:
            subj = next(iter(_children(v, ("nsubj", "nsubjpass"))), None)
            company = ctx.entity(subj) if subj is not None else None
            if company is not None and company[0] == "REGION":
                company = None
            if True:
                if vl in ("bought", "buy") and any(ch.lower_ == "back" for ch in v.children):
                    return "buyback", company
                return LEVEL_VERBS_AS_METRIC[vl], company
    if vl in ("bought", "buy", "buys") and any(ch.lower_ == "back" for ch in v.children):
        subj = next(iter(_children(v, ("nsubj",))), None)
        return "buyback", ctx.entity(subj) if subj is not None else None
    m, comp = _verb_metric(v, ctx, fig_root=root)
    if m is not None and not isinstance(m, str) and m.i in ctx.fig_token_ids:
        m = None
    if m is None and comp is not None and kind in ("percent", "money") and gov is not None and gov.i == v.i and (vl in UP or vl in DOWN or any(p.lower_ in ("up", "down") for p in v.children)) \
            and not (kind == "money" and root.dep_ == "dobj") and not any(ch.dep_ == "prep" and ch.lower_ == "to" and ch.i > root.i for ch in v.children if kind == "money" and root.dep_ != "pobj"):
        return "shares", comp  # "Alibaba rose 3% to HK$150", not "Alibaba added $5 billion to its buyback"
    return m, comp


def _subject(metric_tok, inner_subject, verb_company, c: _Cand, root, ctx: _Ctx):
    if inner_subject is not None:
        return inner_subject
    if metric_tok is not None and not isinstance(metric_tok, str):
        for ch in metric_tok.children:
            if ch.dep_ == "poss":
                e = ctx.entity(ch, owner=2)
                if e is not None:
                    if e[0] == "REGION":
                        return ("REGION", e[1])
                    return e
            if ch.dep_ == "prep" and ch.lower_ in ("at", "of", "for", "from", "by"):
                for o in ch.children:
                    if o.dep_ == "pobj":
                        # "revenue at Arm", "a tender offer by SoftBank": the noun's owner or agent
                        e = ctx.entity(o, owner=2 if ch.lower_ in ("at", "by") else 0)
                        if e is not None and e[0] != "REGION" and not (ch.lower_ == "by" and _ent_of(o) is not None and _ent_of(o).label_ == "PERSON"):
                            return e
        # possessive on a noun the metric is governed by ("Alibaba's market share in China's cloud market")
        h = metric_tok.head
        if metric_tok.dep_ == "pobj" and h.head.pos_ in ("NOUN", "PROPN"):
            for ch in h.head.children:
                if ch.dep_ == "poss":
                    e = ctx.entity(ch, owner=2)
                    if e is not None and e[0] != "REGION":
                        return e
        # "Alibaba's Amap daily active users": compound/appos chain handled by np(); possessive of the compound
        for ch in metric_tok.lefts:
            if ch.dep_ == "compound":
                for cc in ch.children:
                    if cc.dep_ == "poss":
                        e = ctx.entity(cc, owner=2)
                        if e is not None and e[0] != "REGION":
                            return e
    if verb_company is not None:
        return verb_company
    # subject of the clause / a reporting verb above the figure
    t = root
    seen_region = False
    if metric_tok is not None and not isinstance(metric_tok, str):
        for ch in metric_tok.children:
            if ch.dep_ == "poss":
                e = ctx.entity(ch)
                if e is not None and e[0] == "REGION":
                    seen_region = True
                if ch.lower_ in ("its", "their"):
                    pass
    first_verb = True
    for _ in range(10):
        h = t.head
        if h.i == t.i:
            break
        if _is_verb(h):
            owner = 1 if first_verb else 0
            first_verb = False
            if owner == 1 and any(s.lower_ in COREF_NOUNS and s.lower_ not in ("stock", "shares") and ctx.entity(s) is None
                                  and any(d.lower_ in ("the", "this") for d in s.lefts) for s in _children(h, ("nsubj", "nsubjpass"))):
                return None  # "..., and the company added $5 billion": its own subject points back (coreference)
            if h.lower_ in _FINDING_VERBS:
                t = h
                continue  # "the Labor Department found that ...": a source
            if h.lower_ in _SPEECH_VERBS and t.dep_ in ("ccomp", "parataxis", "dobj"):
                # the speaker of a quote owns its figure only when the alias table knows it as a company
                sp = next(iter(_children(h, ("nsubj",))), None)
                e = ctx.entity(sp, owner=1) if sp is not None else None
                if e is not None and e[0] not in (None, "REGION"):
                    return e
                t = h
                continue
            subs = _children(h, ("nsubj", "nsubjpass"))
            if not subs and owner == 1 and h.tag_ in ("VBD", "VBZ", "VBP") and h.dep_ in ("advcl", "conj", "ccomp", "ROOT"):
                # a finite verb the parse left without a subject ("..., SoftBank, its largest investor,
                # committed to a $9.5 billion lifeline"): the company named right before it
                e = _name_before(h, ctx)
                if e is not None:
                    return e
            for s in subs:
                if s.i in ctx.fig_token_ids:
                    continue
                e = ctx.entity(s, owner=owner)
                if e is not None and e[0] != "REGION":
                    return e
                for ch in s.children:
                    if ch.dep_ == "poss" and s.lower_ not in AGENT_NOUNS:
                        e = ctx.entity(ch, owner=2)
                        if e is not None and e[0] != "REGION":
                            return e
                    if ch.dep_ == "prep" and ch.lower_ in ("at", "of"):
                        for o in ch.children:
                            e = ctx.entity(o)
                            if e is not None and e[0] != "REGION":
                                return e
            for s in _children(h, ("agent",)):
                pass
        t = h
    if seen_region:
        return None
    if metric_tok is not None and not isinstance(metric_tok, str) and (metric_tok.lower_ in INDEX_WORDS or metric_tok.lower_ in ("index", "market", "economy")):
        return None
    # nearest company named in the figure's own clause (or a clause it hangs from)
    best = None
    chain = _clause_chain(root)
    for ent in ctx.ents():
        # a tracked company only: an untracked name must own the figure grammatically
        if not ent.ent_id_ and ctx.resolve(ent.text) is None:
            continue
        e = ctx.entity(ent.root)
        if e is None or e[0] in (None, "REGION") or _is_source(ent) or _clause_head(ent.root).i not in chain:
            continue
        # skip quoted sources: "according to X", "X said" after the clause
        prev = ctx.sent.doc[ent.start - 2: ent.start].text.lower() if ent.start - 2 >= 0 else ""
        if "according to" in prev:
            continue
        if ent.label_ == "PERSON" and e[0] is None:
            continue
        d = abs(ent.start - root.i)
        if best is None or d < best[0]:
            best = (d, e)
    return best[1] if best else None


def _name_before(verb, ctx):
    """The organisation named last before a subjectless verb, past its appositive, within its clause."""
    doc = verb.doc
    j = verb.i - 1
    lo = max(ctx.sent.start, verb.i - 10)
    while j >= lo:
        t = doc[j]
        if t.pos_ == "VERB":
            return None  # another clause's verb comes first
        ent = _ent_of(t)
        if ent is not None and ent.label_ == "ORG" and not _is_source(ent):
            e = ctx.entity(ent.root, owner=1)
            return e if e is not None and e[0] != "REGION" else None
        j -= 1
    return None


def extract_figures(sent, article_id: str, sentence_idx: int, resolve_entity: Resolver) -> list[Figure]:
    """All figures in one sentence (a spaCy Span with entities and a dependency parse)."""
    text = _doc_text(sent.doc)[sent.start_char: sent.end_char]  # one Doc.text per doc, shared with _LazyText
    cands = _candidates(sent, text)
    if not cands:
        return []
    ctx = _Ctx(sent, resolve_entity or (lambda _t: None), text)
    for c in cands:
        c.tokens = _span_tokens(sent, c)
        if c.kind == "count" and c.noun is not None:
            num = _span_tokens(sent, _Cand(c.start, c.num_end, "count", 0))
            ctx.fig_token_ids.update(t.i for t in num)
        else:
            ctx.fig_token_ids.update(t.i for t in c.tokens)
        if c.qual_start is not None:
            q = _span_tokens(sent, _Cand(c.qual_start, c.start, "q", 0))
            ctx.qual_token_ids.update(t.i for t in q)
    periods = find_periods(text)
    fig_spans = [(c.start, c.end) for c in cands]
    region_sent = find_region(text, lambda off: _is_company_at(sent, off, ctx))

    rows = []
    for c in cands:
        toks = c.tokens
        if not toks:
            continue
        root = _root(toks)
        direction, gov = _direction(root, toks, c.kind, ctx)
        mtok, verb_company = _metric(c, root, gov, ctx)
        inner_subject = None
        region = None
        if isinstance(mtok, str):
            metric = mtok
        elif mtok is not None:
            if mtok.lower_ in _AMOUNT_HEADS:
                # "the number of transactions grew 30%": what is counted, not "number"
                of = _pp_child_noun(mtok, ("of",), ctx)
                mtok = of if of is not None and of.i not in ctx.fig_token_ids else mtok
            metric, inner_subject, region = ctx.np(mtok)
            seg = _segment_of(mtok, ctx)
            if seg is not None:
                metric = f"{metric} at {seg}"
        else:
            metric = None
        subj = _subject(None if isinstance(mtok, str) else mtok, inner_subject, verb_company, c, root, ctx)
        if isinstance(mtok, str) and subj is None:
            subj = _subject(None, None, None, c, root, ctx)
        if subj is not None and subj[0] == "REGION":
            region = region or subj[1]
            subj = None
        if subj is not None and subj[0] is None and isinstance(mtok, str) and mtok != "shares" and any(
                w in mtok.lower().split() or mtok.lower().startswith(w) for w in INDEX_WORDS):
            subj = None  # an index's move belongs to no company ("Overseas, the STOXX 600 was up 0.49%")
        if metric is not None and metric.lower() in _FLOW_WORDS:
            # "an outflow of RMB 15.2 billion": a cash flow, named by the sentence when it says which
            m = re.search(r"\b(?:(?:free|operating|net)\s+)?cash\s+flows?\b", text, re.I)
            metric = m.group(0).lower() if m else "cash flow"
        if metric is not None and metric.lower() in ("it", "they", "company", "which", "that", "m", "mn", "bn", "pct", "%", "percent"):
            metric = None
        if metric is not None and not isinstance(mtok, str) and mtok is not None and (_is_agent(mtok, ctx) or _bare_change(metric, c)):
            metric = None
        change, direction = _change(c, root, gov, direction, ctx)
        if c.kind in ("percent", "percentage_points") and change == "level" and metric is not None and re.search(r"\b(?:growth|increase|decline|drop|rise)$", metric.lower()):
            change, direction = "change", ("down" if re.search(r"(?:decline|drop)$", metric.lower()) else (direction if direction != "none" else "up"))
        if metric is not None and metric.lower() in _UNIT_WORDS:
            metric = None  # "12.2 MB (-70%)": a unit is not what is measured
        if metric is None and c.kind == "percent" and change == "change" and _STOCK_WORDS.search(text):
            metric = "shares"  # "a major gain for shares, climbing more than 80%": the stock's move
        if c.sign is not None:
            change, direction = "change", ("up" if c.sign == "+" else "down")
            if metric is None:
                metric = _column_header_metric(sent, c)
            if subj is None:
                subj = _row_label_company(sent, c, ctx)
        rows.append([c, direction, _canon_metric(metric, c, text), subj, region or region_sent, gov, root, change, mtok])

    _inherit(rows)
    out = []
    for c, direction, metric, subj, region, gov, root, change, mtok in rows:
        doc_ctx = _doc_context(sent.doc, ctx) if subj is None or (subj[0] is None and " " not in subj[1]) else None
        if doc_ctx is not None and subj is not None and subj[1].lower() in doc_ctx["people"]:
            subj = None  # a person the article names in full
        if subj is not None and _is_product(subj, ctx) and not _owns_metric(subj, mtok) and not _verb_owner(subj, root):
            # a product named near a company-level figure ("tools such as Lingma, which drove an 18%
            # revenue increase") is not whose figure it is
            subj = None
        if subj is None:
            subj = _subject_from_context(c, root, gov, metric, mtok, ctx, doc_ctx or _doc_context(sent.doc, ctx))
        chain = _clause_chain(root)
        period = _period_for(c, periods, fig_spans, lambda p: _period_allowed(p, chain, sent, ctx), text,
                             own=lambda p: _period_clause(p, sent, ctx) is not None and _period_clause(p, sent, ctx).i == chain[0],
                             inside=lambda p: _period_inside(p, sent, ctx, cands))
        if period is not None and change == "base" and _RELATIVE_BASE.match(text, c.end):
            period = None  # "down from 6.2% a year earlier": the base's time is relative, not the clause's period
        if period is not None and (period in WEEKDAYS or re.fullmatch(r"[A-Z][a-z]+ \d{1,2}(?: \d{4})?", period)) and not _market_move(c, direction, metric):
            period = None  # the day an amount was announced is not its period
        basis = next((p.norm for p in periods if p.comparison and _period_allowed(p, chain, sent, ctx)), None)
        qs = c.qual_start if c.qual_start is not None else c.start
        out.append(
            Figure(
                article_id=article_id,
                sentence_idx=sentence_idx,
                surface=text[qs: c.end],
                kind=c.kind,
                value=c.value,
                value_high=c.value_high,
                unit=c.unit,
                currency=c.currency,
                qualifier=c.qualifier,
                direction=direction,
                metric=metric,
                subject_id=subj[0] if subj else None,
                subject=subj[1] if subj else None,
                period=period,
                region=region,
                start=qs,
                end=c.end,
                change=change,
                basis=basis,
            )
        )
    return out


_SOURCE_HEADS = {"estimate", "estimates", "forecast", "forecasts", "analysis", "report", "data", "survey", "note", "notes",
                 "view", "target", "targets", "analysts", "analyst", "research", "model", "calculations", "index"}
_CORP_SUFFIXES = {"group", "holding", "holdings", "inc", "inc.", "corp", "corp.", "corporation", "ltd", "ltd.", "limited",
                  "co", "co.", "plc", "ag", "sa", "llc", "company"}
_HEADER_RE = re.compile(r"([A-Za-z][\w-]*(?:[ \t]+[A-Za-z][\w-]*){0,3})\s*\(\s*%[^)\n]{0,30}\)")


_TEXT = threading.local()


class _LazyText:
    """Slices of a doc's text by character offsets, without joining the whole doc (Doc.text builds a
    Token for every word: on a long page that was a quarter of the figure stage)."""

    __slots__ = ("doc",)

    def __init__(self, doc):
        self.doc = doc

    def __getitem__(self, sl: slice) -> str:
        start, end = max(0, sl.start or 0), sl.stop
        if end is None or end <= start:
            return ""
        last = getattr(_TEXT, "last", None)
        if last is not None and last[0] is self.doc:
            return last[1][start:end]
        sp = self.doc.char_span(start, end, alignment_mode="expand")
        if sp is None or len(sp) == 0:
            return _doc_text(self.doc)[start:end]
        text = self.doc[sp.start: sp.end].text_with_ws
        off = start - sp.start_char
        if off < 0:
            text, off = " " * -off + text, 0
        return text[off: off + (end - start)]


def _doc_text(doc) -> str:
    """The doc's text, kept for the last doc (Doc.text joins every token on each access)."""
    last = getattr(_TEXT, "last", None)
    if last is None or last[0] is not doc:
        last = (doc, doc.text)
        _TEXT.last = last
    return last[1]


def _column_header_metric(sent, c):
    """A signed percentage in a table row ("13.4 MB (-81%)") measures what the nearest column header
    before it names as a percentage ("Patch Size (% vs original)")."""
    doc = sent.doc
    start = sent.start_char + c.start
    before = _doc_text(doc)[max(0, start - 3000):start]
    at = max(before.rfind("(%"), before.rfind("( %"))
    if at < 0:
        return None
    m = None
    for m in _HEADER_RE.finditer(before[max(0, at - 80): at + 40]):
        pass  # the header nearest the figure
    if m is None:
        return None
    words = [w for w in m.group(1).split() if not w.startswith("(")][-2:]
    return " ".join(words).lower() if words else None


def _row_label_company(sent, c, ctx):
    """A table row's first cell ("Google Maps | 32.7 MB | 17.5 MB (-46%)", cells on their own lines):
    the company the alias table knows it by, else None."""
    doc = sent.doc
    start = sent.start_char + c.start
    before = _doc_text(doc)[max(0, start - 400):start]
    cells = [x.strip() for x in re.split(r"\n\s*\n|\s{3,}", before)]
    cells[-1] = cells[-1] + " %"  # the figure's own cell
    for cell in reversed(cells):
        if not cell or re.fullmatch(r"[\d.,\s%()+\-−A-Za-z]*\d[\d.,\s%()+\-−A-Za-z]*", cell) and len(re.findall(r"[A-Za-z]+", cell)) <= 2 and re.search(r"\d", cell):
            continue  # a number cell ("17.5 MB (-46%)")
        if len(cell.split()) > 4 or not cell[:1].isupper():
            return None
        eid = ctx.resolve(cell)
        return (eid, cell) if eid else None
    return None


_SESSION_WORDS = {"trading", "trade", "session", "dealings", "deals"}  # "up 0.5% in morning trading": when, not what
_UNIT_WORDS = {"kb", "mb", "gb", "tb", "pb", "kbps", "mbps", "gbps", "ghz", "mhz", "km", "kg", "mm", "cm", "kwh", "mwh", "gwh",
               "mw", "gw", "byte", "bytes", "file", "files", "apk", "zip", "pdf", "usb", "cpu", "gpu", "ram", "photo"}
_FLOW_WORDS = {"outflow", "inflow", "cash outflow", "cash inflow", "outflows", "inflows"}
_SEGMENT_NOUNS = {"group", "unit", "division", "segment", "business", "arm", "subsidiary", "operations"}


def _segment_of(mtok, ctx):
    """"adjusted EBITA at its China e-commerce group": a figure of a segment of the company, not of the
    whole company: the segment's name, else None."""
    if mtok.lower_ in _SEGMENT_NOUNS:
        return None
    for p in mtok.children:
        if p.dep_ == "prep" and p.lower_ == "at":
            for o in p.children:
                if o.dep_ == "pobj" and o.lower_ in _SEGMENT_NOUNS and o.i not in ctx.fig_token_ids and any(
                        ch.dep_ == "poss" and ch.lower_ in ("its", "their") for ch in o.children):
                    words = [t for t in o.subtree if t.dep_ not in ("poss", "det", "case") and t.i <= o.i and t.i > p.i]
                    return re.sub(r"\s*-\s*", "-", " ".join(t.text for t in words)) if words else None
    return None


def _is_company_at(sent, off: int, ctx: _Ctx) -> bool:
    span = sent.doc.char_span(sent.start_char + off, sent.start_char + off + 1, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    e = ctx.entity(span[0])
    return e is not None and e[0] not in (None, "REGION")


def _inherit(rows) -> None:
    """Figures of one clause share what one of them found: "revenue was $3bn, up 5%" → both up."""
    chains = [_clause_chain(r[6]) for r in rows]
    for i, row in enumerate(rows):
        c, direction, metric, subj = row[:4]
        # only from figures of the same clause, or of a clause one hangs from: never from another clause
        others = sorted((r for j, r in enumerate(rows) if j != i and (chains[j][0] in chains[i] or chains[i][0] in chains[j])),
                        key=lambda r: abs(r[0].start - c.start))
        if metric is None:
            for r in others:
                if r[2] is not None:
                    row[2] = r[2]
                    row[3] = row[3] or r[3]
                    break
        if row[3] is None:
            for r in others:
                if r[2] == row[2] and r[3] is not None:
                    row[3] = r[3]
                    break
    for i, row in enumerate(rows):
        if row[1] != "none":
            continue
        gov = row[5]
        for r in sorted((r for j, r in enumerate(rows) if j != i), key=lambda r: abs(r[0].start - row[0].start)):
            if r[1] != "none" and r[2] == row[2] and r[3] == row[3]:
                if gov is None or gov.lower_ not in LEVEL_VERBS_AS_METRIC or gov.lower_ in ("valued", "values", "value"):
                    row[1] = r[1]
                break


def _period_for(c: _Cand, periods, fig_spans, allowed=lambda p: True, text: str = "", own=lambda p: False,
                inside=lambda p: None) -> str | None:
    """The stated period of the figure's own clause (or of a clause it hangs from); a comparison
    basis ("year on year") is never a period."""
    main = [p for p in periods if not p.comparison and not any(p.start >= s and p.end <= e for s, e in fig_spans)]
    comp: list = []
    attached = {}
    for p in main:
        # a period right after a figure belongs to it ("9 million in June"), and so does one inside
        # its phrase ("from $3.3 billion in its previous round in 2024")
        for s, e in fig_spans:
            if 0 <= p.start - e <= 5:
                attached[id(p)] = (s, e)
        if id(p) not in attached:
            owner = inside(p)
            if owner is not None:
                attached[id(p)] = owner
    mine = [p for p in main if attached.get(id(p)) == (c.start, c.end)]
    if mine:
        return mine[0].norm
    main = [p for p in main if allowed(p)]
    free = [p for p in main if id(p) not in attached]
    # a period stated after another figure of the clause is shared ("rose 12% to $9.8bn in Q3"), unless
    # that figure is the base the change is measured from ("from $34,410 in October 2015")
    shared = [p for p in main if id(p) in attached and not re.search(r"\bfrom\s+(?:about\s|around\s|roughly\s)?$", text[max(0, attached[id(p)][0] - 20): attached[id(p)][0]])]
    pool = free + shared
    if pool:
        # the figure's own clause first, then a free period before one stated after another figure
        return min(pool, key=lambda p: (not own(p), id(p) in attached, abs(p.start - c.end))).norm
    if comp:
        return comp[0].norm
    return None



# ----------------------------------------------------------------------------- change, clauses, document context


def _is_agent(tok, ctx) -> bool:
    """A metric head that names who acts (dealers, a company, a person), not what is measured."""
    if tok.lower_ in AGENT_NOUNS:
        return True
    ent = _ent_of(tok)
    return (ent is not None and ent.label_ in ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC") and not tok.is_lower
            and tok.lower_ not in NO_STRIP_ENT_WORDS)


_BARE_CHANGE = {"increase", "rise", "growth", "jump", "drop", "decline", "decrease", "surge", "fall", "climb", "gain", "slump"}


def _bare_change(metric: str, c: _Cand) -> bool:
    """"an increase", "gains": the movement, not the thing that moved."""
    w = metric.lower()
    w = w[:-1] if w.endswith("s") else w
    if c.kind == "money" and w in ("gain", "cut", "reduction"):
        return False  # "a gain of ¥2.5 trillion" is an amount
    return w in _BARE_CHANGE


def _canon_metric(metric: str | None, c: _Cand, text: str = "") -> str | None:
    # "$2.52 a share", "$2.53 in per-share earnings": earnings per share
    after = text[c.end: c.end + 12].lower()
    if c.kind == "money" and re.match(r"\s(?:a|per)\sshare\b", after) and re.search(r"earn|profit|predict|estimat|expect|forecast|report", text, re.I) \
            and not re.search(r"price|dividend|offer|paid|pay", text, re.I):
        return "earnings per share"
    if metric is None:
        return None
    low = metric.lower()
    if low == "earnings" and re.search(r"per-share earnings|earnings per share", text, re.I):
        return "earnings per share"
    if low == "share" and c.kind == "percent" and re.search(r"\bshare of (?:the )?[\w\s'’-]{0,40}\bmarket\b", text, re.I):
        return "market share"
    canon = METRIC_CANON.get(low)
    if canon is None and re.search(r"\b(?:shares|stock)$", low) and c.kind in ("percent", "money"):
        canon = "share price"
    if canon is None:  # "no-vote termination fee" → "termination fee"
        words = low.split()
        for k in range(1, len(words) - 1):
            tail = " ".join(words[k:])
            if " " in tail and tail in METRIC_CANON:
                if not set(words[:k]) & {"adjusted", "core", "gross", "operating", "underlying", "organic", "diluted", "basic"}:
                    canon = METRIC_CANON[tail]
                break
    if canon is None:
        return metric
    if canon == "share price" and c.kind not in ("percent", "money", "percentage_points"):
        return metric  # "200 million shares" are shares
    if canon == "price" and c.kind != "money":
        return metric
    return canon


def _change(c: _Cand, root, gov, direction: str, ctx) -> tuple[str, str]:
    """(level | change | base, direction): what the number is, read from the words that govern it."""
    if c.kind in ("multiple", "qualitative"):
        return "change", direction
    first = c.tokens[0] if c.tokens else root
    doc = root.doc
    after = doc[c.tokens[-1].i + 1] if c.tokens and c.tokens[-1].i + 1 < len(doc) else None
    # "from $47 billion to $8 billion", read from the words (the parse often makes it one quantity)
    qs = c.qual_start if c.qual_start is not None else c.start
    before = ctx.text[max(0, qs - 70): qs]
    if re.search(r"\bfrom\s+\S[^.;]{0,50}\bto\s*$", before, re.I):
        return "level", direction
    if re.search(r"\bfrom\s*$", before, re.I):
        return "base", direction
    # "50 percent off", "a 5 to 10 percent discount": a price cut
    if c.kind == "percent" and after is not None and after.lower_ in ("off", "discount", "discounts", "markdown"):
        return "change", "down"
    # a share in parentheses after its noun: "rechargeable (63.6%)"
    if first.i > 0 and doc[first.i - 1].text == "(" and after is not None and after.text == ")":
        return "level", "none"
    t = root
    for _ in range(6):  # climb over the figure's own tokens and its qualifier ("more than", "about")
        h = t.head
        if h.i == t.i or not (h.i in ctx.qual_token_ids or h.i in ctx.fig_token_ids or h.lower_ in ("than", "about", "nearly", "around", "roughly", "almost")):
            break
        t = h
    h = t.head
    hl = h.lower_
    # comparison base: "compared with 8%", "against $3bn", "from $47 billion"
    anc, a = [], t
    for _ in range(4):
        if a.head.i == a.i:
            break
        a = a.head
        anc.append(a.lower_)
    if t.dep_ == "pobj" and hl == "from":
        return "base", direction
    # "compared with positive free cash flow of RMB 13.7 billion": the base is the value of the compared noun
    if t.dep_ == "pobj" and hl == "of" and h.head.dep_ == "pobj" and h.head.head.lower_ in ("with", "to", "against") and (
            h.head.head.lower_ == "against" or h.head.head.head.lower_ in COMPARE_WORDS):
        return "base", direction
    if any(w in COMPARE_WORDS for w in anc[:3]) and not (t.dep_ == "pobj" and hl in ("to", "by")):
        if not (anc and anc[0] in ("than",) and c.kind == "percent"):
            return "base", direction
    if t.dep_ == "pobj" and hl == "to":
        return "level", direction
    # "fell to a record low of 3.7%": the level reached
    if t.dep_ == "pobj" and hl == "of" and h.head.dep_ == "pobj" and h.head.head.lower_ == "to":
        return "level", direction
    if t.dep_ == "pobj" and hl == "by":
        return "change", direction
    # "20% less profitable than", "30% lower on mobile", "8% higher"
    if hl in COMPARATIVE_UP or hl in COMPARATIVE_DOWN or (t.dep_ == "npadvmod" and h.pos_ in ("ADJ", "ADV")):
        if hl in COMPARATIVE_DOWN or hl in DOWN:
            return "change", "down" if direction == "none" else direction
        if hl in COMPARATIVE_UP or hl in UP:
            return "change", "up" if direction == "none" else direction
    # "a 40% increase in demand", "an increase of 6%"
    if h.lower_ in CHANGE_NOUNS and t.dep_ in ("nummod", "compound", "amod", "quantmod", "nmod", "npadvmod"):
        return "change", direction
    if t.dep_ == "pobj" and hl == "of" and h.head.lower_ in CHANGE_NOUNS:
        return "change", direction
    if gov is not None and (gov.lower_ in UP or gov.lower_ in DOWN) and gov.lower_ not in LEVEL_REACH_VERBS:
        if gov.lower_ in ("lost", "loses", "losing", "lose", "raised", "raise", "raises", "raising", "cut", "cuts") and c.kind in ("money", "count") and direction == "none":
            return "level", direction
        if c.kind in ("percent", "percentage_points"):
            return "change", direction
        if t.dep_ in ("dobj", "npadvmod", "advmod", "attr") or gov.lower_ in ("up", "down"):
            return "change", direction
    return "level", direction


_CLAUSE_DEPS = {"ROOT", "ccomp", "advcl", "relcl", "acl", "xcomp", "conj", "parataxis", "csubj", "pcomp"}


def _clause_head(tok):
    t = tok
    for _ in range(30):
        if (t.pos_ in ("VERB", "AUX") and t.dep_ in _CLAUSE_DEPS) or t.head.i == t.i:
            return t
        t = t.head
    return t


def _clause_chain(tok) -> list:
    """The clause of `tok` and the clauses it hangs from, innermost first."""
    out = []
    t = _clause_head(tok)
    for _ in range(8):
        out.append(t.i)
        if t.head.i == t.i:
            break
        t = _clause_head(t.head)
    return out


def _period_span(p, sent, ctx):
    spans = ctx.period_spans
    if id(p) not in spans:
        span = sent.doc.char_span(sent.start_char + p.start, sent.start_char + p.end, alignment_mode="expand")
        spans[id(p)] = None if span is None or len(span) == 0 else span
    return spans[id(p)]


def _period_clause(p, sent, ctx):
    heads = ctx.period_heads
    if id(p) not in heads:
        span = _period_span(p, sent, ctx)
        heads[id(p)] = None if span is None else _clause_head(span.root)
    return heads[id(p)]


def _period_inside(p, sent, ctx, cands):
    """The figure whose phrase holds the period ("from $3.3 billion in its previous round in 2024"),
    as its (start, end), else None."""
    span = _period_span(p, sent, ctx)
    if span is None:
        return None
    t = span.root
    for _ in range(6):
        if t.head.i == t.i or _is_verb(t.head):
            return None
        t = t.head
        for c in cands:
            if c.tokens and t.i in (x.i for x in c.tokens):
                return (c.start, c.end)
        if t.lower_ in ("from", "since", "versus", "than"):  # "from $3.3 billion ... in 2024": the base's
            for o in t.children:
                for c in cands:
                    if o.dep_ == "pobj" and c.tokens and o.i in (x.i for x in c.tokens):
                        return (c.start, c.end)
    return None


def _period_allowed(p, chain, sent, ctx) -> bool:
    head = _period_clause(p, sent, ctx)
    if head is None:
        return True
    if head.i in chain:
        return True
    # a clause that describes a noun of the figure's clause ("the price of a vehicle sold in October was")
    return head.dep_ in ("acl", "relcl") and _clause_head(head.head).i in chain and head.head.i < min(chain)


def _market_move(c: _Cand, direction: str, metric: str | None) -> bool:
    """A weekday is the period of a market move on that day (a share price, an index, a currency),
    not of an amount announced or a decision taken on it."""
    if metric is not None:
        low = metric.lower()
        return low in MARKET_METRICS or low == "share price" or any(w in low for w in ("index", "shares", "stock")) \
            or any(low == w or low.startswith(w + " ") for w in INDEX_WORDS)
    return c.kind in ("percent", "percentage_points") and direction in ("up", "down")


_DOCS = threading.local()


def _doc_context(doc, ctx) -> dict:
    """Companies named in the document, in order, and its main company (named most often, at least
    twice); built once per document."""
    last = getattr(_DOCS, "last", None)
    if last is not None and last[0] is doc:
        return last[1]
    doc_text = _LazyText(doc)
    mentions, counts, first = [], {}, {}
    for ent in doc_ents(doc)[0]:
        label = ent.label_
        if label not in ("ORG", "PRODUCT") and not ent.ent_id_:
            continue
        e = _mention_entity(ent, ctx, doc_text)
        if e is None or _is_source(ent, doc_text):
            continue
        key = e[0] or e[1].lower()
        r = ent.root
        if r.dep_ == "nsubj" and r.head.lower_ in _SPEECH_VERBS and not e[0]:
            continue  # "Maley said": a speaker, not the article's company
        is_subject = r.dep_ in ("nsubj", "nsubjpass") or (r.dep_ == "poss" and r.head.dep_ in ("nsubj", "nsubjpass"))
        mentions.append((ent.start, e, is_subject))
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, e)
    # names the NER did not call organisations, in an owner's place ("Coty's", "Yahoo said", "Coty acquired")
    seen = {i for i, _e, _s in mentions}
    for i in _owner_propns(doc):
        tok = doc[i]
        if tok.i in seen or not (tok.is_title or tok.is_upper) or len(tok.text) < 3 or tok.lower_ in REGION_SET:
            continue
        ent = _ent_of(tok)
        # "Beauty company Coty", "chip maker Zentro": named as a company, whatever the NER calls it
        named_company = any(ch.dep_ == "compound" and ch.lower_ in _COMPANY_NOUNS for ch in tok.children)
        if ent is not None and ent.label_ not in ("PERSON", "GPE") and not named_company:
            continue
        if tok.dep_ == "nsubj" and tok.head.lower_ in _SPEECH_VERBS:
            continue
        if any(ch.dep_ == "compound" and ch.pos_ == "PROPN" for ch in tok.children) or (tok.i > 0 and tok.doc[tok.i - 1].pos_ == "PROPN"):
            continue  # "Jeff Bezos", "Adam Neumann": a person's full name
        e = ctx.entity(tok, owner=2)
        if e is None or e[0] == "REGION":
            continue
        key = e[0] or e[1].lower()
        mentions.append((tok.i, e, tok.dep_ in ("nsubj", "nsubjpass")))
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, e)
    mentions.sort(key=lambda m: m[0])
    # people named in full somewhere in the article ("Matt Maley", "Adriane Burnett"): their surnames
    # alone are people too, whatever the NER calls them later
    people = {e.root.lower_ for e in doc_ents(doc)[0] if e.label_ == "PERSON" and len(e) >= 2 and not e.ent_id_
              and e.root.dep_ != "poss" and not doc_text[e.start_char: e.end_char].endswith(("'s", "’s"))}
    mentions = [m for m in mentions if m[1][0] or " " in m[1][1] or m[1][1].lower() not in people]
    counts = {}
    first = {}
    for _i, e, _s in mentions:
        key = e[0] or e[1].lower()
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, e)
    main, dominant = None, False
    if counts:
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        key, n = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0
        if n >= 2:
            main = first[key]
            # an article about one company: it is named at least three times, as often as all others
            # together, or half as often again as the next; or the lede names it and it leads the count
            lede_end = next(itertools.islice(doc.sents, 1, 2), doc[len(doc) - 1: len(doc)]).end
            in_lede = any(i < lede_end and (e[0] or e[1].lower()) == key for i, e, _s in mentions)
            dominant = n >= 3 and n * 2 >= sum(counts.values())
            if not dominant and ((n >= 3 and n * 2 >= second * 3) or (in_lede and n > second)):
                # named more than any other, or first in the lede: the article's company only when the
                # text shows it is a company (not a party, a people, a river or the blog's own brand)
                dominant = _company_evidence(key, mentions, doc, doc_text)
    out = {"mentions": mentions, "main": main, "dominant": dominant, "people": people}
    _DOCS.last = (doc, out)
    return out


_TICKER_AFTER = re.compile(r"\s*\((?:(?:NYSE|NASDAQ|Nasdaq|LSE|TSX|HKEX|SZSE|SSE|TSE|OTC)\s*:\s*)?[A-Z][A-Z.]{0,5}\)")
_CORP_CUE_AFTER = re.compile(r"(?:'s|’s)?\s+(?:shares|stock|chief executive|CEO|revenue|sales|earnings|profit|stock price|share price)\b|,?\s+(?:Inc|Corp|Co|Ltd|plc|LLC|AG|SA|N\.V)\b\.?")


def _company_evidence(key, mentions, doc, doc_text) -> bool:
    """Does the text show that the entity is a company? Tracked (and not "the Amazon"), a corporate
    suffix or a company noun before it, a ticker after its name ("Coty (COTY)"), or its shares, stock, CEO or revenue."""
    for i, e, _s in mentions:
        if (e[0] or e[1].lower()) != key:
            continue
        tok = doc[i]
        if e[0] and not (i > 0 and doc[i - 1].lower_ == "the"):
            return True
        if e[1].split()[-1].rstrip(".").lower() in _CORP_SUFFIXES or (i > 0 and doc[i - 1].lower_ in _COMPANY_NOUNS and doc[i - 1].lower_ not in ("group", "giant", "carrier", "developer")):
            return True  # "Coty Inc", "beauty company Coty"
        end = tok.idx + len(e[1]) if doc_text[tok.idx: tok.idx + len(e[1])] == e[1] else tok.idx + len(tok.text)
        after = doc_text[end: end + 40]
        if _TICKER_AFTER.match(after) or _CORP_CUE_AFTER.match(after):
            return True
    return False


_COMPANY_NOUNS = {"company", "firm", "group", "maker", "brand", "retailer", "startup", "giant", "bank", "carrier", "developer", "automaker", "chipmaker", "conglomerate"}


def _is_product(subj, ctx) -> bool:
    for ent in ctx.ents():
        if ent.label_ == "PRODUCT" and (ent.ent_id_ == subj[0] if subj[0] else ent.text == subj[1]):
            return True
    return False


def _owns_metric(subj, mtok) -> bool:
    """Is the product the possessor or a modifier of the metric ("Qwen's downloads", "Doubao users")?"""
    if mtok is None or isinstance(mtok, str):
        return False
    for ch in list(mtok.children) + [a for ch in mtok.children for a in ch.children]:
        if ch.dep_ in ("poss", "compound", "nmod") and (subj[1].split()[-1] in ch.text or ch.text in subj[1]):
            return True
    h = mtok.head  # "users of Qwen", "downloads for Doubao"
    if h.dep_ == "prep" and False:
        return True
    for p in mtok.children:
        if p.dep_ == "prep" and p.lower_ in ("of", "for", "at", "on"):
            for o in p.children:
                if o.text in subj[1] or subj[1].split()[-1] in o.text:
                    return True
    return False


def _verb_owner(subj, root) -> bool:
    """Is the product the subject of the figure's own verb ("DingTalk serves 26 million enterprises")?
    A relative pronoun ("tools such as Lingma, which drove ...") is not."""
    t = root
    for _ in range(8):
        if t.head.i == t.i:
            return False
        t = t.head
        if _is_verb(t):
            break
    for sj in _children(t, ("nsubj", "nsubjpass")):
        if sj.tag_ == "WDT" or sj.lower_ in ("which", "that", "who"):
            return False
        names = [sj] + [ch for ch in sj.children if ch.dep_ in ("compound", "poss")]
        if any(n.text in subj[1] or subj[1].split()[-1] in n.text for n in names):
            return True
    return False


def _sentence_region(ctx) -> bool:
    return any(e.label_ in ("GPE", "LOC") for e in ctx.ents())


def _mention_entity(ent, ctx, doc_text: str):
    """(id, name) of a company mention for the document context: the entity's own id or the alias
    table's, else its name; regions, indexes, sources and metric acronyms are not companies."""
    text = doc_text[ent.start_char: ent.end_char]
    if text.endswith(("'s", "’s")):
        text = text[:-2]
    text = text.strip()
    low = text.lower().removeprefix("the ")
    if not low or low in REGION_SET or low in SOURCE_ORGS or low in NO_STRIP_ENT_WORDS or low in NON_COMPANY_SUBJECTS:
        return None
    if any(low == w or low.startswith(w + " ") for w in INDEX_WORDS):
        return None
    if any(ch.isdigit() for ch in low[:1]) or low in _UNIT_WORDS:
        return None  # "17.8 MB": a unit, however often a table repeats it
    eid = ent.ent_id_ or ctx.resolve(text)
    return (eid or None, text.removeprefix("the ").removeprefix("The "))


def _owner_propns(doc) -> list[int]:
    """Indices of proper nouns in an owner's place (possessive or subject), read from the doc's arrays
    so that no Token is built for the other words."""
    import numpy as np
    from spacy.attrs import DEP, POS
    from spacy.parts_of_speech import IDS

    arr = doc.to_array([POS, DEP])
    deps = np.array([doc.vocab.strings.add(d) for d in ("poss", "nsubj", "nsubjpass")], dtype=arr.dtype)
    return np.nonzero((arr[:, 0] == IDS["PROPN"]) & np.isin(arr[:, 1], deps))[0].tolist()


def _is_source(ent, text: str | None = None) -> bool:
    """"according to X", "data from X", "X's report": a source quoted, not a company whose figure it is.
    `text`: the doc's text when the caller has it (Doc.text joins every token on each access)."""
    if text is None:
        doc = ent.doc
        before = doc[max(0, ent.start - 3): ent.start].text.lower()
        name = ent.text
    else:
        before = text[max(0, ent.start_char - 25): ent.start_char].lower().rstrip()
        name = text[ent.start_char: ent.end_char]
    if "according to" in before or before.endswith(("data from", "report from", "figures from", "analysis from", "survey by", "report by")):
        return True
    low = name.lower().removeprefix("the ")
    return low in SOURCE_ORGS


_COMPANY_METRICS_LOW = {m.lower() for m in COMPANY_METRICS}


def _coref_cue(root, gov, mtok, ctx, metric_name=None) -> bool:
    """Does the figure's clause point back to a company ("its revenue", "the company said", "the stock")?"""
    cands = []
    if mtok is not None and not isinstance(mtok, str):
        cands.append(mtok)
        cands.extend(ch for ch in mtok.children if ch.dep_ == "poss")
    v = gov if gov is not None and _is_verb(gov) else None
    t = root
    for _ in range(8):
        if v is not None:
            break
        if t.head.i == t.i:
            break
        t = t.head
        if _is_verb(t):
            v = t
    for _ in range(3):
        if v is None:
            break
        cands.extend(_children(v, ("nsubj", "nsubjpass")))
        if v.dep_ in ("xcomp", "conj", "advcl", "ccomp") and v.head.i != v.i:
            v = v.head
        else:
            break
    company_metric = metric_name is not None and metric_name.lower() in _COMPANY_METRICS_LOW
    for tok in cands:
        w = tok.lower_
        # "the company", "the firm", "the stock": always a company; "it"/"its" only with a company's metric
        if w in COREF_NOUNS and (any(ch.lower_ in ("the", "its", "this") for ch in tok.lefts) or w in ("stock", "shares")):
            return tok
        if not company_metric:
            continue
        if w in COREF_PRONOUNS and tok.pos_ == "PRON":
            return True
        if any(ch.dep_ == "poss" and ch.lower_ in ("its", "their") for ch in tok.children):
            return True
    return False


_SURVEY_CUE = re.compile(r"\b(?:survey(?:ed|s)?|respondents|poll(?:ed|s)?|questionnaire|study|studies)\b", re.I)
_POPULATION_NOUNS = {"people", "respondents", "developers", "consumers", "customers", "users", "adults", "americans", "workers",
                     "organizations", "organisations", "companies", "businesses", "firms", "teams", "women", "men", "parents",
                     "students", "voters", "households", "shoppers", "investors", "executives", "engineers", "professionals",
                     "participants", "employers", "children", "families", "residents", "citizens", "patients", "drivers"}
_PUBLIC_BODY_WORDS = {"agency": ("department", "ministry", "authority", "commission", "administration", "bureau"),
                      "council": ("municipal",), "municipality": ("municipal", "council")}


def _named_by_noun(cue, before):
    """"the department", "the council", "the bank": the last organisation named before whose name holds
    that noun ("Department of Environmental Protection"); "the agency" also names a public body."""
    if cue is True or cue is None:
        return None
    w = cue.lower_
    if w in ("company", "firm", "stock", "shares", "business", "group", "brand", "platform"):
        return None  # generic: the article's company (below)
    words = (w,) + _PUBLIC_BODY_WORDS.get(w, ())
    for e in reversed(before):
        name = e[1].lower()
        if any(re.search(rf"\b{x}", name) for x in words):
            return e
    return None


def _subject_from_context(c: _Cand, root, gov, metric, mtok, ctx, doc_ctx):
    """Coreference-lite: "the company", "its", "the stock" → the last company named before the
    figure, else the article's main company; a company metric with no owner in its sentence →
    the article's main company."""
    main = doc_ctx["main"]
    share_of = _pp_child_noun(root, ("of",), ctx) if c.kind == "percent" else None
    if _SURVEY_CUE.search(ctx.text) or (share_of is not None and share_of.lower_ in _POPULATION_NOUNS):
        return None  # "62% of developers", "a survey found": respondents' shares belong to no company
    cue = _coref_cue(root, gov, mtok, ctx, metric)
    if cue:
        before = [e for i, e, is_subj in doc_ctx["mentions"] if i < root.i]
        named = _named_by_noun(cue, before)
        if named is not None:
            return named
        if main is not None and main in before:
            return main
        subjects = [e for i, e, is_subj in doc_ctx["mentions"] if i < root.i and is_subj]
        if subjects:
            return subjects[-1]
        return main
    if main is None:
        return None
    company_metric = metric is not None and metric.lower() in _COMPANY_METRICS_LOW
    if not company_metric:
        # in an article about one company, a figure no one else owns is that company's, unless it
        # measures a market or an economy
        if not doc_ctx["dominant"] or (metric is not None and (metric.lower() in _ECONOMY_METRICS or any(
                w in metric.lower() for w in INDEX_WORDS))):
            return None
        if _sentence_region(ctx) or re.search(r"\baccording to\b", ctx.text, re.I):
            return None  # a market's, an economy's, or a quoted source's figure
    # another company named in the sentence makes the owner ambiguous
    for ent in ctx.ents():
        if ent.label_ in ("ORG", "PRODUCT") or ent.ent_id_:
            e = ctx.entity(ent.root)
            if e is not None and e[0] != "REGION" and not _is_source(ent) and e != main:
                return None
    return main
