"""`narrative reannotate`: stored articles annotated again with the current models, beside the old rows."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace

import pytest

from narrative.models.sentiment import DEFAULT_ARTIFACT


@pytest.fixture(scope="module")
def upgraded(demo_run, tmp_path_factory):
    """A copy of the demo warehouse, and settings naming a 'new' sentiment model (the shipped weights
    under another version: a model upgrade as the warehouse sees it)."""
    tmp = tmp_path_factory.mktemp("reannotate")
    db = tmp / "narrative.duckdb"
    shutil.copyfile(demo_run["db"], db)
    model = tmp / "finsent-next"
    shutil.copytree(DEFAULT_ARTIFACT, model)
    meta = json.loads((model / "labels.json").read_text())
    meta["version"] = meta["version"] + "-next"
    (model / "labels.json").write_text(json.dumps(meta))
    return replace(demo_run["settings"], db=str(db), sentiment_model=str(model)), f"{meta['name']}@{meta['version']}"


def _q(db, sql, params=None):
    import duckdb

    with duckdb.connect(db, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_reannotate_fills_the_views_under_the_new_model(upgraded):
    from narrative.flows.reannotating import run_reannotate

    s, new = upgraded
    (old,) = _q(s.db, "SELECT model FROM current_models WHERE kind = 'sentiment'")[0]
    assert old != new
    annotated = _q(s.db, "SELECT count(*) FROM articles WHERE status = 'annotated'")[0][0]
    old_sentences = _q(s.db, "SELECT count(*) FROM sentences WHERE model = ?", [old])[0][0]
    before = dict(((d, e), (n, sc)) for d, e, n, sc in _q(
        s.db, "SELECT day, entity_id, articles, sentiment FROM entity_sentiment_daily"))

    rep = run_reannotate(s, show_progress=False)
    assert rep.articles == annotated > 0 and rep.models["sentiment"] == new
    assert _q(s.db, "SELECT model FROM current_models WHERE kind = 'sentiment'")[0][0] == new
    # the new model's rows sit beside the old ones: nothing deleted, one row per sentence again
    assert _q(s.db, "SELECT count(*) FROM sentences WHERE model = ?", [old])[0][0] == old_sentences
    assert _q(s.db, "SELECT count(*) FROM sentences WHERE model = ?", [new])[0][0] == old_sentences
    assert _q(s.db, "SELECT count(DISTINCT article_id) FROM article_vectors WHERE model = ?",
              [rep.models["embedding"]])[0][0] == annotated
    # the views read the new rows and have the whole history: same weights, so the same articles per
    # entity and day, and sentiment within int8 batch noise
    after = dict(((d, e), (n, sc)) for d, e, n, sc in _q(
        s.db, "SELECT day, entity_id, articles, sentiment FROM entity_sentiment_daily"))
    assert after.keys() == before.keys()
    assert all(after[k][0] == before[k][0] and abs(after[k][1] - before[k][1]) < 0.1 for k in before)
    same = _q(s.db, "SELECT avg(CASE WHEN o.sentiment = n.sentiment THEN 1 ELSE 0 END) FROM sentences o "
                    "JOIN sentences n USING (article_id, idx) WHERE o.model = ? AND n.model = ?", [old, new])[0][0]
    assert same > 0.95
    # sentiment_daily reads the new model's article sentiment on every day, old articles included
    assert _q(s.db, "SELECT sum(articles) FROM sentiment_daily")[0][0] == annotated
    assert _q(s.db, "SELECT count(*) FROM article_sentiment WHERE model = ?", [new])[0][0] == annotated
    runs = _q(s.db, "SELECT status, trigger FROM runs WHERE id = ?", [rep.run_id])
    assert runs == [("succeeded", "reannotate")]

    assert rep.inserted["sentences"] == old_sentences and rep.inserted["article_sentiment"] == annotated

    again = run_reannotate(s, show_progress=False)  # nothing left to do
    assert again.articles == 0
    every = run_reannotate(s, limit=3, every=True, show_progress=False)  # done again: stored rows win, none doubled
    assert every.articles == 3 and every.inserted == {}
    assert _q(s.db, "SELECT count(*) FROM sentences WHERE model = ?", [new])[0][0] == old_sentences


def test_reannotate_cli_refuses_a_missing_warehouse_and_a_bad_date(tmp_path):
    cmd = [sys.executable, "-m", "narrative.cli", "reannotate", "--db", str(tmp_path / "none.duckdb")]
    out = subprocess.run(cmd, capture_output=True, text=True)
    assert out.returncode == 2 and "no warehouse" in out.stderr
    db = tmp_path / "w.duckdb"
    db.touch()
    out = subprocess.run([*cmd[:-1], str(db), "--since", "yesterday"], capture_output=True, text=True)
    assert out.returncode == 2 and "YYYY-MM-DD" in out.stderr
