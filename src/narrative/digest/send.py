"""The multipart message for one recipient, and its delivery over SMTP (STARTTLS or implicit TLS, auth,
transient errors retried with backoff). SMTP errors are mapped once here, to DeliveryError."""

from __future__ import annotations

import smtplib
import socket
import ssl
import time
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid
from pathlib import Path
from urllib.parse import quote


@dataclass(frozen=True)
class Chart:
    name: str  # tone | themes
    png: bytes
    alt: str


@dataclass(frozen=True)
class Unsubscribe:
    """How a recipient leaves the list: an https URL (one-click, RFC 8058) and/or a mailto."""
    url: str | None = None  # may hold "{recipient}"
    mailto: str | None = None

    def for_recipient(self, recipient: str) -> tuple[str | None, str | None]:
        url = self.url.replace("{recipient}", quote(_addr(recipient), safe="@")) if self.url else None
        return url, self.mailto

    def link(self, recipient: str) -> str:
        url, mailto = self.for_recipient(recipient)
        return url or mailto or ""


def _addr(value: str) -> str:
    found = getaddresses([value])
    return found[0][1] if found and found[0][1] else value


def default_mailto(sender: str) -> str:
    return f"mailto:{_addr(sender)}?subject=unsubscribe"


def domain_of(sender: str) -> str:
    addr = _addr(sender)
    return addr.rsplit("@", 1)[1] if "@" in addr else "narrative.local"


def build_message(*, subject: str, preheader: str, text: str, html_for_cids, charts: list[Chart], sender: str,
                  recipient: str, created_at, message_id: str, unsubscribe: Unsubscribe,
                  digest_date: str) -> tuple[EmailMessage, str]:
    """multipart/alternative: text/plain, then multipart/related (text/html + the charts as cid: parts).
    `html_for_cids(images)` renders the HTML given {name: {"src": "cid:…", "alt": …}}. Returns the message
    and its HTML."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = recipient
    msg["Date"] = formatdate(created_at.timestamp(), localtime=False)
    msg["Message-ID"] = message_id
    url, mailto = unsubscribe.for_recipient(recipient)
    targets = [f"<{u}>" for u in (url, mailto) if u]
    if targets:
        msg["List-Unsubscribe"] = ", ".join(targets)
    if url and url.lower().startswith("https://"):
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058: only with an https URI
    msg["List-Id"] = f"narrative digest <digest.{domain_of(sender)}>"
    msg["X-Narrative-Digest-Date"] = digest_date
    msg.set_content(text, cte="quoted-printable")
    domain = domain_of(sender)
    cids = {c.name: make_msgid(idstring=f"chart-{c.name}", domain=domain)[1:-1] for c in charts}
    html = html_for_cids({c.name: {"src": f"cid:{cids[c.name]}", "alt": c.alt} for c in charts})
    msg.add_alternative(html, subtype="html", cte="quoted-printable")
    html_part = msg.get_payload()[1]
    for c in charts:
        html_part.add_related(c.png, maintype="image", subtype="png", cid=f"<{cids[c.name]}>",
                              filename=f"{c.name}.png", disposition="inline")
    return msg, html


def new_message_id(sender: str, digest_date: str) -> str:
    """<random.digest-date@sender's domain>: short enough never to be folded."""
    return f"<{uuid.uuid4().hex[:20]}.digest-{digest_date}@{domain_of(sender)}>"


def write_files(eml: EmailMessage, html_files: str, charts: list[Chart], out_dir: Path,
                stem: str = "digest") -> list[Path]:
    """The .eml as sent, and a .html that opens in a browser (charts as PNG files beside it)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{stem}.eml", out_dir / f"{stem}.html"]
    paths[0].write_bytes(bytes(eml))
    paths[1].write_text(html_files, "utf-8")
    for c in charts:
        p = out_dir / f"{stem}-{c.name}.png"
        p.write_bytes(c.png)
        paths.append(p)
    return paths


# -- delivery ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    ssl: bool = False  # implicit TLS
    cafile: str | None = None
    timeout: float = 30.0
    attempts: int = 4
    backoff: float = 2.0


class DeliveryError(Exception):
    """A message the SMTP server did not take, after the retries transient errors get."""

    def __init__(self, message: str, attempts: int, transient: bool):
        super().__init__(message)
        self.attempts = attempts
        self.transient = transient


def _classify(exc: BaseException) -> tuple[bool, str]:
    """(transient?, reason). 4xx replies and dropped or refused connections are transient; 5xx, auth and
    TLS failures are not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _m in exc.recipients.values()]
        detail = "; ".join(f"{r}: {c} {m.decode(errors='replace') if isinstance(m, bytes) else m}" for r, (c, m) in exc.recipients.items())
        return all(400 <= c < 500 for c in codes), f"recipient refused: {detail}"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return 400 <= exc.smtp_code < 500, f"{exc.smtp_code} {text}"
    if isinstance(exc, (ssl.SSLError, ssl.CertificateError)):
        return False, f"TLS: {exc}"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return False, str(exc)
    if isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionError, socket.timeout, TimeoutError)):
        return True, f"{type(exc).__name__}: {exc}"
    if isinstance(exc, OSError):
        return True, f"{type(exc).__name__}: {exc}"
    return False, f"{type(exc).__name__}: {exc}"


def _send_once(msg: EmailMessage, cfg: SmtpConfig) -> None:
    context = ssl.create_default_context(cafile=cfg.cafile) if (cfg.ssl or cfg.starttls) else None
    if cfg.ssl:
        smtp = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout, context=context)
    else:
        smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
    with smtp:
        if cfg.starttls and not cfg.ssl:
            smtp.starttls(context=context)
        if cfg.user:
            smtp.login(cfg.user, cfg.password or "")
        smtp.send_message(msg)


def deliver(msg: EmailMessage, cfg: SmtpConfig, sleep=time.sleep) -> int:
    """Send one message; retry transient failures with exponential backoff. Returns the attempts made;
    raises DeliveryError when the server refuses for good or the attempts run out."""
    attempts = max(1, cfg.attempts)
    for attempt in range(1, attempts + 1):
        try:
            _send_once(msg, cfg)
            return attempt
        except (smtplib.SMTPException, OSError) as exc:
            transient, reason = _classify(exc)
            if not transient or attempt == attempts:
                raise DeliveryError(reason, attempt, transient) from exc
            sleep(cfg.backoff * 2 ** (attempt - 1))
    raise AssertionError("unreachable")

