"""Article text → ArticleAnnotation, in batches. Models are loaded by the caller and passed in.

One pass per batch: spaCy `nlp.pipe` for sentences, entities and parses; one embedding pass over all
sentences (reused for themes, summaries and, through the article vector, stories); one sentiment
pass over all sentences, batched. With the shipped model these two are one: a MiniLM trained for
sentiment whose second output is sentence embeddings distilled from all-MiniLM-L6-v2, so each
sentence goes through one transformer once.

The stages overlap: spaCy streams documents in the calling thread (it holds the GIL) while the
transformer models, which release it, already run on the sentences found so far (``submit``: length-
sorted batches on a pool of one thread per core, see ``onnx_encoder``). Sentences are handed over in
chunks of about ``CHUNK`` sentences (whole documents): a fixed size, not "whenever the models are idle", because
int8 models scale activations per batch, so which sentences share a batch must not depend on timing
(the same input gives the same output). Mentions and figures (Python) are done in the calling thread
between spaCy batches. Models without ``submit`` (torch) run in one background thread.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .entities import EntityTable
from .nlp import sent_ents, single_thread_blas
from .onnx_encoder import Part, reserve_core
from .records import (
    ArticleAnnotation, EntitySentiment, Figure, Mention, ModelInfo, Sentence, SentenceSentiment, ThemeScore,
)
from .summarize import mmr_select, reads_alone
from .themes import ThemeScorer

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

MIN_SENTENCE_CHARS = 3
PIPE_BATCH = 4  # documents per spaCy batch: small, so sentences reach the models early (no slower than 32)
FIRST_CHUNK = 96  # sentences handed to the models first (soon: the models start early) …
CHUNK = 384  # … then at a time: large enough for length sorting to leave little padding (~6%)
DIRECTION_EVIDENCE = 0.15  # how far a figure's direction nudges entity sentiment (up: +, down: −)


class SentimentModel(Protocol):
    info: ModelInfo

    def predict(self, texts: Sequence[str], batch_size: int = 64) -> list[tuple[str, float, dict[str, float]]]: ...


class Embedder(Protocol):
    info: ModelInfo

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...  # L2-normalised rows


@dataclass(frozen=True, slots=True)
class TextDoc:
    """What the annotator needs of an article: an id, a title and the clean text."""

    id: str
    title: str | None
    text: str


FigureExtractor = Callable[..., list[Figure]]


class Annotator:
    def __init__(self, nlp: "Language", entities: EntityTable, spacy_info: ModelInfo,
                 sentiment: SentimentModel | None = None, embedder: Embedder | None = None,
                 themes: ThemeScorer | None = None, figures: FigureExtractor | None = None,
                 figures_info: ModelInfo | None = None, batch_size: int = PIPE_BATCH, n_process: int = 1):
        self.nlp = nlp
        self.entities = entities
        self.spacy_info = spacy_info
        self.sentiment = sentiment
        self.embedder = embedder
        self.themes = themes
        self.figures = figures
        self.figures_info = figures_info
        self.batch_size = batch_size  # documents per spaCy batch
        self.n_process = n_process
        self._bg = None
        self._bg_lock = threading.Lock()

    def models(self) -> dict[str, str]:
        """Model tag per annotation kind, stored with every row."""
        out = {"ner": self.spacy_info.tag}
        if self.sentiment:
            out["sentiment"] = self.sentiment.info.tag
        if self.figures and self.figures_info:
            out["figures"] = self.figures_info.tag
        if self.themes:
            out["themes"] = f"themes-kw+{self.embedder.info.tag}" if self.embedder else "themes-kw@1"
        out["summary"] = f"mmr@2+{self.embedder.info.tag}" if self.embedder else "lead-3@1"  # 2: whole quotes only
        if self.embedder:
            out["embedding"] = self.embedder.info.tag
        return out

    def parse(self, texts: Sequence[str]):
        """spaCy over ``texts`` as the annotator runs it (batch size, BLAS on one thread): a generator."""
        with single_thread_blas():
            yield from self.nlp.pipe(texts, batch_size=self.batch_size, n_process=self.n_process)

    def annotate(self, docs: Sequence[TextDoc]) -> list[ArticleAnnotation]:
        if not docs:
            return []
        parts: list[tuple] = []  # per doc: sentences, mentions, figures
        jobs: list[tuple] = []  # (sentiment handle, embedding handle) per chunk of sentences, in order
        pending: list[str] = []

        def hand_over():
            if self._joint():  # one model, one pass: sentiment and embeddings are its two outputs
                h = self.sentiment.submit_joint_ids(self.embedder.tokenize(pending))
                jobs.append((Part(h, 0), Part(h, 1)))
            elif self._shared_tokens():  # one word-piece tokenisation for both transformer models
                seqs = self.embedder.tokenize(pending)
                jobs.append((self.sentiment.submit_ids(seqs), self.embedder.submit_ids(seqs)))
            else:
                jobs.append((self._start(self.sentiment, pending), self._start(self.embedder, pending)))

        # spaCy, in this thread, is the long chain: while it runs, the models' pool leaves it a core
        with reserve_core():
            for d, doc in zip(docs, self.parse([d.text for d in docs])):
                sents, spans = [], []
                for sp in doc.sents:
                    t = sp.text.strip()
                    if len(t) < MIN_SENTENCE_CHARS:
                        continue
                    sents.append(Sentence(d.id, len(sents), sp.start_char, sp.end_char, t))
                    spans.append(sp)
                pending.extend(s.text for s in sents)
                if len(pending) >= (CHUNK if jobs else FIRST_CHUNK):
                    hand_over()
                    pending = []
                parts.append((sents, *self._spans(d, sents, spans)))
        if pending:
            hand_over()

        preds: list | None = [] if self.sentiment else None
        vecs: list | None = [] if self.embedder else None
        for sh, eh in jobs:
            if sh is not None:
                preds.extend(sh.result())
            if eh is not None:
                vecs.append(np.asarray(eh.result()))
        if vecs is not None:
            vecs = np.concatenate(vecs) if vecs else None

        out, k = [], 0
        for d, (sents, mentions, figures) in zip(docs, parts):
            n = len(sents)
            doc_preds = preds[k : k + n] if preds is not None else None
            doc_vecs = vecs[k : k + n] if vecs is not None else None
            k += n
            out.append(self._one(d, sents, mentions, figures, doc_preds, doc_vecs))
        return out

    def _joint(self) -> bool:
        return (self.embedder is not None and getattr(self.sentiment, "embedder", None) is self.embedder
                and _async(self.sentiment))

    def _shared_tokens(self) -> bool:
        fp = getattr(self.embedder, "tokenizer_fingerprint", None)
        return (fp is not None and fp == getattr(self.sentiment, "tokenizer_fingerprint", None)
                and _async(self.embedder) and _async(self.sentiment))

    def _start(self, model, texts: list[str]):
        """Start ``model`` on ``texts``: a handle with ``result()`` (None without model or text)."""
        if model is None or not texts:
            return None
        if _async(model):
            return model.submit(texts)
        run = model.predict if hasattr(model, "predict") else model.encode
        return self._background().submit(run, texts)

    def _background(self):
        from concurrent.futures import ThreadPoolExecutor

        with self._bg_lock:
            if self._bg is None:
                self._bg = ThreadPoolExecutor(max_workers=1, thread_name_prefix="narrative-annotate")
            return self._bg

    def _spans(self, d: TextDoc, sents, spans) -> tuple[list[Mention], list[Figure]]:
        mentions: list[Mention] = []
        figures: list[Figure] = []
        for s, sp in zip(sents, spans):
            for ent in sent_ents(sp):
                eid = ent.ent_id_ or self.entities.resolve(ent.text) if ent.label_ in ("ORG", "PRODUCT", "PERSON", "GPE", "NORP") else None
                mentions.append(Mention(d.id, s.idx, ent.start_char, ent.end_char, ent.text, ent.label_, eid or None))
            if self.figures is not None:
                try:
                    figures.extend(self.figures(sp, d.id, s.idx, self.entities.resolve))
                except Exception as exc:  # one odd sentence must not lose the article
                    log.warning("figure extraction failed on %s#%d: %s", d.id, s.idx, exc)
        return mentions, figures

    def _one(self, d: TextDoc, sents, mentions, figures, preds, vecs) -> ArticleAnnotation:
        sentiments: list[SentenceSentiment] = []
        if preds is not None:
            for s, (label, score, probs) in zip(sents, preds):
                sentiments.append(SentenceSentiment(
                    d.id, s.idx, label, float(score),
                    float(probs.get("positive", 0.0)), float(probs.get("negative", 0.0)), float(probs.get("neutral", 0.0)),
                ))
        polarity = [x.positive - x.negative for x in sentiments]
        art_score = float(np.mean(polarity)) if polarity else 0.0
        art_label = _label(art_score, sentiments)

        ent_sent = self._entity_sentiment(d.id, mentions, sentiments, figures)

        themes: list[ThemeScore] = []
        doc_vec = None
        if vecs is not None and len(vecs):
            doc_vec = vecs.mean(axis=0)
            doc_vec = doc_vec / (np.linalg.norm(doc_vec) or 1.0)
        if self.themes is not None:
            for theme, score in self.themes.score(f"{d.title or ''}\n{d.text}", doc_vec).items():
                themes.append(ThemeScore(d.id, theme, score))

        if vecs is not None and len(vecs):
            picks = mmr_select(np.asarray(vecs), k=3, eligible=[reads_alone(s.text) for s in sents])
        else:
            picks = list(range(min(3, len(sents))))
        summary = " ".join(sents[i].text for i in picks)

        return ArticleAnnotation(
            article_id=d.id, sentences=tuple(sents), mentions=tuple(mentions), figures=tuple(figures),
            sentiments=tuple(sentiments), entity_sentiments=tuple(ent_sent), themes=tuple(themes),
            summary=summary, sentiment=art_label, sentiment_score=round(art_score, 4),
            vector=tuple(float(x) for x in doc_vec) if doc_vec is not None else None,
        )

    def _entity_sentiment(self, article_id, mentions, sentiments, figures) -> list[EntitySentiment]:
        """Per entity: mean polarity of the sentences naming it, nudged by the direction of its figures."""
        if not sentiments:
            return []
        pol = {s.sentence_idx: s.positive - s.negative for s in sentiments}
        by_ent: dict[str, set[int]] = defaultdict(set)
        counts: dict[str, int] = defaultdict(int)
        for m in mentions:
            if m.entity_id:
                by_ent[m.entity_id].add(m.sentence_idx)
                counts[m.entity_id] += 1
        fig_dir: dict[str, list[float]] = defaultdict(list)
        for f in figures:
            if f.subject_id and f.direction in ("up", "down"):
                fig_dir[f.subject_id].append(1.0 if f.direction == "up" else -1.0)
        out = []
        for eid, idxs in by_ent.items():
            score = float(np.mean([pol[i] for i in idxs if i in pol])) if idxs else 0.0
            if fig_dir.get(eid):
                score = float(np.clip(score + DIRECTION_EVIDENCE * np.mean(fig_dir[eid]), -1, 1))
            out.append(EntitySentiment(article_id, eid, counts[eid], round(score, 4), _label(score, None)))
        return out


def _label(score: float, sentiments) -> str:
    if score > 0.15:
        return "positive"
    if score < -0.15:
        return "negative"
    return "neutral"


def _async(model) -> bool:
    """Does ``model.submit`` return at once (batches on the shared pool) rather than compute in the caller?"""
    return hasattr(model, "submit") and getattr(model, "parallel", False)
