"""Scraping debris that survives boilerplate removal: ticker artefacts, citation marks, tails."""

from __future__ import annotations

import re
import unicodedata

# "AlibabaBABA--" → "Alibaba", "PDD HoldingsPDD--" → "PDD Holdings", "gapGAP--" → "gap", "JD.comJD--" → "JD.com"
TICKER_DEBRIS = re.compile(r"(?<=[a-z0-9.)\]])([A-Z]{1,5}(?:\.[A-Z]{1,2})?)--(?!-)")
CITATION = re.compile(r"\s?\[\d{1,2}(?:[,–-]\s?\d{1,2})*\]")
# Lines that start the junk tail of a page: bylines of generated copy, newsletter boxes, comments.
TAIL_MARKERS = re.compile(
    r"^(AI Writing Agent\b|Latest Articles$|Stay ahead of the market|Get curated .* delivered to your inbox|"
    r"Sign up for (our|the) .*newsletter|Subscribe to (our|the) .*newsletter|Comments$|No comments yet|"
    r"\d+ comments?$|Leave a comment|Join the conversation|Related (articles|stories|coverage)$|Read more:?$|"
    r"Source[s]?:$|References:?$|This article first appeared on|Copyright ©|© \d{4})",
    re.IGNORECASE,
)
INLINE_JUNK = re.compile(r"^(Advertisement|ADVERTISEMENT|Share this article|Share on (Twitter|Facebook|LinkedIn)|Click here to .*|Photo: .*|Image: .*)$")
PAYWALL = re.compile(
    r"(subscribe to (continue|read)|this article is for subscribers|subscribers only|already a subscriber\?|"
    r"to continue reading|sign in to read|unlock this article|premium content)",
    re.IGNORECASE,
)


def strip_tickers(text: str) -> str:
    return TICKER_DEBRIS.sub("", text)


def clean_text(text: str, title: str | None = None) -> str:
    """Normalise and remove debris; keeps paragraph breaks (one per line)."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u200b", "")
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    if title and lines and _same(lines[0], title):
        lines = lines[1:]
    # cut the tail from the first marker found in the last half of the text
    half = len(lines) // 2
    for i, ln in enumerate(lines):
        if i >= max(1, half) and TAIL_MARKERS.match(ln):
            lines = lines[:i]
            break
    lines = [ln for ln in lines if not INLINE_JUNK.match(ln) and not re.match(r"^\[\d+\] ", ln)]
    out = "\n".join(strip_tickers(CITATION.sub("", ln)) for ln in lines)
    return re.sub(r"[ \t]{2,}", " ", out).strip()


def looks_paywalled(text: str, min_words: int) -> bool:
    """A stub: short and asking for a subscription."""
    words = len(text.split())
    return words < max(min_words * 2, 200) and bool(PAYWALL.search(text))


def _same(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"\W+", " ", s).strip().lower()  # noqa: E731
    return norm(a) == norm(b)
