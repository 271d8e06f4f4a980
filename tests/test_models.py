"""Entities, the annotator and summaries with the real packaged models."""

from __future__ import annotations

import numpy as np
import pytest

from narrative.models.annotate import Annotator, TextDoc
from narrative.models.records import ModelInfo
from narrative.models.summarize import mmr_select

TEXT = (
    "Alibaba Cloud cut prices for Qwen models by up to 85% on Tuesday, squeezing margins across the sector.\n"
    "ByteDance's Doubao matched the cuts within a day, and Tencent said its Hunyuan prices would follow.\n"
    "Alibaba's capital expenditure reached RMB 38.6 billion in the September quarter, up 40% year-over-year.\n"
    "Analysts at a Shanghai brokerage said the price war could last into Q1 2027.\n"
    "Separately, T-Head showed a new inference chip built entirely with domestic suppliers."
)


def test_alias_table_resolves_surface_forms(entity_table):
    assert entity_table.resolve("Aliyun") == "alibaba-cloud"
    assert entity_table.resolve("阿里巴巴") == "alibaba"
    assert entity_table.resolve("Tongyi Qianwen") == "qwen"
    assert entity_table.resolve("Tencent's") == "tencent"
    assert entity_table.resolve("Acme Widgets") is None
    assert entity_table.ancestors("lingma") == ["alibaba-cloud", "alibaba"]


def test_ruler_tags_domain_entities_and_periods(nlp):
    doc = nlp("Aliyun and Doubao competed in Q4 2025 and fiscal 2026, while 9988.HK rose.")
    ents = {(e.text, e.label_, e.ent_id_) for e in doc.ents}
    assert ("Aliyun", "ORG", "alibaba-cloud") in ents
    assert ("Doubao", "PRODUCT", "doubao") in ents
    assert ("9988.HK", "ORG", "alibaba") in ents
    dates = {e.text for e in doc.ents if e.label_ == "DATE"}
    assert {"Q4 2025", "fiscal 2026"} <= dates


class FakeEmbedder:
    """Bag-of-words vectors: deterministic and cheap, for testing the annotator's wiring (not quality)."""

    info = ModelInfo("bow", "test")

    def encode(self, texts):
        vocab = {}
        rows = []
        for t in texts:
            v = np.zeros(256)
            for w in t.lower().split():
                v[hash(w) % 256] += 1
            rows.append(v / (np.linalg.norm(v) or 1))
        del vocab
        return np.array(rows)


def test_annotator_produces_sentences_mentions_figures_and_summary(nlp, entity_table):
    from narrative.models.figures import extract_figures

    ann = Annotator(nlp, entity_table, ModelInfo("sm", "3.8"), figures=extract_figures,
                    figures_info=ModelInfo("fig", "1"), embedder=FakeEmbedder())
    [a] = ann.annotate([TextDoc("x1", "Price war", TEXT)])
    assert len(a.sentences) == 5
    assert [s.idx for s in a.sentences] == list(range(5))
    ids = {m.entity_id for m in a.mentions}
    assert {"alibaba-cloud", "qwen", "bytedance", "doubao", "tencent", "hunyuan", "alibaba", "t-head"} <= ids
    capex = [f for f in a.figures if f.surface.startswith("RMB 38.6")]
    assert capex and capex[0].subject_id == "alibaba" and capex[0].currency == "CNY"
    chosen = [s.text for s in a.sentences if s.text in a.summary]
    assert 1 <= len(chosen) <= 3 and a.summary == " ".join(chosen)  # whole sentences, in document order
    assert ann.annotate([]) == []


def test_mmr_picks_distinct_central_sentences():
    v = np.array([[1, 0, 0], [0.99, 0.14, 0], [0, 1, 0], [0.7, 0.7, 0]], dtype=float)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    picks = mmr_select(v, k=2)
    assert len(picks) == 2 and not {0, 1} <= set(picks)  # not both near-identical sentences
    assert mmr_select(np.zeros((0, 3)), k=3) == []


@pytest.mark.parametrize("score,label", [(0.5, "positive"), (-0.4, "negative"), (0.05, "neutral")])
def test_article_label_thresholds(score, label):
    from narrative.models.annotate import _label

    assert _label(score, None) == label
