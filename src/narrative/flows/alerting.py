"""A failed or empty scheduled day is not silent: logged, recorded in `runs`, and (when SMTP is
configured) one alert mail per day to `alert_to` (default: the digest's recipients)."""

from __future__ import annotations

import logging
import socket
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from ..digest.alert import compose_alert
from ..digest.send import DeliveryError, deliver
from ..warehouse.db import Warehouse
from ..warehouse.runs import alerted_between, record_alert
from .settings import Settings

log = logging.getLogger("narrative.alert")


def day_window(tz: str, now: datetime | None = None) -> tuple[str, datetime, datetime]:
    """Today in the schedule's time zone: (YYYY-MM-DD, start, end) with start/end in UTC."""
    zone = ZoneInfo(tz)
    local = (now or datetime.now(timezone.utc)).astimezone(zone)
    start = datetime.combine(local.date(), time(0), tzinfo=zone)
    end = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)
    return local.date().isoformat(), start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def alert_for_day(s: Settings, run_id: str | None, kind: str, problem: str, now: datetime | None = None) -> str:
    """Log the problem, send the day's alert if none was sent yet, and record the outcome on the run.
    Returns what became of the alert (also stored in `runs.alert`). Never raises: an alert that cannot
    go out is logged, and the next failed run of the day tries again."""
    (log.error if kind == "failed" else log.warning)("scheduled run %s %s: %s", run_id or "(none)", kind, problem)
    day, start, end = day_window(s.timezone, now)
    recipients = list(s.alert_to or s.digest_to)
    try:
        with Warehouse.open(s.db, read_only=True, wait=30) as wh:
            already = alerted_between(wh, start, end)
    except Exception as exc:  # noqa: BLE001 - the warehouse itself may be what failed: alert anyway
        log.warning("could not read earlier alerts from %s (%s): alerting anyway", s.db, exc)
        already = None
    if already:
        outcome = f"not sent: already alerted on {day} (run {already})"
    elif not s.smtp_host:
        outcome = "not sent: no SMTP configured"
    elif not recipients:
        outcome = "not sent: no recipients (set alert_to)"
    else:
        msg = compose_alert(day, kind, problem, run_id, s.db, s.digest_from, recipients, socket.gethostname())
        try:
            deliver(msg, s.smtp_config(attempts=1))  # one try: the next failed run of the day tries again
            outcome = f"sent to {', '.join(recipients)}"
        except DeliveryError as exc:
            log.error("alert for %s not sent through %s:%s: %s", day, s.smtp_host, s.smtp_port, exc)
            outcome = f"failed: {exc}"
    log.warning("alert for %s: %s", day, outcome)
    if run_id:
        try:
            with Warehouse.open(s.db, wait=120) as wh:
                record_alert(wh, run_id, outcome)
        except Exception as exc:  # noqa: BLE001
            log.error("could not record the alert on run %s: %s", run_id, exc)
    return outcome
