"""Acceptance checks of the digest found in review: a past day's digest cites nothing published after it,
and `narrative digest --send` exits with the documented codes (0 sent / already sent, 4 a failed send,
2 bad usage) through a real SMTP server (aiosmtpd on 127.0.0.1) and a real DuckDB file."""

from __future__ import annotations

import datetime as dt

import pytest

from narrative.cli import exits, main
from narrative.digest.compose import Options, compose
from narrative.flows.digesting import make_digest
from narrative.warehouse.db import Warehouse
from smtp_sink import Sink, free_port, start_server
from test_digest import DAY, MODELS, NOW, TZ, _article, _ts, build_warehouse, settings


def _later_claim(wh: Warehouse) -> None:
    """Two days after DAY a third source states Alibaba's Q4 2025 capex as RMB 45 billion."""
    art = _article("late1", "Late Wire", "Alibaba's capex, revisited", _ts(12, 4), summary="Alibaba spent more than thought.")
    wh.load({"articles": [art],
             "figures": [{"article_id": "late1", "sentence_idx": 0, "start_char": 0, "subject_id": "alibaba",
                          "metric": "capital expenditure", "surface": "RMB 45 billion", "kind": "money", "value": 45e9,
                          "currency": "CNY", "direction": "none", "period": "Q4 2025", "model": MODELS["figures"]}]},
            "r2", index=False)


def test_a_past_days_disagreement_cites_nothing_published_after_it(tmp_path):
    wh = build_warehouse(tmp_path / "w.duckdb")
    try:
        _later_claim(wh)
        s = settings(tmp_path)
        _, status = make_digest(wh, s, str(tmp_path / "out"), None, date=DAY.isoformat(), dry_run=True, now=NOW)
        assert status == "dry run: nothing sent"
        text = (tmp_path / "out" / "digest.eml").read_bytes().decode("utf-8", "replace")
        assert "RMB 38.6 billion" in text and "RMB 31.5 billion" in text  # the day's own disagreement is still there
        assert "Late Wire" not in text and "RMB 45 billion" not in text and "latewire.example" not in text
        # the digest of the later day does see it
        _, status = make_digest(wh, s, str(tmp_path / "later"), None, date=(DAY + dt.timedelta(days=2)).isoformat(), dry_run=True, now=NOW)
        assert "RMB 45 billion" in (tmp_path / "later" / "digest.html").read_text()
    finally:
        wh.close()


def test_digest_send_exit_codes(tmp_path, monkeypatch, capsys):
    build_warehouse(tmp_path / "w.duckdb").close()
    db = str(tmp_path / "w.duckdb")
    cfg = tmp_path / "n.toml"
    base = ('[narrative]\ntimezone = "Asia/Shanghai"\ndigest_to = ["analyst@example.com"]\nsmtp_attempts = 2\n'
            'smtp_backoff = 0.01\nsmtp_host = "127.0.0.1"\n')
    monkeypatch.delenv("NARRATIVE_SMTP_PASSWORD", raising=False)
    # nothing listening: retried, recorded as failed, reported, exit 4 (README: Exit codes)
    cfg.write_text(base + f"smtp_port = {free_port()}\n")
    out = ["--out", str(tmp_path / "out")]  # never the working directory
    assert main(["digest", "--config", str(cfg), "--db", db, "--date", DAY.isoformat(), "--send", *out]) == exits.RUN_FAILED
    assert "digest: failed: 1 of 1 not sent" in capsys.readouterr().out
    with Warehouse.open(db, read_only=True) as wh:
        assert wh.con.execute("SELECT status, attempts FROM digests WHERE recipient = 'analyst@example.com'").fetchall() == [("failed", 2)]
    # a real server: sent (0), the same date again refused (0, nothing sent), --resend sends again
    sink = Sink()
    ctl = start_server(sink)
    try:
        cfg.write_text(base + f"smtp_port = {ctl.port}\n")
        args = ["digest", "--config", str(cfg), "--db", db, "--date", DAY.isoformat(), "--send", *out]
        assert main(args) == exits.OK and len(sink.messages) == 1
        assert main(args) == exits.OK and len(sink.messages) == 1
        assert "digest: already sent" in capsys.readouterr().out
        assert main(args + ["--resend"]) == exits.OK and len(sink.messages) == 2
    finally:
        ctl.stop()
    # bad usage, said before any try: --send with --dry-run, a login without NARRATIVE_SMTP_PASSWORD, a bad date or zone
    assert main(["digest", "--config", str(cfg), "--db", db, "--send", "--dry-run"]) == exits.USAGE
    cfg.write_text(base + f'smtp_port = {free_port()}\nsmtp_user = "narrative"\n')
    assert main(["digest", "--config", str(cfg), "--db", db, "--date", "2026-03-11", "--send"]) == exits.USAGE
    assert "needs a password: set NARRATIVE_SMTP_PASSWORD" in capsys.readouterr().err
    assert main(["digest", "--db", db, "--date", "2026-13-45", "--dry-run", "--out", str(tmp_path)]) == exits.USAGE
    monkeypatch.setenv("NARRATIVE_TIMEZONE", "Mars/Base")
    assert main(["digest", "--db", db, "--dry-run", "--out", str(tmp_path)]) == exits.USAGE
    assert "unknown time zone 'Mars/Base'" in capsys.readouterr().err
    monkeypatch.delenv("NARRATIVE_TIMEZONE")
    assert main(["digest", "--db", str(tmp_path / "none.duckdb"), "--dry-run"]) == exits.USAGE  # no warehouse: not 'locked'
    with Warehouse.open(db, read_only=True) as wh:  # nothing was tried for the refused send
        assert wh.con.execute("SELECT count(*) FROM digests WHERE digest_date = '2026-03-11'").fetchone()[0] == 0


def test_new_figures_read_changes_as_changes_and_leave_out_bases(tmp_path):
    """'up 30%' is not a revenue of 30%; a price cut of up to 85% reads as one; a year-earlier base is no new figure."""
    wh = build_warehouse(tmp_path / "w.duckdb")
    try:
        art = _article("c1", "Chart Wire", "Alibaba Cloud grows", _ts(10, 4), summary="Alibaba Cloud grew.")
        fig = {"article_id": "c1", "start_char": 0, "kind": "percent", "model": MODELS["figures"]}
        wh.load({"articles": [art], "figures": [
            {**fig, "sentence_idx": 0, "subject_id": "alibaba-cloud", "metric": "revenue", "surface": "30%", "value": 30,
             "direction": "up", "change": "change", "basis": "YoY", "period": "September quarter"},
            {**fig, "sentence_idx": 1, "subject_id": "qwen", "metric": "API prices", "surface": "up to 85%", "value": 85,
             "direction": "down", "change": "change", "period": "December quarter"},
            {**fig, "sentence_idx": 2, "subject_id": "alibaba", "metric": "free cash flow", "surface": "RMB 13.7 billion",
             "kind": "money", "value": 13.7e9, "currency": "CNY", "direction": "none", "change": "base", "basis": "YoY"}]},
            "r3", index=False)
        d = compose(wh, Options(tz=TZ, days=1, main="alibaba", competitors=("tencent",)), DAY, NOW)
        rows = {(f.subject, f.metric): f for f in d.figures}
        assert rows[("Alibaba Cloud", "revenue")].value == "up 30%"
        assert rows[("Alibaba Cloud", "revenue")].period == "September quarter, YoY"
        assert rows[("Qwen", "API prices")].value == "down by up to 85%"
        assert ("Alibaba Group", "free cash flow") not in rows
        assert rows[("Alibaba Cloud", "API prices")].value == "50%"  # a figure with no change shape stays as written
        (story,) = [st for st in d.stories if st.publisher == "Chart Wire"]  # its story's figures read the same way
        assert "Alibaba Cloud: revenue up 30% (September quarter, YoY)" in story.figures
        assert "Qwen: API prices down by up to 85% (December quarter)" in story.figures
        assert not any("free cash flow" in x for x in story.figures)
    finally:
        wh.close()


def test_a_disagreement_keeps_the_metric_as_written(tmp_path):
    """'adjusted EBITA' stays so in the subject line and the bullet, not 'adjusted ebita'."""
    wh = build_warehouse(tmp_path / "w.duckdb")
    try:
        arts = [_article(a, site, f"Alibaba's margins, by {site}", _ts(10, 4), summary="Alibaba's margins fell.")
                for a, site in (("e1", "Margin Wire"), ("e2", "Profit Daily"))]
        wh.load({"articles": arts, "figures": [
            {"article_id": a, "sentence_idx": 0, "start_char": 0, "kind": "percent", "model": MODELS["figures"], "subject_id": "alibaba",
             "metric": "adjusted EBITA", "surface": sur, "value": v, "direction": "down", "change": "change", "period": "Q4 2025"}
            for a, sur, v in (("e1", "18%", 18), ("e2", "25%", 25))]}, "r4", index=False)
        d = compose(wh, Options(tz=TZ, days=1, main="alibaba", competitors=("tencent",)), DAY, NOW)
        ebita = [g for g in d.disagreements if g.metric.lower() == "adjusted ebita"]
        assert ebita and ebita[0].metric == "adjusted EBITA"
    finally:
        wh.close()


def test_the_charts_first_day_is_a_full_7_day_average(tmp_path):
    """The tone chart's first point averages the 7 days to it, those before the chart included (it read
    only the chart's own first day, so the line started at one day's value)."""
    from narrative.digest.compose import CHART_DAYS

    wh = build_warehouse(tmp_path / "w.duckdb")
    try:
        first = DAY - dt.timedelta(days=CHART_DAYS - 1)
        early = first - dt.timedelta(days=4)  # inside the first point's 7 days, before the chart
        art = _article("o1", "Old Wire", "Alibaba's old troubles", dt.datetime.combine(early, dt.time(6), dt.timezone.utc),
                       summary="Alibaba had troubles.")
        wh.load({"articles": [art], "entity_sentiment": [{"article_id": "o1", "entity_id": "alibaba", "mentions": 2, "score": -0.9,
                                                          "label": "negative", "model": MODELS["sentiment"]}]}, "r5", index=False)
        d = compose(wh, Options(tz=TZ, days=1, main="alibaba", competitors=("tencent",)), DAY, NOW)
        assert d.tone_series.days[0] == first
        alibaba = dict(d.tone_series.lines)["Alibaba"]
        assert alibaba[0] == pytest.approx(-0.9) and alibaba[2] == pytest.approx(-0.9) and alibaba[3] is None
    finally:
        wh.close()
