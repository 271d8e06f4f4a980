"""`narrative serve`: the daily flow on a schedule, against a real Prefect server.

Prefect cannot schedule flows on its ephemeral in-process server, so serve needs a real one:

- with `PREFECT_API_URL` set, it serves against that server;
- otherwise it starts `prefect server start --host 127.0.0.1 --port P` itself (its own PREFECT_HOME
  beside the warehouse, `<db>.prefect/`; P is `prefect_port` or a free port), waits for `/api/health`,
  serves, and on SIGINT/SIGTERM stops the server's whole process group and any flow run still going:
  nothing is left behind.

The served flow (`daily.scheduled_daily`) takes JSON parameters: the config file's path and the
overrides given on the command line; each run reads its settings (and its secrets, from its own
environment) when it starts. The schedule is never paused on shutdown (`pause_on_shutdown=False`), so
the next start picks up where this one left off; a run missed while the machine slept runs once
(see catchup.py).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

from .errors import ServeError
from .settings import Settings

log = logging.getLogger("narrative.serve")

DEPLOYMENT = "narrative-daily"
FLOW_NAME = "narrative_daily"
TELEMETRY_OFF = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}


def prefect_home_for(db: str) -> Path:
    """The local server's PREFECT_HOME (its SQLite database, logs): beside the warehouse."""
    return Path(f"{Path(db).resolve()}.prefect")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def validate_schedule(cron: str, tz: str) -> None:
    """Raise ValueError for a cron expression or time zone Prefect would refuse."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"timezone {tz!r} is not an IANA time zone (e.g. UTC, Europe/London, Asia/Shanghai)") from exc
    from pydantic import ValidationError

    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=cron, timezone=tz)
    except ValidationError as exc:
        raise ValueError(f"schedule_cron {cron!r} is not a valid cron expression "
                         f"(five fields: minute hour day month weekday, e.g. \"0 6 * * *\")") from exc


class LocalPrefectServer:
    """`prefect server start` in its own session (process group), stopped as a group."""

    def __init__(self, home: Path, port: int | None = None):
        self.home = home
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = home / "server.log"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self, timeout: float = 180.0) -> "LocalPrefectServer":
        self.home.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update(TELEMETRY_OFF)
        env.update({"PREFECT_HOME": str(self.home), "PREFECT_SERVER_UI_ENABLED": "false",
                    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING"})
        logf = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
                env=env, stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            logf.close()
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise ServeError(f"the Prefect server exited with code {self.proc.returncode} before it was healthy; "
                                 f"its log ({self.log_path}) ends:\n{self._log_tail()}")
            if healthy(self.api_url):
                log.info("Prefect server healthy at %s after %.1fs", self.api_url, time.monotonic() - t0)
                return self
            time.sleep(0.25)
        self.stop()
        raise ServeError(f"the Prefect server at {self.api_url} was not healthy after {timeout:.0f}s; "
                         f"its log ({self.log_path}) ends:\n{self._log_tail()}")

    def _log_tail(self, n: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text("utf-8", "replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self, grace: float = 15.0) -> None:
        """SIGTERM to the server's process group, SIGKILL to whatever is left after `grace` seconds."""
        if self.proc is None:
            return
        pgid = self.proc.pid  # start_new_session: the server leads its own group
        kill_group(pgid, grace)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.proc = None

    def __enter__(self) -> "LocalPrefectServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _live_processes():
    """(pid, parent pid, process group) of every live, non-zombie process (Linux /proc)."""
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z":
            yield int(d.name), int(fields[1]), int(fields[2])


def group_members(pgid: int) -> list[int]:
    """Live processes whose process group is `pgid`."""
    return [pid for pid, _ppid, group in _live_processes() if group == pgid]


def descendants(pid: int) -> list[int]:
    """Live descendants of `pid`, children first."""
    children: dict[int, list[int]] = {}
    for child, parent, _group in _live_processes():
        children.setdefault(parent, []).append(child)
    out, todo = [], list(children.get(pid, []))
    while todo:
        p = todo.pop(0)
        out.append(p)
        todo += children.get(p, [])
    return out


def kill_group(pgid: int, grace: float = 15.0) -> None:
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    t0 = time.monotonic()
    while time.monotonic() - t0 < grace and group_members(pgid):
        time.sleep(0.2)
    if group_members(pgid):
        log.warning("process group %s still alive %.0fs after SIGTERM: SIGKILL", pgid, grace)
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def kill_pids(pids: list[int], grace: float = 10.0) -> None:
    for p in pids:
        try:
            os.kill(p, signal.SIGTERM)
        except ProcessLookupError:
            pass
    t0 = time.monotonic()
    while time.monotonic() - t0 < grace and any(Path(f"/proc/{p}").exists() and not _zombie(p) for p in pids):
        time.sleep(0.2)
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat[stat.rindex(")") + 2] == "Z"
    except OSError:
        return True


# -- serving ---------------------------------------------------------------------------------------
def _schedules(cron: str, tz: str, interval: float | None):
    from prefect.schedules import Cron, Interval

    if interval:
        return [Interval(timedelta(seconds=interval), timezone=tz)]
    return [Cron(cron, timezone=tz)]


class _Stop(Exception):
    """SIGTERM/SIGHUP before the runner took over its signals."""


def _raise_stop(signum, _frame):
    raise _Stop(signal.Signals(signum).name)


def serve(s: Settings, config: str | None, overrides: dict, cron: str, tz: str, interval: float | None = None,
          echo=print) -> int:
    """Register the deployment, serve it until SIGINT/SIGTERM, then leave nothing running. Returns an exit code."""
    validate_schedule(cron, tz)
    old = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    old[signal.SIGINT] = signal.getsignal(signal.SIGINT)  # _run points Ctrl-C at the runner's graceful stop
    server: LocalPrefectServer | None = None
    try:
        api_url = os.environ.get("PREFECT_API_URL")
        if api_url:
            if not healthy(api_url):
                raise ServeError(f"PREFECT_API_URL={api_url} does not answer {api_url}/health")
            echo(f"Serving against the Prefect server at {api_url}")
        else:
            home = prefect_home_for(s.db)
            echo(f"Starting a local Prefect server (PREFECT_HOME={home}) ...")
            server = LocalPrefectServer(home, s.prefect_port).start()
            api_url = server.api_url
            os.environ["PREFECT_API_URL"] = api_url
            echo(f"Prefect server ready at {api_url}")
        os.environ.update(TELEMETRY_OFF)
        _run(s, config, overrides, cron, tz, interval, api_url, echo)
        return 0
    except (KeyboardInterrupt, _Stop) as exc:
        echo(f"Stopping ({type(exc).__name__ if isinstance(exc, KeyboardInterrupt) else exc}).")
        return 0
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        # flow runs the runner started (subprocesses) must not outlive serve, nor the server
        ignore = set(group_members(server.proc.pid)) | {server.proc.pid} if server and server.proc else set()
        # (multiprocessing's resource tracker ignores SIGTERM and ends by itself with serve)
        left = [p for p in descendants(os.getpid()) if p not in ignore and "resource_tracker" not in _cmdline(p)]
        if left:
            log.warning("stopping %d process(es) serve started: %s", len(left), "; ".join(f"{p} {_cmdline(p)[:80]}" for p in left))
            kill_pids(left)
        if server is not None:
            echo("Stopping the local Prefect server ...")
            server.stop()
            os.environ.pop("PREFECT_API_URL", None)


def _run(s: Settings, config, overrides, cron, tz, interval, api_url, echo) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from prefect.deployments.runner import EntrypointType
    from prefect.runner import Runner

    from .daily import scheduled_daily, with_task_runner

    flow = with_task_runner(scheduled_daily, s)
    params = {"config": str(Path(config).resolve()) if config else None, "overrides": overrides, "trigger": "schedule"}
    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        runner = Runner(name="narrative", pause_on_shutdown=False, limit=1)
        runner.add_flow(flow, name=DEPLOYMENT, schedules=_schedules(cron, tz, interval), parameters=params,
                        entrypoint_type=EntrypointType.MODULE_PATH,
                        description="narrative: ingest the configured feeds, then send the digest")
        when = f"every {interval:g} s" if interval else f"cron {cron!r} ({tz})"
        echo(f"Serving {FLOW_NAME}/{DEPLOYMENT}: {when}; config {params['config'] or '(none: defaults and environment)'}; "
             f"warehouse {s.db}. Ctrl-C or SIGTERM stops it.")
        import asyncio

        def on_sigint(_signum, _frame):
            # Ctrl-C: the runner's graceful stop, as for SIGTERM (asyncio's own SIGINT handling would only
            # cancel the polling task, and serve would go on); a second Ctrl-C does not wait
            if runner.stopping or not runner.started:
                raise KeyboardInterrupt
            echo("Stopping (SIGINT) ...")
            runner.handle_sigterm()

        signal.signal(signal.SIGINT, on_sigint)
        asyncio.run(runner.start())
