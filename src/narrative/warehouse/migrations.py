"""Numbered schema migrations, applied in order on open and recorded in `schema_migrations`.

Never edit a migration that has shipped: add the next number.
"""

from __future__ import annotations

import re

M001_CORE = """
CREATE TABLE runs (
    id VARCHAR PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status VARCHAR NOT NULL,             -- running | succeeded | failed
    trigger VARCHAR,                     -- demo | ingest | serve | ...
    settings_hash VARCHAR,
    model_versions JSON,
    counts JSON,                         -- per stage: discovered, fetched, stored, rejected, ...
    failures JSON,                       -- reason -> count
    message VARCHAR
);
CREATE TABLE feeds (
    url VARCHAR PRIMARY KEY,
    title VARCHAR,
    added_at TIMESTAMPTZ NOT NULL,
    run_id VARCHAR NOT NULL
);
CREATE TABLE feed_state (
    feed_url VARCHAR PRIMARY KEY,
    etag VARCHAR,
    last_modified VARCHAR,
    last_status VARCHAR,                 -- ok | not_modified | failed
    http_status INTEGER,
    last_checked_at TIMESTAMPTZ,
    last_ok_at TIMESTAMPTZ,
    entries_seen INTEGER,
    problems VARCHAR[],
    run_id VARCHAR NOT NULL
);
CREATE TABLE fetch_failures (
    url VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    detail VARCHAR,
    attempts INTEGER,
    status_code INTEGER,
    failed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (url, run_id)
);
CREATE TABLE articles (
    id VARCHAR PRIMARY KEY,              -- 16 hex chars of sha256(canonical_url)
    url VARCHAR NOT NULL,                -- as listed in the feed (may be an aggregator redirect)
    final_url VARCHAR,                   -- after redirects
    canonical_url VARCHAR NOT NULL UNIQUE,
    site VARCHAR,
    title VARCHAR,
    authors VARCHAR[],
    published_at TIMESTAMPTZ,
    fetched_at TIMESTAMPTZ NOT NULL,
    language VARCHAR,
    text VARCHAR,
    word_count INTEGER,
    content_hash VARCHAR,
    minhash UBIGINT[],
    status VARCHAR NOT NULL CHECK (status IN ('annotated', 'rejected', 'duplicate', 'skipped')),
    reason VARCHAR,
    relevance DOUBLE,
    duplicate_of VARCHAR,
    similarity DOUBLE,
    feed_url VARCHAR,
    sentiment VARCHAR,
    sentiment_score DOUBLE,
    summary VARCHAR,
    run_id VARCHAR NOT NULL
);
CREATE TABLE sentences (
    article_id VARCHAR NOT NULL,
    idx INTEGER NOT NULL,
    start_char INTEGER,
    end_char INTEGER,
    text VARCHAR NOT NULL,
    sentiment VARCHAR,
    sentiment_score DOUBLE,
    p_positive DOUBLE,
    p_negative DOUBLE,
    p_neutral DOUBLE,
    model VARCHAR NOT NULL,              -- sentiment model name@version
    run_id VARCHAR NOT NULL,
    PRIMARY KEY (article_id, idx, model)
);
CREATE TABLE entities (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    type VARCHAR,
    parent_id VARCHAR,
    aliases VARCHAR[]
);
CREATE TABLE mentions (
    article_id VARCHAR NOT NULL,
    sentence_idx INTEGER NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    entity_id VARCHAR,
    model VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    PRIMARY KEY (article_id, start_char, model)
);
CREATE TABLE figures (
    article_id VARCHAR NOT NULL,
    sentence_idx INTEGER NOT NULL,
    start_char INTEGER NOT NULL,         -- within the sentence
    surface VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    value DOUBLE,
    value_high DOUBLE,
    unit VARCHAR,
    currency VARCHAR,
    qualifier VARCHAR,
    direction VARCHAR,
    metric VARCHAR,
    subject_id VARCHAR,
    period VARCHAR,
    region VARCHAR,
    model VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    PRIMARY KEY (article_id, sentence_idx, start_char, model)
);
CREATE TABLE entity_sentiment (
    article_id VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    mentions INTEGER,
    score DOUBLE,
    label VARCHAR,
    model VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    PRIMARY KEY (article_id, entity_id, model)
);
CREATE TABLE article_themes (
    article_id VARCHAR NOT NULL,
    theme VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    model VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    PRIMARY KEY (article_id, theme, model)
);
CREATE TABLE summaries (
    article_id VARCHAR NOT NULL,
    summary VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    PRIMARY KEY (article_id, model)
);
CREATE TABLE annotation_models (
    kind VARCHAR NOT NULL,               -- sentiment | ner | figures | themes | summary
    model VARCHAR NOT NULL,              -- name@version
    first_run_id VARCHAR NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kind, model)
);
CREATE TABLE digests (
    id VARCHAR PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    period_start TIMESTAMPTZ,
    period_end TIMESTAMPTZ,
    subject VARCHAR,
    recipients VARCHAR[],
    status VARCHAR,                      -- written | sent | failed
    eml_path VARCHAR,
    run_id VARCHAR
);
"""

MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "core tables", M001_CORE),
]


# 002: every table and column documented inside the file (`COMMENT ON`), so `duckdb_tables()` /
# `duckdb_columns()` and BI tools show what each one means; `entities` gains the run that wrote it.
M002_DOCS: dict[str, tuple[str, dict[str, str]]] = {
    "schema_migrations": ("Schema migrations applied to this file, one row each (applied in order on open).", {
        "version": "Migration number (src/narrative/warehouse/migrations.py).",
        "name": "What the migration does.",
        "applied_at": "When this file received it.",
    }),
    "runs": ("Lineage: one row per flow run (every other row carries the id of the run that wrote it).", {
        "id": "Run id: <trigger>-<UTC start>-<random>.",
        "started_at": "When the run started.",
        "finished_at": "When the run finished (NULL while running or if it crashed).",
        "status": "running | succeeded | failed (a run found still `running` at the next start is marked failed).",
        "trigger": "What started it: demo | ingest | serve | test.",
        "settings_hash": "Hash of the settings the run used (same hash, same configuration).",
        "model_versions": "JSON: annotation kind -> model name@version used by the run.",
        "counts": "JSON: rows per stage (feeds, entries, fetched, annotated, rejected, duplicate, skipped, stored, ...).",
        "failures": "JSON: failure or skip reason -> count (paywall, fetch:http_404, fetch:timeout, ...).",
        "message": "Error message of a failed run.",
    }),
    "feeds": ("The feeds the runs have read (RSS/Atom or search feeds).", {
        "url": "Feed URL as configured.",
        "title": "Feed title as the feed states it.",
        "added_at": "When a run first read it.",
        "run_id": "Run that last wrote this row.",
    }),
    "feed_state": ("Per feed: conditional-GET validators and the outcome of the last read.", {
        "feed_url": "Feed URL (feeds.url).",
        "etag": "ETag of the last good response, sent back as If-None-Match.",
        "last_modified": "Last-Modified of the last good response, sent back as If-Modified-Since.",
        "last_status": "ok | not_modified | failed.",
        "http_status": "HTTP status of the last read.",
        "last_checked_at": "When the feed was last read.",
        "last_ok_at": "When the feed was last read without failing.",
        "entries_seen": "Entries the last read listed.",
        "problems": "What went wrong or looked odd in the last read.",
        "run_id": "Run that last wrote this row.",
    }),
    "fetch_failures": ("Pages a run could not fetch, with the reason (later runs retry a bounded number of times).", {
        "url": "URL as listed in the feed.",
        "run_id": "Run that failed to fetch it.",
        "reason": "http_404, http_5xx, timeout, too_large, not_html, robots, ...",
        "detail": "Free-text detail of the failure.",
        "attempts": "Attempts made in that run (retries with backoff on 429/5xx only).",
        "status_code": "HTTP status of the last attempt, if any.",
        "failed_at": "When the run gave up.",
    }),
    "articles": ("One row per fetched page, whatever became of it (status says which).", {
        "id": "Stable id: 16 hex chars of sha256(canonical_url).",
        "url": "URL as listed in the feed (may be an aggregator redirect).",
        "final_url": "URL after redirects.",
        "canonical_url": "Canonical URL (rel=canonical or cleaned final URL); unique.",
        "site": "Publisher site (host without www).",
        "title": "Headline.",
        "authors": "Bylines.",
        "published_at": "Publication time from the page (or the feed).",
        "fetched_at": "When the page was fetched.",
        "language": "Detected language (ISO 639-1).",
        "text": "Clean article text (boilerplate and debris removed).",
        "word_count": "Words in text.",
        "content_hash": "Hash of the normalised text (exact duplicates).",
        "minhash": "MinHash signature of the text (near-duplicates).",
        "status": "annotated | rejected (off-topic) | duplicate (syndicated copy of duplicate_of) | skipped (see reason).",
        "reason": "Why rejected or skipped (off-topic: score=..., paywall, empty, ...).",
        "relevance": "Topic relevance score in [0, 1].",
        "duplicate_of": "For a duplicate: the id of the original article.",
        "similarity": "For a near-duplicate: estimated Jaccard similarity to the original.",
        "feed_url": "Feed that listed it.",
        "sentiment": "Article sentiment label (current sentiment model at load time).",
        "sentiment_score": "Article sentiment score: mean positive - negative over its sentences.",
        "summary": "Extractive summary at load time (see summaries for every model's).",
        "run_id": "Run that stored it.",
    }),
    "sentences": ("Sentences of annotated articles with their sentiment, one row per sentence and sentiment model.", {
        "article_id": "articles.id.",
        "idx": "Sentence index within the article, from 0.",
        "start_char": "Start offset in articles.text.",
        "end_char": "End offset in articles.text.",
        "text": "Sentence text.",
        "sentiment": "positive | negative | neutral.",
        "sentiment_score": "p_positive - p_negative.",
        "p_positive": "Classifier probability of positive.",
        "p_negative": "Classifier probability of negative.",
        "p_neutral": "Classifier probability of neutral.",
        "model": "Sentiment model name@version.",
        "run_id": "Run that wrote it.",
    }),
    "entities": ("Canonical entities (companies, products) with their aliases; products roll up to parent_id.", {
        "id": "Stable lower-case id (alibaba, alibaba-cloud, qwen, ...).",
        "name": "Display name.",
        "type": "ORG | PRODUCT.",
        "parent_id": "Owning entity (entities.id), NULL for a top-level company.",
        "aliases": "Surface forms that resolve to this entity.",
        "run_id": "Run that last synchronised the alias table (NULL before migration 002).",
    }),
    "mentions": ("Named-entity mentions in annotated articles, resolved to canonical entities where known.", {
        "article_id": "articles.id.",
        "sentence_idx": "sentences.idx of the sentence holding it.",
        "start_char": "Start offset in articles.text.",
        "end_char": "End offset in articles.text.",
        "text": "Surface text.",
        "label": "NER label (ORG, PRODUCT, PERSON, GPE, ...).",
        "entity_id": "entities.id, NULL when not a tracked entity.",
        "model": "NER pipeline name@version.",
        "run_id": "Run that wrote it.",
    }),
    "figures": ("Financial figures with the metric, subject, period and direction they describe.", {
        "article_id": "articles.id.",
        "sentence_idx": "sentences.idx of the sentence holding it.",
        "start_char": "Start offset within the sentence.",
        "surface": "The figure as written (RMB 9.8 billion, 12%).",
        "kind": "money | percent | percentage_points | count.",
        "value": "Normalised value (9.8e9 for RMB 9.8 billion; 12 for 12%).",
        "value_high": "Upper bound of a range, else NULL.",
        "unit": "Unit of a count (users, tokens, ...).",
        "currency": "ISO currency of money (CNY, USD, ...).",
        "qualifier": "about | up to | more than | ... or NULL.",
        "direction": "up | down | none.",
        "metric": "What is measured (cloud revenue, capex, free cash flow, ...).",
        "subject_id": "entities.id the figure is about.",
        "period": "Period (Q3 2025, FY2026, ...).",
        "region": "Region, if stated.",
        "model": "Figure extractor name@version.",
        "run_id": "Run that wrote it.",
    }),
    "entity_sentiment": ("Per article and tracked entity: sentiment toward it (sentences naming it, nudged by figures).", {
        "article_id": "articles.id.",
        "entity_id": "entities.id.",
        "mentions": "Mentions of the entity in the article.",
        "score": "Mean positive - negative over the sentences naming it, in [-1, 1].",
        "label": "positive | negative | neutral.",
        "model": "Sentiment model name@version.",
        "run_id": "Run that wrote it.",
    }),
    "article_themes": ("Per article and theme: how strongly the article is about the theme.", {
        "article_id": "articles.id.",
        "theme": "Theme id (src/narrative/data/themes.json).",
        "score": "Similarity-based score in [0, 1].",
        "model": "Theme model (embedding) name@version.",
        "run_id": "Run that wrote it.",
    }),
    "summaries": ("Extractive summaries, one per article and summary model.", {
        "article_id": "articles.id.",
        "summary": "Up to three sentences (centroid + MMR over sentence embeddings).",
        "model": "Summary model name@version.",
        "run_id": "Run that wrote it.",
    }),
    "annotation_models": ("Every model version that has written annotations; the views read the newest per kind.", {
        "kind": "sentiment | ner | figures | themes | summary.",
        "model": "name@version.",
        "first_run_id": "First run that used it.",
        "first_seen_at": "When it was first used (current_models picks the latest per kind).",
    }),
    "digests": ("Digests composed from the warehouse, written and/or sent.", {
        "id": "Digest id.",
        "created_at": "When it was composed.",
        "period_start": "First day of news it covers.",
        "period_end": "Last day of news it covers.",
        "subject": "Email subject.",
        "recipients": "Addresses it went to.",
        "status": "written | sent | failed: <reason>.",
        "eml_path": "Where the .eml was written.",
        "run_id": "Run that made it (NULL for `narrative digest`).",
    }),
}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _comments_sql(docs: dict[str, tuple[str, dict[str, str]]]) -> list[str]:
    """COMMENT ON statements for tables and their columns, from {table: (doc, {column: doc})}."""
    lines = []
    for table, (doc, cols) in docs.items():
        lines.append(f"COMMENT ON TABLE {table} IS {_quote(doc)};")
        lines += [f"COMMENT ON COLUMN {table}.{col} IS {_quote(cdoc)};" for col, cdoc in cols.items()]
    return lines


def _m002_sql() -> str:
    return "\n".join(["ALTER TABLE entities ADD COLUMN run_id VARCHAR;", *_comments_sql(M002_DOCS)])


MIGRATIONS.append((2, "document tables and columns; entities.run_id", _m002_sql()))


M003_STORIES = """
CREATE TABLE article_vectors (
    article_id VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    vector FLOAT[] NOT NULL,
    run_id VARCHAR NOT NULL,
    PRIMARY KEY (article_id, model)
);
CREATE TABLE stories (
    id VARCHAR PRIMARY KEY,
    first_published_at TIMESTAMPTZ,
    last_published_at TIMESTAMPTZ,
    articles INTEGER NOT NULL,
    sources INTEGER NOT NULL,
    title VARCHAR,
    summary VARCHAR,
    model VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL
);
CREATE TABLE story_articles (
    story_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    PRIMARY KEY (story_id, article_id)
);
"""

M003_DOCS: dict[str, tuple[str, dict[str, str]]] = {
    "article_vectors": ("Article embedding (mean of its sentence embeddings, L2-normalised), kept to group stories across runs.", {
        "article_id": "Article (articles.id).",
        "model": "Embedding model name@version.",
        "vector": "The embedding.",
        "run_id": "Run that wrote the row.",
    }),
    "stories": ("One event reported by several sources: its articles grouped by embedding similarity within 48 hours, with one summary.", {
        "id": "Story id: the id of its earliest article.",
        "first_published_at": "Publication time of its first article.",
        "last_published_at": "Publication time of its latest article.",
        "articles": "Articles in the story (originals, not syndicated copies).",
        "sources": "Distinct sites that reported it.",
        "title": "Title of its earliest article.",
        "summary": "Up to 3 sentences chosen by MMR over the sentences of all its articles.",
        "model": "Embedding model used to group and summarise.",
        "run_id": "Run that last updated the story.",
    }),
    "story_articles": ("Which articles belong to which story.", {
        "story_id": "Story (stories.id).",
        "article_id": "Article (articles.id).",
        "run_id": "Run that wrote the row.",
    }),
}


def _m003_sql() -> str:
    return "\n".join([M003_STORIES, *_comments_sql(M003_DOCS)])


MIGRATIONS.append((3, "stories covered by several sources; article vectors", _m003_sql()))


# 004: the annotation tables keep their keys, but the loader enforces them (in-batch DISTINCT ON plus
# an anti-join against stored rows) instead of an ART index. DuckDB's ART indexes live in memory and
# slow every insert as they grow: at ~1M articles (16M sentence rows) one 100k-article run took minutes
# and growing; without them loading stays linear. Parent tables (runs, articles, entities, ...) keep
# their PRIMARY KEY / UNIQUE constraints.
LOADER_KEYS: dict[str, tuple[str, ...]] = {
    "sentences": ("article_id", "idx", "model"),
    "mentions": ("article_id", "start_char", "model"),
    "figures": ("article_id", "sentence_idx", "start_char", "model"),
    "entity_sentiment": ("article_id", "entity_id", "model"),
    "article_themes": ("article_id", "theme", "model"),
    "summaries": ("article_id", "model"),
    "article_vectors": ("article_id", "model"),
    "story_articles": ("story_id", "article_id"),
}


def _create_without_primary_key(table: str, new_name: str) -> str:
    """The shipped CREATE TABLE of `table` (001 or 003), renamed, its PRIMARY KEY clause removed."""
    m = re.search(rf"CREATE TABLE {table} \((.*?)\n\);", M001_CORE + M003_STORIES, re.S)
    if not m:
        raise LookupError(f"no CREATE TABLE {table} in the shipped migrations")
    body, n = re.subn(r",\s*PRIMARY KEY \([^)]*\)", "", m.group(1))
    if n != 1:
        raise LookupError(f"CREATE TABLE {table}: expected one PRIMARY KEY clause, found {n}")
    return f"CREATE TABLE {new_name} ({body}\n);"


def _m004_sql() -> str:
    docs = {**M002_DOCS, **M003_DOCS}
    lines = []
    for table, keys in LOADER_KEYS.items():
        lines += [_create_without_primary_key(table, f"{table}__v4"),
                  f"INSERT INTO {table}__v4 SELECT * FROM {table};",
                  f"DROP TABLE {table};",
                  f"ALTER TABLE {table}__v4 RENAME TO {table};"]
    keyed_docs = {t: (f"{docs[t][0]} Key: ({', '.join(k)}), unique (enforced by the loader).", docs[t][1])
                  for t, k in LOADER_KEYS.items()}
    return "\n".join([*lines, *_comments_sql(keyed_docs)])


MIGRATIONS.append((4, "annotation tables keyed by the loader, not by ART indexes (linear bulk loads)", _m004_sql()))


# 005: article-level sentiment per sentiment model, like every other annotation. `articles.sentiment`
# holds the model that loaded the article; after a model upgrade and `narrative reannotate`, the
# `sentiment_daily` trend (and the digest's chart) must read one model, the current one, over all days.
M005_ARTICLE_SENTIMENT = """
CREATE TABLE article_sentiment (
    article_id VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    model VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL
);
INSERT INTO article_sentiment
SELECT a.id, a.sentiment, a.sentiment_score, json_extract_string(r.model_versions, '$.sentiment'), a.run_id
FROM articles a JOIN runs r ON r.id = a.run_id
WHERE a.sentiment IS NOT NULL AND a.sentiment_score IS NOT NULL
  AND json_extract_string(r.model_versions, '$.sentiment') IS NOT NULL;
"""
M005_DOCS = {
    "article_sentiment": ("Article sentiment, one row per article and sentiment model (the views read the current model's). "
                          "Key: (article_id, model), unique (enforced by the loader).", {
        "article_id": "articles.id.",
        "label": "positive | negative | neutral: mean sentence polarity (positive − negative) above 0.15 / below −0.15.",
        "score": "Mean sentence polarity, positive − negative probability, in [−1, 1].",
        "model": "Sentiment model name@version.",
        "run_id": "Run that wrote it.",
    }),
}
LOADER_KEYS["article_sentiment"] = ("article_id", "model")
MIGRATIONS.append((5, "article sentiment per sentiment model", "\n".join([M005_ARTICLE_SENTIMENT, *_comments_sql(M005_DOCS)])))


# 006: a run's status can be `interrupted` (killed, Ctrl-C, SIGTERM: found still `running` when the next
# run starts); a failed or empty scheduled day is alerted by mail once per day, and the run says so.
# Earlier files recorded interrupted runs as failed with a message that says so: they become `interrupted`.
M006_RUN_ALERTS = """
ALTER TABLE runs ADD COLUMN alert VARCHAR;
ALTER TABLE runs ADD COLUMN alerted_at TIMESTAMPTZ;
UPDATE runs SET status = 'interrupted'
WHERE status = 'failed' AND message LIKE 'interrupted (found running at next start)%';
"""
M006_DOCS = {
    "runs": (M002_DOCS["runs"][0], {
        "status": "running | succeeded | failed | interrupted (killed or stopped: a run found still `running` when the "
                  "next run starts is marked interrupted).",
        "trigger": "What started it: ingest | replay | demo | schedule (narrative serve, or a deployment's schedule) | "
                   "deployment (a served or deployed flow started by hand) | reannotate | test | bench.",
        "message": "Error message of a failed or interrupted run; `empty: <why>` for a run that stored nothing new.",
        "alert": "For a failed or empty scheduled run: what became of its alert mail (sent to …, failed: …, "
                 "not sent: already alerted that day | no SMTP configured | no recipients). NULL: no alert was due.",
        "alerted_at": "When the alert was handled (NULL: no alert was due).",
    }),
}
MIGRATIONS.append((6, "runs: status interrupted, alert and alerted_at", "\n".join([M006_RUN_ALERTS, *_comments_sql(M006_DOCS)])))


# 007: a digest is delivered once per digest date and recipient. One row per recipient and attempt run
# (a written-only digest: one row, recipient NULL); the sender checks for a `sent` row before sending.
M007_DIGEST_DELIVERY = """
ALTER TABLE digests ADD COLUMN digest_date DATE;
ALTER TABLE digests ADD COLUMN days INTEGER;
ALTER TABLE digests ADD COLUMN recipient VARCHAR;
ALTER TABLE digests ADD COLUMN message_id VARCHAR;
ALTER TABLE digests ADD COLUMN attempts INTEGER;
ALTER TABLE digests ADD COLUMN sent_at TIMESTAMPTZ;
ALTER TABLE digests ADD COLUMN error VARCHAR;
UPDATE digests SET digest_date = CAST(period_end AS DATE), days = CAST(period_end AS DATE) - CAST(period_start AS DATE) + 1;
"""
M007_DOCS = {
    "digests": ("Digests composed from the warehouse: one row per recipient each time one is sent (or tried), "
                "one row with no recipient when only written to disk. A digest date and recipient with a `sent` "
                "row is not sent again (unless `narrative digest --resend`).", {
        "status": "written (to disk only) | sending (in flight, or the process died mid-send) | sent | failed.",
        "recipients": "Addresses it went to (before migration 007 one row covered every recipient).",
        "digest_date": "The day (in the configured time zone) the digest is for: the last day of news it covers.",
        "days": "Days of news it covers, ending on digest_date.",
        "recipient": "The one address this row's message went to (NULL: written only, or a row from before 007).",
        "message_id": "Message-ID header of the message (a retry of an unsent message reuses it).",
        "attempts": "SMTP attempts made (transient 4xx errors and dropped connections are retried with backoff).",
        "sent_at": "When the SMTP server accepted it.",
        "error": "Why the last attempt failed (for status failed).",
    }),
}
MIGRATIONS.append((7, "digests: per-recipient delivery, digest date, message id, attempts", "\n".join([M007_DIGEST_DELIVERY, *_comments_sql(M007_DOCS)])))


# 008: a figure keeps the name of an untracked company (subject_id NULL), what the number is (a level, a
# change or the base of a change) and its comparison basis (year on year is not a period).
M008_FIGURE_FIELDS = """
ALTER TABLE figures ADD COLUMN subject VARCHAR;
ALTER TABLE figures ADD COLUMN change VARCHAR;
ALTER TABLE figures ADD COLUMN basis VARCHAR;
"""
M008_DOCS = {
    "figures": (M002_DOCS["figures"][0], {
        "subject": "The company the figure is about as the text names it (also when it is not tracked: subject_id NULL).",
        "change": "level (a value: revenue of $5bn) | change (a difference: up 5%) | base (what a change is measured from: from $3bn).",
        "basis": "Comparison basis of a change (YoY, QoQ, a base year); not a period.",
    }),
}
MIGRATIONS.append((8, "figures: subject name, change (level/change/base), comparison basis", "\n".join([M008_FIGURE_FIELDS, *_comments_sql(M008_DOCS)])))


# 009: aggregator entries that could not be resolved to the publisher's article are kept as headlines
# (no body: counted in volume and share of voice, never annotated), and the feeds found on each
# publisher's site (discovered once, then read from here).
M009_HEADLINES = """
CREATE TABLE headlines (
    id VARCHAR PRIMARY KEY,
    title VARCHAR NOT NULL,
    publisher VARCHAR,
    publisher_url VARCHAR,
    published_at TIMESTAMPTZ,
    feed_url VARCHAR,
    link VARCHAR NOT NULL,
    reason VARCHAR,
    entity_ids VARCHAR[],
    seen_at TIMESTAMPTZ NOT NULL,
    run_id VARCHAR NOT NULL
);
CREATE TABLE publisher_feeds (
    publisher VARCHAR PRIMARY KEY,
    feeds VARCHAR[],
    discovered_at TIMESTAMPTZ NOT NULL,
    run_id VARCHAR NOT NULL
);
"""
M009_DOCS = {
    "headlines": ("Aggregator entries (Google News) not resolved to the publisher's article: title, publisher and time "
                  "only. They count in volume and share of voice; they have no body and are never annotated.", {
        "id": "Hash of the aggregator's link.",
        "title": "The headline, without the ' - Publisher' suffix the aggregator adds.",
        "publisher": "The publisher the aggregator names (<source>).",
        "publisher_url": "The publisher's site (<source url>).",
        "published_at": "The aggregator's time for the entry.",
        "feed_url": "The aggregator feed that listed it.",
        "link": "The aggregator's link (a script interstitial: never fetched).",
        "reason": "Why it was not resolved: no_source | no_publisher_feed | not_in_publisher_feed: <detail>.",
        "entity_ids": "Tracked entities the headline names (alias match on the title), for share of voice.",
        "seen_at": "When it was first listed.",
        "run_id": "Run that wrote it.",
    }),
    "publisher_feeds": ("Feeds found on a publisher's site (its home page's <link rel=alternate>), used to resolve aggregator "
                        "entries; discovered once per publisher.", {
        "publisher": "https://host of the publisher (no www.).",
        "feeds": "Feed URLs found (empty: none).",
        "discovered_at": "When they were discovered.",
        "run_id": "Run that discovered them.",
    }),
}
MIGRATIONS.append((9, "headlines from aggregators; publishers' feeds", "\n".join([M009_HEADLINES, *_comments_sql(M009_DOCS)])))
