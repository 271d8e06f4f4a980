"""Scraping debris that survives boilerplate removal: ticker artefacts, citation marks, tails, promos."""

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
INLINE_JUNK = re.compile(
    r"^(Advertisement|ADVERTISEMENT|Share this article|Share on (Twitter|Facebook|LinkedIn)|Click here to .*|Photo: .*|Image: .*|"
    r"Advertisement\W.*|Article content|.{0,60}Story continues below( advertisement)?|Skip Ad|Recommended Videos?|Sponsored( content)?|"
    r"(view|show|load|read|see) (all )?(\d+ )?comments?( \(\d+\))?|\(?(photo |image |video )?credits?: .{0,80}|"
    r"(category|categories|tags?|topics?|filed under)\s?: .{0,80}|order reprints|print( this)?( article| page)?|text size|"
    r"post (a )?comments?.{0,5}|an error (has occurred|occurred).{0,40}|thanks for signing up!?|sorry!?)$",
    re.IGNORECASE,
)
# A short line asking the reader to do something that is not reading this article: subscribe, sign up,
# follow, download the app, log in to comment; a browser notice; an affiliate disclosure.
PROMO = re.compile(
    r"\b(sign(ing)? up|subscrib(e|ing)|register)\b.{0,100}\b(newsletters?|inbox|e-?mail (updates|alerts)|breaking news alerts)\b|"
    r"\b(newsletters?|inbox)\b.{0,100}\b(sign(ing)? up|subscrib(e|ing))\b|"
    r"^(sign up|subscribe)\b.{0,120}$|\bsubscribers? (also )?(get|receive|enjoy) .{0,40}\b(gift|free|offer|discount)|^(get|receive) .{0,60}\b(in|to) your inbox\b|^[\w'’ ]{1,40} newsletter$|"
    r"^(click|tap) here to (get|download|subscribe|follow)|^(download|get) (the|our) .{0,40}\bapps?\b|"
    r"\bdownload (the|our) .{0,40}\bapps? (for|on|from) (ios|android|iphone|the app store|google play)\b|"
    r"^follow (us|@?[\w'’.]+( [\w'’.]+){0,4}) on (twitter|facebook|instagram|google news|linkedin|x|threads|youtube|tiktok)\b|"
    r"you must confirm your public display name|please log ?out and then log ?in|log ?in or create an account|"
    r"\bbrowser version with limited support\b|\b(please )?enable javascript\b|turn off compatibility mode|"
    r"\b(may|might|will) (earn|receive|get) (us )?(a )?(small )?(affiliate )?(commission|compensation)\b|"
    r"\bcontains references to products\b|^have a (news )?tip\b|^reach the (reporter|writer|author)s?\b|"
    r"^(to view|to read|to continue reading) (the full|this) (story|article)|already a subscriber|"
    r"^(updated|last updated|published|posted)( at| on)? .{0,30}\d.{0,20}$|"
    r"\bkeep an eye on your inbox\b|\berror processing your subscription\b|\bfor your personal,? non-commercial use only\b|"
    r"^(did you )?(like|enjoy)(d)? (this|the) (story|article)\b|\bshare (it|this( story| article)?) with (a friend|your friends)\b|"
    r"\b(e-?mail|get in touch|contact|write to|story to tell|tip)\b.{0,80}\S+@\S+\.[a-z]{2,}[.)]?$",
    re.IGNORECASE,
)
# An advertising or affiliate disclosure: part of the page, not of the story
DISCLOSURE = re.compile(
    r"\b(contains|includes) (affiliate links|references to products)|\b(may|might|will) (earn|receive|get) (us )?(a )?(small )?"
    r"(affiliate )?(commission|compensation)\b|\bpaid (for|partnership) by\b.{0,40}$", re.IGNORECASE)
# A line that points the reader elsewhere: 'Read more: …', 'ALSO READ | …', '[Related: …]'
RECIRC_LINE = re.compile(
    r"^\W{0,2}(also read|read more|read also|read next|see more|see also|related|more|watch|listen|recommended|"
    r"click here|most read|trending|lesen sie auch|lies auch|mehr zum thema|les også|lire aussi|à lire aussi|lee también|"
    r"leia também|leggi anche|lees ook)\s*[:|]|^also on \S+\.[a-z]{2,}\b", re.IGNORECASE)
# A heading over a list of other stories; it and the headlines under it go
RECIRC_HEAD = re.compile(
    r"^(read more|read next|more|don'?t miss|see also|related( articles| stories| content| coverage| posts| reading| links)?|"
    r"recommended( for you| stories| reading| articles)?|you (may|might) (also )?(like|enjoy)|(more|latest) (from|on|in) .{1,40}|"
    r"most (read|popular|viewed|shared)( .{0,40})?|popular( on .{1,40})?|trending( now| stories)?|up next|editor'?s picks|"
    r"top stories|latest (news|stories|headlines)|what to read next|weitere (beiträge|artikel|nachrichten)( .{1,40})?|"
    r"mehr zum thema|das könnte sie auch interessieren|lesen sie auch|à lire aussi|lire aussi|les også|leggi anche|lees ook)[\s:.!]*$",
    re.IGNORECASE,
)
CONTACT = re.compile(r"^(\S+@\S+\.\w+|(https?://|www\.|twitter\.com/|x\.com/)\S+|@\w{2,})$", re.IGNORECASE)
PAYWALL = re.compile(
    r"(subscribe to (continue|read)|this article is for subscribers|subscribers only|already a subscriber\?|"
    r"to continue reading|sign in to read|unlock this article|premium content)",
    re.IGNORECASE,
)


def strip_tickers(text: str) -> str:
    return TICKER_DEBRIS.sub("", text)


def _words(line: str) -> int:
    return len(line.split())


def _headline_like(line: str) -> bool:
    """A teaser of another story: short, and not a sentence of this one."""
    return _words(line) <= 22 and not re.search(r"[.!?…:;][\"'”’)]?$", line)


LIST_MARK = re.compile(r"^[-•*·]\s+")


# A line of page metadata: 'News date : 04/21/2022 Category : Press Releases', '… | categories: Python | …'
META_LINE = re.compile(r"\b(categor(y|ies)|tags?|filed under|topics?)\s?:\s?\S", re.IGNORECASE)


def is_promo(line: str) -> bool:
    line = LIST_MARK.sub("", line)
    if DISCLOSURE.search(line) and _words(line) <= 80:
        return True
    if META_LINE.search(line) and _words(line) <= 15:
        return True
    return _words(line) <= 40 and bool(PROMO.search(line) or INLINE_JUNK.match(line) or CONTACT.match(line)
                                       or (_words(line) <= 30 and RECIRC_LINE.match(line)))


def drop_promos(lines: list[str]) -> list[str]:
    """Remove calls to action and pointers to other stories: a recirculation heading ('Most read',
    'Don't miss') with the headlines listed under it, and single promo lines anywhere."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        if _words(ln) <= 8 and RECIRC_HEAD.match(LIST_MARK.sub("", ln)):
            i += 1
            while i < len(lines) and _headline_like(lines[i]):
                i += 1
            continue
        if not is_promo(ln):
            out.append(ln)
        i += 1
    return out


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
    lines = [ln for ln in drop_promos(lines) if not re.match(r"^\[\d+\] ", ln)]
    out = "\n".join(strip_tickers(CITATION.sub("", ln)) for ln in lines)
    return re.sub(r"[ \t]{2,}", " ", out).strip()


def looks_paywalled(text: str, min_words: int) -> bool:
    """A stub: short and asking for a subscription."""
    words = len(text.split())
    return words < max(min_words * 2, 200) and bool(PAYWALL.search(text))


def _same(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"\W+", " ", s).strip().lower()  # noqa: E731
    return norm(a) == norm(b)
