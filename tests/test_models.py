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


# first sentence of the second paragraph of the first 12 sample-corpus articles
OUR_SENTENCES = [
    ("Turnover in the stock reached HK$14.2 billion, nearly double its 30-day average, and Alibaba was the single "
     "biggest contributor to a 1.8% rise in the Hang Seng Tech Index."),
    ("The open models run from a 0.8-billion-parameter version aimed at phones and laptops up to a 310-billion-parameter "
     "mixture-of-experts model that switches on roughly 24 billion parameters for each token it generates."),
    ("On the crowdsourced chatbot arena that ranks models by blind user votes, the flagship open Qwen3.5 mixture-of-experts "
     "model scored 1,412 points, ahead of DeepSeek's latest release and Moonshot AI's Kimi K3, and ninth overall behind "
     "closed systems from OpenAI, Google Gemini and Anthropic."),
    ("The Thai facility, on the eastern outskirts of Bangkok, is Alibaba Cloud's second in the country and doubles its "
     "local computing capacity."),
    ("The milestone comes less than a year after Alibaba relaunched the app, formerly known as Tongyi, under the Qwen "
     "brand and tied it into the rest of its empire."),
    ("The iOS 27.2 developer beta turns on writing tools, notification summaries and an upgraded Siri for devices set to "
     "the China region."),
    ("The on-device model, a 4-billion-parameter Qwen3.5 variant squeezed to 4-bit precision, handles voice commands, "
     "offline translation, call summaries and document search without sending data to the cloud."),
    "The Hang Seng Tech Index rose 4.1% over the week.",
    ("The input price for Qwen3.5-Plus, the model most business customers use, falls to RMB 0.12 per million tokens from "
     "RMB 0.8, while output prices drop 75% to RMB 2 per million tokens."),
    ("Volcano Engine, ByteDance's cloud arm, said late on Monday that input prices for Doubao-Seed 2.0 Pro would drop by "
     "86% to RMB 0.11 per million tokens, a fraction below the RMB 0.12 that Alibaba now charges for Qwen3.5-Plus."),
    ("The downgrades follow Alibaba Cloud's decision on Monday to cut the prices of its Qwen 3.5 models by up to 85% and "
     "ByteDance's move to undercut it within a day."),
    ("The model, called DeepSeek-R3, is designed to work through problems step by step before answering, which makes it "
     "useful for maths, programming and research tasks."),
]


@pytest.fixture(scope="module")
def onnx_embedder():
    from narrative.models.onnx_encoder import DEFAULT_EMBED_ARTIFACT, OnnxSentenceEncoder

    if not (DEFAULT_EMBED_ARTIFACT / "model.onnx").exists():
        pytest.skip("shipped embedding artefact missing (python -m narrative.training.build_embed_onnx)")
    return OnnxSentenceEncoder.load()


def test_onnx_embeddings_match_sentence_transformers(onnx_embedder):
    from narrative.models.embed import SentenceEmbedder

    ref = SentenceEmbedder().encode(OUR_SENTENCES)
    got = onnx_embedder.encode(OUR_SENTENCES)
    assert got.shape == ref.shape == (len(OUR_SENTENCES), 384)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    cos = (got.astype(np.float64) * ref).sum(axis=1)
    assert cos.min() >= 0.98, list(zip(np.round(cos, 4), OUR_SENTENCES))


def test_onnx_embeddings_keep_input_order(onnx_embedder):
    texts = OUR_SENTENCES + ["Ok.", ""]
    batched = onnx_embedder.encode(texts)  # several length-sorted batches on the worker pool
    single = np.vstack([onnx_embedder.encode([t]) for t in texts])
    # int8 activations are scaled per batch tensor, so a row moves a little with its batch (most for
    # tiny sentences): each row must still be its own sentence's
    sim = batched @ single.T
    assert (sim.argmax(axis=1) == np.arange(len(texts))).all()
    assert (np.diag(sim) > 0.95).all()
    assert onnx_embedder.encode([]).shape == (0, 384)


def test_annotator_with_onnx_models_matches_torch_embeddings(nlp, entity_table, onnx_embedder):
    """The streamed annotator (spaCy overlapping the ONNX models) keeps each sentence's rows."""
    from narrative.models.embed import SentenceEmbedder

    ann = Annotator(nlp, entity_table, ModelInfo("sm", "3.8"), embedder=onnx_embedder)
    docs = [TextDoc(f"d{i}", None, TEXT if i % 2 else " ".join(OUR_SENTENCES[i:i + 4])) for i in range(6)]
    out = ann.annotate(docs)
    ref = SentenceEmbedder()
    for d, a in zip(docs, out):
        assert a.article_id == d.id and a.vector is not None
        v = ref.encode([s.text for s in a.sentences]).mean(axis=0)
        assert float(np.dot(a.vector, v / np.linalg.norm(v))) > 0.99


def test_load_embedder_names():
    from narrative.models.embed import load_embedder
    from narrative.models.onnx_encoder import DEFAULT_EMBED_ARTIFACT, OnnxSentenceEncoder

    if (DEFAULT_EMBED_ARTIFACT / "model.onnx").exists():
        assert isinstance(load_embedder(None), OnnxSentenceEncoder)
        assert isinstance(load_embedder(str(DEFAULT_EMBED_ARTIFACT)), OnnxSentenceEncoder)
    assert load_embedder("torch").info.name == "all-MiniLM-L6-v2"


def test_onnx_embedding_runtime_does_not_import_torch(onnx_embedder):
    import subprocess
    import sys

    code = ("import sys; from narrative.models.embed import load_embedder; "
            "load_embedder(None).encode(['Operating profit rose.']); print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_one_tokenisation_serves_both_transformer_models(onnx_embedder):
    """The annotator tokenises once when the sentiment model's word pieces are the embedder's."""
    from narrative.models.onnx_encoder import truncate_ids
    from narrative.models.sentiment import DEFAULT_ARTIFACT, SentimentClassifier

    if not (DEFAULT_ARTIFACT / "model.onnx").exists():
        pytest.skip("shipped sentiment artefact missing")
    clf = SentimentClassifier.load()
    if clf.tokenizer_fingerprint != onnx_embedder.tokenizer_fingerprint:
        pytest.skip("the sentiment model has its own tokenizer: the annotator tokenises twice")
    texts = OUR_SENTENCES + [" ".join(OUR_SENTENCES[:4]), "Ok.", ""]  # one longer than 64 pieces
    shared = truncate_ids(onnx_embedder.tokenize(texts), clf.max_length)
    own = [e.ids for e in clf._tok.encode_batch([t or " " for t in texts])]
    assert shared == own and max(len(x) for x in onnx_embedder.tokenize(texts)) > clf.max_length
    assert [p[0] for p in clf.submit_ids(onnx_embedder.tokenize(texts)).result()] == [p[0] for p in clf.predict(texts)]


def test_annotator_is_deterministic(nlp, entity_table, onnx_embedder):
    """int8 results depend on which sentences share a batch: chunks must not depend on timing."""
    from narrative.models.sentiment import DEFAULT_ARTIFACT, SentimentClassifier

    if not (DEFAULT_ARTIFACT / "model.onnx").exists():
        pytest.skip("shipped sentiment artefact missing")
    ann = Annotator(nlp, entity_table, ModelInfo("sm", "3.8"), sentiment=SentimentClassifier.load(), embedder=onnx_embedder)
    text = "\n".join([TEXT, " ".join(OUR_SENTENCES)] * 4)
    docs = [TextDoc(f"d{i}", None, text) for i in range(6)]  # > one chunk of sentences
    a, b = ann.annotate(docs), ann.annotate(docs)
    assert sum(len(x.sentences) for x in a) > 192
    assert [x.sentiments for x in a] == [x.sentiments for x in b]
    assert [x.vector for x in a] == [x.vector for x in b] and [x.summary for x in a] == [x.summary for x in b]


def test_numpy_gemm_pipeline_parses_like_blis(nlp, entity_table, monkeypatch):
    """load_pipeline swaps thinc's blis matrix products for numpy's: same tags, parses and entities."""
    import narrative.models.nlp as nlp_mod

    monkeypatch.setattr(nlp_mod, "use_numpy_gemm", lambda _nlp: None)
    blis_nlp = nlp_mod.load_pipeline(entity_table)
    texts = [TEXT, " ".join(OUR_SENTENCES)]
    with nlp_mod.single_thread_blas():
        got = list(nlp.pipe(texts))
    want = list(blis_nlp.pipe(texts))

    def sig(docs):
        return [(t.text, t.tag_, t.pos_, t.dep_, t.head.i, t.ent_type_, t.ent_id_, t.is_sent_start) for d in docs for t in d]

    assert sig(got) == sig(want)


# -- one model, one pass: sentiment and sentence embeddings ------------------------------------------
# the shipped 0.4.0 measured 0.980 mean / 0.969 min here (0.981 / 0.943 on 975 sample-corpus sentences)
JOINT_MEAN_COSINE = 0.97
JOINT_MIN_COSINE = 0.94

@pytest.fixture(scope="module")
def joint():
    from narrative.models.sentiment import DEFAULT_ARTIFACT, SentimentClassifier

    if not (DEFAULT_ARTIFACT / "model.onnx").exists():
        pytest.skip("shipped sentiment artefact missing")
    clf = SentimentClassifier.load()
    assert clf.embedder is not None, "the shipped sentiment model must have its embeddings output"
    return clf


def test_sentiment_models_embeddings_stand_in_for_minilm(joint):
    """The distilled embeddings point where all-MiniLM-L6-v2's do (sentences we wrote, never trained on)."""
    from narrative.models.embed import SentenceEmbedder

    ref = SentenceEmbedder().encode(OUR_SENTENCES)
    got = joint.embedder.encode(OUR_SENTENCES)
    assert got.shape == ref.shape and np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    cos = (got.astype(np.float64) * ref).sum(axis=1)
    assert cos.mean() >= JOINT_MEAN_COSINE and cos.min() >= JOINT_MIN_COSINE, list(zip(np.round(cos, 4), OUR_SENTENCES))
    # the nearest neighbours agree: each sentence's closest other sentence is the same under both
    near = lambda v: [int(np.argsort(-row)[1]) for row in v @ v.T]  # noqa: E731
    assert np.mean(np.array(near(got)) == np.array(near(ref))) >= 0.75


def test_one_pass_gives_what_the_two_outputs_give_alone(joint):
    texts = OUR_SENTENCES + [TEXT, "Ok.", ""]
    preds, vecs = joint.submit_joint_ids(joint.embedder.tokenize(texts)).result()
    assert [p[0] for p in preds] == [p[0] for p in joint.predict(texts)]
    assert np.allclose([p[1] for p in preds], [p[1] for p in joint.predict(texts)], atol=1e-5)
    assert vecs.shape == (len(texts), joint.embedder.dim)
    assert np.allclose(vecs, joint.embedder.encode(texts), atol=1e-5)


def test_annotator_runs_the_joint_model_once_per_sentence(nlp, entity_table, joint, monkeypatch):
    """With the sentiment model's own embeddings, the annotator never runs an output on its own."""
    ann = Annotator(nlp, entity_table, ModelInfo("sm", "3.8"), sentiment=joint, embedder=joint.embedder)
    docs = [TextDoc(f"d{i}", None, TEXT if i % 2 else " ".join(OUR_SENTENCES[i:i + 4])) for i in range(4)]
    calls = {"joint": 0}
    both = joint._joint_backend

    def counted(ids, mask):
        calls["joint"] += len(ids)
        return both(ids, mask)

    def refuse(*_a, **_k):
        raise AssertionError("a second transformer pass")

    monkeypatch.setattr(joint, "_joint_backend", counted)
    monkeypatch.setattr(joint, "_backend", refuse)
    monkeypatch.setattr(joint.embedder, "_run", refuse)
    out = ann.annotate(docs)
    n = sum(len(a.sentences) for a in out)
    assert calls["joint"] == n > 0
    assert ann.models()["embedding"] == joint.embedder.info.tag != ann.models()["sentiment"]
    monkeypatch.undo()
    # fewer sentences than one chunk: one joint call over all of them, in order, is what the stage ran
    texts = [s.text for a in out for s in a.sentences]
    preds, vecs = joint.submit_joint_ids(joint.embedder.tokenize(texts)).result()
    assert [s.label for a in out for s in a.sentiments] == [p[0] for p in preds]
    k = 0
    for a in out:
        v = vecs[k:k + len(a.sentences)].mean(axis=0)
        k += len(a.sentences)
        assert np.allclose(a.vector, v / np.linalg.norm(v), atol=1e-6)


def test_default_embedder_is_the_sentiment_models_own_output():
    from narrative.flows import steps
    from narrative.flows.settings import Settings
    from narrative.models.onnx_encoder import OnnxSentenceEncoder

    s = Settings()
    emb = steps.load_embedder(s)
    assert emb is steps._load_sentiment(s).embedder is steps.load_embedder(s)
    other = steps.load_embedder(Settings(embedding_model="onnx"))
    assert isinstance(other, OnnxSentenceEncoder) and other.info.name == "all-MiniLM-L6-v2-int8"


def test_fast_pos_tags_like_the_attribute_ruler(nlp, entity_table, monkeypatch):
    """load_pipeline swaps the attribute ruler for FastPOS, built from the ruler's own POS rules."""
    import narrative.models.nlp as nlp_mod

    assert isinstance(nlp.get_pipe("attribute_ruler"), nlp_mod.FastPOS)
    monkeypatch.setattr(nlp_mod, "use_fast_pos", lambda _nlp: None)
    ruler_nlp = nlp_mod.load_pipeline(entity_table)
    assert not isinstance(ruler_nlp.get_pipe("attribute_ruler"), nlp_mod.FastPOS)
    tricky = ["There are two reasons, but neither is new.", "They did not do it, and it wasn't theirs to do.",
              "Whether the deal closes depends on what regulators say, though that is unlikely.",
              "Nobody has been told; everything was done by itself.", "I'm sure we've had it since then."]
    texts = [TEXT, " ".join(OUR_SENTENCES), *tricky]
    with nlp_mod.single_thread_blas():
        got = [(t.text, t.pos_, t.ent_type_) for d in nlp.pipe(texts) for t in d]
        want = [(t.text, t.pos_, t.ent_type_) for d in ruler_nlp.pipe(texts) for t in d]
    assert got == want
    assert {"AUX", "PRON", "SCONJ", "PART", "VERB", "PROPN", "NUM"} <= {p for _, p, _ in got}


def test_summaries_skip_pieces_of_a_split_quotation():
    from narrative.models.summarize import reads_alone

    assert reads_alone('"Prices will keep falling," the analyst said.')
    assert reads_alone("Alibaba Cloud cut prices for Qwen models by up to 85% on Tuesday.")
    assert not reads_alone("\u201cWe tested three assistants for six months.")  # the quote goes on in the next sentence
    assert not reads_alone('It was the only one that met our target," he said.')
    assert not reads_alone("Shares rose.")
    v = np.array([[1.0, 0.0], [0.99, 0.14], [0.0, 1.0], [0.7, 0.7]])
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    (best,) = mmr_select(v, k=1)
    others = [i != best for i in range(4)]
    assert best not in mmr_select(v, k=3, eligible=others) and len(mmr_select(v, k=3, eligible=others)) == 3
    assert mmr_select(v, k=3, eligible=[False] * 4) == mmr_select(v, k=3)  # nothing reads alone: any may be picked
    assert mmr_select(v, k=3, eligible=[i == 2 for i in range(4)]) == [2]


def test_article_summary_has_no_dangling_quote(nlp, entity_table, joint):
    text = ("Five banks agreed to roll out Lingma, the coding assistant built by Alibaba Cloud, the company said. "
            "\u201cWe tested three assistants for six months. Lingma was the only one that met our security review,\u201d "
            "said the bank's technology chief. The deals cover more than 18,000 developers. "
            "Analysts expect the enterprise software business to add RMB 4 billion in revenue by fiscal 2028.")
    ann = Annotator(nlp, entity_table, ModelInfo("sm", "3.8"), sentiment=joint, embedder=joint.embedder)
    a = ann.annotate([TextDoc("q", None, text)])[0]
    split = [s.text for s in a.sentences if s.text.count("\u201c") != s.text.count("\u201d")]
    assert split, "spaCy no longer splits the quotation: the case needs another text"
    assert a.summary and all(s not in a.summary for s in split)


def test_model_pool_leaves_a_core_to_a_caller_that_reserves_one():
    import threading
    import time

    from narrative.models.onnx_encoder import reserve_core, run_batches, worker_count

    state = {"now": 0, "peak": 0}
    lock = threading.Lock()

    def run(ids, mask):
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(0.03)
        with lock:
            state["now"] -= 1
        return np.zeros((len(ids), 1), dtype=np.float32)

    seqs = [[101, 7, 102]] * 64
    with reserve_core():
        run_batches(run, seqs, 1, batch_size=4, parallel=True).result()
    assert state["peak"] == max(1, worker_count() - 1)
    state["peak"] = 0
    run_batches(run, seqs, 1, batch_size=4, parallel=True).result()
    assert state["peak"] == worker_count()
