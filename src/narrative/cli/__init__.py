"""The `narrative` command: the parser, logging and exit codes. Each command group lives in its own module
(run, extract, models, warehouse); they build settings (flows.settings), call flows and print for people."""

from __future__ import annotations

import argparse
import logging
import sys

from . import extract, models, ops, run, warehouse
from . import exits
from .options import common as _common


def _quiet_prefect() -> None:
    """Prefect must not phone home; keep its logs out of the report unless asked."""
    from ..offline import set_offline_env

    set_offline_env()


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time of the record (not the stream of the first call)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def _configure_logging(verbose: bool) -> None:
    root = logging.getLogger()
    if not any(isinstance(h, _StderrHandler) for h in root.handlers):
        h = _StderrHandler()
        h.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(h)
    root.setLevel(logging.INFO if verbose else logging.WARNING)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="narrative", description="Track how the press tells one story over time.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    # one module per command group; each registers its parsers and handlers
    for module in (run, extract, models, warehouse, ops):
        module.register(sub, _common, COMMANDS)
    return parser


def main(argv: list[str] | None = None) -> int:
    _quiet_prefect()
    args = build_parser().parse_args(argv)
    _configure_logging(args.verbose)
    from ..flows.errors import RunFailed, ServeError
    from ..warehouse.errors import WarehouseError, WarehouseLocked

    try:
        return COMMANDS[args.command](args)
    except WarehouseLocked as exc:
        print(f"narrative: {exc}", file=sys.stderr)
        return exits.LOCKED
    except WarehouseError as exc:  # no warehouse at the path, not a DuckDB file, no such table: fix and rerun
        print(f"narrative: {exc}", file=sys.stderr)
        return exits.USAGE
    except RunFailed as exc:
        print(f"narrative: {exc}", file=sys.stderr)
        return exits.RUN_FAILED
    except ServeError as exc:
        print(f"narrative: {exc}", file=sys.stderr)
        return exits.SERVER
    except (ValueError, FileNotFoundError, NotADirectoryError, IsADirectoryError) as exc:
        print(f"narrative: {exc}", file=sys.stderr)
        return exits.USAGE
    except KeyboardInterrupt:
        print("narrative: interrupted", file=sys.stderr)
        return exits.INTERRUPTED


COMMANDS: dict = {}
