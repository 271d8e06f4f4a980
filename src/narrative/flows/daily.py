"""The daily ingestion flow: discover → fetch → extract → triage → annotate → load → digest.

Thin on purpose: tasks wrap the plain functions in `steps`; the flow decides concurrency and retries.
The warehouse stays the single writer: annotate tasks return records, the flow loads them.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
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
from ..warehouse.errors import RunInProgress, WarehouseError
from . import steps
from .errors import RunFailed
from .progress import Progress
from .settings import Settings, settings_from_params

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
    annotated_by: tuple[str, ...] = ()  # where each annotate chunk ran (dask:<worker> or thread:<name>)


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
    return annotator.annotate(docs), annotator.models(), _where()


def _where() -> str:
    """Who annotated a chunk: a Dask worker's address, or the thread of the flow's own process."""
    try:
        from distributed import get_worker

        return f"dask:{get_worker().address}"
    except (ImportError, ValueError):
        import threading

        return f"thread:{threading.current_thread().name}"


@task(name="load", cache_policy=NO_CACHE)
def load(wh: Warehouse, run_id: str, s: Settings, feed_results, failures, articles, annotations, models, extra_tables=None):
    ann_by_id = {a.article_id: a for a in annotations}
    feeds, state = R.feed_rows(feed_results)
    tables = {"feeds": feeds, "feed_state": state, "fetch_failures": R.failure_rows(failures),
              "articles": R.article_rows(articles, ann_by_id), **R.annotation_rows(annotations, models), **(extra_tables or {})}
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


def ingest_run(s: Settings, out_dir: str | None = None, trigger: str = "ingest", show_progress: bool = True) -> RunReport:
    """The daily run's body; called inside a flow (daily_ingest in-process, scheduled_daily when served),
    whose task runner runs the annotate chunks."""
    bars = show_progress and _is_tty()
    progress = Progress(enabled=bars)
    run_id = steps.new_run_id(trigger)
    clock = _Clock(run_id, lines=not bars)
    # The run writes into a staging file and merges at finish_run: readers are blocked only for the merge.
    with stage_run(s.db, run_id, trigger, s.hash()) as wh:
        try:
            fetcher = steps.make_fetcher(s)
            feed_results = clock("discover", discover, s, wh, fetcher,
                                 count=lambda r: {"feeds": len(r), "failed": sum(x.status == "failed" for x in r),
                                                  "not_modified": sum(x.status == "not_modified" for x in r),
                                                  "entries": sum(len(x.entries) for x in r)})
            # aggregator entries (script interstitials, never fetched): resolved through the publishers' feeds, or headlines
            feed_results, headlines, discovered = steps.resolve_aggregated(fetcher, feed_results, wh.publisher_feeds)
            entries = [e for r in feed_results for e in r.entries]
            cands = steps.select_candidates(feed_results, wh.known_urls([x for e in entries for x in (e.url, steps.canonicalize(e.url))]),
                                            wh.failed_attempts([e.url for e in entries]), s.max_failed_runs)
            results = clock("fetch", fetch, fetcher, [e.url for e in cands.entries], s.fetch_workers, progress,
                            count=lambda r: {"pages": sum(isinstance(x, FetchedPage) for x in r),
                                             "failed": sum(not isinstance(x, FetchedPage) for x in r)})
            pages = [(e, r) for e, r in zip(cands.entries, results) if isinstance(r, FetchedPage)]
            replayed = steps.replay_pages(s.replay, wh.known_urls) if s.replay else steps.Replayed()
            pages += replayed.pages  # offline replay: same path on; records that are not pages are failures with their reason
            failures = [r for r in results if not isinstance(r, FetchedPage)]
            extracted = clock("extract", extract, pages, s.min_words, count=lambda r: {"articles": len(r)})
            articles = clock("triage", triage, extracted, s, wh, count=_status_counts)
            docs = [TextDoc(a.id, a.title, a.text) for a in articles if a.status == "annotated"]
            annotations, models = clock("annotate", _annotate_all, s, docs, progress, count=lambda r: {"articles": len(r[0]), "workers": len(set(_ANNOTATED_BY))})
            extra = {"headlines": steps.headline_rows(headlines, EntityTable.load(s.entities)) if headlines else [],
                     "publisher_feeds": steps.publisher_feed_rows(discovered)}
            inserted = clock("load", load, wh, run_id, s, feed_results, failures + replayed.not_replayed, articles, annotations, models,
                             extra, count=lambda r: {"articles": r.get("articles", 0), "rows": sum(r.values())})
            counts = steps.summarise_counts(feed_results, cands, failures, articles, inserted, replayed, len(extracted), len(headlines))
            fails = steps.skip_reasons(articles, failures, replayed)
            sys.stderr.write(f"narrative: {steps.accounting_line(counts, fails)}\n")  # every input, by what became of it
            empty = empty_reason(counts)
            wh.finish_run(run_id, "succeeded", counts, fails, models, message=f"empty: {empty}" if empty else None)
        except BaseException as exc:
            # an exception is a failure; a signal or Ctrl-C (KeyboardInterrupt, SystemExit, Prefect's
            # TerminationSignal) is an interruption
            status = "failed" if isinstance(exc, Exception) else "interrupted"
            try:
                wh.finish_run(run_id, status, {}, {}, {}, message=f"{type(exc).__name__}: {exc}"[:500])
            except Exception as rec:  # the original error matters more; the next run closes the row
                log.error("could not record run %s as %s: %s", run_id, status, rec)
            clock.line("run", status=status, error=type(exc).__name__)
            if isinstance(exc, Exception) and not isinstance(exc, WarehouseError):
                raise RunFailed(run_id, f"run {run_id} failed: {type(exc).__name__}: {exc}") from exc
            raise
        report = RunReport(run_id, counts, fails, inserted, timings=clock.seconds, annotated_by=tuple(_ANNOTATED_BY))
        if out_dir is not None or s.smtp_host:
            paths, status = digest_after_run(s, out_dir, run_id)
            report.digest_paths, report.digest_status = tuple(paths), status
    clock.line("run", status="succeeded", stored=counts.get("stored", 0), empty=bool(empty),
               digest=report.digest_status or "none")
    return report


def digest_after_run(s: Settings, out_dir: str | None, run_id: str, wait: float = 120.0) -> tuple[list[str], str]:
    """The digest once the run is stored: a warehouse someone else holds past `wait` fails the digest
    (reported in the run's summary), never the run whose articles are already in."""
    try:
        with Warehouse.open(s.db, wait=wait) as main:
            return digest(main, s, out_dir, run_id)
    except WarehouseError as exc:
        log.error("no digest after run %s: %s", run_id, exc)
        return [], f"failed: {exc}"[:300]


@flow(name="daily_ingest", log_prints=True)
def daily_ingest(s: Settings, out_dir: str | None = None, trigger: str = "ingest", show_progress: bool = True) -> RunReport:
    """The in-process flow (ingest, replay, demo, tests): it takes the Settings object itself."""
    return ingest_run(s, out_dir, trigger, show_progress)


@flow(name="narrative_daily", log_prints=True)
def scheduled_daily(config: str | None = None, overrides: dict | None = None, trigger: str = "schedule",
                    out_dir: str | None = None) -> dict:
    """The served and deployed flow: its parameters are JSON (a config file's path and setting overrides),
    so they survive a real Prefect server; the run reads its settings (and secrets, from its own
    environment) when it starts. Ingest, then the digest (when SMTP is configured or `out_dir` given).
    A failed or empty day is logged, recorded in `runs`, and alerted (once per day) when SMTP is set."""
    from .alerting import alert_for_day

    s = settings_from_params(config, overrides)
    trigger = _trigger(trigger)
    later = _superseded()
    if later is not None:
        log.warning("a missed run stands down: the later run %s (due %s) runs instead", later.id, later.expected_start)
        return {"skipped": f"superseded by the later missed run {later.id}"}
    report, error, run_id = None, None, None
    try:
        check_no_run(s.db)
        report = ingest_run(s, out_dir, trigger, show_progress=False)
        run_id = report.run_id
    except RunInProgress as exc:  # the day did not run: a `failed` row says so
        error = exc
        run_id = _record_refused(s, trigger, str(exc))
    except Exception as exc:  # noqa: BLE001 - reported, alerted, then raised again
        error = exc
        run_id = getattr(exc, "run_id", None)
    if error is not None:
        log.error("scheduled run failed: %s", error)
        alert_for_day(s, run_id, "failed", str(error))
        raise error
    empty = empty_reason(report.counts)
    if empty:
        alert_for_day(s, run_id, "empty", empty)
    return {"run_id": report.run_id, "counts": report.counts, "failures": report.failures,
            "digest": report.digest_status}


def _superseded():
    from .catchup import superseding_run

    try:
        return superseding_run()
    except Exception as exc:  # noqa: BLE001 - when in doubt, run
        log.warning("could not ask the Prefect API about later missed runs: %s", exc)
        return None


def _record_refused(s: Settings, trigger: str, message: str) -> str | None:
    from ..warehouse.runs import record_refused_run

    run_id = steps.new_run_id(trigger)
    try:
        with Warehouse.open(s.db, wait=120) as wh:
            record_refused_run(wh, run_id, trigger, s.hash(), message)
        return run_id
    except Exception as exc:  # noqa: BLE001
        log.error("could not record the refused run in %s: %s", s.db, exc)
        return None


def _trigger(default: str) -> str:
    """`schedule` for a run the server's scheduler made; a run started by hand (prefect deployment run,
    the UI) is `deployment`."""
    if default != "schedule":
        return default
    try:
        from prefect.context import FlowRunContext

        ctx = FlowRunContext.get()
        fr = ctx.flow_run if ctx else None
        if fr is not None and fr.deployment_id is not None and not fr.auto_scheduled:
            return "deployment"
    except Exception:  # noqa: BLE001 - the parameter stands
        pass
    return default


def empty_reason(counts: dict) -> str | None:
    """Why a run stored nothing new, or None if it stored something."""
    if not counts or counts.get("stored", 0):
        return None
    if counts.get("feeds", 0) and counts.get("feeds_failed", 0) == counts.get("feeds", 0):
        return f"every feed failed ({counts['feeds']})"
    if counts.get("feeds", 0) and counts.get("feeds_not_modified", 0) == counts.get("feeds", 0):
        return "every feed answered 304 Not Modified"
    if counts.get("fetch_failed", 0) and not counts.get("fetched", 0):
        return f"every page failed to fetch ({counts['fetch_failed']})"
    if counts.get("feeds_failed", 0):
        return f"{counts['feeds_failed']} feed(s) failed; the rest listed nothing new"
    return "every listed article is already stored"


def _status_counts(articles) -> dict:
    c = Counter(a.status for a in articles)
    return {k: c.get(k, 0) for k in ("annotated", "rejected", "duplicate", "skipped")}


def _is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _Clock:
    """Wall time per stage, reported with the run (benchmarks read it); without progress bars (not a
    terminal, or under serve) one structured line per stage on stderr (logfmt)."""

    def __init__(self, run_id: str = "", lines: bool = False):
        self.run_id = run_id
        self.lines = lines
        self.seconds: dict[str, float] = {}

    def __call__(self, name, fn, *args, count=None):
        t0 = time.perf_counter()
        try:
            result = fn(*args)
        finally:
            self.seconds[name] = round(time.perf_counter() - t0, 3)
        if self.lines:
            try:
                extra = count(result) if count else {}
            except Exception:  # noqa: BLE001 - a count must never fail the run
                extra = {}
            self.line(name, seconds=self.seconds[name], **extra)
        return result

    def line(self, stage: str, **fields) -> None:
        if not self.lines:
            return
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        parts = [f"ts={stamp}", "logger=narrative.flow", f"run={self.run_id}", f"stage={stage}"]
        parts += [f"{k}={_logfmt(v)}" for k, v in fields.items()]
        # written, not printed: the flow's log_prints would turn a print into a Prefect log record
        sys.stderr.write(" ".join(parts) + "\n")
        sys.stderr.flush()


def _logfmt(v) -> str:
    s = str(v).lower() if isinstance(v, bool) else str(v)
    return f'"{s}"' if (" " in s or "=" in s or not s) else s


# where the last run's annotate chunks ran (tests and `-v` logs read it: Dask workers or threads)
_ANNOTATED_BY: list[str] = []


def _annotate_all(s: Settings, docs: list[TextDoc], progress: Progress):
    """Chunks go to the task runner (threads here, Dask workers if configured); results come back to the flow."""
    _ANNOTATED_BY.clear()
    if not docs:
        return [], {}
    chunk = max(8, s.annotate_batch)
    bar = progress.bar("annotate", len(docs))
    futures = [annotate.submit(s, docs[i : i + chunk]) for i in range(0, len(docs), chunk)]
    out, models = [], {}
    for f in futures:
        anns, models, where = f.result()
        out.extend(anns)
        _ANNOTATED_BY.append(where)
        bar.update(len(anns))
    bar.close()
    return out, models


def run_daily(s: Settings, out_dir: str | Path | None = None, trigger: str = "ingest", show_progress: bool = True) -> RunReport:
    """Run the flow with the configured task runner (thread pool, or Dask when `task_runner = "dask"`)."""
    check_no_run(s.db)  # a second run gets a clear message before Prefect starts a flow run
    f = with_task_runner(daily_ingest, s)
    return f(s, str(out_dir) if out_dir is not None else None, trigger, show_progress)


# a LocalCluster listens on 127.0.0.1 only: dashboard_address=None still served the dashboard on 0.0.0.0:8787
# (and thread workers their own on 0.0.0.0); ephemeral ports, so two runs never collide on 8787
LOCAL_CLUSTER = {"threads_per_worker": 1, "dashboard_address": "127.0.0.1:0", "worker_dashboard_address": "127.0.0.1:0"}


def with_task_runner(f, s: Settings):
    """The flow with the configured task runner: Prefect's thread pool, or Dask (`task_runner = "dask"`:
    the scheduler at `dask_address`, else a LocalCluster of `dask_workers` started for the run)."""
    if s.task_runner in ("thread", "", None):
        return f
    if s.task_runner != "dask":
        raise ValueError(f"task_runner = {s.task_runner!r}: use \"thread\" or \"dask\"")
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:
        raise ValueError("task_runner = \"dask\" needs the dask extra: pip install 'narrative[dask]'") from exc
    if s.dask_address:
        runner = DaskTaskRunner(address=s.dask_address)
    else:
        runner = DaskTaskRunner(cluster_kwargs=LOCAL_CLUSTER | {"n_workers": s.dask_workers, "processes": s.dask_processes})
    return f.with_options(task_runner=runner)
