"""Digest → HTML (table layout, inline CSS, images by reference) and plain text, from Jinja2 templates."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from .compose import MINUS, Digest

HTML_LIMIT = 100_000  # bytes; Gmail clips a message's HTML at about 102 KB
STATUS_WORDS = {"annotated": ("on topic", "on topic"), "rejected": ("off topic", "off topic"),
                "duplicate": ("syndicated copy", "syndicated copies"), "skipped": ("unreadable or paywalled", "unreadable or paywalled")}


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("narrative.digest", "templates"),
                      autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
                      trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined, keep_trailing_newline=True)
    env.globals.update(pct=pct, pts=pts, status_line=status_line)
    return env


def pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def pts(x: float) -> str:
    v = round(x * 100)
    return "0 pts" if v == 0 else f"{v:+d} pts".replace("-", MINUS)


def status_line(by_status: dict) -> str:
    order = ["annotated", "duplicate", "rejected", "skipped"]
    keys = [k for k in order if by_status.get(k)] + sorted(k for k in by_status if k not in order and by_status[k])
    return ", ".join(f"{by_status[k]} {STATUS_WORDS.get(k, (k, k))[by_status[k] != 1]}" for k in keys)


def _when(d: Digest):
    tz = ZoneInfo(d.tz)

    def when(ts: datetime) -> str:
        local = ts.astimezone(tz)
        return f"{local.day} {local:%b} {local:%H:%M}" if d.days > 1 else f"{local:%H:%M}"
    return when


def _context(d: Digest, unsubscribe: str) -> dict:
    headline = d.changes[0].short if d.changes else ("No new coverage" if d.empty else d.subject)
    return {"d": d, "unsubscribe": unsubscribe, "when": _when(d), "headline": headline}


def render_text(d: Digest, unsubscribe: str) -> str:
    return _env().get_template("digest.txt.j2").render(**_context(d, unsubscribe))


def render_html(d: Digest, images: dict[str, dict], unsubscribe: str) -> str:
    """`images`: {"tone"|"themes": {"src": "cid:…" or a file name, "alt": text}} for the charts to show."""
    pad = "&#847;&zwnj;&nbsp;" * 40  # keeps the inbox preview to the preheader, not the body's first words
    from markupsafe import Markup

    html = _env().get_template("digest.html.j2").render(**_context(d, unsubscribe), images=_Images(images), pad=Markup(pad))
    return "\n".join(line.rstrip() for line in html.splitlines() if line.strip()) + "\n"


class _Images(dict):
    """images.tone is None when there is no such chart (templates test it)."""

    def __getattr__(self, name):
        return self.get(name)
