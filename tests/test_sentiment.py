"""The shipped financial sentiment model (real artefact, no mocks)."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from narrative.models.records import ModelInfo
from narrative.models.sentiment import DEFAULT_ARTIFACT, SentimentClassifier

pytestmark = pytest.mark.skipif(not (DEFAULT_ARTIFACT / "model.onnx").exists(),
                                reason="shipped sentiment artefact missing")

POSITIVE = [
    "Losses narrowed to EUR 2.1 million from EUR 6.4 million a year earlier.",
    "The company's operating profit rose to EUR 14.2 mn from EUR 9.8 mn.",
    "Quarterly revenue beat analysts' estimates and the group raised its full-year outlook.",
    "Net debt fell by a third during the year.",
    "The shipbuilder has won an order worth USD 400 million for two cruise ferries.",
]
NEGATIVE = [
    "Net sales decreased to EUR 31.5 mn from EUR 40.2 mn in the corresponding period.",
    "The company missed estimates as cloud revenue growth slowed.",
    "Shares fell 7% despite record revenue.",
    "Price cuts squeezed margins in the fourth quarter.",
    "The group will cut 300 jobs and close its plant in Tampere.",
]
NEUTRAL = [
    "The company has 4,200 employees.",
    "The deal is expected to close in the second quarter.",
    "The company will publish its interim report on 24 April.",
    "The firm is headquartered in Espoo, Finland.",
    "The annual general meeting will be held in Helsinki on March 18.",
]


@pytest.fixture(scope="module")
def clf() -> SentimentClassifier:
    return SentimentClassifier.load(threads=2)


def test_info(clf):
    assert isinstance(clf.info, ModelInfo)
    assert clf.info.name == "narrative-finsent-minilm"
    assert clf.info.version
    assert set(clf.labels) == {"positive", "negative", "neutral"}


@pytest.mark.parametrize("label,texts", [("positive", POSITIVE), ("negative", NEGATIVE), ("neutral", NEUTRAL)])
def test_clear_sentences(clf, label, texts):
    got = [p[0] for p in clf.predict(texts)]
    assert got == [label] * len(texts), list(zip(texts, got))


def test_losses_narrowed_is_positive(clf):
    assert clf.predict(["Losses narrowed."])[0][0] == "positive"
    assert clf.predict(["The net loss narrowed in the third quarter."])[0][0] == "positive"


def test_new_business_vs_its_details(clf):
    """Labelling convention since 0.3.0: new business is good news, its terms and schedule are not."""
    news = ["The engineering group has signed a contract to supply two biomass boilers to a Swedish utility.",
            "The shipyard has won an order for a new icebreaker, securing work for two years.",
            "The retailer will open ten new stores in Poland next year as demand grows."]
    details = ["The contract was signed in Oslo on Thursday.",
               "Deliveries of the boilers are scheduled for the second half of 2026.",
               "The value of the contract was not disclosed."]
    assert [p[0] for p in clf.predict(news)] == ["positive"] * 3
    assert [p[0] for p in clf.predict(details)] == ["neutral"] * 3


def test_reported_loss_is_negative(clf):
    assert clf.predict(["The company reported an operating loss of EUR 3.2 million for the quarter."])[0][0] == "negative"


def test_empty():
    clf = SentimentClassifier.load()
    assert clf.predict([]) == []


def test_probabilities(clf):
    for label, p, probs in clf.predict(POSITIVE + NEGATIVE + NEUTRAL):
        assert set(probs) == {"positive", "negative", "neutral"}
        assert math.isclose(sum(probs.values()), 1.0, abs_tol=1e-6)
        assert all(0.0 <= v <= 1.0 for v in probs.values())
        assert probs[label] == p == max(probs.values())


def test_order_and_batch_equals_single(clf):
    texts = NEUTRAL[:2] + POSITIVE[:2] + ["Costs rose sharply.", "Ok."] + NEGATIVE[:2] + [""]
    batched = clf.predict(texts, batch_size=3)
    big = clf.predict(texts, batch_size=64)
    single = [clf.predict([t])[0] for t in texts]
    assert len(batched) == len(texts)
    for a, b, c in zip(batched, big, single):
        assert a[0] == b[0] == c[0]
        for k in a[2]:
            # dynamic int8 quantisation scales activations per batch tensor, so padded batches differ
            # slightly from single-sentence runs: labels must agree, probabilities within 0.1
            assert abs(a[2][k] - c[2][k]) < 0.1
            assert abs(b[2][k] - c[2][k]) < 0.1
    # order restored: the row for each text is the one computed for it alone
    assert [b[0] for b in big] == [s[0] for s in single]


def test_runtime_does_not_import_torch():
    code = ("import sys; from narrative.models.sentiment import SentimentClassifier as S; "
            "S.load().predict(['Operating profit rose.']); print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
