"""Compose, render, write and (when SMTP is configured) send the digest; record it in the warehouse."""

from __future__ import annotations

import logging
import smtplib
import uuid
from pathlib import Path

from ..digest.compose import compose
from ..digest.send import build_message, send, write_files
from ..warehouse import queries as q
from ..warehouse.db import Warehouse
from .settings import Settings

log = logging.getLogger("narrative.digest")


def make_digest(wh: Warehouse, s: Settings, out_dir: str | None, run_id: str | None) -> tuple[list[str], str]:
    d = compose(wh, s.digest_days)
    if d is None:
        log.warning("no annotated articles yet: no digest")
        return [], "empty"
    msg, html = build_message(d, s.digest_from, list(s.digest_to))
    paths: list[str] = []
    if out_dir is not None:
        eml, htm = write_files(msg, html, Path(out_dir))
        paths = [str(eml), str(htm)]
    status = "written"
    if s.smtp_host:
        try:
            send(msg, s.smtp_host, s.smtp_port, s.smtp_user, s.smtp_password, s.smtp_starttls)
            status = "sent"
        except (smtplib.SMTPException, OSError) as exc:
            log.error("digest not sent through %s:%s: %s", s.smtp_host, s.smtp_port, exc)
            status = f"failed: {exc}"[:200]
    q.record_digest(wh, uuid.uuid4().hex[:12], d.created_at, d.window, d.subject, list(s.digest_to), status,
                    paths[0] if paths else None, run_id)
    return paths, status
