"""The digest on a small warehouse built here from fixed records (fixed date, Asia/Shanghai days): its
text part against a golden file, the empty day, a busy day's size, summaries that read alone, and
delivery through a real SMTP server (aiosmtpd on 127.0.0.1): parts, cid: images, headers, one message
per recipient, no second send, a transient 451 retried, STARTTLS and implicit TLS with a password."""

from __future__ import annotations

import datetime as dt
import email
import os
import re
import ssl
from dataclasses import replace
from email import policy
from pathlib import Path

import pytest

from narrative.digest.compose import Options, compose
from narrative.digest.render import HTML_LIMIT, render_html, render_text
from narrative.digest.sentences import pick_summary, reads_alone, split_sentences
from narrative.flows.digesting import make_digest
from narrative.flows.settings import Settings, load_settings
from narrative.warehouse.db import Warehouse
from smtp_sink import Sink
from smtp_sink import free_port as _free_port
from smtp_sink import start_server as _server

GOLDEN = Path(__file__).parent / "data" / "digest_golden.txt"
DAY = dt.date(2026, 3, 10)
TZ = "Asia/Shanghai"
NOW = dt.datetime(2026, 3, 11, 7, 0, tzinfo=dt.timezone.utc)
UTC = dt.timezone.utc
MODELS = {"sentiment": "finsent@1", "ner": "ner@1", "themes": "themes@1", "figures": "figures@1", "summary": "mmr@1"}
ENTITIES = [
    {"id": "alibaba", "name": "Alibaba Group", "type": "ORG", "parent_id": None, "aliases": ["Alibaba", "阿里巴巴"]},
    {"id": "alibaba-cloud", "name": "Alibaba Cloud", "type": "ORG", "parent_id": "alibaba", "aliases": ["Alibaba Cloud", "阿里云"]},
    {"id": "qwen", "name": "Qwen", "type": "PRODUCT", "parent_id": "alibaba", "aliases": ["Qwen"]},
    {"id": "tencent", "name": "Tencent", "type": "ORG", "parent_id": None, "aliases": ["Tencent", "腾讯"]},
    {"id": "bytedance", "name": "ByteDance", "type": "ORG", "parent_id": None, "aliases": ["ByteDance"]},
]


def _ts(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def _article(aid, site, title, published_at, status="annotated", duplicate_of=None, summary=None):
    host = site.lower().replace(" ", "")
    return {"id": aid, "url": f"https://{host}.example/{aid}", "canonical_url": f"https://{host}.example/{aid}", "site": site,
            "title": title, "published_at": published_at, "fetched_at": NOW, "status": status, "relevance": 0.8,
            "duplicate_of": duplicate_of, "summary": summary, "language": "en", "text": "…"}


def build_warehouse(path: Path, busy: int = 0) -> Warehouse:
    """Three articles on 10 March (Shanghai) in one two-source story plus one more, four in the 7 days before."""
    wh = Warehouse.open(path)
    wh.sync_entities(ENTITIES)
    for kind, model in MODELS.items():
        wh.con.execute("INSERT INTO annotation_models VALUES (?, ?, 'r1', ?)", [kind, model, NOW])
    s1 = ('Alibaba Cloud said on Tuesday it would cut the price of its Qwen models by half for business customers. '
          '"We want every developer on Qwen," he said. roughly double the cut it made in October.')
    arts = [
        _article("a1", "Tech Ledger", "Alibaba Cloud (阿里云) halves Qwen prices for business customers", _ts(10, 2), summary=s1),
        _article("a2", "CloudBeat", "Cloud rivals weigh their answer to Alibaba's price cut", _ts(10, 5),
                 summary="Rivals of Alibaba Cloud said they were studying the cut. Li estimates that margins will fall by two points."),
        _article("a3", "Asia Markets", "Tencent lifts its AI spending plan as Alibaba's capex disclosures differ", _ts(9, 20),  # 04:00 on the 10th in Shanghai
                 summary="Tencent said it would spend RMB 80 billion on AI infrastructure in fiscal 2026, up from RMB 60 billion."),
        _article("d1", "Silk Road Wire", "Alibaba Cloud halves Qwen prices", _ts(10, 3), status="duplicate", duplicate_of="a1"),
        _article("x1", "Tech Ledger", "A phone review", _ts(10, 6), status="rejected"),
        _article("b1", "Tech Ledger", "Alibaba shares slip as investors fret over margins", _ts(4, 3),
                 summary="Alibaba shares fell 3% in Hong Kong on Wednesday as investors worried about cloud margins."),
        _article("b2", "CloudBeat", "ByteDance's Doubao undercuts rivals again", _ts(6, 4),
                 summary="ByteDance cut the price of its Doubao models for the second time this year."),
        _article("b3", "Asia Markets", "Alibaba's AI spending worries analysts", _ts(8, 9),
                 summary="Analysts at two brokerages said Alibaba's AI spending would weigh on free cash flow."),
        _article("b4", "Tech Ledger", "Tencent's Hunyuan model adds users", _ts(9, 10),  # 18:00 on the 9th in Shanghai
                 summary="Tencent said its Hunyuan model now had 100 million monthly users."),
    ]
    for i in range(busy):
        arts.append(_article(f"z{i:03d}", f"Site {i % 40}", f"Busy-day story number {i} about Alibaba Cloud and its many rivals in AI",
                             _ts(10, 1 + i % 12, i % 60), summary="Alibaba Cloud said on Tuesday it had signed another large customer. " * 3))
    tone = {"a1": [("alibaba-cloud", 0.6, 3), ("qwen", 0.4, 2)], "a2": [("alibaba", 0.2, 2), ("tencent", -0.1, 1)],
            "a3": [("tencent", 0.3, 3), ("alibaba", -0.2, 1)], "b1": [("alibaba", -0.5, 3)], "b2": [("bytedance", 0.2, 2), ("alibaba", -0.1, 1)],
            "b3": [("alibaba", -0.4, 2)], "b4": [("tencent", 0.3, 2)]}
    tone.update({f"z{i:03d}": [("alibaba-cloud", 0.1, 1)] for i in range(busy)})
    themes = {"a1": {"pricing": 0.9, "competition": 0.5, "ai-capex": 0.1}, "a2": {"pricing": 0.7, "competition": 0.7, "margins": 0.4},
              "a3": {"ai-capex": 0.9, "competition": 0.4}, "b1": {"margins": 0.8, "pricing": 0.2}, "b2": {"pricing": 0.3, "competition": 0.8},
              "b3": {"ai-capex": 0.8, "margins": 0.5}, "b4": {"competition": 0.6}}
    themes.update({f"z{i:03d}": {"pricing": 0.5, "competition": 0.5} for i in range(busy)})
    figures = [("a1", 0, "alibaba-cloud", "API prices", "50%", "percent", 50, None, "down", "March"),
               ("a2", 1, "alibaba", "capital expenditure", "RMB 38.6 billion", "money", 38.6e9, "CNY", "none", "Q4 2025"),
               ("a3", 0, "tencent", "AI spending", "RMB 80 billion", "money", 80e9, "CNY", "up", "FY2026"),
               ("a3", 2, "alibaba", "capital expenditure", "RMB 31.5 billion", "money", 31.5e9, "CNY", "none", "Q4 2025")]
    figures += [(f"z{i:03d}", 0, "alibaba-cloud", f"metric number {i}", f"RMB {i} billion", "money", i * 1e9, "CNY", "up", "Q1 2026")
                for i in range(busy)]
    sentences = {"a1": ["Alibaba Cloud said on Tuesday it would cut the price of its Qwen models by half for business customers."],
                 "a2": ["Rivals of Alibaba Cloud said on Tuesday that they were studying the cut before answering it."],
                 "a3": ["Tencent said it would spend RMB 80 billion on AI infrastructure in fiscal 2026, up from RMB 60 billion."]}
    wh.load({
        "articles": arts,
        "entity_sentiment": [{"article_id": a, "entity_id": e, "mentions": m, "score": sc, "label": "neutral", "model": MODELS["sentiment"]}
                             for a, rows in tone.items() for e, sc, m in rows],
        "article_themes": [{"article_id": a, "theme": t, "score": sc, "model": MODELS["themes"]} for a, ts in themes.items() for t, sc in ts.items()],
        "figures": [{"article_id": a, "sentence_idx": si, "start_char": 0, "subject_id": subj, "metric": met, "surface": sur, "kind": k,
                     "value": v, "currency": cur, "direction": dr, "period": per, "model": MODELS["figures"]}
                    for a, si, subj, met, sur, k, v, cur, dr, per in figures],
        "sentences": [{"article_id": a, "idx": i, "text": t, "model": MODELS["sentiment"]} for a, ts in sentences.items() for i, t in enumerate(ts)],
        "stories": [{"id": "a1", "first_published_at": _ts(10, 2), "last_published_at": _ts(10, 5), "articles": 2, "sources": 3,
                     "title": arts[0]["title"], "summary": s1 + " Rivals of Alibaba Cloud said they were studying the cut.", "model": "emb@1"}],
        "story_articles": [{"story_id": "a1", "article_id": "a1"}, {"story_id": "a1", "article_id": "a2"}],
        "feeds": [{"url": f"https://feed{i}.example/rss", "title": f"Feed {i}", "added_at": NOW} for i in range(3)],
    }, "r1", index=False)
    return wh


@pytest.fixture()
def wh(tmp_path):
    w = build_warehouse(tmp_path / "w.duckdb")
    yield w
    w.close()


def settings(tmp_path, **over) -> Settings:
    base = Settings(db=str(tmp_path / "w.duckdb"), timezone=TZ, digest_date=DAY.isoformat(), digest_competitors=("tencent", "bytedance"),
                    digest_from="叙事 digest <digest@example.com>", digest_unsubscribe_url="https://example.com/unsub?u={recipient}",
                    smtp_attempts=3, smtp_backoff=0.01)
    return replace(base, **over)


# -- content -----------------------------------------------------------------------------------------

def test_text_part_matches_the_golden_file(wh):
    d = compose(wh, Options(tz=TZ, days=1, main="alibaba", competitors=("tencent", "bytedance")), DAY, NOW)
    text = render_text(d, "https://example.com/unsub?u=analyst%40example.com")
    if os.environ.get("NARRATIVE_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, "utf-8")
    assert text == GOLDEN.read_text("utf-8")


def test_the_day_is_read_in_the_configured_time_zone(wh):
    shanghai = compose(wh, Options(tz=TZ, days=1, competitors=("tencent",)), DAY, NOW)
    utc = compose(wh, Options(tz="UTC", days=1, competitors=("tencent",)), DAY, NOW)
    assert shanghai.articles == 3  # a3, published 20:00 UTC on the 9th, is 04:00 on the 10th in Shanghai
    assert utc.articles == 2


def test_content_what_changed_metrics_stories_figures(wh):
    d = compose(wh, Options(tz=TZ, days=1, main="alibaba", competitors=("tencent", "bytedance")), DAY, NOW)
    assert 3 <= len(d.changes) <= 5 and all(c.links and c.links[0].url.startswith("https://") for c in d.changes)
    assert d.subject.startswith(d.changes[0].short) and d.subject.endswith("10 Mar 2026")
    assert [m.label for m in d.metrics] == ["Articles", "Tone toward Alibaba", "Share of voice"]
    # each story once: the two-source story (plus its syndicated copy) is one cluster, its first publisher named
    heads = [s.headline for s in d.stories]
    assert len(heads) == len(set(heads)) == 2
    top = d.stories[0]
    assert top.publisher == "Tech Ledger" and top.other_sources == 2 and {o.label for o in top.others} == {"CloudBeat", "Silk Road Wire"}
    # the capex figures two sources disagree on are flagged and shown side by side
    assert d.disagreements and {c[1] for c in d.disagreements[0].claims} == {"RMB 38.6 billion", "RMB 31.5 billion"}
    assert any(f.disputed for f in d.figures)
    assert any(c.kind == "disagreement" for c in d.changes)


def test_summary_sentences_read_alone(wh):
    d = compose(wh, Options(tz=TZ, days=1), DAY, NOW)
    sentences = [s for story in d.stories for s in story.summary]
    assert sentences and all(reads_alone(s, frozenset({"Alibaba", "Tencent", "Alibaba Cloud"})) for s in sentences)
    for s in sentences:
        assert not s[0].islower() and s[0] not in "\"'“‘", s
    assert not any("roughly double" in s or "he said" in s or s.startswith("Li ") for s in sentences)


def test_reads_alone_rules():
    assert not reads_alone("roughly 15 times forecast 2027 revenue.")
    assert not reads_alone('"A $5 billion buyback does not change that arithmetic."')
    assert not reads_alone('the plan says it goes up from here," he said.')
    assert not reads_alone("He said the deal would close in the first quarter of next year.")
    assert not reads_alone("Wong said the buyback would help put a floor under the shares.")
    assert reads_alone("Wong said the buyback would help put a floor under the shares.", frozenset({"Wong"}))
    assert reads_alone("Alibaba Group added $5 billion to its share repurchase programme on Wednesday.")
    text = 'Alibaba is a big holder of MiniMax shares, the filing shows. "Capex was RMB 38.6 billion," he said. roughly 15 times revenue.'
    assert pick_summary(split_sentences(text)) == ["Alibaba is a big holder of MiniMax shares, the filing shows."]


def test_empty_day_gives_a_short_digest_or_none(wh, tmp_path):
    d = compose(wh, Options(tz=TZ), dt.date(2026, 3, 20), NOW)
    assert d.empty and d.subject == "No new coverage · 20 Mar 2026" and d.last_coverage == DAY
    text = render_text(d, "mailto:x@example.com")
    assert "No on-topic articles were published on 20 Mar 2026" in text and len(text) < 1500
    html = render_html(d, {}, "mailto:x@example.com")
    assert "No new coverage" in html and "<img" not in html
    paths, status = make_digest(wh, settings(tmp_path, digest_date="2026-03-20"), str(tmp_path / "out"), None)
    assert status == "written" and "No new coverage" in Path(paths[1]).read_text()
    paths, status = make_digest(wh, settings(tmp_path, digest_date="2026-03-20", digest_empty="skip"), str(tmp_path / "out2"), None)
    assert paths == [] and status.startswith("no new coverage")
    # an empty warehouse: still no crash
    with Warehouse.open(tmp_path / "empty.duckdb") as empty:
        paths, status = make_digest(empty, settings(tmp_path, digest_date="latest"), str(tmp_path / "out3"), None)
    assert status == "written"


def test_a_digest_error_is_reported_not_raised(wh, tmp_path):
    paths, status = make_digest(wh, settings(tmp_path, digest_date="not-a-date"), str(tmp_path), None)
    assert paths == [] and status.startswith("failed: ValueError")


def test_busy_day_stays_under_gmails_clipping_size(tmp_path):
    with build_warehouse(tmp_path / "busy.duckdb", busy=300) as busy:
        paths, status = make_digest(busy, settings(tmp_path, db=str(tmp_path / "busy.duckdb")), str(tmp_path / "out"), None)
        d = compose(busy, Options(tz=TZ), DAY, NOW)
    assert d.articles == 303 and len(d.stories) == 6 and len(d.figures) <= 10
    msg = email.message_from_bytes(Path(paths[0]).read_bytes(), policy=policy.default)
    html = msg.get_body(("html",)).get_content()
    assert len(html.encode()) < HTML_LIMIT
    assert "<script" not in html.lower() and "<svg" not in html.lower() and "<style" not in html.lower() and "base64" not in html


# -- settings --------------------------------------------------------------------------------------------

def test_smtp_password_only_from_the_environment(tmp_path):
    cfg = tmp_path / "n.toml"
    cfg.write_text('[narrative]\nsmtp_host = "smtp.example.com"\nsmtp_password = "hunter2"\n')
    with pytest.raises(ValueError, match="NARRATIVE_SMTP_PASSWORD"):
        load_settings(cfg, env={})
    cfg.write_text('[narrative]\nsmtp_host = "smtp.example.com"\n')
    s = load_settings(cfg, env={"NARRATIVE_SMTP_PASSWORD": "hunter2"})
    assert s.smtp_password == "hunter2" and "hunter2" not in repr(s)


# -- delivery through a real SMTP server --------------------------------------------------------------------



def test_each_recipient_gets_one_message_once(wh, tmp_path):
    sink = Sink()
    ctl = _server(sink)
    try:
        s = settings(tmp_path, smtp_host="127.0.0.1", smtp_port=ctl.port,
                     digest_to=("王芳 <wang.fang@example.com>", "analyst@example.com"))
        paths, status = make_digest(wh, s, str(tmp_path / "out"), None)
        assert status == "sent to 2 recipients"
        assert sorted(m.rcpt_tos[0] for m in sink.messages) == ["analyst@example.com", "wang.fang@example.com"]
        assert all(len(m.rcpt_tos) == 1 for m in sink.messages)
        msg = email.message_from_bytes(next(m for m in sink.messages if m.rcpt_tos == ["wang.fang@example.com"]).content,
                                       policy=policy.default)
        # headers: UTF-8 names survive, To is the recipient, unsubscribe one-click
        assert msg["To"] == "王芳 <wang.fang@example.com>" and msg["From"] == "叙事 digest <digest@example.com>"
        assert msg["Subject"].endswith("10 Mar 2026") and msg["Message-ID"]
        assert msg["List-Unsubscribe"] == "<https://example.com/unsub?u=wang.fang@example.com>, <mailto:digest@example.com?subject=unsubscribe>"
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # multipart/alternative: text first, then the HTML with its charts as related parts
        assert msg.get_content_type() == "multipart/alternative"
        text, related = msg.get_payload()
        assert text.get_content_type() == "text/plain" and "WHAT CHANGED" in text.get_content()
        assert related.get_content_type() == "multipart/related"
        html = related.get_payload()[0].get_content()
        cids = set(re.findall(r'src="cid:([^"]+)"', html))
        images = {p["Content-ID"].strip("<>"): p for p in related.get_payload()[1:]}
        assert len(cids) == 2 and cids == set(images) and all(p.get_content_type() == "image/png" for p in images.values())
        assert all(re.search(r'alt="[^"]{20,}"', tag) for tag in re.findall(r"<img[^>]+>", html))
        assert len(html.encode()) < HTML_LIMIT and "<style" not in html.lower()
        rows = wh.con.execute("SELECT recipient, status, message_id, attempts, digest_date FROM digests WHERE recipient IS NOT NULL "
                              "ORDER BY recipient").fetchall()
        assert [(r[0], r[1], r[3], r[4]) for r in rows] == [("analyst@example.com", "sent", 1, DAY), ("wang.fang@example.com", "sent", 1, DAY)]
        assert msg["Message-ID"] in {r[2] for r in rows}
        # the same date again: refused for both; --resend sends anew
        paths, status = make_digest(wh, s, None, None)
        assert status == "already sent to all 2 recipients" and len(sink.messages) == 2
        paths, status = make_digest(wh, replace(s, digest_to=("analyst@example.com",)), None, None, resend=True)
        assert status == "sent" and len(sink.messages) == 3
    finally:
        ctl.stop()


def test_transient_451_is_retried_and_a_final_failure_recorded(wh, tmp_path):
    sink = Sink(fail_first=1)
    ctl = _server(sink)
    try:
        s = settings(tmp_path, smtp_host="127.0.0.1", smtp_port=ctl.port, digest_to=("analyst@example.com",))
        paths, status = make_digest(wh, s, None, None)
        assert status == "sent" and sink.tries == 2 and len(sink.messages) == 1
        assert wh.con.execute("SELECT attempts FROM digests WHERE status = 'sent'").fetchone()[0] == 2
    finally:
        ctl.stop()
    # nothing listening: retried, then recorded as failed and reported, not raised
    s = settings(tmp_path, smtp_host="127.0.0.1", smtp_port=_free_port(), digest_to=("other@example.com",), smtp_attempts=2)
    paths, status = make_digest(wh, s, None, None)
    assert status.startswith("failed: 1 of 1 not sent: other@example.com")
    row = wh.con.execute("SELECT status, attempts, error FROM digests WHERE recipient = 'other@example.com'").fetchone()
    assert row[0] == "failed" and row[1] == 2 and row[2]


def _tls_contexts(tmp_path):
    """A self-signed certificate for 127.0.0.1: the server's context and the CA file a client trusts."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert_file, key_file)
    return ctx, str(cert_file)


@pytest.mark.parametrize("mode", ["starttls", "implicit"])
def test_tls_and_authentication(wh, tmp_path, mode):
    from aiosmtpd.smtp import AuthResult

    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    server_ctx, cafile = _tls_contexts(tmp_path)
    sink = Sink()
    kw = {"authenticator": authenticator}
    if mode == "starttls":
        kw.update(tls_context=server_ctx, require_starttls=True, auth_require_tls=True)
    else:
        kw.update(ssl_context=server_ctx, auth_require_tls=False)
    ctl = _server(sink, **kw)
    try:
        env_settings = load_settings(env={"NARRATIVE_SMTP_PASSWORD": "s3cret"})
        s = settings(tmp_path, smtp_host="127.0.0.1", smtp_port=ctl.port, smtp_user="narrative", smtp_password=env_settings.smtp_password,
                     smtp_starttls=mode == "starttls", smtp_ssl=mode == "implicit", smtp_cafile=cafile,
                     digest_to=("analyst@example.com",))
        paths, status = make_digest(wh, s, None, None)
        assert status == "sent" and logins == [(b"narrative", b"s3cret")] and len(sink.messages) == 1
    finally:
        ctl.stop()
