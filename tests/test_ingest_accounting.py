"""Every input accounted for: each WARC record of a page, saved page and feed entry gets a row, or a reason."""

from __future__ import annotations

import io
import json
from pathlib import Path

from narrative.cli import main
from narrative.extractors.sources import ReplayStats, replay_inputs
from narrative.flows.steps import Replayed, accounting_line, replay_pages

FIXTURES = Path(__file__).parent / "fixtures"


def _warc(path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    brief = (FIXTURES / "wire_brief.html").read_bytes()
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(w.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))
        for url, body, ctype, status, kind in [
            ("https://meridianwire.example/world/2026/03/14/harbour-crane-collapse-port-veyla", brief, "text/html", 200, "response"),
            ("urn:example:saved-page:17", brief, "text/html", 200, "resource"),  # a target URI that is not http(s)
            ("dns:meridianwire.example", b"20260314 meridianwire.example. 300 IN A 192.0.2.7", "text/dns", 200, "resource"),
            ("https://meridianwire.example/report.pdf", b"%PDF-1.4", "application/pdf", 200, "response"),
            ("https://meridianwire.example/gone", b"", "text/html", 404, "response"),
        ]:
            if kind == "response":
                headers = StatusAndHeaders(f"{status} OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
                w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
                req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "meridianwire.example")], is_http_request=True)
                w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=req))
            else:
                w.write_record(w.create_warc_record(url, "resource", payload=io.BytesIO(body), warc_content_type=ctype))


def test_every_page_record_of_a_warc_has_a_row(tmp_path, capsys):
    warc = tmp_path / "crawl.warc.gz"
    _warc(warc)
    assert main(["extract", str(warc), str(tmp_path / "missing.html")]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r.get("skipped") for r in rows] == [None, "not_http", "not_http", "not_html", "http_404", "missing"]
    assert rows[0]["title"].startswith("Harbour crane collapse") and rows[1]["url"] == "urn:example:saved-page:17"
    assert "6 inputs: 1 articles, 5 skipped (not_http 2, http_404 1, missing 1, not_html 1)" in err
    assert "4 WARC records that describe others" in err  # warcinfo + 3 requests: counted, not inputs


def test_replay_accounts_for_records_it_does_not_replay(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    _warc(warc)
    stats = ReplayStats()
    inputs = list(replay_inputs([warc], stats))
    assert len(inputs) == 5 and sum(x.page is not None for x in inputs) == 1 and stats.skipped["not_page"] == 4
    got = replay_pages([warc], lambda urls: set())
    assert len(got.pages) == 1 and sorted(f.reason for f in got.not_replayed) == ["http_404", "not_html", "not_http", "not_http"]
    assert got.inputs == 5
    again = replay_pages([warc], lambda urls: set(urls))  # everything already stored
    assert again.pages == [] and again.already_stored == 1 and again.inputs == 5
    counts = {"inputs": 7, "annotated": 1, "skipped": 1, "not_replayed": 4, "already_stored": 1}
    line = accounting_line(counts, {"too_short": 1, "replay:not_http": 2, "replay:http_404": 1, "replay:not_html": 1})
    assert line == ("7 inputs: annotated 1, skipped 1 (too_short 1), not replayed 4 (http_404 1, not_html 1, not_http 2), "
                    "already stored 1")
    assert "unaccounted" in accounting_line({**counts, "inputs": 8}, {})
    assert Replayed().inputs == 0


def test_the_flow_stores_or_counts_every_replayed_input(tmp_path, capsys):
    import duckdb

    warc = tmp_path / "crawl.warc.gz"
    _warc(warc)
    db = str(tmp_path / "n.duckdb")
    pages = [str(FIXTURES / n) for n in ("live_blog_entry.html", "tag_page.html", "paywall_stub.html")]
    assert main(["replay", "--db", db, "--no-progress", *pages, str(warc)]) == 0
    err = capsys.readouterr().err
    line = next(x for x in err.splitlines() if x.startswith("narrative: ") and "inputs:" in x)
    # 3 saved pages + 5 page records; the brief and the live blog are off-topic here (rejected, with a score)
    assert line == ("narrative: 8 inputs: rejected 2, skipped 2 (not_article 1, paywall 1), "
                    "not replayed 4 (http_404 1, not_html 1, not_http 2)"), line
    con = duckdb.connect(db, read_only=True)
    try:
        status = dict(con.execute("SELECT split_part(coalesce(reason, status), ':', 1), count(*) FROM articles GROUP BY 1").fetchall())
        failed = sorted(r[0] for r in con.execute("SELECT reason FROM fetch_failures").fetchall())
    finally:
        con.close()
    assert status == {"off-topic": 2, "not_article": 1, "paywall": 1} and failed == ["http_404", "not_html", "not_http", "not_http"]
    assert main(["replay", "--db", db, "--no-progress", *pages, str(warc)]) == 0  # again: all known, still all counted
    line = next(x for x in capsys.readouterr().err.splitlines() if x.startswith("narrative: ") and "inputs:" in x)
    assert line == "narrative: 8 inputs: not replayed 4 (http_404 1, not_html 1, not_http 2), already stored 4", line
