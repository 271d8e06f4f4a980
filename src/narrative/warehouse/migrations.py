"""Numbered schema migrations, applied in order on open and recorded in `schema_migrations`.

Never edit a migration that has shipped: add the next number.
"""

from __future__ import annotations

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
