"""Digest → HTML and plain text, and a sentiment chart as PNG (matplotlib, Agg backend)."""

from __future__ import annotations

import html
import io

from .compose import Digest

THEME_NAMES = {
    "ai-capex": "AI capex", "open-source-models": "Open-source models", "pricing": "Pricing / price war",
    "margins": "Margins", "competition": "Competition", "chips": "Chips", "regulation": "Regulation",
    "partnerships": "Partnerships", "ecommerce": "E-commerce", "shareholder-returns": "Shareholder returns",
}


def sentiment_chart(d: Digest) -> bytes | None:
    if not d.sentiment:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    days = [r["day"] for r in d.sentiment]
    fig, ax = plt.subplots(figsize=(7, 2.6), dpi=100)
    ax.bar(days, [r["positive_share"] or 0.0 for r in d.sentiment], color="#2e7d32", label="positive share")
    ax.bar(days, [-(r["negative_share"] or 0.0) for r in d.sentiment], color="#c62828", label="negative share")
    ax.plot(days, [r["mean_score"] or 0.0 for r in d.sentiment], color="#222", lw=1.5, label="mean score")
    ax.axhline(0, color="#999", lw=0.5)
    ax.set_ylim(-1, 1)
    ax.set_title("Article sentiment by day", fontsize=10)
    ax.legend(fontsize=7, loc="lower left", ncol=3)
    ax.tick_params(labelsize=7)
    fig.autofmt_xdate()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _sg(v) -> str:
    return "n/a" if v is None else f"{v:+.2f}"


def _fmt_value(f: dict) -> str:
    return f["surface"]


def render_text(d: Digest) -> str:
    out = [d.subject, "=" * len(d.subject), ""]
    out.append(f"{d.articles} new on-topic stories between {d.window.start} and {d.window.end}.\n")
    out.append("TOP STORIES")
    for s in d.top_stories:
        out.append(f"- {s['title']} ({s['site']}, {s['day']}, sentiment {s['sentiment']}, copies {s['copies']})")
        if s.get("summary"):
            out.append(f"  {s['summary']}")
        out.append(f"  {s['url']}")
    if d.stories:
        out.append("\nCOVERED BY SEVERAL SOURCES")
        for st in d.stories:
            out.append(f"- {st['title']} ({st['sources']} sources: {', '.join(st['sites'])})")
            if st.get("summary"):
                out.append(f"  {st['summary']}")
    if d.new_figures:
        out.append("\nNEW FIGURES")
        for f in d.new_figures:
            out.append(f"- {f['subject']}: {f['metric']} {_fmt_value(f)} ({f['direction'] or '-'}, {f['period'] or 'no period'}) · {f['site']}")
    if d.conflicts:
        out.append("\nSOURCES DISAGREE")
        for c in d.conflicts:
            out.append(f"- {c['subject']} {c['metric']} ({c['period']}): {'; '.join(c['claims'])}")
    if d.shifts:
        out.append("\nNARRATIVE SHIFTS (last 7 days vs the 28 before)")
        for s in d.shifts:
            out.append(f"- {s['entity']}: sentiment {_sg(s['trailing_sentiment'])} → {_sg(s['recent_sentiment'])}")
    if d.themes:
        out.append("\nTHEMES (mean score, window vs the 28 days before)")
        for t in d.themes[:6]:
            out.append(f"- {THEME_NAMES.get(t['theme'], t['theme'])}: {t['before'] or 0:.2f} → {t['recent'] or 0:.2f}")
    if d.sentiment:
        out.append("\nSENTIMENT BY DAY")
        for r in d.sentiment[-10:]:
            out.append(f"- {r['day']}: {r['articles']} articles, mean {_sg(r['mean_score'])}")
    return "\n".join(out) + "\n"


def render_html(d: Digest, chart_cid: str | None = None) -> str:
    e = html.escape
    parts = [f"<html><head><meta charset='utf-8'><title>{e(d.subject)}</title></head>"
             "<body style='font-family:Helvetica,Arial,sans-serif;max-width:720px;margin:auto;color:#222'>",
             f"<h1 style='font-size:20px'>{e(d.subject)}</h1>",
             f"<p>{d.articles} new on-topic stories between {d.window.start} and {d.window.end}.</p>"]
    parts.append("<h2 style='font-size:16px'>Top stories</h2>")
    for s in d.top_stories:
        parts.append(f"<div style='margin-bottom:12px'><a href='{e(s['url'])}'><b>{e(s['title'] or '')}</b></a><br>"
                     f"<small>{e(s['site'] or '')} · {s['day']} · sentiment {e(str(s['sentiment']))} · copies {s['copies']}</small>"
                     f"<p style='margin:4px 0'>{e(s.get('summary') or '')}</p></div>")
    if d.stories:
        parts.append("<h2 style='font-size:16px'>Covered by several sources</h2>")
        for st in d.stories:
            parts.append(f"<div style='margin-bottom:12px'><b>{e(st['title'] or '')}</b><br><small>{st['sources']} sources: "
                         f"{e(', '.join(st['sites']))}</small><p style='margin:4px 0'>{e(st.get('summary') or '')}</p></div>")
    if chart_cid:
        parts.append(f"<h2 style='font-size:16px'>Sentiment</h2><img src='cid:{chart_cid}' alt='Article sentiment by day' width='700'>")
    if d.new_figures:
        parts.append("<h2 style='font-size:16px'>New figures</h2><table style='border-collapse:collapse;font-size:13px'>"
                     "<tr><th align='left'>Subject</th><th align='left'>Metric</th><th align='left'>Figure</th>"
                     "<th>Direction</th><th>Period</th><th align='left'>Source</th></tr>")
        for f in d.new_figures:
            parts.append(f"<tr><td>{e(f['subject'] or '')}</td><td>{e(f['metric'] or '')}</td><td>{e(_fmt_value(f))}</td>"
                         f"<td align='center'>{e(f['direction'] or '-')}</td><td align='center'>{e(f['period'] or '')}</td>"
                         f"<td>{e(f['site'] or '')}</td></tr>")
        parts.append("</table>")
    if d.conflicts:
        parts.append("<h2 style='font-size:16px'>Sources disagree</h2><ul>")
        for c in d.conflicts:
            parts.append(f"<li><b>{e(c['subject'] or '')} {e(c['metric'])} ({e(c['period'])})</b>: {e('; '.join(c['claims']))}</li>")
        parts.append("</ul>")
    if d.shifts:
        parts.append("<h2 style='font-size:16px'>Narrative shifts</h2><ul>")
        for s in d.shifts:
            parts.append(f"<li>{e(s['entity'])}: sentiment {_sg(s['trailing_sentiment'])} → {_sg(s['recent_sentiment'])} "
                         f"({s['recent_mentions']} mentions in the last 7 days)</li>")
        parts.append("</ul>")
    if d.themes:
        parts.append("<h2 style='font-size:16px'>Themes</h2><ul>")
        for t in d.themes[:6]:
            parts.append(f"<li>{e(THEME_NAMES.get(t['theme'], t['theme']))}: {t['before'] or 0:.2f} → {t['recent'] or 0:.2f}</li>")
        parts.append("</ul>")
    parts.append("<p style='color:#888;font-size:11px'>Generated by narrative from its DuckDB warehouse.</p></body></html>")
    return "\n".join(parts)
