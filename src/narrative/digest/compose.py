"""What changed, from the warehouse's queries, into one Digest record: one day (or N) in the analysts'
time zone, each measure against the trailing 7 days before the window."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..warehouse import queries as q
from ..warehouse.db import Warehouse
from .sentences import pick_summary, split_sentences

BASELINE_DAYS = 7
CHART_DAYS = 30
THEME_NAMES = {
    "ai-capex": "AI capex", "open-source-models": "Open-source models", "pricing": "Pricing and the price war",
    "margins": "Margins", "competition": "Competition", "chips": "Chips", "regulation": "Regulation",
    "partnerships": "Partnerships", "ecommerce": "E-commerce", "shareholder-returns": "Shareholder returns",
}
_RELATIVE_PERIOD = re.compile(r"^(on )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tomorrow|this week|last week)", re.I)
MINUS = "\u2212"


@dataclass(frozen=True)
class Options:
    """What the digest is about and how much of it fits (built from settings by the flow)."""
    tz: str = "UTC"
    days: int = 1
    main: str = "alibaba"
    competitors: tuple[str, ...] = ("bytedance", "tencent", "baidu", "huawei", "deepseek")
    max_stories: int = 6
    max_figures: int = 10
    max_disagreements: int = 3


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Change:
    """One "what changed" bullet: a sentence generated from data, its evidence, and its weight."""
    kind: str  # volume | tone | theme | disagreement | story
    text: str
    short: str  # the same in a few words, for the subject and preheader
    direction: str  # up | down | flat | flag
    weight: float
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    baseline: str  # "7-day avg 14"
    change: str  # "+64%", "+0.26", "+5 pts"
    direction: str  # up | down | flat
    note: str = ""


@dataclass(frozen=True)
class Story:
    headline: str
    url: str
    publisher: str
    published_at: datetime
    other_sources: int
    others: tuple[Link, ...]
    summary: tuple[str, ...]
    figures: tuple[str, ...]


@dataclass(frozen=True)
class FigureRow:
    subject: str
    metric: str
    value: str
    period: str
    source: str
    url: str
    disputed: bool = False


@dataclass(frozen=True)
class Disagreement:
    subject: str
    metric: str
    period: str
    claims: tuple[tuple[str, str, str], ...]  # (site, figure as written, url)


@dataclass(frozen=True)
class ThemeMove:
    theme: str
    name: str
    share: float
    before: float
    articles: int

    @property
    def change(self) -> float:
        return self.share - self.before


@dataclass(frozen=True)
class Series:
    """Daily values over the chart's 30 days (None where a day has no data)."""
    days: tuple[date, ...]
    lines: tuple[tuple[str, tuple[float | None, ...]], ...]


@dataclass(frozen=True)
class Footer:
    feeds: int
    publishers: int
    considered: int
    by_status: dict
    models: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Digest:
    date: date
    days: int
    start: date
    tz: str
    created_at: datetime
    main_name: str
    articles: int
    subject: str
    preheader: str
    label: str  # "28 Nov 2026" or "22–28 Nov 2026"
    changes: tuple[Change, ...] = ()
    metrics: tuple[Metric, ...] = ()
    sov_breakdown: tuple[tuple[str, float], ...] = ()
    stories: tuple[Story, ...] = ()
    figures: tuple[FigureRow, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    themes: tuple[ThemeMove, ...] = ()
    tone_series: Series | None = None
    theme_series: Series | None = None
    footer: Footer | None = None
    last_coverage: date | None = None
    competitor_names: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return self.articles == 0

    @property
    def window(self) -> q.Window:
        return q.Window(self.start, self.date)


# -- which day -------------------------------------------------------------------------------------

def resolve_date(wh: Warehouse, spec: str | date | None, tz: str, now: datetime) -> date:
    """The digest's date: a date, "YYYY-MM-DD", "today", "yesterday", or "latest" (the newest day with
    coverage before today, else the newest day with coverage, else today), days read in `tz`."""
    if isinstance(spec, date):
        return spec
    spec = (spec or "latest").strip().lower()
    today = now.astimezone(ZoneInfo(tz)).date()
    if spec == "today":
        return today
    if spec == "yesterday":
        return today - timedelta(days=1)
    if spec == "latest":
        return (q.newest_coverage_day(wh, tz, _midnight(today, tz)) or q.newest_coverage_day(wh, tz) or today)
    try:
        return date.fromisoformat(spec)
    except ValueError:
        raise ValueError(f"digest date {spec!r}: use YYYY-MM-DD, today, yesterday or latest") from None


def _midnight(d: date, tz: str) -> datetime:
    return datetime.combine(d, time(0), tzinfo=ZoneInfo(tz))


# -- formatting in reader words ------------------------------------------------------------------------

def signed(x: float, digits: int = 2) -> str:
    """+0.21 / −0.05 (a true minus sign); zero without a sign."""
    s = f"{x:+.{digits}f}"
    return f"{0:.{digits}f}" if float(s) == 0 else s.replace("-", MINUS)


def span_label(start: date, end: date) -> str:
    if start == end:
        return f"{end.day} {end:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def _day_label(d: date) -> str:
    return f"{d.day} {d:%b}"


def _short_name(row: dict) -> str:
    """Reader's name of an entity: its first alias when that is a shorter form of the name (Alibaba)."""
    name = row["name"]
    aliases = row.get("aliases") or []
    if aliases and name.startswith(aliases[0]) and len(aliases[0]) < len(name):
        return aliases[0]
    return name


def _period(p: str | None) -> str:
    return "" if not p or _RELATIVE_PERIOD.match(p) else p


def _theme_name(t: str) -> str:
    return THEME_NAMES.get(t, t.replace("-", " ").capitalize())


# -- compose ---------------------------------------------------------------------------------------------

def compose(wh: Warehouse, opts: Options, day: date, created_at: datetime) -> Digest:
    days = max(1, opts.days)
    start = day - timedelta(days=days - 1)
    base_start = start - timedelta(days=BASELINE_DAYS)
    chart_start = day - timedelta(days=CHART_DAYS - 1)
    look_start = min(base_start, chart_start - timedelta(days=6))  # the chart's first 7-day average needs 6 days before it
    since, w_since, until = _midnight(look_start, opts.tz), _midnight(start, opts.tz), _midnight(day + timedelta(days=1), opts.tz)
    label = span_label(start, day)

    ents = {e["id"]: e for e in q.entity_names(wh)}
    main_name = _short_name(ents[opts.main]) if opts.main in ents else opts.main
    comps = [c for c in opts.competitors if c in ents and c != opts.main]
    known = frozenset(a for e in ents.values() for a in [e["name"], *(e.get("aliases") or [])] if a)

    in_window = lambda d: start <= d <= day  # noqa: E731
    in_base = lambda d: base_start <= d < start  # noqa: E731

    cov = {r["day"]: r["articles"] for r in q.coverage_by_day(wh, opts.tz, since, until)}
    n = sum(v for d, v in cov.items() if in_window(d))
    base_n = sum(v for d, v in cov.items() if in_base(d))
    considered = q.articles_considered(wh, w_since, until)
    footer = Footer(feeds=considered["feeds"], publishers=considered["publishers"],
                    considered=sum(considered["by_status"].values()), by_status=considered["by_status"],
                    models=tuple((m["kind"], m["model"]) for m in q.model_versions(wh)))

    if n == 0:
        last = q.newest_coverage_day(wh, opts.tz, w_since)
        subject = f"No new coverage · {label}"
        pre = (f"No on-topic articles were published {'on' if days == 1 else 'in'} {label}"
               + (f"; the newest coverage is from {_day_label(last)} {last.year}." if last else "."))
        return Digest(date=day, days=days, start=start, tz=opts.tz, created_at=created_at, main_name=main_name, articles=0,
                      subject=subject, preheader=pre, label=label, footer=footer, last_coverage=last)

    # tone and share of voice, per entity family
    tone_rows = q.family_tone_by_day(wh, opts.tz, since, until, [opts.main, *comps])
    fam = defaultdict(lambda: defaultdict(lambda: [0, 0.0, 0]))  # entity -> day -> [articles, tone_sum, mentions]
    for r in tone_rows:
        cell = fam[r["entity_id"]][r["day"]]
        cell[0] += r["articles"]
        cell[1] += r["tone_sum"] or 0.0
        cell[2] += r["mentions"] or 0

    def agg(entity: str, pred) -> tuple[int, float | None, int]:
        cells = [c for d, c in fam[entity].items() if pred(d)]
        a = sum(c[0] for c in cells)
        return a, (sum(c[1] for c in cells) / a if a else None), sum(c[2] for c in cells)

    m_art, m_tone, m_ment = agg(opts.main, in_window)
    b_art, b_tone, b_ment = agg(opts.main, in_base)
    comp_ment = {c: agg(c, in_window)[2] for c in comps}
    comp_base = {c: agg(c, in_base)[2] for c in comps}
    total_w = m_ment + sum(comp_ment.values())
    total_b = b_ment + sum(comp_base.values())
    sov = m_ment / total_w if total_w else None
    sov_b = b_ment / total_b if total_b else None
    sov_breakdown = tuple((_short_name(ents[c]), comp_ment[c] / total_w) for c in sorted(comps, key=lambda c: -comp_ment[c])
                          if total_w and comp_ment[c])

    # themes: share of the window's theme weight against the trailing days'
    th_rows = q.theme_weight_by_day(wh, opts.tz, since, until)
    tw, tb, ta = defaultdict(float), defaultdict(float), defaultdict(int)
    for r in th_rows:
        if in_window(r["day"]):
            tw[r["theme"]] += r["weight"] or 0.0
            ta[r["theme"]] += r["articles"]
        elif in_base(r["day"]):
            tb[r["theme"]] += r["weight"] or 0.0
    sw, sb = sum(tw.values()) or 1.0, sum(tb.values())
    themes = sorted((ThemeMove(t, _theme_name(t), tw[t] / sw, (tb[t] / sb) if sb else 0.0, ta[t]) for t in set(tw) | set(tb)),
                    key=lambda m: (-m.share, m.theme))

    stories, story_rows = _stories(wh, opts, w_since, until, known)
    disagreements = _disagreements(wh, w_since, until, opts.max_disagreements)
    disputed = {(d.subject, d.metric.lower(), d.period) for d in disagreements}
    figures = _figures(q.window_figures(wh, w_since, until), ents, opts, disputed)

    # metric strip
    expected = base_n / BASELINE_DAYS * days
    metrics = [
        Metric("Articles", str(n), f"7-day avg {expected:.0f}" if days > 1 else f"7-day avg {expected:.1f}",
               _pct_change(n, expected), _dir(n - expected, 0.5 if days == 1 else 1.5), note="on-topic, after duplicates"),
        Metric(f"Tone toward {main_name}", signed(m_tone) if m_tone is not None else "n/a",
               f"7-day {signed(b_tone)}" if b_tone is not None else "no 7-day baseline",
               signed(m_tone - b_tone) if m_tone is not None and b_tone is not None else "",
               _dir((m_tone or 0) - (b_tone or 0), 0.05) if m_tone is not None and b_tone is not None else "flat",
               note=f"net tone −1 to +1, {m_art} article{'s' if m_art != 1 else ''}"),
        Metric("Share of voice", f"{sov:.0%}" if sov is not None else "n/a",
               f"7-day {sov_b:.0%}" if sov_b is not None else "no 7-day baseline",
               f"{signed((sov - sov_b) * 100, 0)} pts" if sov is not None and sov_b is not None else "",
               _dir((sov or 0) - (sov_b or 0), 0.02) if sov is not None and sov_b is not None else "flat",
               note=f"{main_name} vs " + ", ".join(_short_name(ents[c]) for c in comps)),
    ]

    changes = _changes(wh, opts, w_since, until, main_name, n, expected, days, m_tone, b_tone, m_art, themes, sb > 0,
                       disagreements, stories, story_rows)
    top = changes[0]
    subject = f"{top.short} · {label}"
    count = [] if any(c.kind == "volume" for c in changes[1:3]) else [f"{n} article{'s' if n != 1 else ''}"]  # said once
    pre = " · ".join(count + [c.short for c in changes[1:3]])

    tone_series, theme_series = _series(fam, [opts.main, *comps], ents, th_rows, chart_start, day)
    return Digest(date=day, days=days, start=start, tz=opts.tz, created_at=created_at, main_name=main_name, articles=n,
                  subject=subject, preheader=pre, label=label, changes=tuple(changes), metrics=tuple(metrics),
                  sov_breakdown=sov_breakdown, stories=tuple(stories), figures=tuple(figures),
                  disagreements=tuple(disagreements), themes=tuple(themes[:6]), tone_series=tone_series,
                  theme_series=theme_series, footer=footer, competitor_names=tuple(_short_name(ents[c]) for c in comps))


def _dir(delta: float, eps: float) -> str:
    return "up" if delta > eps else "down" if delta < -eps else "flat"


def _pct_change(n: float, base: float) -> str:
    if base <= 0:
        return "new" if n else ""
    return f"{signed((n - base) / base * 100, 0)}%"


# -- stories: clusters shown once --------------------------------------------------------------------------

def _stories(wh: Warehouse, opts: Options, since: datetime, until: datetime, known: frozenset[str]):
    arts = q.window_articles(wh, since, until)
    clusters: dict[str, list[dict]] = defaultdict(list)
    for a in arts:
        clusters[a["story_id"]].append(a)
    copies = defaultdict(list)
    for c in q.copies_of(wh, [a["id"] for a in arts]):
        copies[c["original"]].append(c)
    ranked = []
    for sid, members in clusters.items():
        members.sort(key=lambda a: (a["published_at"], a["id"]))
        sites = {a["site"] for a in members} | {c["site"] for a in members for c in copies[a["id"]]}
        best = max(a["score"] or 0.0 for a in members)
        ranked.append((best * (1 + 0.5 * math.log(max(1, len(sites)))), sid, members, sites))
    ranked.sort(key=lambda r: (-r[0], r[2][0]["published_at"], r[1]))
    ranked = ranked[:opts.max_stories]
    leads = [r[2][0]["id"] for r in ranked]
    sentences = q.article_sentence_texts(wh, leads)
    figs = defaultdict(list)
    for f in q.window_figures(wh, since, until):
        figs[f["article_id"]].append(f)
    out, rows_out = [], []
    for _score, sid, members, sites in ranked:
        lead = members[0]
        others, seen = [], {lead["site"]}
        for a in members[1:]:
            if a["site"] not in seen:
                others.append(Link(a["site"], a["url"]))
                seen.add(a["site"])
        for a in members:
            for c in copies[a["id"]]:
                if c["site"] not in seen:
                    others.append(Link(c["site"], c["url"]))
                    seen.add(c["site"])
        summary_text = lead["story_summary"] if len(members) > 1 and lead["story_summary"] else lead["summary"]
        lead_sents = sentences.get(lead["id"], [])
        cands = lead_sents[:1] + split_sentences(summary_text or "") + lead_sents[1:4]
        summary = pick_summary(cands, known)
        story_figs = []
        for a in members:
            for f in sorted(figs[a["id"]], key=lambda f: (not _period(f["period"]), f["kind"] != "money")):
                if f.get("change") == "base":  # the figure compared against, not the story's
                    continue
                period = _figure_period(f)
                text = f"{f['subject']}: {f['metric']} {_figure_value(f)}" + (f" ({period})" if period else "")
                if text not in story_figs:
                    story_figs.append(text)
        out.append(Story(headline=lead["title"] or lead["url"], url=lead["url"], publisher=lead["site"] or "",
                         published_at=lead["published_at"], other_sources=len(sites) - 1, others=tuple(others[:4]),
                         summary=tuple(summary), figures=tuple(story_figs[:3])))
        rows_out.append((members, sites))
    return out, rows_out


# -- figures -----------------------------------------------------------------------------------------------

def _figures(rows: list[dict], ents: dict, opts: Options, disputed: set) -> list[FigureRow]:
    tracked = {opts.main, *opts.competitors}
    parent = {e["id"]: e.get("parent_id") for e in ents.values()}

    def root(i: str | None) -> str | None:
        seen = set()
        while i and parent.get(i) and i not in seen:
            seen.add(i)
            i = parent[i]
        return i

    ranked = sorted(rows, key=lambda f: ((f["subject"], f["metric"].lower(), f["period"]) not in disputed,
                                         not _period(f["period"]), root(f["subject_id"]) not in tracked,
                                         f["kind"] not in ("money", "percent"), -f["published_at"].timestamp()))
    out, seen, per_article = [], set(), defaultdict(int)
    for f in ranked:
        if f.get("change") == "base":  # the figure compared against (a year earlier): not a new figure
            continue
        key = (f["subject_id"], f["metric"].lower(), _period(f["period"]), f["surface"])
        if key in seen or per_article[f["article_id"]] >= 3:  # a few per article, so one long article does not fill the table
            continue
        seen.add(key)
        per_article[f["article_id"]] += 1
        out.append(FigureRow(subject=f["subject"] or f["subject_id"], metric=f["metric"], value=_figure_value(f),
                             period=_figure_period(f), source=f["site"] or "", url=f["url"],
                             disputed=(f["subject"], f["metric"].lower(), f["period"]) in disputed))
        if len(out) >= opts.max_figures:
            break
    return out


def _figure_value(f: dict) -> str:
    """A stated change reads as one ('up 30%', 'down by up to 85%'), not as a level of 30%."""
    surface, direction = f["surface"], f.get("direction")
    said = surface.lower().startswith(("up ", "down ")) and not surface.lower().startswith("up to ")
    if f.get("change") != "change" or f["kind"] not in ("percent", "percentage_points") or direction not in ("up", "down") or said:
        return surface
    return f"{direction} {'by ' if surface[:1].isalpha() else ''}{surface}"


def _figure_period(f: dict) -> str:
    """The reporting period, with a change's comparison basis when one is stated ('September quarter, YoY')."""
    period = _period(f["period"])
    basis = (f.get("basis") or "").strip() if f.get("change") == "change" else ""  # a basis qualifies a change only
    if basis and basis != "YoY":
        basis = f"vs {basis}"
    return ", ".join(x for x in (period, basis) if x)


def _disagreements(wh: Warehouse, since: datetime, until: datetime, limit: int) -> list[Disagreement]:
    out = []
    for r in q.figure_disagreements(wh, since, until, limit):
        claims = tuple((c["site"], c["surface"], c["url"]) for c in r["claims"])
        if len({c[1] for c in claims}) >= 2:
            out.append(Disagreement(subject=r["subject"] or r["subject_id"], metric=r.get("metric_as_written") or r["metric"],
                                    period=r["period"], claims=claims))
    return out


# -- what changed ------------------------------------------------------------------------------------------

def _changes(wh, opts, since, until, main_name, n, expected, days, m_tone, b_tone, m_art, themes, has_base,
             disagreements, stories, story_rows) -> list[Change]:
    out: list[Change] = []
    # volume
    per = "the trailing 7-day average" if days == 1 else "the 7 days before"
    lead_link = (Link(stories[0].headline, stories[0].url),) if stories else ()
    if expected > 0:
        ratio = (n - expected) / expected
        w = abs(math.log2((n + 1) / (expected + 1)))
        if abs(ratio) < 0.15:
            text, short, d = f"{n} articles, in line with {per} ({expected:.0f}).", f"{n} articles, steady", "flat"
        else:
            word = "up" if ratio > 0 else "down"
            text = f"{n} articles, {word} {abs(ratio):.0%} on {per} ({expected:.0f})."
            short, d = f"Coverage {word} {abs(ratio):.0%} ({n} articles)", word
    else:
        text, short, d, w = f"{n} articles, after none in the 7 days before.", f"Coverage resumes: {n} articles", "up", 1.5
    out.append(Change("volume", text, short, d, w, lead_link))
    # tone toward the main entity
    if m_tone is not None:
        ev = q.extreme_tone_article(wh, since, until, opts.main, highest=b_tone is None or m_tone >= b_tone)
        links = (Link(ev["title"] or ev["url"], ev["url"]),) if ev else ()
        if b_tone is None:
            text = f"Tone toward {main_name} is {signed(m_tone)} across {m_art} article{'s' if m_art != 1 else ''}, with no coverage of it in the 7 days before."
            out.append(Change("tone", text, f"Tone toward {main_name} {signed(m_tone)}", "flat", 0.4, links))
        else:
            delta = m_tone - b_tone
            if abs(delta) < 0.05:
                verb, d = "held steady at", "flat"
            elif (m_tone > 0.05) != (b_tone > 0.05) and m_tone > 0.05:
                verb, d = "turned positive at", "up"
            elif (m_tone < -0.05) != (b_tone < -0.05) and m_tone < -0.05:
                verb, d = "turned negative at", "down"
            else:
                verb, d = ("improved to" if delta > 0 else "weakened to"), ("up" if delta > 0 else "down")
            text = (f"Tone toward {main_name} {verb} {signed(m_tone)} (−1 to +1) across {m_art} article"
                    f"{'s' if m_art != 1 else ''}, from {signed(b_tone)} in the 7 days before.")
            short_verb = verb.replace(" at", "").replace(" to", "").replace("held steady", "steady")
            short = f"Tone toward {main_name} {short_verb}: {signed(m_tone)} from {signed(b_tone)}"
            out.append(Change("tone", text, short, d, abs(delta) / 0.15 * min(1.0, m_art / 3), links))  # one article is a weak signal
    # a new or moving theme
    if themes and has_base:
        rising = [t for t in themes if t.change >= 0.03]  # a theme gaining ground says more than one losing it
        mover = max(rising or themes, key=lambda t: (abs(t.change), t.theme))
        ev = q.top_theme_article(wh, since, until, mover.theme)
        links = (Link(ev["title"] or ev["url"], ev["url"]),) if ev else ()
        if abs(mover.change) >= 0.01:
            if mover.before < 0.02 and mover.share >= 0.05:
                text = f"New theme: {mover.name} takes {mover.share:.0%} of the coverage, after next to none in the 7 days before."
                short, d = f"New theme: {mover.name}", "up"
            else:
                word = "rose" if mover.change > 0 else "fell"
                about = f" ({mover.articles} article{'s' if mover.articles != 1 else ''} mainly about it)" if mover.articles else ""
                text = f"{mover.name} {word} to {mover.share:.0%} of the coverage's themes, from {mover.before:.0%} in the 7 days before{about}."
                short, d = f"{mover.name} {word} to {mover.share:.0%}", "up" if mover.change > 0 else "down"
            out.append(Change("theme", text, short, d, abs(mover.change) / 0.08 * min(1.0, n / 3) * (1.0 if mover.change > 0 else 0.6), links))
    # a figure sources disagree on
    if disagreements:
        g = disagreements[0]
        a, b = g.claims[0], g.claims[-1]
        the = "" if re.match(r"(Q|H)[1-4]|FY|[0-9]", g.period or "") else "the "
        per_txt = f" for {the}{g.period}" if g.period else ""
        text = f"Sources disagree on {g.subject}'s {g.metric}{per_txt}: {a[1]} ({a[0]}) against {b[1]} ({b[0]})."
        out.append(Change("disagreement", text, f"Sources disagree on {g.subject}'s {g.metric}", "flag", 1.1,
                          (Link(a[0], a[2]), Link(b[0], b[2]))))
    # a story many sources carry
    if stories:
        i = max(range(len(stories)), key=lambda k: (len(story_rows[k][1]), -k))
        s, n_src = stories[i], len(story_rows[i][1])
        if n_src >= 2:
            text = f"{n_src} sources carry one story: {s.headline} (first: {s.publisher})."
            out.append(Change("story", text, f"{n_src} sources on “{_clip(s.headline, 60)}”", "up", 0.4 + 0.25 * (n_src - 1),
                              (Link(s.headline, s.url),)))
        else:
            out.append(Change("story", f"Top story: {s.headline} ({s.publisher}).", f"Top story: {_clip(s.headline, 60)}",
                              "flat", 0.6, (Link(s.headline, s.url),)))  # on a quiet day the top story is the news
    out.sort(key=lambda c: -c.weight)
    return out[:5]


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"


# -- chart series ------------------------------------------------------------------------------------------

def _series(fam, entities, ents, th_rows, chart_start: date, day: date) -> tuple[Series | None, Series | None]:
    days = tuple(chart_start + timedelta(days=i) for i in range((day - chart_start).days + 1))

    def rolling(cells: dict, d: date) -> float | None:
        a = t = 0.0
        for k in range(7):
            c = cells.get(d - timedelta(days=k))
            if c:
                a += c[0]
                t += c[1]
        return t / a if a else None

    in_chart = lambda e: sum(c[2] for d, c in fam[e].items() if chart_start <= d <= day)  # noqa: E731
    shown = [entities[0]] + sorted([e for e in entities[1:] if in_chart(e)], key=lambda e: -in_chart(e))[:3]
    lines = tuple((_short_name(ents[e]) if e in ents else e, tuple(rolling(fam[e], d) for d in days)) for e in shown if in_chart(e))
    tone = Series(days, lines) if lines else None

    weight = defaultdict(lambda: defaultdict(float))
    for r in th_rows:
        weight[r["day"]][r["theme"]] += r["weight"] or 0.0
    totals = defaultdict(float)
    for d in days:
        for t, w in weight[d].items():
            totals[t] += w
    if not totals:
        return tone, None
    top = [t for t, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:5]]

    def share(d: date, theme: str | None) -> float | None:
        tot = sel = 0.0
        for k in range(7):
            for t, w in weight[d - timedelta(days=k)].items():
                tot += w
                if (t == theme) if theme else (t not in top):
                    sel += w
        return sel / tot if tot else None

    th_lines = tuple((_theme_name(t), tuple(share(d, t) for d in days)) for t in top)
    if len(totals) > len(top):
        th_lines += (("Other themes", tuple(share(d, None) for d in days)),)
    return tone, Series(days, th_lines)
