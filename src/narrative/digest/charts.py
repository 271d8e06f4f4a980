"""The digest's two charts as PNG (matplotlib, Agg): 600 px wide in the email, drawn at 2x for retina."""

from __future__ import annotations

import io

from .compose import Digest, Series

WIDTH_PX = 600  # as laid out in the email
SCALE = 2  # pixels per layout pixel
PALETTE = ("#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6", "#7f7f7f")


def _figure(height_px: int):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dpi = 100 * SCALE
    fig, ax = plt.subplots(figsize=(WIDTH_PX / 100, height_px / 100), dpi=dpi)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=7, colors="#444444")
    ax.grid(axis="y", color="#e5e5e5", lw=0.6)
    ax.set_axisbelow(True)
    return plt, fig, ax


def _png(plt, fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _window_band(ax, d: Digest, days) -> None:
    if d.start >= days[0]:
        ax.axvspan(d.start, d.date, color="#fff2cc", lw=0, zorder=0)


def tone_chart(d: Digest) -> bytes | None:
    """Tone toward the main entity and its busiest competitors, 7-day rolling mean, over 30 days."""
    s: Series | None = d.tone_series
    if not s or not s.lines:
        return None
    plt, fig, ax = _figure(230)
    for i, (name, values) in enumerate(s.lines):
        pts = [(day, v) for day, v in zip(s.days, values) if v is not None]
        if not pts:
            continue
        xs, ys = zip(*pts)
        ax.plot(xs, ys, color=PALETTE[i % len(PALETTE)], lw=2.2 if i == 0 else 1.2, label=name,
                marker="o" if len(pts) < 3 else None, ms=3)
    ax.axhline(0, color="#999999", lw=0.6)
    lo = min([v for _, vals in s.lines for v in vals if v is not None] + [-0.3])
    hi = max([v for _, vals in s.lines for v in vals if v is not None] + [0.3])
    ax.set_ylim(max(-1, lo - 0.1), min(1, hi + 0.1))
    _window_band(ax, d, s.days)
    ax.set_xlim(s.days[0], s.days[-1])
    ax.set_title("Tone toward the main companies (7-day average, −1 to +1)", fontsize=8.5, loc="left", color="#222222")
    ax.legend(fontsize=7, loc="upper left", ncol=len(s.lines), frameon=False, bbox_to_anchor=(0, -0.12))
    _dates(ax)
    fig.tight_layout()
    return _png(plt, fig)


def theme_chart(d: Digest) -> bytes | None:
    """Each theme's share of the coverage's theme weight, 7-day rolling, stacked, over 30 days."""
    s: Series | None = d.theme_series
    if not s or not s.lines:
        return None
    keep = [i for i, day in enumerate(s.days) if any(vals[i] is not None for _, vals in s.lines)]
    if not keep:
        return None
    plt, fig, ax = _figure(230)
    xs = [s.days[i] for i in keep]
    ys = [[(vals[i] or 0.0) * 100 for i in keep] for _, vals in s.lines]
    colors = [PALETTE[i % len(PALETTE)] if name != "Other themes" else "#d9d9d9" for i, (name, _) in enumerate(s.lines)]
    ax.stackplot(xs, *ys, labels=[name for name, _ in s.lines], colors=colors, alpha=0.9, lw=0)
    ax.set_ylim(0, 100)
    ax.set_xlim(s.days[0], s.days[-1])
    ax.yaxis.set_major_formatter(lambda v, _p: f"{v:.0f}%")
    if d.start >= s.days[0]:
        ax.axvline(d.start, color="#333333", lw=0.8, ls="--")
    ax.set_title("Theme share of coverage (7-day average)", fontsize=8.5, loc="left", color="#222222")
    ax.legend(fontsize=7, loc="upper left", ncol=3, frameon=False, bbox_to_anchor=(0, -0.12))
    _dates(ax)
    fig.tight_layout()
    return _png(plt, fig)


def _dates(ax) -> None:
    import matplotlib.dates as mdates

    ax.xaxis.set_major_locator(mdates.DayLocator(interval=5))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))


def charts(d: Digest) -> dict[str, tuple[bytes, str]]:
    """{name: (png, alt text)} for the charts this digest has data for."""
    out = {}
    tone = tone_chart(d)
    if tone:
        names = ", ".join(name for name, _ in d.tone_series.lines)
        out["tone"] = (tone, f"Line chart: tone toward {names} over the 30 days to {d.date.day} {d.date:%b %Y}, 7-day average")
    themes = theme_chart(d)
    if themes:
        names = ", ".join(name for name, _ in d.theme_series.lines)
        out["themes"] = (themes, f"Stacked chart: share of coverage by theme ({names}) over the 30 days to {d.date.day} {d.date:%b %Y}")
    return out
