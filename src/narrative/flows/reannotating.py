"""Re-annotate stored articles with the current models (after a model upgrade).

Annotation rows carry their model in the key and every view reads the newest model of each kind
(`current_models`), so after an upgrade the views would show only the articles annotated since.
This flow runs the annotate stage again over stored articles that lack rows of the current models
and loads the new rows beside the old ones (nothing is deleted or overwritten), as one staged run:
readers are blocked only for the merge. The columns of `articles` (sentiment, summary) keep the
values of the model that loaded them; the per-model tables (`article_sentiment`, `summaries`, …)
carry the new ones, and the views read those.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from prefect import flow

from ..models.annotate import TextDoc
from ..models.entities import EntityTable
from ..warehouse import rows as R
from ..warehouse import stage_run
from ..warehouse.staging import check_no_run
from . import steps
from .daily import _annotate_all
from .progress import Progress
from .settings import Settings

log = logging.getLogger("narrative.flow")


@dataclass
class ReannotateReport:
    run_id: str
    models: dict
    articles: int
    inserted: dict


@flow(name="reannotate", log_prints=True)
def reannotate_flow(s: Settings, since=None, limit: int | None = None, every: bool = False, batch: int = 256,
                    show_progress: bool = True) -> ReannotateReport:
    progress = Progress(enabled=show_progress)
    run_id = steps.new_run_id("reannotate")
    models = steps.load_annotator(s).models()
    with stage_run(s.db, run_id, "reannotate", s.hash()) as wh:
        try:
            todo = wh.reannotation_ids(models, since, limit, every)
            log.info("re-annotating %d stored articles with %s", len(todo), models)
            wh.sync_entities(R.entity_rows(EntityTable.load(s.entities)))
            for i in range(0, len(todo), batch):  # texts a batch at a time: memory stays flat on a big warehouse
                docs = [TextDoc(aid, title, text) for aid, title, text in wh.article_docs(todo[i:i + batch])]
                annotations, got = _annotate_all(s, docs, progress)
                wh.load(R.annotation_rows(annotations, got), run_id)
            if todo:
                wh.register_models(models, run_id)
            merged = wh.finish_run(run_id, "succeeded", {"reannotated": len(todo)}, {}, models)
            # rows new to the warehouse (with --all, rows a model already wrote are kept, not duplicated)
            inserted = {t: n for t, n in (merged or {}).items() if n and t not in ("runs", "entities", "annotation_models")}
        except BaseException as exc:
            wh.finish_run(run_id, "failed", {}, {}, {}, message=f"{type(exc).__name__}: {exc}"[:500])
            raise
    return ReannotateReport(run_id, models, len(todo), inserted)


def run_reannotate(s: Settings, since=None, limit: int | None = None, every: bool = False,
                   show_progress: bool = True) -> ReannotateReport:
    check_no_run(s.db)
    return reannotate_flow(s, since, limit, every, show_progress=show_progress)
