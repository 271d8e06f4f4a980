"""Gather what changed from the warehouse's named queries into one Digest record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from ..warehouse import queries as q
from ..warehouse.db import Warehouse


@dataclass(frozen=True)
class Digest:
    created_at: datetime
    window: q.Window
    articles: int
    top_stories: list[dict]
    new_figures: list[dict]
    conflicts: list[dict]
    shifts: list[dict]
    themes: list[dict]
    sentiment: list[dict]  # per day, trailing 35 days
    entities: list[dict]
    stories: list[dict] = ()  # covered by several sources

    @property
    def subject(self) -> str:
        span = f"{self.window.start:%d %b}" if self.window.start == self.window.end else f"{self.window.start:%d %b}–{self.window.end:%d %b %Y}"
        return f"narrative digest · {span} · {self.articles} new stories"


def compose(wh: Warehouse, days: int = 1) -> Digest | None:
    window = q.data_window(wh, days)
    if window is None:
        return None
    n = wh.con.execute("SELECT count(*) FROM annotated_articles WHERE day BETWEEN ? AND ?", [window.start, window.end]).fetchone()[0]
    since = window.end.fromordinal(window.end.toordinal() - 34)
    return Digest(
        created_at=datetime.now(timezone.utc), window=window, articles=n,
        top_stories=q.top_stories(wh, window, 5), new_figures=q.new_figures(wh, window, 12),
        conflicts=q.figure_conflicts(wh, 5), shifts=q.narrative_shifts(wh, 6), themes=q.theme_movement(wh, window),
        sentiment=q.sentiment_by_day(wh, since), entities=q.top_entities(wh, 8, window),
        stories=q.multi_source_stories(wh, window, 4),
    )
