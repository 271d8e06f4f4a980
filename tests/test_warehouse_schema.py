"""Schema on real DuckDB files: upgrading an old file in place, documentation inside the file, model versions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pyarrow as pa

from narrative.warehouse.db import Warehouse
from narrative.warehouse.migrations import LOADER_KEYS, M002_DOCS, M003_DOCS, M005_DOCS, M009_DOCS, MIGRATIONS

from test_warehouse import article

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


def _build_version_1(path) -> None:
    """A file as the first release made it: only migration 001, with data in it."""
    import duckdb

    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ)")
    for version, name, sql in MIGRATIONS[:1]:
        con.execute(sql)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, NOW])
    con.execute("INSERT INTO runs (id, started_at, finished_at, status, model_versions) VALUES ('old-run', ?, ?, 'succeeded', "
                "'{\"sentiment\": \"finsent@1\", \"ner\": \"ner@1\"}')", [NOW, NOW])
    con.execute("INSERT INTO entities VALUES ('alibaba', 'Alibaba Group', 'ORG', NULL, ['Alibaba'])")
    con.execute("INSERT INTO articles (id, url, canonical_url, site, title, published_at, fetched_at, text, status, relevance, run_id, "
                "sentiment, sentiment_score) "
                "VALUES ('a1', 'https://x.example/1', 'https://x.example/1', 'X', 'Qwen price cut', ?, ?, "
                "'Alibaba cut Qwen prices again.', 'annotated', 0.9, 'old-run', 'negative', -0.4)", [NOW, NOW])
    con.execute("INSERT INTO annotation_models VALUES ('sentiment', 'finsent@1', 'old-run', ?)", [NOW])
    con.execute("INSERT INTO mentions VALUES ('a1', 0, 0, 7, 'Alibaba', 'ORG', 'alibaba', 'ner@1', 'old-run')")
    con.execute("INSERT INTO annotation_models VALUES ('ner', 'ner@1', 'old-run', ?)", [NOW])
    con.close()


def test_old_version_file_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.duckdb"
    _build_version_1(path)
    with Warehouse.open(path) as wh:
        assert wh.schema_version() == MIGRATIONS[-1][0] >= 2
        applied = [r[0] for r in wh.con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()]
        assert applied == [m[0] for m in MIGRATIONS]
        # the data survived, and what later migrations add is there
        assert wh.con.execute("SELECT title, run_id FROM articles").fetchall() == [("Qwen price cut", "old-run")]
        assert wh.con.execute("SELECT name, run_id FROM entities").fetchall() == [("Alibaba Group", None)]
        assert wh.con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'articles' AND schema_name = 'main'"
                              ).fetchone()[0].startswith("One row per fetched page")
        # the views of this code version answer on the old data; the search index was built on open
        assert wh.con.execute("SELECT entity, articles FROM share_of_voice").fetchall() == [("Alibaba Group", 1)]
        if wh.search_available():
            assert wh.search("qwen prices")[1][0][0] == "a1"
        # 004: the annotation tables' keys are the loader's (no ART index), and the file says so
        pks = {r[0] for r in wh.con.execute("SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'").fetchall()}
        assert "articles" in pks and not pks & set(LOADER_KEYS)
        doc = wh.con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'mentions'").fetchone()[0]
        assert doc.endswith("Key: (article_id, start_char, model), unique (enforced by the loader).")
        # 005: article sentiment per model, backfilled from the articles with the model of the run that loaded them
        assert wh.con.execute("SELECT article_id, label, score, model FROM article_sentiment").fetchall() == [
            ("a1", "negative", -0.4, "finsent@1")]
        assert wh.con.execute("SELECT articles, mean_score, negative_share FROM sentiment_daily").fetchall() == [(1, -0.4, 1.0)]
    with Warehouse.open(path) as wh:  # opening again applies nothing
        assert wh.migrate() == []


def test_every_table_and_column_is_documented_in_the_file(tmp_path):
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        tables = wh.con.execute("SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'main' "
                                "AND database_name = current_database()").fetchall()
        assert {t for t, _ in tables} == set(M002_DOCS) | set(M003_DOCS) | set(M005_DOCS) | set(M009_DOCS)
        assert all(c for _, c in tables), [t for t, c in tables if not c]
        missing = wh.con.execute("SELECT table_name || '.' || column_name FROM duckdb_columns() WHERE schema_name = 'main' "
                                 "AND database_name = current_database() AND NOT internal AND comment IS NULL "
                                 "AND table_name IN (SELECT table_name FROM duckdb_tables())").fetchall()
        assert missing == []
        views = wh.con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal AND comment IS NULL "
                               "AND schema_name = 'main'").fetchall()
        assert views == []


def test_readme_documents_every_table_and_view():
    from pathlib import Path

    from narrative.warehouse.views import MACROS, VIEWS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme[readme.index("## The warehouse"):]
    for name in [*M002_DOCS, *M003_DOCS, *VIEWS, *MACROS, "search_articles"]:
        if name != "schema_migrations":
            assert f"`{name}`" in section or f"`{name}(" in section, name
    for view in ("entity_sentiment_daily", "theme_share_weekly", "figure_timeline", "figure_conflicts",
                 "share_of_voice", "top_stories", "narrative_shifts"):
        assert f"FROM {view}" in section, f"no example query for {view}"


def test_reannotation_keeps_old_rows_apart_and_views_read_the_current_model(tmp_path):
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        wh.sync_entities([{"id": "alibaba", "name": "Alibaba Group", "type": "ORG", "parent_id": None, "aliases": ["Alibaba"]}])
        wh.load({"articles": [article(1)]}, "r1")
        es = {"article_id": "id1", "entity_id": "alibaba", "mentions": 2, "label": "negative"}
        wh.con.execute("INSERT INTO annotation_models VALUES ('sentiment', 'finbert@1', 'r1', ?)", [NOW])
        wh.load({"entity_sentiment": [es | {"score": -0.5, "model": "finbert@1"}]}, "r1")
        assert wh.con.execute("SELECT sentiment FROM entity_sentiment_daily").fetchone()[0] == -0.5
        # a new model re-annotates the same article: its rows sit beside the old ones, the views switch
        wh.con.execute("INSERT INTO annotation_models VALUES ('sentiment', 'finbert@2', 'r2', ?)", [NOW + timedelta(days=1)])
        wh.load({"entity_sentiment": [es | {"score": 0.25, "label": "positive", "model": "finbert@2"}]}, "r2")
        assert wh.con.execute("SELECT model, score, run_id FROM entity_sentiment ORDER BY model").fetchall() == [
            ("finbert@1", -0.5, "r1"), ("finbert@2", 0.25, "r2")]
        assert wh.con.execute("SELECT sentiment FROM entity_sentiment_daily").fetchall() == [(0.25,)]


def test_load_takes_arrow_tables_and_dedupes_them(tmp_path):
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        wh.load({"articles": [article(1)]}, "r1")
        t = pa.table({"article_id": ["id1", "id1", "id1"], "idx": [0, 1, 0], "text": ["a", "b", "a again"],
                      "model": ["m", "m", "m"]})
        assert wh.load({"sentences": t}, "r1") == {"sentences": 2}
        assert wh.load({"sentences": t}, "r2") == {"sentences": 0}
        assert wh.con.execute("SELECT count(*), min(run_id), max(run_id) FROM sentences").fetchone() == (2, "r1", "r1")
