"""Operating narrative: `narrative runs` (what the latest runs did) and `narrative config check`
(is this configuration usable, and where does each value come from)."""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
import tomllib
from dataclasses import asdict, fields
from pathlib import Path

from . import exits


def register(sub, _common, commands: dict) -> None:
    p = sub.add_parser("runs", help="the latest runs: start, duration, status, trigger, counts per stage, failures by reason")
    _common(p)
    p.add_argument("--limit", type=int, default=10, metavar="N", help="how many runs, newest first (default 10)")
    p.add_argument("--json", action="store_true", help="one JSON object per run, one per line")
    p.add_argument("--wait", type=float, default=5.0, metavar="S", help="seconds to wait if a run is merging (default 5)")

    p = sub.add_parser("config", help="check a configuration: TOML, setting names and types, paths, SMTP; "
                                      "print the effective settings and where each comes from",
                       description="`config check [--config FILE]`: exit 0 and print every setting with its source "
                                   "(default, file, environment, flag; secrets masked), or exit 2 with every error found.")
    _common(p)
    p.add_argument("action", choices=["check"], help="check: validate the configuration")
    commands.update({"runs": cmd_runs, "config": cmd_config})


# -- narrative runs ------------------------------------------------------------------------------
def cmd_runs(args) -> int:
    from ..flows.settings import load_settings
    from ..warehouse.db import Warehouse
    from ..warehouse.runlock import RunLock
    from ..warehouse.runs import latest_runs

    s = load_settings(args.config, db=args.db)
    if not Path(s.db).exists():
        print(f"narrative: no warehouse at {s.db} (nothing has run yet, or pass --db)", file=sys.stderr)
        return exits.USAGE
    with Warehouse.open(s.db, read_only=True, wait=args.wait) as wh:
        runs = latest_runs(wh, args.limit)
    holder = RunLock.holder(s.db) or {}
    for r in runs:
        # `running` with no process holding the run lock: killed, and not yet closed by a later run
        r["live"] = r["status"] == "running" and holder.get("run_id") == r["id"]
        if r["status"] == "running" and not r["live"]:
            r["status"] = "interrupted"
            r["message"] = r["message"] or "no process holds the run lock: interrupted (the next run records it)"
    if args.json:
        for r in runs:
            print(json.dumps(r, default=str, ensure_ascii=False))
        return exits.OK
    if not runs:
        print(f"No runs in {s.db} yet.")
        return exits.OK
    print(f"{'started (UTC)':<20} {'duration':>9}  {'status':<11} {'trigger':<10} {'stored':>6}  run")
    for r in runs:
        started = r["started_at"].astimezone(_utc()).strftime("%Y-%m-%d %H:%M:%S") if r["started_at"] else "?"
        dur = f"{r['seconds']:.1f}s" if r["seconds"] is not None else ("…" if r["live"] else "-")
        stored = r["counts"].get("stored", "-") if r["counts"] else "-"
        print(f"{started:<20} {dur:>9}  {r['status']:<11} {r['trigger'] or '-':<10} {stored!s:>6}  {r['id']}")
        if r["counts"]:
            print("    counts: " + ", ".join(f"{k} {v}" for k, v in r["counts"].items()))
        if r["failures"]:
            print("    failures: " + ", ".join(f"{k} {v}" for k, v in sorted(r["failures"].items(), key=lambda kv: -kv[1])))
        if r["message"]:
            print(f"    message: {r['message']}")
        if r["alert"]:
            print(f"    alert: {r['alert']}")
    return exits.OK


def _utc():
    from datetime import timezone

    return timezone.utc


# -- narrative config check ------------------------------------------------------------------------
def cmd_config(args) -> int:
    result = check_config(args.config, os.environ, {"db": args.db})
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if result.errors:
        for e in result.errors:
            print(f"error: {e}", file=sys.stderr)
        print(f"narrative: {len(result.errors)} error(s) in the configuration", file=sys.stderr)
        return exits.USAGE
    print(f"Configuration OK{f' ({args.config})' if args.config else ' (no --config: defaults and environment)'}. "
          "Effective settings:")
    from ..flows.settings import SECRETS

    width = max(len(f.name) for f in fields(result.settings))
    for name, value in asdict(result.settings).items():
        shown = "********" if (name in SECRETS and value) else json.dumps(value, default=str, ensure_ascii=False)
        print(f"  {name:<{width}} = {shown}  ({result.sources[name]})")
    return exits.OK


class CheckResult:
    def __init__(self):
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.settings = None
        self.sources: dict[str, str] = {}


def _expected(type_text: str):
    """A field's annotation (a string: the module uses postponed annotations) → (check, description)."""
    t = type_text.replace(" ", "").replace("|None", "")
    if t == "bool":
        return (lambda v: isinstance(v, bool)), "true or false"
    if t == "int":
        return (lambda v: isinstance(v, int) and not isinstance(v, bool)), "an integer"
    if t == "float":
        return (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)), "a number"
    if t == "str":
        return (lambda v: isinstance(v, str)), "a string"
    if t.startswith("tuple"):
        return (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)), "a list of strings"
    if t == "dict":
        return (lambda v: isinstance(v, dict)), "a table"
    return (lambda v: True), type_text


def _describe(v) -> str:
    kind = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list", dict: "a table"}
    shown = json.dumps(v, default=str, ensure_ascii=False)
    return f"{kind.get(type(v), type(v).__name__)} ({shown[:60]})"


def _line_of(text: str, key: str) -> str:
    for i, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=", line):
            return f"line {i}: "
    return ""


def check_config(config: str | None, env, flags: dict) -> CheckResult:
    """Every problem with this configuration (errors make `config check` exit 2; warnings do not)."""
    from ..flows.settings import Settings, load_settings_with_sources

    res = CheckResult()
    names = [f.name for f in fields(Settings)]
    types = {f.name: f.type for f in fields(Settings)}
    where = config or "the configuration"
    if config:
        path = Path(config)
        if not path.is_file():
            res.errors.append(f"{config}: no such file")
            return res
        text = path.read_text("utf-8", "replace")
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
            pos = f"line {m.group(1)}, column {m.group(2)}: " if m else ""
            res.errors.append(f"{config}: {pos}TOML syntax error: {re.sub(r' ?[(]at line .*[)]', '', str(exc))}")
            return res
        values = raw.get("narrative", raw)
        valid: dict = {}
        if "narrative" in raw:
            for k in raw:
                if k != "narrative":
                    res.errors.append(f"{config}: {_line_of(text, k)}unknown key or table {k!r} outside [narrative]")
        for k, v in values.items():
            key = k.replace("-", "_")
            if key == "smtp_password":
                continue
            if key not in names:
                close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                res.errors.append(f"{config}: {_line_of(text, k)}unknown setting {k!r}{hint}")
                continue
            ok, want = _expected(types[key])
            if not ok(v):
                res.errors.append(f"{config}: {_line_of(text, k)}{key} must be {want}, not {_describe(v)}")
            else:
                valid[key] = v
        if "smtp_password" in values:
            res.errors.append(f"{config}: {_line_of(text, 'smtp_password')}smtp_password may not be in a config file: "
                              "set NARRATIVE_SMTP_PASSWORD in the environment instead")
    for key in sorted(k for k in env if k.startswith("NARRATIVE_")):
        name = key[len("NARRATIVE_"):].lower()
        if name not in names:
            close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            hint = f"; did you mean NARRATIVE_{close[0].upper()}?" if close else ""
            res.warnings.append(f"environment: {key} is not a setting{hint}")
    # go on with the keys that are valid, so that one run of config check lists every error
    env_known = {k: v for k, v in env.items() if not k.startswith("NARRATIVE_") or k[10:].lower() in names}
    try:
        s, sources = load_settings_with_sources(config, env_known, file_values=valid if config else None, **flags)
    except (ValueError, TypeError) as exc:  # an environment value of the wrong type
        res.errors.append(f"{exc}")
        return res
    res.settings, res.sources = s, sources
    _check_values(s, sources, env, where, res)
    return res


def _check_values(s, sources: dict, env, where: str, res: CheckResult) -> None:
    def src(name: str) -> str:
        return {"file": where, "environment": f"NARRATIVE_{name.upper()}", "flag": f"--{name}"}.get(sources[name], "default")

    def err(name: str, msg: str) -> None:
        res.errors.append(f"{name} ({src(name)}): {msg}")

    # paths
    db_dir = Path(s.db).resolve().parent
    if not db_dir.is_dir():
        err("db", f"folder {db_dir} does not exist")
    elif not os.access(db_dir, os.W_OK):
        err("db", f"folder {db_dir} is not writable (the run lock, staging files and the warehouse live there)")
    for name in ("topic", "entities", "themes"):
        v = getattr(s, name)
        if v and not Path(v).is_file():
            err(name, f"no such file: {v}")
    if s.sentiment_model and not Path(s.sentiment_model).exists():
        err("sentiment_model", f"no such folder: {s.sentiment_model}")
    if s.embedding_model not in (None, "", "sentiment", "onnx", "torch") and not Path(s.embedding_model).exists():
        err("embedding_model", f"{s.embedding_model!r}: not sentiment | onnx | torch, and no such folder")
    for p in s.replay:
        if not Path(p).exists():
            err("replay", f"no such file or folder: {p}")
    # feeds
    for f in s.feeds:
        if not re.match(r"https?://[^/\s]+", f):
            err("feeds", f"not an http(s) URL: {f!r}")
    if not s.feeds and not s.replay:
        res.warnings.append("no feeds and no replay: `narrative ingest` and `narrative serve` have nothing to read")
    for host, target in s.resolve.items():
        if not re.fullmatch(r"[^:\s]+:\d+|\[[0-9a-fA-F:]+\]:\d+", str(target)):
            err("resolve", f"{host} = {target!r}: expected \"ip:port\"")
    # numbers
    for name in ("per_host_interval", "read_timeout", "connect_timeout", "total_timeout", "backoff_base", "backoff_max"):
        if getattr(s, name) < 0:
            err(name, "must not be negative")
    for name in ("fetch_workers", "per_host_concurrency", "max_attempts", "annotate_batch", "digest_days", "dask_workers"):
        if getattr(s, name) < 1:
            err(name, "must be at least 1")
    for name in ("smtp_port", "prefect_port"):
        v = getattr(s, name)
        if v is not None and not 0 < v < 65536:
            err(name, f"{v} is not a port (1-65535)")
    # task runner
    if s.task_runner not in ("thread", "dask"):
        err("task_runner", f"{s.task_runner!r}: use \"thread\" or \"dask\"")
    elif s.task_runner == "dask":
        try:
            import prefect_dask  # noqa: F401
        except ImportError:
            err("task_runner", "\"dask\" needs the dask extra: pip install 'narrative[dask]'")
        if s.dask_address and not re.match(r"(tcp|tls|inproc|ucx)://", s.dask_address):
            err("dask_address", f"{s.dask_address!r}: expected tcp://host:port of a Dask scheduler")
    # schedule
    try:
        from ..flows.serve import validate_schedule

        validate_schedule(s.schedule_cron, s.timezone)
    except ValueError as exc:
        err("schedule_cron" if "cron" in str(exc) else "timezone", str(exc))
    # mail
    for name in ("digest_to", "alert_to"):
        for addr in getattr(s, name):
            if "@" not in addr:
                err(name, f"{addr!r} is not an email address")
    if s.smtp_host:
        if not s.digest_to and not s.alert_to:
            res.warnings.append("smtp_host is set but digest_to and alert_to are empty: no mail will be sent")
        if s.smtp_user and not env.get("NARRATIVE_SMTP_PASSWORD"):
            err("smtp_user", f"SMTP login as {s.smtp_user!r} needs a password: set NARRATIVE_SMTP_PASSWORD in the environment")
    else:
        if s.smtp_user or s.smtp_starttls or getattr(s, "smtp_ssl", False):
            res.warnings.append("smtp_user/smtp_starttls are set but smtp_host is not: nothing will be sent")
        if s.alert_to:
            res.warnings.append("alert_to is set but smtp_host is not: failed days are logged and recorded, not mailed")
