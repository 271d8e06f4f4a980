"""Catch-up: a scheduled day missed while the machine slept runs once, not once per missed time.

Every scheduled flow run asks the Prefect API, when it starts, whether a later run of the same
deployment is already due; if one is, this (older) run stands down and only the newest missed run
does the work. That covers both ways runs pile up: a server that kept scheduling while serve was
down, and a serve that was itself asleep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ScheduledRun:
    id: str
    expected_start: datetime


# a run less late than this is on time, whatever came due meanwhile (a short --interval, a slow start)
GRACE = timedelta(minutes=5)


def superseded(me: ScheduledRun, others: list[ScheduledRun], now: datetime, grace: timedelta = GRACE) -> ScheduledRun | None:
    """A later run of the same deployment that is already due, if this run was missed (more than `grace`
    late): then this older run stands down and that one runs, so a machine that slept through N scheduled
    times runs once."""
    if now - me.expected_start <= grace:
        return None
    due = [o for o in others if o.id != me.id and me.expected_start < o.expected_start <= now]
    return max(due, key=lambda o: o.expected_start) if due else None


def superseding_run() -> ScheduledRun | None:
    """Inside a scheduled flow run: the later due run that supersedes it, asked of the Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (FlowRunFilter, FlowRunFilterDeploymentId, FlowRunFilterState,
                                                FlowRunFilterStateType)
    from prefect.client.schemas.objects import StateType
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    fr = ctx.flow_run if ctx else None
    if fr is None or fr.deployment_id is None or not fr.auto_scheduled or fr.expected_start_time is None:
        return None
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            deployment_id=FlowRunFilterDeploymentId(any_=[fr.deployment_id]),
            state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED, StateType.PENDING]))))
    others = [ScheduledRun(str(r.id), r.expected_start_time) for r in runs if r.expected_start_time and r.auto_scheduled]
    me = ScheduledRun(str(fr.id), fr.expected_start_time)
    return superseded(me, others, datetime.now(me.expected_start.tzinfo))
