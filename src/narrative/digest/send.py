"""Build the multipart message and deliver it: SMTP when configured, always a .eml copy on disk."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from .compose import Digest
from .render import render_html, render_text, sentiment_chart

log = logging.getLogger(__name__)


def build_message(d: Digest, sender: str, recipients: list[str]) -> tuple[EmailMessage, str]:
    msg = EmailMessage()
    msg["Subject"] = d.subject
    msg["From"] = sender
    msg["To"] = ", ".join(recipients) if recipients else "undisclosed-recipients:;"
    msg["Date"] = formatdate(d.created_at.timestamp(), localtime=False)
    msg["Message-ID"] = make_msgid(domain="narrative.local")
    msg.set_content(render_text(d))
    chart = sentiment_chart(d)
    cid = make_msgid(domain="narrative.local")[1:-1] if chart else None
    html = render_html(d, cid)
    msg.add_alternative(html, subtype="html")
    if chart:
        msg.get_payload()[1].add_related(chart, maintype="image", subtype="png", cid=f"<{cid}>", filename="sentiment.png")
    return msg, html


def write_files(msg: EmailMessage, html: str, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    eml, htm = out_dir / "digest.eml", out_dir / "digest.html"
    eml.write_bytes(bytes(msg))
    htm.write_text(html, "utf-8")
    return eml, htm


def send(msg: EmailMessage, host: str, port: int, user: str | None = None, password: str | None = None,
         starttls: bool = False, timeout: float = 30.0) -> None:
    """Deliver through an SMTP server; errors propagate as smtplib/OSError for the caller to record."""
    with smtplib.SMTP(host, port, timeout=timeout) as smtp:
        if starttls:
            smtp.starttls()
        if user:
            smtp.login(user, password or "")
        smtp.send_message(msg)
