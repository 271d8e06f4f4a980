#!/usr/bin/env bash
# `pip install .` as a user does it, with the pip a fresh Python 3.11 venv brings (not upgraded),
# then every module of the package imported. Catches undeclared dependencies (e.g. lxml_html_clean,
# which lxml >= 5.2 split out and old pips do not pull in through lxml's extra).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
DIR="$(mktemp -d "${TMPDIR:-/tmp}/narrative-install-check.XXXXXX")"
trap 'rm -rf "$DIR"' EXIT
start=$(date +%s)
"$PYTHON" -m venv "$DIR/venv"
PY="$DIR/venv/bin/python"
echo "install-check: fresh venv with $("$PY" -m pip --version | cut -d' ' -f1-2) (not upgraded)"
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$PY" -m pip install --quiet --no-compile torch==2.13.0   # the local CPU wheel, as the Makefile does; no .pyc (cost)
"$PY" -m pip install --quiet --no-compile .   # not editable: what a user or a Docker image gets
cd "$DIR"                                     # import the installed package, not ./src
"$PY" - <<'PY'
import importlib
import pkgutil

import narrative

names = ["narrative"] + [m.name for m in pkgutil.walk_packages(narrative.__path__, "narrative.")
                         if not m.name.endswith("__main__")]
failed = []
for name in names:
    try:
        importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 - report every module that does not import
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print(f"install-check: imported {len(names) - len(failed)}/{len(names)} modules from {narrative.__file__}")
if failed:
    raise SystemExit("install-check: these modules do not import after `pip install .`:\n  " + "\n  ".join(failed))
PY
echo "install-check: ok in $(( $(date +%s) - start )) s"
