# Self-documenting Makefile: `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CORPUS ?= corpus
OUT ?= outputs
GOLD ?= tests/gold

.DEFAULT_GOAL := help

## Show this help
help:
	@awk '/^## /{desc=substr($$0,4); next} /^[a-zA-Z_-]+:/{if(desc){split($$1,t,":"); printf "  %-10s %s\n", t[1], desc}; desc=""}' $(MAKEFILE_LIST)

# Exact versions with hashes (requirements.lock: what the pipeline needs; requirements-dev.lock: that plus
# the test tools, same versions). The ranges stay in pyproject.toml; `make lock` turns them into locks.
# Bytecode compiled once, after the other projects' tests are pruned: where PYTHONDONTWRITEBYTECODE is set
# (or site-packages is read-only) every run would compile pandas, scipy, scikit-learn … again in each
# process and spawned worker (30 s of a 100 s run at 10 MB). Files already compiled are skipped.
COMPILE = $(PY) -m compileall -q -j 0 $$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') pipeline >/dev/null

$(VENV)/.installed: requirements.lock pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --no-compile --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-compile --no-deps -e .
	$(PY) scripts/prune_venv.py
	$(COMPILE)
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.lock
	$(PY) -m pip install --quiet --no-compile --require-hashes -r requirements-dev.lock
	$(PY) scripts/prune_venv.py
	$(COMPILE)
	touch $@

## Create .venv and install the package with the locked versions of its dependencies
install: $(VENV)/.installed

## Install the test tools too (pytest, hypothesis, notebook runner) at their locked versions
install-dev: $(VENV)/.dev-installed

LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

## Refresh the lock files from pyproject.toml (keeps locked versions that still fit; UPGRADE=1 takes the newest)
lock:
	test -d .lock-venv || $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet 'pip-tools>=7.4,<8'
	.lock-venv/bin/pip-compile $(LOCK_FLAGS) $(if $(UPGRADE),--upgrade) -o requirements.lock pyproject.toml
	.lock-venv/bin/pip-compile $(LOCK_FLAGS) $(if $(UPGRADE),--upgrade) --extra dev -c requirements.lock -o requirements-dev.lock pyproject.toml

## Run every stage on corpus/ into outputs/ and print where the report is
analyze: install
	$(PY) -m pipeline run --corpus $(CORPUS) --out $(OUT)

## Install headless Chromium for the report tests (Debian packages chromium and chromium-driver)
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; \
	  else echo "the report tests need chromium and chromium-driver: install them (apt-get) as root"; exit 1; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

## Run the test suite (includes executing the notebooks on a fresh run and the report in headless Chromium)
test: install-dev browser
	$(PY) -m pytest

## Run ingest+segment on corpus/ into outputs/evaluation/ and score it against tests/gold/ (table + outputs/evaluation.csv)
evaluate: install
	$(PY) -m pipeline run --corpus $(CORPUS) --out $(OUT)/evaluation --stages ingest,segment
	$(PY) -m pipeline evaluate --out $(OUT)/evaluation --gold $(GOLD) --report $(OUT)/evaluation.csv

## Score main-text extraction of web pages (tests/gold/html) beside trafilatura alone
evaluate-html: install
	$(PY) -m pipeline evaluate-html --gold tests/gold/html --report $(OUT)/evaluation-html.csv

## Re-run the default corpus and rewrite tests/fingerprint.json (the summary of its results), printing what moved
fingerprint: install
	$(PY) -m pipeline run --corpus corpus --out $(OUT)/fingerprint --force
	$(PY) -m pipeline fingerprint --out $(OUT)/fingerprint --file tests/fingerprint.json --write

## Run the benchmarks under bench/ (throughput and peak memory; bench_scale.py: 10 and 50 MB corpora against the naive script)
bench: install
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

## Scale benchmark on 10, 50, 200 and 1000 MB generated corpora (hours on 2 cores: each process capped at an hour)
bench-large: install
	$(PY) bench/bench_scale.py --sizes 10,50,200,1000 --timeout 3600

## Remove generated outputs
clean:
	rm -rf $(OUT)/*.parquet $(OUT)/*.csv $(OUT)/figures $(OUT)/report.html $(OUT)/report $(OUT)/run.json

.PHONY: help install install-dev browser lock analyze test evaluate evaluate-html fingerprint bench bench-large clean
