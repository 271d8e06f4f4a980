"""Exit codes a scheduler (cron, systemd, Prefect, CI) can act on; README: Exit codes."""

OK = 0  # done (a run that stored nothing new is still 0: `narrative runs` says why)
ERROR = 1  # an unexpected error (a bug: the traceback is printed)
USAGE = 2  # bad usage or configuration: unknown option, TOML error, unknown setting, wrong type, missing file
LOCKED = 3  # the warehouse is locked: another run is writing, or a writer holds the file past --wait
RUN_FAILED = 4  # the run started and failed (recorded in `runs` as failed), or a digest could not be sent
SERVER = 5  # serve: the Prefect server could not be started or reached
INTERRUPTED = 130  # stopped by Ctrl-C / SIGINT (the run is recorded as interrupted)

CODES = {OK: "ok", ERROR: "unexpected error", USAGE: "bad usage or configuration", LOCKED: "warehouse locked",
         RUN_FAILED: "run failed", SERVER: "Prefect server unavailable", INTERRUPTED: "interrupted"}
