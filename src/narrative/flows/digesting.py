"""Compose, render, write and send the digest: one message per recipient, once per digest date and
recipient (recorded in `digests`), never failing the run that calls it."""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

from ..digest.charts import charts
from ..digest.compose import Digest, Options, compose, resolve_date
from ..digest.render import HTML_LIMIT, render_html, render_text
from ..digest.send import (Chart, DeliveryError, Unsubscribe, build_message, default_mailto, deliver,
                           new_message_id, write_files)
from ..warehouse import queries as q
from ..warehouse.db import Warehouse
from .settings import Settings

log = logging.getLogger("narrative.digest")


def digest_options(s: Settings) -> Options:
    return Options(tz=s.timezone, days=max(1, int(s.digest_days)), main=s.digest_entity, competitors=tuple(s.digest_competitors))


def make_digest(wh: Warehouse, s: Settings, out_dir: str | None, run_id: str | None, *, date: str | date | None = None,
                dry_run: bool = False, resend: bool = False, now: datetime | None = None) -> tuple[list[str], str]:
    """Returns (files written, status). A failure anywhere is logged and returned as "failed: …", never
    raised: the digest must not fail the ingestion run that ends with it."""
    try:
        return _make(wh, s, out_dir, run_id, date, dry_run, resend, now or datetime.now(timezone.utc))
    except Exception as exc:  # reported to the caller and the log with its traceback, not swallowed
        log.exception("digest failed")
        return [], f"failed: {type(exc).__name__}: {exc}"[:300]


def _addr(recipient: str) -> str:
    from email.utils import getaddresses

    found = getaddresses([recipient])
    return (found[0][1] if found and found[0][1] else recipient).lower()


def _make(wh, s: Settings, out_dir, run_id, date_spec, dry_run, resend, now) -> tuple[list[str], str]:
    day = resolve_date(wh, date_spec or s.digest_date, s.timezone, now)
    d = compose(wh, digest_options(s), day, now)
    if d.empty and s.digest_empty == "skip":
        log.info("no new coverage on %s: no digest (digest_empty = skip)", d.label)
        return [], f"no new coverage on {d.label}: none sent (digest_empty = skip)"
    chart_list = [Chart(name, png, alt) for name, (png, alt) in charts(d).items()]
    unsub = Unsubscribe(s.digest_unsubscribe_url, s.digest_unsubscribe_mailto or default_mailto(s.digest_from))
    recipients = list(dict.fromkeys(s.digest_to))

    def build(recipient: str, message_id: str):
        link = unsub.link(recipient)
        return build_message(subject=d.subject, preheader=d.preheader, text=render_text(d, link),
                             html_for_cids=lambda images: render_html(d, images, link), charts=chart_list,
                             sender=s.digest_from, recipient=recipient, created_at=now, message_id=message_id,
                             unsubscribe=unsub, digest_date=day.isoformat())

    paths: list[str] = []
    first = recipients[0] if recipients else s.digest_from
    msg, html = build(first, new_message_id(s.digest_from, day.isoformat()))
    if len(html.encode()) > HTML_LIMIT:
        log.warning("digest HTML is %d bytes, over %d: Gmail will clip it", len(html.encode()), HTML_LIMIT)
    if out_dir is not None:
        html_files = render_html(d, {c.name: {"src": f"digest-{c.name}.png", "alt": c.alt} for c in chart_list}, unsub.link(first))
        paths = [str(p) for p in write_files(msg, html_files, chart_list, Path(out_dir))[:2]]
    if dry_run:
        return paths, "dry run: nothing sent"
    if not s.smtp_host or not recipients:
        _record(wh, d, run_id, now, recipient=None, status="written", eml=paths[0] if paths else None)
        return paths, "written" if not s.smtp_host else "written (no recipients: set digest_to)"
    cfg = s.smtp_config()
    sent, already, failed = [], [], []
    for r in recipients:
        addr = _addr(r)
        if not resend and q.digest_sent(wh, day, addr):
            log.info("digest for %s already sent to %s: not sent again (--resend to override)", day, addr)
            already.append(addr)
            continue
        mid = (None if resend else q.last_unsent_message_id(wh, day, addr)) or new_message_id(s.digest_from, day.isoformat())
        msg, _html = build(r, mid)
        row = uuid.uuid4().hex[:16]
        _record(wh, d, run_id, now, recipient=addr, status="sending", eml=paths[0] if paths else None, row=row, message_id=mid, attempts=0)
        try:
            attempts = deliver(msg, cfg)
        except DeliveryError as exc:
            log.error("digest for %s not sent to %s through %s:%s after %d attempt(s): %s", day, addr, s.smtp_host,
                      s.smtp_port, exc.attempts, exc)
            _record(wh, d, run_id, now, recipient=addr, status="failed", eml=paths[0] if paths else None, row=row,
                    message_id=mid, attempts=exc.attempts, error=str(exc)[:500])
            failed.append(f"{addr}: {exc}")
            continue
        _record(wh, d, run_id, now, recipient=addr, status="sent", eml=paths[0] if paths else None, row=row,
                message_id=mid, attempts=attempts, sent_at=datetime.now(timezone.utc))
        sent.append(addr)
    return paths, _status(sent, already, failed)


def _status(sent: list, already: list, failed: list) -> str:
    if failed:
        return f"failed: {len(failed)} of {len(sent) + len(already) + len(failed)} not sent: " + "; ".join(failed)[:400]
    if sent and not already:
        return "sent" if len(sent) == 1 else f"sent to {len(sent)} recipients"
    if already and not sent:
        return "already sent" + ("" if len(already) == 1 else f" to all {len(already)} recipients")
    return f"sent to {len(sent)}, already sent to {len(already)}"


def _record(wh: Warehouse, d: Digest, run_id, now, *, recipient, status, eml, row=None, message_id=None, attempts=None,
            sent_at=None, error=None) -> None:
    q.record_digest_delivery(wh, row or uuid.uuid4().hex[:16], created_at=now, digest_date=d.date, days=d.days, window=d.window,
                             subject=d.subject, recipient=recipient, status=status, message_id=message_id, eml_path=eml,
                             run_id=run_id, attempts=attempts, sent_at=sent_at, error=error)
