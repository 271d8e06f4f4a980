"""The daily ingestion flow: discover → fetch → extract → triage → annotate → load → digest.

Thin on purpose: tasks wrap the plain functions in `steps`; the flow decides concurrency and retries.
The warehouse stays the single writer: annotate tasks return records, the flow loads them.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from ..extractors.dedupe import Deduper
from ..extractors.fetch import fetch_all
from ..extractors.records import FetchedPage
from ..models.annotate import TextDoc
from ..models.entities import EntityTable
from ..warehouse import Warehouse, stage_run
from ..warehouse.staging import check_no_run
from ..warehouse import rows as R
from . import steps
from .progress import Progress
from .settings import Settings

log = logging.getLogger("narrative.flow")


@dataclass
class RunReport:
    run_id: str
    counts: dict
    failures: dict
    inserted: dict
    digest_paths: tuple[str, ...] = ()
    digest_status: str | None = None
    timings: dict = field(default_factory=dict)


@task(name="discover", cache_policy=NO_CACHE)
def discover(s: Settings, wh: Warehouse, fetcher):
    return [steps.read_feed(fetcher, url, *wh.feed_state(url)) for url in s.feeds]


@task(name="fetch", cache_policy=NO_CACHE)
def fetch(fetcher, urls: list[str], workers: int, progress: Progress):
    bar = progress.bar("fetch", len(urls))
    try:
        return fetch_all(fetcher, urls, workers, on_done=lambda _r: bar.update(1))
    finally:
        bar.close()


@task(name="extract", cache_policy=NO_CACHE)
def extract(pairs, min_words: int):
    return steps.extract_pages(pairs, min_words)


@task(name="triage", cache_policy=NO_CACHE)
def triage(articles, s: Settings, wh: Warehouse):
    deduper = Deduper(threshold=s.near_duplicate_threshold)
    for aid, chash, sig in wh.signatures():
        deduper.add(aid, chash, sig)
    known = {a.id for a in articles} & set(wh.stored_ids([a.id for a in articles]))
    return steps.triage(articles, deduper, steps.relevance_scorer(s), known)


@task(name="annotate", cache_policy=NO_CACHE, retries=1)
def annotate(s: Settings, docs: list[TextDoc]):
    annotator = steps.load_annotator(s)
    return annotator.annotate(docs), annotator.models()


@task(name="load", cache_policy=NO_CACHE)
def load(wh: Warehouse, run_id: str, s: Settings, feed_results, failures, articles, annotations, models):
    ann_by_id = {a.article_id: a for a in annotations}
    feeds, state = R.feed_rows(feed_results)
    tables = {"feeds": feeds, "feed_state": state, "fetch_failures": R.failure_rows(failures),
              "articles": R.article_rows(articles, ann_by_id), **R.annotation_rows(annotations, models)}
    if annotations and "embedding" in models:
        from .storying import story_rows

        tables.update(story_rows(wh, steps.load_annotator(s).embedder, articles, annotations, models["embedding"]))
    wh.sync_entities(R.entity_rows(EntityTable.load(s.entities)))
    if annotations:
        wh.register_models(models, run_id)
    return wh.load(tables, run_id)


@task(name="digest", cache_policy=NO_CACHE)
def digest(wh: Warehouse, s: Settings, out_dir: str | None, run_id: str):
    from .digesting import make_digest

    return make_digest(wh, s, out_dir, run_id)


@flow(name="daily_ingest", log_prints=True)
def daily_ingest(s: Settings, out_dir: str | None = None, trigger: str = "ingest", show_progress: bool = True) -> RunReport:
    progress = Progress(enabled=show_progress)
    run_id = f"{trigger}-{steps.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    # The run writes into a staging file and merges at finish_run: readers are blocked only for the merge.
    with stage_run(s.db, run_id, trigger, s.hash()) as wh:
        try:
            fetcher = steps.make_fetcher(s)
            clock = _Clock()
            feed_results = clock("discover", discover, s, wh, fetcher)
            entries = [e for r in feed_results for e in r.entries]
            cands = steps.select_candidates(feed_results, wh.known_urls([x for e in entries for x in (e.url, steps.canonicalize(e.url))]),
                                            wh.failed_attempts([e.url for e in entries]), s.max_failed_runs)
            results = clock("fetch", fetch, fetcher, [e.url for e in cands.entries], s.fetch_workers, progress)
            pages = [(e, r) for e, r in zip(cands.entries, results) if isinstance(r, FetchedPage)]
            pages += steps.replay_pages(s.replay, wh.known_urls) if s.replay else []  # offline replay: same path on
            failures = [r for r in results if not isinstance(r, FetchedPage)]
            extracted = clock("extract", extract, pages, s.min_words)
            articles = clock("triage", triage, extracted, s, wh)
            docs = [TextDoc(a.id, a.title, a.text) for a in articles if a.status == "annotated"]
            annotations, models = clock("annotate", _annotate_all, s, docs, progress)
            inserted = clock("load", load, wh, run_id, s, feed_results, failures, articles, annotations, models)
            counts = steps.summarise_counts(feed_results, cands, failures, articles, inserted)
            fails = steps.skip_reasons(articles, failures)
            wh.finish_run(run_id, "succeeded", counts, fails, models)
        except BaseException as exc:
            wh.finish_run(run_id, "failed", {}, {}, {}, message=f"{type(exc).__name__}: {exc}"[:500])
            raise
        report = RunReport(run_id, counts, fails, inserted, timings=clock.seconds)
        if out_dir is not None or s.smtp_host:
            with Warehouse.open(s.db, wait=120) as main:
                paths, status = digest(main, s, out_dir, run_id)
            report.digest_paths, report.digest_status = tuple(paths), status
    return report


class _Clock:
    """Wall time per stage, reported with the run (benchmarks read it)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    def __call__(self, name, fn, *args):
        t0 = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.seconds[name] = round(time.perf_counter() - t0, 3)


def _annotate_all(s: Settings, docs: list[TextDoc], progress: Progress):
    """Chunks go to the task runner (threads here, Dask workers if configured); results come back to the flow."""
    if not docs:
        return [], {}
    chunk = max(8, s.annotate_batch)
    bar = progress.bar("annotate", len(docs))
    futures = [annotate.submit(s, docs[i : i + chunk]) for i in range(0, len(docs), chunk)]
    out, models = [], {}
    for f in futures:
        anns, models = f.result()
        out.extend(anns)
        bar.update(len(anns))
    bar.close()
    return out, models


def run_daily(s: Settings, out_dir: str | Path | None = None, trigger: str = "ingest", show_progress: bool = True) -> RunReport:
    """Run the flow with the configured task runner (thread pool, or Dask when `task_runner = "dask"`)."""
    check_no_run(s.db)  # a second run gets a clear message before Prefect starts a flow run
    f = daily_ingest
    if s.task_runner == "dask":
        from prefect_dask import DaskTaskRunner

        f = daily_ingest.with_options(task_runner=DaskTaskRunner(address=s.dask_address) if s.dask_address else DaskTaskRunner())
    return f(s, str(out_dir) if out_dir is not None else None, trigger, show_progress)
