"""Named, parameterised read queries (used by the digest, the CLI report and users' Python)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .db import Warehouse


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # inclusive


def data_window(wh: Warehouse, days: int) -> Window | None:
    """The last `days` days of published, annotated articles (anchored on the newest one)."""
    row = wh.con.execute("SELECT max(day) FROM annotated_articles").fetchone()
    if not row or row[0] is None:
        return None
    end = row[0]
    return Window(start=date.fromordinal(end.toordinal() - days + 1), end=end)


def rows(wh: Warehouse, sql: str, params=()) -> list[dict]:
    cur = wh.con.execute(sql, list(params))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def status_counts(wh: Warehouse, run_id: str | None = None) -> dict[str, int]:
    sql = "SELECT status, count(*) FROM articles" + (" WHERE run_id = ?" if run_id else "") + " GROUP BY status"
    return dict(wh.con.execute(sql, [run_id] if run_id else []).fetchall())


def skip_reasons(wh: Warehouse, run_id: str | None = None) -> list[dict]:
    where = "WHERE status = 'skipped'" + (" AND run_id = ?" if run_id else "")
    return rows(wh, f"SELECT split_part(reason, ':', 1) AS reason, count(*) AS n FROM articles {where} GROUP BY 1 ORDER BY 2 DESC",
                [run_id] if run_id else [])


def top_entities(wh: Warehouse, limit: int = 10, window: Window | None = None) -> list[dict]:
    cond, params = "", []
    if window:
        cond, params = "AND a.day BETWEEN ? AND ?", [window.start, window.end]
    return rows(wh, f"""
        SELECT e.name AS entity, count(*) AS mentions, count(DISTINCT m.article_id) AS articles,
               round(avg(es.score), 3) AS sentiment
        FROM mentions m
        JOIN annotated_articles a ON a.id = m.article_id
        JOIN entities e ON e.id = m.entity_id
        LEFT JOIN entity_sentiment es ON es.article_id = m.article_id AND es.entity_id = m.entity_id
             AND es.model = (SELECT model FROM current_models WHERE kind = 'sentiment')
        WHERE m.model = (SELECT model FROM current_models WHERE kind = 'ner') {cond}
        GROUP BY e.name ORDER BY mentions DESC LIMIT ?""", [*params, limit])


def sentiment_by_day(wh: Warehouse, since: date | None = None) -> list[dict]:
    if since:
        return rows(wh, "SELECT * FROM sentiment_daily WHERE day >= ? ORDER BY day", [since])
    return rows(wh, "SELECT * FROM sentiment_daily ORDER BY day")


def top_stories(wh: Warehouse, window: Window, limit: int = 5) -> list[dict]:
    return rows(wh, "SELECT * FROM top_stories WHERE day BETWEEN ? AND ? ORDER BY score DESC, day DESC LIMIT ?",
                [window.start, window.end, limit])


def multi_source_stories(wh: Warehouse, window: Window, limit: int = 5) -> list[dict]:
    """Stories reported by several sources that gained an article in the window, most sources first."""
    return rows(wh, """
        SELECT s.id, coalesce(s.title, any_value(a.title) FILTER (WHERE a.id = s.id)) AS title, s.sources, s.articles,
               s.summary, CAST(s.last_published_at AS DATE) AS last_day,
               list(DISTINCT a.site ORDER BY a.site) AS sites
        FROM stories s JOIN story_articles sa ON sa.story_id = s.id JOIN articles a ON a.id = sa.article_id
        WHERE s.sources >= 2 AND CAST(s.last_published_at AS DATE) BETWEEN ? AND ?
        GROUP BY s.id, s.title, s.sources, s.articles, s.summary, s.last_published_at
        ORDER BY s.sources DESC, s.last_published_at DESC LIMIT ?""", [window.start, window.end, limit])


def new_figures(wh: Warehouse, window: Window, limit: int = 12) -> list[dict]:
    return rows(wh, """
        SELECT * FROM figure_timeline
        WHERE day BETWEEN ? AND ? AND subject_id IS NOT NULL AND metric IS NOT NULL
        ORDER BY (period IS NOT NULL) DESC, kind = 'money' DESC, published_at DESC LIMIT ?""",
        [window.start, window.end, limit])


def figure_conflicts(wh: Warehouse, limit: int = 10) -> list[dict]:
    return rows(wh, "SELECT * FROM figure_conflicts ORDER BY spread DESC LIMIT ?", [limit])


def narrative_shifts(wh: Warehouse, limit: int = 8) -> list[dict]:
    return rows(wh, "SELECT * FROM narrative_shifts WHERE recent_mentions >= 3 ORDER BY abs(sentiment_change) DESC LIMIT ?", [limit])


def theme_movement(wh: Warehouse, window: Window) -> list[dict]:
    """Each theme's mean score in the window against the 28 days before it."""
    return rows(wh, """
        WITH t AS (
          SELECT th.theme, CASE WHEN a.day >= ? THEN 'recent' ELSE 'before' END AS win, avg(th.score) AS score
          FROM article_themes th JOIN annotated_articles a ON a.id = th.article_id
          WHERE th.model = (SELECT model FROM current_models WHERE kind = 'themes')
            AND a.day BETWEEN ? - 28 AND ?
          GROUP BY ALL)
        SELECT theme, round(max(score) FILTER (WHERE win = 'recent'), 3) AS recent,
               round(max(score) FILTER (WHERE win = 'before'), 3) AS before,
               round(coalesce(max(score) FILTER (WHERE win = 'recent'), 0) - coalesce(max(score) FILTER (WHERE win = 'before'), 0), 3) AS change
        FROM t GROUP BY theme ORDER BY abs(change) DESC""", [window.start, window.start, window.end])


def last_runs(wh: Warehouse, limit: int = 5) -> list[dict]:
    return rows(wh, "SELECT id, started_at, finished_at, status, counts FROM runs ORDER BY started_at DESC LIMIT ?", [limit])


def record_digest(wh: Warehouse, digest_id: str, created_at: datetime, window: Window, subject: str,
                  recipients: list[str], status: str, eml_path: str | None, run_id: str | None) -> None:
    wh.con.execute("INSERT OR REPLACE INTO digests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [digest_id, created_at, window.start, window.end, subject, recipients, status, eml_path, run_id])
