"""The whole daily flow over the sample corpus: real HTTP server, real models, real DuckDB file."""

from __future__ import annotations

import email

import duckdb
import pytest

from narrative.demo.corpus import load_corpus
from narrative.demo.site import canonical_url
from narrative.extractors.urls import canonicalize


@pytest.fixture(scope="module")
def con(demo_run):
    c = duckdb.connect(demo_run["db"], read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def corpus():
    return {a.id: a for a in load_corpus()}


def _status_of(con, art) -> tuple[str, str | None, str | None]:
    row = con.execute("SELECT status, duplicate_of, reason FROM articles WHERE canonical_url = ?",
                      [canonicalize(canonical_url(art))]).fetchone()
    assert row is not None, f"{art.id} ({canonical_url(art)}) not stored"
    return row


def test_on_topic_articles_are_annotated(con, corpus):
    for art in corpus.values():
        if art.kind == "article":
            assert _status_of(con, art)[0] == "annotated", art.id


def test_off_topic_articles_are_rejected_with_score(con, corpus):
    for art in corpus.values():
        if art.kind == "offtopic":
            status, _, reason = _status_of(con, art)
            assert status == "rejected", art.id
            assert reason.startswith("off-topic: score=")


def test_syndicated_copies_link_to_their_original(con, corpus):
    copies = [a for a in corpus.values() if a.kind == "syndicated"]
    assert len(copies) >= 4
    for art in copies:
        status, dup_of, _ = _status_of(con, art)
        assert status == "duplicate", art.id
        original = con.execute("SELECT canonical_url FROM articles WHERE id = ?", [dup_of]).fetchone()[0]
        assert original == canonicalize(canonical_url(corpus[art.original]))
    # copies are not annotated again
    n = con.execute("SELECT count(*) FROM sentences s JOIN articles a ON a.id = s.article_id WHERE a.status = 'duplicate'").fetchone()[0]
    assert n == 0


def test_paywall_stub_is_skipped_with_reason(con, corpus):
    for art in corpus.values():
        if art.kind == "paywall":
            status, _, reason = _status_of(con, art)
            assert status == "skipped" and reason.startswith("paywall")


def test_entities_sentences_and_lineage(con):
    ents = dict(con.execute("SELECT entity_id, count(*) FROM mentions WHERE entity_id IS NOT NULL GROUP BY 1").fetchall())
    for must in ("alibaba", "alibaba-cloud", "qwen", "tencent", "bytedance", "deepseek"):
        assert ents.get(must, 0) > 0, must
    assert con.execute("SELECT parent_id FROM entities WHERE id = 'alibaba-cloud'").fetchone()[0] == "alibaba"
    # every annotated article has sentences; every row carries a run that exists
    assert con.execute("SELECT count(*) FROM articles a WHERE status = 'annotated' AND NOT EXISTS "
                       "(SELECT 1 FROM sentences s WHERE s.article_id = a.id)").fetchone()[0] == 0
    for table in ("articles", "sentences", "mentions", "figures"):
        orphans = con.execute(f"SELECT count(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = t.run_id)").fetchone()[0]
        assert orphans == 0, table


def test_debris_is_cleaned(con):
    n = con.execute(r"SELECT count(*) FROM articles WHERE regexp_matches(text, '[a-z][A-Z]{2,5}--')").fetchone()[0]
    assert n == 0
    n = con.execute("SELECT count(*) FROM articles WHERE text ILIKE '%Accept all%' OR text ILIKE '%Log in to join%' "
                    "OR text ILIKE '%delivered to your inbox%'").fetchone()[0]
    assert n == 0


def test_dates_and_titles_come_from_the_pages(con, corpus):
    for art in corpus.values():
        if art.kind != "article":
            continue
        title, published = con.execute("SELECT title, published_at FROM articles WHERE canonical_url = ?",
                                       [canonicalize(canonical_url(art))]).fetchone()
        assert title == art.title
        assert abs((published - art.published).total_seconds()) < 60, art.id


def test_rerun_adds_nothing(demo_run, con):
    second = demo_run["second"]
    assert second.counts["stored"] == 0
    assert second.counts["feeds_not_modified"] == second.counts["feeds"]
    runs = con.execute("SELECT status, count(*) FROM runs GROUP BY 1").fetchall()
    assert dict(runs) == {"succeeded": 2}
    assert con.execute("SELECT count(*), count(DISTINCT canonical_url) FROM articles").fetchone() == (59, 59)


def test_first_run_counts_are_recorded(demo_run, con):
    c = demo_run["first"].counts
    assert c["annotated"] == 46 and c["rejected"] == 8 and c["duplicate"] == 4 and c["skipped"] == 1
    row = con.execute("SELECT counts->>'annotated', failures->>'paywall' FROM runs ORDER BY started_at LIMIT 1").fetchone()
    assert row == ("46", "1")


def test_views_answer(con):
    assert con.execute("SELECT count(*) FROM top_stories").fetchone()[0] == 46
    assert con.execute("SELECT count(*) FROM share_of_voice WHERE entity_id = 'alibaba'").fetchone()[0] >= 5
    assert con.execute("SELECT count(*) FROM theme_share_weekly").fetchone()[0] > 0


def test_digest_written(demo_run):
    out = demo_run["out"]
    msg = email.message_from_bytes((out / "digest.eml").read_bytes())
    assert msg["Subject"] and msg["List-Unsubscribe"]
    types = [p.get_content_type() for p in msg.walk()]
    assert "text/plain" in types and "text/html" in types and "image/png" in types
    html = (out / "digest.html").read_text()
    assert "What changed" in html and "Top stories" in html  # each story once: no second "covered by several sources" list


def test_conflicting_capex_reports_surface_as_a_conflict(con):
    rows = con.execute("SELECT claims FROM figure_conflicts WHERE subject_id = 'alibaba' AND metric = 'capex' "
                       "AND kind = 'money'").fetchall()
    assert rows, "the two capex figures (RMB 38.6bn vs RMB 31.5bn) must conflict"
    claims = " ".join(rows[0][0])
    assert "38.6" in claims and "31.5" in claims


def test_results_day_is_one_story_from_several_sources(con, corpus):
    ids = [con.execute("SELECT id FROM articles WHERE canonical_url = ?", [canonicalize(canonical_url(corpus[k]))]).fetchone()[0]
           for k in ("a033", "a034")]
    stories = con.execute("SELECT story_id FROM story_articles WHERE list_contains(?, article_id)", [ids]).fetchall()
    assert len({s[0] for s in stories}) == 1
    sources, summary = con.execute("SELECT sources, summary FROM stories WHERE id = ?", [stories[0][0]]).fetchone()
    assert sources >= 2 and summary


def test_sentiment_trend_follows_the_corpus_tone(con):
    """Week 1 of the corpus was written mostly positive, week 2 mostly negative."""
    wk1 = con.execute("SELECT avg(sentiment_score) FROM annotated_articles WHERE day BETWEEN DATE '2026-10-19' AND DATE '2026-10-25'").fetchone()[0]
    wk2 = con.execute("SELECT avg(sentiment_score) FROM annotated_articles WHERE day BETWEEN DATE '2026-10-27' AND DATE '2026-11-02'").fetchone()[0]
    assert wk1 is not None and wk2 is not None and wk1 > 0.1 and wk2 < -0.1
    n = con.execute("SELECT count(*) FROM sentences WHERE sentiment IS NULL").fetchone()[0]
    assert n == 0
