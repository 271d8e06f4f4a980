"""Summary sentences that read alone: whole sentences a reader can take without the article around them.

The stored summaries are chosen by embedding (MMR); a sentence splitter can still hand them a piece of a
quotation, a lower-case tail, or a "Li estimates that ..." whose Li was introduced three paragraphs up.
The digest shows only sentences that pass `reads_alone`, lead sentence first.
"""

from __future__ import annotations

import re

_QUOTES = "\"'“”‘’«»「」"
_OPENERS = {"he", "she", "they", "it", "this", "that", "these", "those", "but", "and", "or", "so", "yet", "still",
            "however", "meanwhile", "also", "his", "her", "their", "its", "there", "here", "such", "both", "then"}
_SAY = r"(said|says|say|estimates|estimated|argued|argues|added|adds|noted|notes|wrote|writes|believes|told|thinks|expects|warned|warns|cautioned)"
_BARE_NAME_SAYS = re.compile(r"^([A-Z][a-z]+)(?:,[^,]{1,60},)? " + _SAY + r"\b")
_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """A plain splitter for summaries whose sentence rows are not at hand."""
    out, start = [], 0
    for m in _SPLIT.finditer(text):
        out.append(text[start:m.start() + len(m.group(0).rstrip())].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def reads_alone(sentence: str, known_names: frozenset[str] = frozenset()) -> bool:
    """Whether a sentence can stand alone in a digest: starts with a capital letter or a digit (not a
    quotation or a fragment of one), has balanced quotation marks, ends like a sentence, has at least six
    words, and does not lean on earlier text (a pronoun or connective first, or a surname nobody introduced)."""
    s = sentence.strip()
    if len(s.split()) < 6 or not s[0].isalnum() or s[0].islower():
        return False
    if s[0] in _QUOTES:
        return False
    if s.count('"') % 2 or s.count("“") != s.count("”"):
        return False
    if not re.search(r"[.!?][\"”’)]?$", s):
        return False
    first = re.split(r"[\s,;:]", s, maxsplit=1)[0].lower()
    if first in _OPENERS:
        return False
    m = _BARE_NAME_SAYS.match(s)
    if m and m.group(1) not in known_names:
        return False
    return True


def pick_summary(candidates: list[str], known_names: frozenset[str] = frozenset(), limit: int = 3,
                 max_chars: int = 420) -> list[str]:
    """Up to `limit` sentences that read alone, in the given order, no repeats, within `max_chars`
    (the first one always, however long)."""
    out: list[str] = []
    seen: set[str] = set()
    total = 0
    for c in candidates:
        s = " ".join(c.split())
        key = s.lower()
        if key in seen or not reads_alone(s, known_names):
            continue
        if out and (len(out) >= limit or total + len(s) > max_chars):
            break
        out.append(s)
        seen.add(key)
        total += len(s)
    return out
