"""Annotation records produced by `narrative.models`. Immutable; each carries the model that made it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """Name and version of a model, stored beside every annotation it produced."""

    name: str
    version: str

    @property
    def tag(self) -> str:
        return f"{self.name}@{self.version}"


@dataclass(frozen=True, slots=True)
class Sentence:
    article_id: str
    idx: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    article_id: str
    sentence_idx: int
    start: int
    end: int
    text: str
    label: str
    entity_id: str | None  # canonical entity id (see entities.json), None if not in the alias table


@dataclass(frozen=True, slots=True)
class Figure:
    """A number the press claims, tied to what it measures.

    kind: money | percent | percentage_points | multiple | count | qualitative
    value: normalised value (9.8e9 for "RMB 9.8 billion", 12 for "12%"); for ranges, the low end,
    with `value_high` the high end; for qualitative magnitudes ("triple-digit growth") the bounds.
    """

    article_id: str
    sentence_idx: int
    surface: str
    kind: str
    value: float | None
    value_high: float | None = None
    unit: str | None = None
    currency: str | None = None
    qualifier: str | None = None  # about | up to | more than | nearly | at least | less than
    direction: str | None = None  # up | down | none
    metric: str | None = None
    subject_id: str | None = None
    subject: str | None = None
    period: str | None = None
    region: str | None = None
    start: int | None = None  # char offsets within the sentence
    end: int | None = None
    change: str | None = None  # level | change | base (the value, the difference, or what it is compared with)
    basis: str | None = None  # comparison basis of a change: YoY | QoQ | ... (not a period)


@dataclass(frozen=True, slots=True)
class SentenceSentiment:
    article_id: str
    sentence_idx: int
    label: str  # positive | negative | neutral
    score: float  # probability of `label`
    positive: float = 0.0
    negative: float = 0.0
    neutral: float = 0.0


@dataclass(frozen=True, slots=True)
class EntitySentiment:
    article_id: str
    entity_id: str
    mentions: int
    score: float  # mean of (positive - negative) over the sentences that mention the entity
    label: str


@dataclass(frozen=True, slots=True)
class ThemeScore:
    article_id: str
    theme: str
    score: float


@dataclass(frozen=True, slots=True)
class ArticleAnnotation:
    """Everything the models say about one article."""

    article_id: str
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    figures: tuple[Figure, ...]
    sentiments: tuple[SentenceSentiment, ...]
    entity_sentiments: tuple[EntitySentiment, ...]
    themes: tuple[ThemeScore, ...]
    summary: str
    sentiment: str  # article-level label
    sentiment_score: float  # mean (positive - negative) over sentences, in [-1, 1]
    models: tuple[ModelInfo, ...] = field(default_factory=tuple)
    vector: tuple[float, ...] | None = None  # article embedding (mean of sentence embeddings, normalised)
