"""Named, parameterised read queries (used by the digest, the CLI report and users' Python)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .db import Warehouse


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # inclusive


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


# -- the digest: one day (or N) of news in the analysts' time zone ---------------------------------
# Windows are [since, until) instants (the local midnights, converted); days are local: timezone(tz, ...).

_LOCAL_DAY = "CAST(timezone(?, {col}) AS DATE)"


def newest_coverage_day(wh: Warehouse, tz: str, before: datetime | None = None) -> date | None:
    """The newest local day with an annotated article published before `before` (None: ever)."""
    sql = f"SELECT {_LOCAL_DAY.format(col='max(published_at)')} FROM annotated_articles"
    params: list = [tz]
    if before is not None:
        sql += " WHERE published_at < ?"
        params.append(before)
    row = wh.con.execute(sql, params).fetchone()
    return row[0] if row else None


def coverage_by_day(wh: Warehouse, tz: str, since: datetime, until: datetime) -> list[dict]:
    """Annotated articles per local day."""
    return rows(wh, f"""
        SELECT {_LOCAL_DAY.format(col='published_at')} AS day, count(*) AS articles
        FROM annotated_articles WHERE published_at >= ? AND published_at < ? GROUP BY 1 ORDER BY 1""", [tz, since, until])


def articles_considered(wh: Warehouse, since: datetime, until: datetime) -> dict:
    """Every stored article published in the window, whatever became of it: counts by status, publishers."""
    by_status = dict(wh.con.execute(
        "SELECT status, count(*) FROM articles WHERE published_at >= ? AND published_at < ? GROUP BY 1", [since, until]).fetchall())
    sites = wh.con.execute("SELECT count(DISTINCT site) FROM articles WHERE published_at >= ? AND published_at < ?",
                           [since, until]).fetchone()[0]
    feeds = wh.con.execute("SELECT count(*) FROM feeds").fetchone()[0]
    return {"by_status": by_status, "publishers": sites, "feeds": feeds}


def family_tone_by_day(wh: Warehouse, tz: str, since: datetime, until: datetime, roots: list[str]) -> list[dict]:
    """Per local day and entity family (each root with its products and units): articles naming it, the sum
    of the articles' tone toward it (mention-weighted over the family's members) and mentions."""
    return rows(wh, f"""
        WITH RECURSIVE up(id, root) AS (
            SELECT id, id FROM entities WHERE list_contains(?, id)
            UNION ALL SELECT e.id, up.root FROM entities e JOIN up ON e.parent_id = up.id),
        per_article AS (
            SELECT es.article_id, up.root, any_value(a.published_at) AS published_at, sum(es.mentions) AS mentions,
                   sum(es.score * greatest(es.mentions, 1)) / sum(greatest(es.mentions, 1)) AS tone
            FROM entity_sentiment es JOIN annotated_articles a ON a.id = es.article_id JOIN up ON up.id = es.entity_id
            WHERE es.model = (SELECT model FROM current_models WHERE kind = 'sentiment')
              AND a.published_at >= ? AND a.published_at < ?
            GROUP BY es.article_id, up.root)
        SELECT {_LOCAL_DAY.format(col='published_at')} AS day, root AS entity_id, count(*) AS articles,
               sum(tone) AS tone_sum, sum(mentions) AS mentions
        FROM per_article GROUP BY ALL ORDER BY day, entity_id""", [list(roots), since, until, tz])


def theme_weight_by_day(wh: Warehouse, tz: str, since: datetime, until: datetime) -> list[dict]:
    """Per local day and theme: summed theme scores (the weight theme_share_weekly shares out) and the
    articles mainly about it (score >= 0.5)."""
    return rows(wh, f"""
        SELECT {_LOCAL_DAY.format(col='a.published_at')} AS day, th.theme, sum(th.score) AS weight,
               count(*) FILTER (WHERE th.score >= 0.5) AS articles
        FROM article_themes th JOIN annotated_articles a ON a.id = th.article_id
        WHERE th.model = (SELECT model FROM current_models WHERE kind = 'themes')
          AND a.published_at >= ? AND a.published_at < ?
        GROUP BY ALL ORDER BY day, th.theme""", [tz, since, until])


def window_articles(wh: Warehouse, since: datetime, until: datetime) -> list[dict]:
    """Annotated articles published in the window with their top_stories score, story and summary."""
    return rows(wh, """
        SELECT t.id, t.site, t.title, t.url, t.score, t.copies, a.published_at,
               coalesce(sa.story_id, t.id) AS story_id, s.first_published_at AS story_first_published_at,
               s.sources AS story_sources, s.summary AS story_summary,
               coalesce(sm.summary, a.summary) AS summary
        FROM top_stories t JOIN annotated_articles a ON a.id = t.id
        LEFT JOIN story_articles sa ON sa.article_id = t.id
        LEFT JOIN stories s ON s.id = sa.story_id
        LEFT JOIN summaries sm ON sm.article_id = t.id AND sm.model = (SELECT model FROM current_models WHERE kind = 'summary')
        WHERE a.published_at >= ? AND a.published_at < ?
        ORDER BY a.published_at, t.id""", [since, until])


def copies_of(wh: Warehouse, ids: list[str]) -> list[dict]:
    """Syndicated copies (status duplicate) of these articles: which original, where and its URL."""
    return rows(wh, """SELECT duplicate_of AS original, site, canonical_url AS url, published_at FROM articles
                       WHERE status = 'duplicate' AND list_contains(?, duplicate_of) ORDER BY published_at NULLS LAST, site""",
                [list(ids)])


def article_sentence_texts(wh: Warehouse, ids: list[str]) -> dict[str, list[str]]:
    """Sentence texts of these articles in order (the current sentiment model's rows, else any model's)."""
    out: dict[str, list[str]] = {}
    for aid, text in wh.con.execute("""
            SELECT article_id, arg_max(text, model = (SELECT model FROM current_models WHERE kind = 'sentiment'))
            FROM sentences WHERE list_contains(?, article_id) GROUP BY article_id, idx ORDER BY article_id, idx""",
            [list(ids)]).fetchall():
        out.setdefault(aid, []).append(text)
    return out


def window_figures(wh: Warehouse, since: datetime, until: datetime) -> list[dict]:
    """Figures with a subject and a metric stated by articles published in the window, newest first."""
    return rows(wh, """
        SELECT article_id, subject_id, subject, metric, period, kind, value, currency, direction, surface, site, url,
               published_at, change, basis
        FROM figure_facts
        WHERE published_at >= ? AND published_at < ? AND subject_id IS NOT NULL AND metric IS NOT NULL
        ORDER BY published_at DESC, article_id, sentence_idx""", [since, until])


def figure_disagreements(wh: Warehouse, since: datetime, until: datetime, limit: int = 5) -> list[dict]:
    """figure_conflicts that a figure stated in the window takes part in, each with every source's claim
    (site, figure as written, URL, newest statement per site) made before the window's end: a past day's
    digest never cites an article published after it."""
    return rows(wh, """
        WITH new AS (
            SELECT DISTINCT subject_id, lower(metric) AS metric, period, kind, coalesce(currency, '') AS currency,
                   CASE WHEN kind IN ('percent', 'percentage_points') AND coalesce(direction, 'none') IN ('up', 'down')
                        THEN 'change' ELSE 'level' END AS shape
            FROM figure_facts
            WHERE published_at >= ? AND published_at < ? AND subject_id IS NOT NULL AND metric IS NOT NULL
              AND period IS NOT NULL AND value IS NOT NULL),
        c AS (SELECT fc.* FROM figure_conflicts fc JOIN new USING (subject_id, metric, period, kind, currency, shape)
              ORDER BY fc.spread DESC LIMIT ?),
        claims AS (
            SELECT c.subject_id, c.metric, c.period, c.kind, c.currency, c.shape, f.site,
                   arg_max(f.surface, f.published_at) AS surface, arg_max(f.value, f.published_at) AS value,
                   arg_max(f.url, f.published_at) AS url, max(f.published_at) AS published_at,
                   arg_max(f.metric, f.published_at) AS metric_as_written
            FROM c JOIN figure_facts f ON f.subject_id = c.subject_id AND lower(f.metric) = c.metric AND f.period = c.period
                 AND f.kind = c.kind AND coalesce(f.currency, '') = c.currency AND f.value IS NOT NULL
                 AND f.published_at < ?
                 AND (CASE WHEN f.kind IN ('percent', 'percentage_points') AND coalesce(f.direction, 'none') IN ('up', 'down')
                           THEN 'change' ELSE 'level' END) = c.shape
            GROUP BY ALL)
        SELECT c.subject_id, c.subject, c.metric, any_value(cl.metric_as_written) AS metric_as_written, c.period, c.kind, c.spread,
               list({'site': cl.site, 'surface': cl.surface, 'value': cl.value, 'url': cl.url} ORDER BY cl.value DESC, cl.site) AS claims
        FROM c JOIN claims cl USING (subject_id, metric, period, kind, currency, shape)
        GROUP BY c.subject_id, c.subject, c.metric, c.period, c.kind, c.spread
        ORDER BY c.spread DESC, c.subject, c.metric""", [since, until, limit, until])


def extreme_tone_article(wh: Warehouse, since: datetime, until: datetime, root: str, highest: bool) -> dict | None:
    """The article in the window most positive (highest) or most negative toward an entity family."""
    found = rows(wh, f"""
        WITH RECURSIVE up(id) AS (SELECT ? UNION ALL SELECT e.id FROM entities e JOIN up ON e.parent_id = up.id)
        SELECT a.id, a.title, a.site, a.canonical_url AS url, a.published_at, avg(es.score) AS tone
        FROM entity_sentiment es JOIN annotated_articles a ON a.id = es.article_id
        WHERE es.entity_id IN (SELECT id FROM up) AND es.model = (SELECT model FROM current_models WHERE kind = 'sentiment')
          AND a.published_at >= ? AND a.published_at < ?
        GROUP BY ALL ORDER BY tone {'DESC' if highest else 'ASC'}, a.published_at DESC LIMIT 1""", [root, since, until])
    return found[0] if found else None


def top_theme_article(wh: Warehouse, since: datetime, until: datetime, theme: str) -> dict | None:
    """The article in the window that is most about a theme."""
    found = rows(wh, """
        SELECT a.id, a.title, a.site, a.canonical_url AS url, th.score
        FROM article_themes th JOIN annotated_articles a ON a.id = th.article_id
        WHERE th.theme = ? AND th.model = (SELECT model FROM current_models WHERE kind = 'themes')
          AND a.published_at >= ? AND a.published_at < ?
        ORDER BY th.score DESC, a.published_at DESC LIMIT 1""", [theme, since, until])
    return found[0] if found else None


def entity_names(wh: Warehouse, ids: list[str] | None = None) -> list[dict]:
    """Canonical entities (id, name, parent_id, aliases): these ids, or all."""
    if ids is None:
        return rows(wh, "SELECT id, name, parent_id, aliases FROM entities ORDER BY id")
    return rows(wh, "SELECT id, name, parent_id, aliases FROM entities WHERE list_contains(?, id) ORDER BY id", [list(ids)])


def model_versions(wh: Warehouse) -> list[dict]:
    return rows(wh, "SELECT kind, model FROM current_models ORDER BY kind")


# -- digest deliveries (migration 007): one row per recipient and try -------------------------------

def digest_sent(wh: Warehouse, digest_date: date, recipient: str) -> dict | None:
    """The delivery of this digest date to this recipient that succeeded, if any (rows from before 007
    count when their recipients list holds the address)."""
    found = rows(wh, """
        SELECT id, message_id, sent_at, created_at FROM digests
        WHERE status = 'sent' AND digest_date = ?
          AND (recipient = ? OR (recipient IS NULL AND list_contains(recipients, ?)))
        ORDER BY created_at DESC LIMIT 1""", [digest_date, recipient, recipient])
    return found[0] if found else None


def last_unsent_message_id(wh: Warehouse, digest_date: date, recipient: str) -> str | None:
    """The Message-ID of an earlier try that did not succeed (reused, so a message that did arrive after
    all is recognised as the same one by mail clients)."""
    row = wh.con.execute("""SELECT message_id FROM digests WHERE digest_date = ? AND recipient = ?
                            AND status IN ('sending', 'failed') AND message_id IS NOT NULL
                            ORDER BY created_at DESC LIMIT 1""", [digest_date, recipient]).fetchone()
    return row[0] if row else None


def record_digest_delivery(wh: Warehouse, digest_id: str, *, created_at: datetime, digest_date: date, days: int,
                           window: Window, subject: str, recipient: str | None, status: str,
                           message_id: str | None = None, eml_path: str | None = None, run_id: str | None = None,
                           attempts: int | None = None, sent_at: datetime | None = None, error: str | None = None) -> None:
    """Insert or update one delivery row (keyed by `digest_id`)."""
    wh.con.execute("""
        INSERT OR REPLACE INTO digests (id, created_at, period_start, period_end, subject, recipients, status, eml_path,
                                        run_id, digest_date, days, recipient, message_id, attempts, sent_at, error)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [digest_id, created_at, window.start, window.end, subject, [recipient] if recipient else [], status, eml_path,
         run_id, digest_date, days, recipient, message_id, attempts, sent_at, error])
