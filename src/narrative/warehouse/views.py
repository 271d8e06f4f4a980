"""Named views for the trend questions. Recreated by every writer on open, so they follow the code.

Each reads the current model version of each annotation kind (`current_models`), so a new model's
rows never mix with an old one's in a trend.
"""

from __future__ import annotations

VIEWS: dict[str, tuple[str, str]] = {
    "entity_aliases": (
        "Every alias of every canonical entity, one row each (what the entity ruler matches).",
        """SELECT e.id AS entity_id, e.name, unnest(e.aliases) AS alias FROM entities e""",
    ),
    "current_models": (
        "The model version whose rows the views read, per annotation kind (the most recently introduced).",
        """SELECT kind, arg_max(model, first_seen_at) AS model FROM annotation_models GROUP BY kind""",
    ),
    "annotated_articles": (
        "Articles that passed relevance and dedupe and were annotated, with their day and week.",
        """SELECT a.*, CAST(date_trunc('day', a.published_at) AS DATE) AS day,
                  CAST(date_trunc('week', a.published_at) AS DATE) AS week
           FROM articles a WHERE a.status = 'annotated' AND a.published_at IS NOT NULL""",
    ),
    "entity_sentiment_daily": (
        "Per day and canonical entity: articles, mentions and mean sentiment (positive − negative) toward it.",
        """SELECT a.day, es.entity_id, e.name AS entity, count(*) AS articles, sum(es.mentions) AS mentions,
                  round(avg(es.score), 4) AS sentiment,
                  count(*) FILTER (WHERE es.label = 'positive') AS positive_articles,
                  count(*) FILTER (WHERE es.label = 'negative') AS negative_articles
           FROM entity_sentiment es
           JOIN annotated_articles a ON a.id = es.article_id
           JOIN entities e ON e.id = es.entity_id
           WHERE es.model = (SELECT model FROM current_models WHERE kind = 'sentiment')
           GROUP BY ALL""",
    ),
    "sentiment_daily": (
        "Per day: annotated articles and the share of positive, negative and neutral ones (current sentiment model).",
        """SELECT a.day, count(*) AS articles,
                  round(avg(s.score), 4) AS mean_score,
                  round(avg(CASE WHEN s.label = 'positive' THEN 1 ELSE 0 END), 4) AS positive_share,
                  round(avg(CASE WHEN s.label = 'negative' THEN 1 ELSE 0 END), 4) AS negative_share,
                  round(avg(CASE WHEN s.label = 'neutral' THEN 1 ELSE 0 END), 4) AS neutral_share
           FROM article_sentiment s JOIN annotated_articles a ON a.id = s.article_id
           WHERE s.model = (SELECT model FROM current_models WHERE kind = 'sentiment')
           GROUP BY a.day""",
    ),
    "theme_share_weekly": (
        "Per week and theme: the share of that week's theme weight (scores summed over articles).",
        """WITH t AS (
             SELECT a.week, th.theme, sum(th.score) AS weight, count(*) FILTER (WHERE th.score >= 0.5) AS articles
             FROM article_themes th JOIN annotated_articles a ON a.id = th.article_id
             WHERE th.model = (SELECT model FROM current_models WHERE kind = 'themes')
             GROUP BY ALL)
           SELECT week, theme, articles, round(weight, 4) AS weight,
                  round(weight / sum(weight) OVER (PARTITION BY week), 4) AS share
           FROM t""",
    ),
    "figure_facts": (
        "Every figure of the current extractor with its subject, article day, site and URL: figure_timeline without the sentence text, for aggregates.",
        """SELECT a.published_at, a.day, f.subject_id, coalesce(e.name, f.subject) AS subject, f.metric, f.period, f.kind, f.value,
                  f.value_high, f.currency, f.qualifier, f.direction, f.surface, a.site, a.title, a.canonical_url AS url,
                  f.article_id, f.sentence_idx, f.change, f.basis
           FROM figures f
           JOIN annotated_articles a ON a.id = f.article_id
           LEFT JOIN entities e ON e.id = f.subject_id
           WHERE f.model = (SELECT model FROM current_models WHERE kind = 'figures')""",
    ),
    "figure_timeline": (
        "Every figure with its metric, subject, period and source, and the sentence that states it, in publication order.",
        # the sentence row of the current sentiment model (every view reads current models); joining on
        # it keeps this a hash join built on figures, linear in the warehouse's size
        """SELECT ff.*, s.text AS sentence
           FROM figure_facts ff
           LEFT JOIN sentences s ON s.article_id = ff.article_id AND s.idx = ff.sentence_idx
                 AND s.model = (SELECT model FROM current_models WHERE kind = 'sentiment')""",
    ),
    "figure_claims": (
        "Per subject, metric, reporting period, kind, currency and shape (a change vs a level): how many sources state a figure, the lowest and highest value, and who said what. Relative days (Monday, today) are not reporting periods.",
        """SELECT subject_id, any_value(subject) AS subject, lower(metric) AS metric, period, kind,
                  coalesce(currency, '') AS currency,
                  CASE WHEN kind IN ('percent', 'percentage_points') AND coalesce(direction, 'none') IN ('up', 'down')
                       THEN 'change' ELSE 'level' END AS shape,
                  count(DISTINCT site) AS sources, min(value) AS low, max(value) AS high,
                  list(DISTINCT site || ': ' || surface ORDER BY site || ': ' || surface) AS claims
           FROM figure_facts
           WHERE subject_id IS NOT NULL AND metric IS NOT NULL AND period IS NOT NULL AND value IS NOT NULL
             AND NOT regexp_matches(lower(period), '^(on )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tomorrow|this week|last week)')
           GROUP BY ALL""",
    ),
    "figure_conflicts": (
        "Sources that disagree on the same metric, subject, period and unit beyond 5% relative (any tolerance: figure_conflicts_at(0.1)).",
        """SELECT *, round((high - low) / nullif(abs(high), 0), 4) AS spread
           FROM figure_claims WHERE sources >= 2 AND (high - low) > 0.05 * abs(high)""",
    ),
    "article_entities": (
        "Which tracked entities each annotated article names (current NER model), with its day.",
        """SELECT m.article_id, m.entity_id, count(*) AS mentions, any_value(a.day) AS day
           FROM mentions m JOIN annotated_articles a ON a.id = m.article_id
           WHERE m.entity_id IS NOT NULL AND m.model = (SELECT model FROM current_models WHERE kind = 'ner')
           GROUP BY m.article_id, m.entity_id""",
    ),
    "top_stories": (
        "Stories ranked by relevance × coverage (1 + ln(1 + syndicated copies)) × novelty (1 / (1 + ln(1 + stories naming the same entities in the 7 days before)), averaged over its entities).",
        """WITH cov AS (SELECT duplicate_of AS id, count(*) AS copies FROM articles
                       WHERE status = 'duplicate' GROUP BY 1),
           ed AS (SELECT entity_id, day, count(*) AS n FROM article_entities GROUP BY ALL),
           prior AS (SELECT entity_id, day,
                            coalesce(sum(n) OVER (PARTITION BY entity_id ORDER BY day
                                     RANGE BETWEEN INTERVAL 7 DAY PRECEDING AND INTERVAL 1 DAY PRECEDING), 0) AS earlier
                     FROM ed),
           nov AS (SELECT ae.article_id AS id, avg(1.0 / (1 + ln(1 + p.earlier))) AS novelty
                   FROM article_entities ae JOIN prior p ON p.entity_id = ae.entity_id AND p.day = ae.day
                   GROUP BY ae.article_id)
           SELECT a.id, a.day, a.site, a.title, a.canonical_url AS url, a.relevance, a.sentiment,
                  coalesce(cov.copies, 0) AS copies, round(coalesce(nov.novelty, 1.0), 4) AS novelty, a.summary,
                  round(a.relevance * (1 + ln(1 + coalesce(cov.copies, 0))) * (0.5 + 0.5 * coalesce(nov.novelty, 1.0)), 4) AS score
           FROM annotated_articles a LEFT JOIN cov ON cov.id = a.id LEFT JOIN nov ON nov.id = a.id""",
    ),
    "share_of_voice": (
        "Per week and top-level company (products roll up to their parent): mentions and their share of all tracked mentions; "
        "attention = stories naming it / all stories the feeds carried that week (Media Cloud's normalisation). "
        "Aggregator headlines (no body) count too: one mention per tracked entity their title names, and one story.",
        """WITH RECURSIVE up(id, root) AS (
             SELECT id, id FROM entities WHERE parent_id IS NULL
             UNION ALL SELECT e.id, up.root FROM entities e JOIN up ON e.parent_id = up.id),
           hm AS (SELECT CAST(date_trunc('week', published_at) AS DATE) AS week, id, unnest(entity_ids) AS eid
                  FROM headlines WHERE published_at IS NOT NULL),
           m AS (SELECT week, entity_id, count(*) AS mentions, count(DISTINCT id) AS articles FROM (
                   SELECT a.week, up.root AS entity_id, a.id
                   FROM mentions mn JOIN annotated_articles a ON a.id = mn.article_id JOIN up ON up.id = mn.entity_id
                   WHERE mn.model = (SELECT model FROM current_models WHERE kind = 'ner')
                   UNION ALL SELECT hm.week, up.root, hm.id FROM hm JOIN up ON up.id = hm.eid)
                 GROUP BY ALL),
           vol AS (SELECT week, count(*) AS stories FROM (
                     SELECT CAST(date_trunc('week', published_at) AS DATE) AS week FROM articles
                     WHERE status IN ('annotated', 'rejected') AND published_at IS NOT NULL
                     UNION ALL SELECT CAST(date_trunc('week', published_at) AS DATE) FROM headlines WHERE published_at IS NOT NULL)
                   GROUP BY 1)
           SELECT m.week, m.entity_id, e.name AS entity, m.mentions, m.articles, vol.stories AS total_stories,
                  round(m.mentions / sum(m.mentions) OVER (PARTITION BY m.week), 4) AS share,
                  round(m.articles / vol.stories, 4) AS attention
           FROM m JOIN entities e ON e.id = m.entity_id JOIN vol ON vol.week = m.week""",
    ),
    "narrative_shifts": (
        "Per entity: sentiment and share of mentions in the last 7 days of data against the 28 days before.",
        """WITH anchor AS (SELECT max(day) AS d FROM annotated_articles),
           w AS (
             SELECT es.entity_id,
                    CASE WHEN a.day > (SELECT d FROM anchor) - 7 THEN 'recent' ELSE 'trailing' END AS win,
                    avg(es.score) AS sentiment, sum(es.mentions) AS mentions
             FROM entity_sentiment es JOIN annotated_articles a ON a.id = es.article_id
             WHERE es.model = (SELECT model FROM current_models WHERE kind = 'sentiment')
               AND a.day > (SELECT d FROM anchor) - 35
             GROUP BY ALL),
           p AS (
             SELECT entity_id,
                    max(sentiment) FILTER (WHERE win = 'recent') AS recent_sentiment,
                    max(sentiment) FILTER (WHERE win = 'trailing') AS trailing_sentiment,
                    coalesce(max(mentions) FILTER (WHERE win = 'recent'), 0) AS recent_mentions,
                    coalesce(max(mentions) FILTER (WHERE win = 'trailing'), 0) AS trailing_mentions
             FROM w GROUP BY entity_id)
           SELECT p.entity_id, e.name AS entity, round(recent_sentiment, 4) AS recent_sentiment,
                  round(trailing_sentiment, 4) AS trailing_sentiment,
                  round(recent_sentiment - trailing_sentiment, 4) AS sentiment_change,
                  recent_mentions, trailing_mentions,
                  round(recent_mentions / 7.0 - trailing_mentions / 28.0, 3) AS daily_mentions_change
           FROM p JOIN entities e ON e.id = p.entity_id
           WHERE recent_sentiment IS NOT NULL AND trailing_sentiment IS NOT NULL""",
    ),
}


# Parameterised named queries, as DuckDB table macros: SELECT * FROM figure_conflicts_at(0.10).
MACROS: dict[str, tuple[str, str, str]] = {
    "figure_conflicts_at": (
        "figure_conflicts with your tolerance: sources disagreeing by more than `tolerance` (relative, 0.05 = 5%).",
        "tolerance",
        """SELECT *, round((high - low) / nullif(abs(high), 0), 4) AS spread
           FROM figure_claims WHERE sources >= 2 AND (high - low) > tolerance * abs(high)""",
    ),
    "figure_series": (
        "One metric of one entity over time, with sources: figure_series('alibaba', 'capex').",
        "subject, metric_like",
        """SELECT published_at, day, metric, period, kind, value, currency, surface, direction, site, url, sentence
           FROM figure_timeline WHERE subject_id = subject AND metric ILIKE '%' || metric_like || '%'
           ORDER BY published_at""",
    ),
}
