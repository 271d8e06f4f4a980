"""Time periods, comparison bases and regions stated in a sentence (regex over its text)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .figures_lexicon import REGIONS

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_NUMW = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_WD = {"1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six", "7": "seven", "8": "eight",
       "9": "nine", "10": "ten"}


def _yr(y: str | None) -> str:
    if not y:
        return ""
    y = y.lstrip("'")
    return " " + (y if len(y) == 4 else "20" + y)


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    norm: str
    comparison: bool = False


def _q(m: re.Match) -> str:
    return f"Q{m.group('q')}{_yr(m.group('y'))}"


def _oq(m: re.Match) -> str:
    fy = "FY" if m.group("fy") else ""
    y = m.group("y")
    if fy and y:
        return f"Q{_ORD[m.group('o').lower()]} FY{y}"
    return f"Q{_ORD[m.group('o').lower()]}{_yr(y)}"


def _half(m: re.Match) -> str:
    return f"H{1 if m.group('o').lower() == 'first' else 2}{_yr(m.group('y'))}"


_MONTH_WORDS = tuple(m.lower() for m in _MONTHS.split("|"))

# (pattern, normaliser, is a comparison basis, key words: lower-case words the pattern cannot match
# without, None when it has none; a sentence with none of them skips the pattern)
_PATTERNS: list[tuple[re.Pattern, object, bool, tuple[str, ...] | None]] = [
    # spans of years: "between 2017 and 2022", "in 1991 and 1992", "2017-18", "1990 to 2007"
    (re.compile(r"\bbetween\s(?P<a>(?:19|20)\d\d)\sand\s(?P<b>(?:19|20)\d\d)\b"), lambda m: f"{m.group('a')}-{m.group('b')}", False, ("between",)),
    (re.compile(r"\bin\s(?P<a>(?:19|20)\d\d)\sand\s(?P<b>(?:19|20)\d\d)\b"), lambda m: f"{m.group('a')}-{m.group('b')}", False, (" and ",)),
    (re.compile(r"(?<![\w$.,])(?P<a>(?:19|20)\d\d)[-–/](?P<b>\d\d)(?![\w%-])"), lambda m: f"{m.group('a')}-{m.group('b')}", False, None),
    (re.compile(rf"\b(?:the\s)?(?P<m>{_MONTHS})\s(?P<y>20\d\d)\squarter\b"), lambda m: f"{m.group('m')} quarter {m.group('y')}", False, ("quarter",)),
    (re.compile(rf"\b(?:in\s)?the\s(?:fiscal\s)?year\s(?:to|ended|ending|through)\s(?P<m>{_MONTHS})(?:\s\d{{1,2}}(?!\d),?)?(?:\s(?P<y>20\d\d))?", re.I),
     lambda m: f"year to {m.group('m').capitalize()}{_yr(m.group('y'))}", False, ("year",)),
    (re.compile(r"\byear[-\s]to[-\s]date\b|\bYTD\b", re.I), lambda m: "year to date", False, ("year", "ytd")),
    (re.compile(rf"\bas\s(?:at|of)\s(?:the\send\sof\s)?(?P<m>{_MONTHS})(?:\s\d{{1,2}}(?!\d),?)?(?:\s(?P<y>20\d\d))?\b"), lambda m: f"{m.group('m')}{_yr(m.group('y'))}", False, ("as at", "as of")),
    (re.compile(r"\b(?:over\s)?the\s(?P<w>next|past|last|coming)\sdecade\b", re.I), lambda m: ("next" if m.group("w").lower() in ("next", "coming") else "past") + " decade", False, ("decade",)),
    (re.compile(rf"\b(?:the\s)?quarter\s(?:ended|ending|through)\s(?P<m>{_MONTHS})(?:\s\d{{1,2}}(?!\d))?,?(?:\s(?P<y>20\d\d))?", re.I),
     lambda m: f"{m.group('m').capitalize()} quarter{_yr(m.group('y'))}", False, ("quarter",)),
    (re.compile(r"\b(?:Q(?P<q>[1-4])|(?P<q2>[1-4])Q)\s?(?:FY|fiscal\s)?\s?(?P<y>20\d\d|'?\d\d)?\b", re.I),
     lambda m: f"Q{m.group('q') or m.group('q2')}{_yr(m.group('y'))}", False, ("q",)),
    (re.compile(r"\b(?:the\s)?(?P<fy>fiscal\s)?(?P<o>first|second|third|fourth)(?:\sfiscal)?[\s-]quarter(?:\sof\s(?:fiscal\s|the\syear\s)?(?P<y>20\d\d))?", re.I), _oq, False, ("quarter",)),
    (re.compile(r"\b(?:the\s)?(?P<o>first|second)\shalf(?:\sof\s(?:fiscal\s)?(?P<y>20\d\d))?", re.I), _half, False, ("half",)),
    (re.compile(r"\bH(?P<o>[12])\s?(?P<y>20\d\d)?\b"), lambda m: f"H{m.group('o')}{_yr(m.group('y'))}", False, ("h",)),
    (re.compile(r"\b(?:fiscal|financial)\s(?:year\s)?(?P<y>20\d\d)\b", re.I), lambda m: f"FY{m.group('y')}", False, ("fiscal", "financial")),
    (re.compile(r"\bFY\s?(?P<y>20\d\d|'?\d\d)\b"), lambda m: f"FY{_yr(m.group('y')).strip()}", False, ("fy",)),
    (re.compile(rf"\b(?:the\s)?(?P<m>{_MONTHS})\squarter(?:\sof\s(?P<y>20\d\d))?", re.I),
     lambda m: f"{m.group('m').capitalize()} quarter{_yr(m.group('y'))}", False, ("quarter",)),
    (re.compile(rf"\bfirst\s(?P<n>{_NUMW}|\d+)\smonths\b", re.I), lambda m: f"first {_WD.get(m.group('n'), m.group('n').lower())} months", False, ("months",)),
    (re.compile(r"\bfirst\s(?P<u>week|month|day)\b", re.I), lambda m: f"first {m.group('u').lower()}", False, ("first",)),
    (re.compile(r"\b(?P<w>current|latest|previous|prior)\squarter\b", re.I), lambda m: f"{m.group('w').lower()} quarter", False, ("quarter",)),
    (re.compile(rf"\bover\s(?:the\s)?(?:next\s|coming\s|following\s)?(?P<n>{_NUMW}|\d+)\s(?P<u>years|quarters|months)\b", re.I),
     lambda m: f"over {_WD.get(m.group('n'), m.group('n').lower())} {m.group('u').lower()}", False, ("over",)),
    (re.compile(rf"\b(?:in\s)?(?:each\sof\s)?the\s(?:past|last)\s(?P<n>{_NUMW}|\d+)\s(?P<u>years|quarters|months)\b", re.I),
     lambda m: f"past {_WD.get(m.group('n'), m.group('n').lower())} {m.group('u').lower()}", False, ("past", "last")),
    (re.compile(rf"\bsince\s(?P<x>(?:{_MONTHS})(?:\s20\d\d)?|20\d\d)\b"), lambda m: f"since {m.group('x')}", False, ("since",)),
    (re.compile(r"\b(?:so\sfar\s)?(?P<w>this|last|next)\s(?P<u>year|quarter|month)\b", re.I),
     lambda m: f"{m.group('w').lower()} {m.group('u').lower()}", False, ("this", "last", "next")),
    (re.compile(rf"\b(?P<m>{_MONTHS})\s(?P<d>\d{{1,2}})(?:,?\s(?P<y>20\d\d))?\b"),
     lambda m: f"{m.group('m')} {m.group('d')}{_yr(m.group('y'))}", False, _MONTH_WORDS),
    (re.compile(rf"\b(?:in|during|by|for|through|of|at\sthe\send\sof|end\sof|from)\s(?P<m>{_MONTHS})(?:\s(?P<y>20\d\d))?\b"),
     lambda m: f"{m.group('m')}{_yr(m.group('y'))}", False, _MONTH_WORDS),
    (re.compile(r"\bon\s(?P<d>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"), lambda m: m.group("d"), False, ("day",)),
    (re.compile(r"(?<![\w$.,])(?<!x\s)(?<!×\s)(?P<y>(?:19|20)\d\d)(?![\w%]|,\d|\.\d)"), lambda m: m.group("y"), False, None),
    (re.compile(r"\byear[-\s](?:on|over|to)[-\s]year\b|\bYoY\b|\by/y\b|\bfrom\sa\syear\s(?:earlier|ago|before)\b|\ba\syear\s(?:earlier|ago|before)\b|\bfrom\sthe\ssame\s(?:period|quarter)\s(?:a\syear\sago|last\syear)\b|\bannually\b", re.I),
     lambda m: "YoY", True, ("year", "yoy", "y/y", "annually")),
    (re.compile(r"\bquarter[-\s](?:on|over|to)[-\s]quarter\b|\bQoQ\b|\bq/q\b|\bsequentially\b|\bfrom\sthe\sprevious\squarter\b", re.I),
     lambda m: "QoQ", True, ("quarter", "qoq", "q/q", "sequentially", "previous")),
]


_COMPARED = re.compile(r"\b(?:compared\s(?:to|with)|from|than|versus|vs\.?)\s(?:the\s)?(?:[A-Za-z-]+\s){0,3}$", re.I)


def find_periods(text: str) -> list[Mention]:
    """Non-overlapping period mentions in priority order of the patterns, then by position. A period
    stated as what a change is measured against ("compared to 2022", "from the same period last
    year") is a comparison basis."""
    taken: list[tuple[int, int]] = []
    out: list[Mention] = []
    low = text.lower()
    for pat, norm, comparison, needles in _PATTERNS:
        if needles is not None and not any(n in low for n in needles):
            continue
        for m in pat.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            value = norm(m)  # type: ignore[operator]
            is_basis = comparison or (_COMPARED.search(text[max(0, s - 40): s]) is not None
                                      and not value.startswith(("over ", "past ", "next ")))
            out.append(Mention(s, e, value, is_basis))
    out.sort(key=lambda x: x.start)
    return out


_REGION_ALT = "|".join(re.escape(r) for r in sorted({r.removeprefix("the ") for r in REGIONS}, key=len, reverse=True))
_REGION_IN = re.compile(rf"\b(?:in|across|from|throughout|within|to)\s(?:the\s)?(?P<r>{_REGION_ALT})\b(?!-)")
_REGION_POSS = re.compile(rf"(?<![\w-])(?P<r>{_REGION_ALT})(?:'s|’s)\s(?P<next>\S+)")


def find_region(text: str, is_company_word) -> str | None:
    """The first region a sentence states as scope ("in China", "Southeast Asia's ...")."""
    hits = []
    for m in _REGION_IN.finditer(text):
        hits.append((m.start("r"), m.group("r")))
    for m in _REGION_POSS.finditer(text):
        if not is_company_word(m.start("next")):
            hits.append((m.start("r"), m.group("r")))
    if not hits:
        return None
    return sorted(hits)[0][1]
