# `make demo` and `make test` do their own set-up: a virtualenv in .venv with everything installed.
# pip (not uv/poetry) so that torch==2.13.0 comes from the machine's local CPU wheel.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

export PREFECT_SERVER_ANALYTICS_ENABLED = false
export DO_NOT_TRACK = 1
export HF_HUB_OFFLINE = 1
export TRANSFORMERS_OFFLINE = 1

.PHONY: demo test bench install-check clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/narrative demo

test: $(STAMP)
	$(PY) -m pytest -q

# `pip install .` into a fresh venv with the pip it brings (not upgraded), then every module imported
install-check:
	PYTHON=$(PYTHON) .ci/install_check.sh

bench: $(STAMP)
	$(PY) benchmarks/bench_flow.py --scales 10 50

clean:
	rm -rf $(VENV) demo-output narrative.duckdb
