"""Operability: `narrative config check`, `narrative runs`, exit codes a scheduler can act on, and a failed
or empty scheduled day that someone hears about (a real SMTP server, aiosmtpd on 127.0.0.1), once per day."""

from __future__ import annotations

import email
import email.policy
import json
import socket
from pathlib import Path

import pytest

from narrative.cli import exits, main
from narrative.warehouse.db import Warehouse
from narrative.warehouse.runlock import RunLock

ROOT = Path(__file__).resolve().parents[1]




def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


# -- config check --------------------------------------------------------------------------------
def test_config_check_passes_on_the_example_config(capsys, monkeypatch):
    monkeypatch.setenv("NARRATIVE_SMTP_PASSWORD", "s3cret-value")
    monkeypatch.setenv("NARRATIVE_FETCH_WORKERS", "4")
    assert main(["config", "check", "--config", str(ROOT / "narrative.example.toml"), "--db", "x.duckdb"]) == exits.OK
    out = capsys.readouterr().out
    assert "s3cret-value" not in out and "smtp_password             = ********  (environment)" in out
    assert 'timezone                  = "Asia/Shanghai"  (file)' in out
    assert "fetch_workers             = 4  (environment)" in out  # the environment wins over the file's 8
    assert 'db                        = "x.duckdb"  (flag)' in out
    assert "max_attempts              = 3  (default)" in out


def test_config_check_reports_every_kind_of_error(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("NARRATIVE_SMTP_PASSWORD", raising=False)
    bad = tmp_path / "syntax.toml"
    bad.write_text('[narrative]\nfeeds = ["https://a.example/feed"\ndb = "x"\n')
    assert main(["config", "check", "--config", str(bad)]) == exits.USAGE
    assert "line 3, column 1: TOML syntax error" in capsys.readouterr().err

    keys = tmp_path / "keys.toml"
    keys.write_text('[narrative]\nfeeds = ["https://a.example/feed"]\nfeed_workers = 4\nper_host_interval = "fast"\n'
                    f'themes = "{tmp_path}/none.json"\n')
    assert main(["config", "check", "--config", str(keys)]) == exits.USAGE
    err = capsys.readouterr().err
    assert "line 3: unknown setting 'feed_workers'; did you mean 'fetch_workers'?" in err
    assert "line 4: per_host_interval must be a number, not a string" in err
    assert "themes (" in err and "no such file" in err  # the valid keys are still checked: one run lists every error

    values = tmp_path / "values.toml"
    values.write_text(f'[narrative]\nfeeds = ["https://a.example/feed", "ftp://b"]\ntopic = "{tmp_path}/missing.json"\n'
                      f'db = "{tmp_path}/no/such/dir/n.duckdb"\nsmtp_host = "smtp.example.com"\nsmtp_user = "me"\n'
                      f'digest_to = ["a@example.com"]\ntimezone = "Mars/Olympus"\ntask_runner = "spark"\n')
    assert main(["config", "check", "--config", str(values)]) == exits.USAGE
    err = capsys.readouterr().err
    for expected in ("not an http(s) URL: 'ftp://b'", "topic (", "no such file", "does not exist",
                     "set NARRATIVE_SMTP_PASSWORD in the environment", "'Mars/Olympus' is not an IANA time zone",
                     "task_runner (", "5 error" if False else "error(s) in the configuration"):
        assert expected in err, (expected, err)

    monkeypatch.setenv("NARRATIVE_SMTP_PORT", "twenty-five")
    assert main(["config", "check"]) == exits.USAGE
    assert "smtp_port in environment: cannot read 'twenty-five'" in capsys.readouterr().err


# -- runs and exit codes ---------------------------------------------------------------------------
def _settings_file(tmp_path: Path, **extra) -> Path:
    lines = [f'db = "{tmp_path / "n.duckdb"}"', f'feeds = ["http://127.0.0.1:{_closed_port()}/feed.xml"]',
             "allow_private = true", "max_attempts = 1", "connect_timeout = 1.0"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    cfg = tmp_path / "n.toml"
    cfg.write_text("[narrative]\n" + "\n".join(lines) + "\n")
    return cfg


def test_exit_codes_and_runs(tmp_path, capsys):
    cfg = _settings_file(tmp_path)
    db = str(tmp_path / "n.duckdb")
    assert main(["ingest", "--config", str(cfg), "--no-progress"]) == exits.OK  # the feed fails: an empty run, not an error
    lock = RunLock(db)
    assert lock.acquire("someone-else")
    try:
        assert main(["ingest", "--config", str(cfg), "--no-progress"]) == exits.LOCKED
        assert "another run is already writing" in capsys.readouterr().err
    finally:
        lock.release()
    failing = _settings_file(tmp_path, topic=str(tmp_path / "gone.json"))
    Path(tmp_path / "gone.json").write_text("{}")  # passes config check's path test, breaks the run
    assert main(["ingest", "--config", str(failing), "--no-progress"]) == exits.RUN_FAILED
    assert main(["runs", "--config", str(cfg), "--limit", "1", "--json"]) == exits.OK
    capsys.readouterr()
    assert main(["runs", "--db", db, "--json"]) == exits.OK
    runs = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["status"] for r in runs] == ["failed", "succeeded"]
    assert runs[1]["message"].startswith("empty: every feed failed") and runs[1]["counts"]["feeds_failed"] == 1
    assert runs[1]["failures"] == {} and runs[1]["seconds"] is not None and runs[1]["trigger"] == "ingest"
    assert main(["runs", "--db", db]) == exits.OK
    table = capsys.readouterr().out
    assert "status" in table and "failed" in table and "counts: feeds 1" in table and "message: empty:" in table
    assert main(["runs", "--db", str(tmp_path / "none.duckdb")]) == exits.USAGE


# -- a failed or empty scheduled day is heard about, once ----------------------------------------------
def test_failed_then_empty_scheduled_day_alerts_once(tmp_path, smtp):
    from narrative.flows.daily import scheduled_daily
    from narrative.flows.errors import RunFailed

    sink, port = smtp
    (tmp_path / "broken-topic.json").write_text("{}")
    cfg = _settings_file(tmp_path, smtp_host="127.0.0.1", smtp_port=port, alert_to=["oncall@example.com"],
                         digest_from="narrative@example.com", timezone="Asia/Shanghai")
    db = str(tmp_path / "n.duckdb")
    # a failed day: the run breaks (its topic file is not a topic)
    with pytest.raises(RunFailed):
        scheduled_daily(str(cfg), {"topic": str(tmp_path / "broken-topic.json")})
    assert len(sink.messages) == 1
    msg = email.message_from_bytes(sink.messages[0].content, policy=email.policy.default)
    assert msg["To"] == "oncall@example.com" and msg["X-Narrative-Alert"] == "failed"
    assert "scheduled run failed on" in msg["Subject"]
    body = msg.get_content()
    assert "Run:       schedule-" in body and f"narrative runs --db {db}" in body
    # the same day again, empty this time (the feed is down): recorded, logged, not mailed twice
    out = scheduled_daily(str(cfg), {})
    assert out["counts"]["stored"] == 0
    assert len(sink.messages) == 1
    with Warehouse.open(db, read_only=True) as wh:
        rows = wh.con.execute("SELECT status, trigger, message, alert FROM runs ORDER BY started_at").fetchall()
    assert [(r[0], r[1]) for r in rows] == [("failed", "schedule"), ("succeeded", "schedule")]
    assert rows[0][3] == "sent to oncall@example.com"
    assert rows[1][2].startswith("empty: every feed failed") and rows[1][3].startswith("not sent: already alerted on")
