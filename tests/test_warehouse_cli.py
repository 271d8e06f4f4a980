"""The SQL path on real files: `narrative sql` formats, `search` (BM25), `export --parquet`, and the demo file."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import duckdb
import pytest

from narrative.cli import main
from narrative.warehouse.db import Warehouse

from test_warehouse import article

T0 = datetime(2026, 10, 1, tzinfo=timezone.utc)
TEXTS = {
    1: ("Alibaba cuts Qwen API prices", "Alibaba Cloud cut Qwen API prices by 85% as the price war spread."),
    2: ("Tencent cloud revenue rises", "Tencent's cloud revenue rose 12% in the third quarter."),
    3: ("Harbour marathon", "Runners crowded the harbour front for the city marathon."),
}


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "w.duckdb"
    with Warehouse.open(path) as wh:
        wh.load({"articles": [article(i, title=t, text=x, published_at=T0 + timedelta(days=i)) for i, (t, x) in TEXTS.items()]}, "r1")
    return str(path)


def test_search_ranks_by_bm25_from_cli_and_sql(db, capsys):
    assert main(["search", "--db", db, "Qwen price cuts", "--format", "json"]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert hits[0]["title"] == "Alibaba cuts Qwen API prices" and hits[0]["score"] > 0
    assert all(h["title"] != "Harbour marathon" for h in hits)
    # the documented SQL form, through `narrative sql`
    assert main(["sql", "--db", db, "--format", "csv", "SELECT title FROM search_articles('cloud revenue', n := 1)"]) == 0
    assert capsys.readouterr().out.splitlines() == ["title", "Tencent cloud revenue rises"]
    assert main(["search", "--db", db, "zeppelin"]) == 1
    assert "no articles match" in capsys.readouterr().err


def test_search_index_follows_each_load(db):
    with Warehouse.open(db) as wh:
        wh.load({"articles": [article(9, title="Zeppelin", text="A zeppelin over Hangzhou.")]}, "r2")
        assert [r[3] for r in wh.search("zeppelin")[1]] == ["Zeppelin"]


def test_sql_writes_parquet_and_needs_an_output(db, tmp_path, capsys):
    out = tmp_path / "r.parquet"
    assert main(["sql", "--db", db, "--format", "parquet", "--output", str(out), "SELECT id, title FROM articles ORDER BY id"]) == 0
    assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}')").fetchall() == [(3,)]
    assert main(["sql", "--db", db, "--format", "parquet", "SELECT 1"]) == 2
    assert "--output" in capsys.readouterr().err


def test_export_writes_every_table_partitioned_by_day(db, tmp_path, capsys):
    out = tmp_path / "export"
    assert main(["export", "--db", db, "--parquet", str(out)]) == 0
    assert "articles" in capsys.readouterr().out
    days = sorted(p.name for p in (out / "articles").iterdir())
    assert days == ["day=2026-10-02", "day=2026-10-03", "day=2026-10-04"]
    rows = duckdb.sql(f"SELECT id, day FROM read_parquet('{out}/articles/**/*.parquet', hive_partitioning = true) ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["id1", "id2", "id3"]
    assert (out / "entities" / "entities.parquet").exists()
    assert main(["export", "--db", db, "--parquet", str(out)]) == 0  # again: replaced, not duplicated
    assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}/articles/**/*.parquet')").fetchall() == [(3,)]


def test_queries_lists_views_and_macros(capsys):
    assert main(["queries"]) == 0
    out = capsys.readouterr().out
    for name in ("share_of_voice", "figure_conflicts_at(tolerance)", "search_articles(q, n)"):
        assert name in out


def test_every_new_command_has_help(capsys):
    for cmd in ("sql", "search", "export", "queries"):
        with pytest.raises(SystemExit) as e:
            main([cmd, "--help"])
        assert e.value.code == 0
        assert "--db" in capsys.readouterr().out


def test_demo_run_left_no_staging_and_answers_search(demo_run):
    from narrative.warehouse.staging import leftover_staging

    assert leftover_staging(demo_run["db"]) == []
    with Warehouse.open(demo_run["db"], read_only=True, search=True) as wh:
        cols, rows = wh.search("Qwen price cut", 5)
        assert rows and all(r[cols.index("score")] > 0 for r in rows)
        assert wh.con.execute("SELECT count(*) FROM runs WHERE status = 'succeeded'").fetchone()[0] >= 2
        # every stored row carries a run that exists
        for table in ("articles", "sentences", "mentions", "figures", "entities", "feeds", "feed_state"):
            orphans = wh.con.execute(f"SELECT count(*) FROM {table} t WHERE NOT EXISTS "
                                     "(SELECT 1 FROM runs r WHERE r.id = t.run_id)").fetchone()[0]
            assert orphans == 0, table
