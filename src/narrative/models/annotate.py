"""Article text → ArticleAnnotation, in batches. Models are loaded by the caller and passed in.

One pass per batch: spaCy `nlp.pipe` for sentences, entities and parses; one embedding pass over all
sentences (reused for themes and summaries); one sentiment pass over all sentences, batched.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .entities import EntityTable
from .records import (
    ArticleAnnotation, EntitySentiment, Figure, Mention, ModelInfo, Sentence, SentenceSentiment, ThemeScore,
)
from .summarize import mmr_select
from .themes import ThemeScorer

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

MIN_SENTENCE_CHARS = 3
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
                 figures_info: ModelInfo | None = None, batch_size: int = 32, n_process: int = 1):
        self.nlp = nlp
        self.entities = entities
        self.spacy_info = spacy_info
        self.sentiment = sentiment
        self.embedder = embedder
        self.themes = themes
        self.figures = figures
        self.figures_info = figures_info
        self.batch_size = batch_size
        self.n_process = n_process

    def models(self) -> dict[str, str]:
        """Model tag per annotation kind, stored with every row."""
        out = {"ner": self.spacy_info.tag}
        if self.sentiment:
            out["sentiment"] = self.sentiment.info.tag
        if self.figures and self.figures_info:
            out["figures"] = self.figures_info.tag
        if self.themes:
            out["themes"] = f"themes-kw+{self.embedder.info.tag}" if self.embedder else "themes-kw@1"
        out["summary"] = f"mmr+{self.embedder.info.tag}" if self.embedder else "lead-3@1"
        if self.embedder:
            out["embedding"] = self.embedder.info.tag
        return out

    def annotate(self, docs: Sequence[TextDoc]) -> list[ArticleAnnotation]:
        if not docs:
            return []
        parsed = list(self.nlp.pipe((d.text for d in docs), batch_size=self.batch_size, n_process=self.n_process))
        per_doc_sents: list[list[Sentence]] = []
        per_doc_spans = []
        for d, doc in zip(docs, parsed):
            sents, spans = [], []
            for sp in doc.sents:
                t = sp.text.strip()
                if len(t) < MIN_SENTENCE_CHARS:
                    continue
                sents.append(Sentence(d.id, len(sents), sp.start_char, sp.end_char, t))
                spans.append(sp)
            per_doc_sents.append(sents)
            per_doc_spans.append(spans)

        flat = [s.text for sents in per_doc_sents for s in sents]
        preds = self.sentiment.predict(flat) if (self.sentiment and flat) else None
        vecs = self.embedder.encode(flat) if (self.embedder and flat) else None

        out, k = [], 0
        for d, sents, spans in zip(docs, per_doc_sents, per_doc_spans):
            n = len(sents)
            doc_preds = preds[k : k + n] if preds is not None else None
            doc_vecs = vecs[k : k + n] if vecs is not None else None
            k += n
            out.append(self._one(d, sents, spans, doc_preds, doc_vecs))
        return out

    def _one(self, d: TextDoc, sents, spans, preds, vecs) -> ArticleAnnotation:
        mentions: list[Mention] = []
        figures: list[Figure] = []
        for s, sp in zip(sents, spans):
            for ent in sp.ents:
                eid = ent.ent_id_ or self.entities.resolve(ent.text) if ent.label_ in ("ORG", "PRODUCT", "PERSON", "GPE", "NORP") else None
                mentions.append(Mention(d.id, s.idx, ent.start_char, ent.end_char, ent.text, ent.label_, eid or None))
            if self.figures is not None:
                try:
                    figures.extend(self.figures(sp, d.id, s.idx, self.entities.resolve))
                except Exception as exc:  # one odd sentence must not lose the article
                    log.warning("figure extraction failed on %s#%d: %s", d.id, s.idx, exc)

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
            picks = mmr_select(np.asarray(vecs), k=3)
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
