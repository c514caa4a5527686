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

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

## Create .venv and install the package with its dependencies
install: $(VENV)/.installed

## Run every stage on corpus/ into outputs/ and print where the report is
analyze: install
	$(PY) -m pipeline run --corpus $(CORPUS) --out $(OUT)

## Run the test suite (includes executing the notebooks on a fresh run)
test: install
	$(PY) -m pytest

## Run ingest+segment on corpus/ into outputs/evaluation/ and score it against tests/gold/ (table + outputs/evaluation.csv)
evaluate: install
	$(PY) -m pipeline run --corpus $(CORPUS) --out $(OUT)/evaluation --stages ingest,segment
	$(PY) -m pipeline evaluate --out $(OUT)/evaluation --gold $(GOLD) --report $(OUT)/evaluation.csv

## Run the benchmarks under bench/ (throughput and peak memory)
bench: install
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

## Remove generated outputs
clean:
	rm -rf $(OUT)/*.parquet $(OUT)/*.csv $(OUT)/figures $(OUT)/report.html

.PHONY: help install analyze test evaluate bench clean
