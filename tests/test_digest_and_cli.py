"""Digest delivery through a real SMTP server (aiosmtpd on 127.0.0.1), and the CLI surface."""

from __future__ import annotations

import email
import email.policy
import json
import subprocess
import sys
from dataclasses import replace


from narrative.cli import build_parser, main
from narrative.flows.digesting import make_digest
from narrative.warehouse.db import Warehouse




def test_digest_sent_over_smtp(demo_run, smtp, tmp_path):
    sink, port = smtp
    s = replace(demo_run["settings"], smtp_host="127.0.0.1", smtp_port=port, digest_to=("analyst@example.com",))
    with Warehouse.open(demo_run["db"]) as wh:
        paths, status = make_digest(wh, s, str(tmp_path), None)
        assert status == "sent"
        assert wh.con.execute("SELECT count(*) FROM digests WHERE status = 'sent'").fetchone()[0] == 1
    assert len(sink.messages) == 1 and sink.messages[0].rcpt_tos == ["analyst@example.com"]
    msg = email.message_from_bytes(sink.messages[0].content, policy=email.policy.default)
    assert msg["To"] == "analyst@example.com" and msg["List-Unsubscribe"]
    # the demo's digest (its last 7 days): stories once, summaries that read alone, HTML under Gmail's clip
    html = msg.get_body(("html",)).get_content()
    assert len(html.encode()) < 100_000 and "Covered by several sources" not in html
    text = msg.get_body(("plain",)).get_content()
    stories = text.split("TOP STORIES", 1)[1].split("NEW FIGURES", 1)[0]
    summary_lines = [ln.strip() for ln in stories.splitlines() if ln.startswith("   ") and not ln.strip().startswith(("Read:", "Also:", "Figures:"))
                     and " · " not in ln]
    assert summary_lines
    for line in summary_lines:
        assert not line[0].islower() and line[0] not in "\"'“‘", line


def test_digest_smtp_failure_is_recorded_not_raised(demo_run, tmp_path):
    s = replace(demo_run["settings"], smtp_host="127.0.0.1", smtp_port=1,  # nothing listens there
                digest_to=("nobody@example.com",), smtp_attempts=2, smtp_backoff=0.01)
    with Warehouse.open(demo_run["db"]) as wh:
        paths, status = make_digest(wh, s, str(tmp_path), None)
    assert status.startswith("failed") and (tmp_path / "digest.eml").exists()


def test_every_command_has_help_with_config_and_db(capsys):
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert {"demo", "ingest", "digest", "sql", "queries", "serve"} <= set(commands)
    for name, sub in commands.items():
        text = sub.format_help()
        assert "--config" in text and "--db" in text, name


def test_sql_read_only_and_formats(demo_run, capsys):
    assert main(["sql", "--db", demo_run["db"], "SELECT status, count(*) AS n FROM articles GROUP BY 1 ORDER BY 1", "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "status,n" and "annotated,46" in out
    assert main(["sql", "--db", demo_run["db"], "DELETE FROM articles"]) == 1
    assert "read-only" in capsys.readouterr().err.lower()


def test_queries_lists_views(capsys):
    assert main(["queries"]) == 0
    assert "figure_conflicts" in capsys.readouterr().out


def test_console_script_runs():
    r = subprocess.run([sys.executable, "-m", "narrative.cli", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "demo" in r.stdout


def test_annotate_prints_warehouse_fields(demo_run, capsys):
    text = "Tencent's cloud revenue rose 12% to RMB 9.8 billion in the third quarter."
    assert main(["annotate", text]) == 0
    doc = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {"sentences", "mentions", "figures", "sentiment", "themes", "summary"} <= set(doc)
    money = [f for f in doc["figures"] if f["kind"] == "money"][0]
    assert (money["value"], money["currency"], money["subject"], money["metric"], money["period"], money["direction"]) == \
        (9.8e9, "CNY", "Tencent", "cloud revenue", "Q3", "up")
    assert any(m["entity_id"] == "tencent" for m in doc["mentions"])


def test_annotate_lines_from_stdin(demo_run, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("Alibaba cut prices.\nDeepSeek released a model.\n"))
    assert main(["annotate", "--lines"]) == 0
    out = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    assert len(out) == 2 and out[1]["mentions"][0]["entity_id"] == "deepseek"
