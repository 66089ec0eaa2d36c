# docfinder: `make demo` runs it on generated demo data, offline; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO := demo
DEMO_DB := $(DEMO)/docfinder.duckdb

.PHONY: install demo site test lint typecheck check clean bench

$(BIN)/docfinder: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(BIN)/docfinder

demo: install
	rm -rf $(DEMO)
	$(BIN)/docfinder generate $(DEMO)/data --region ukiah --seed 7
	$(BIN)/docfinder ingest --db $(DEMO_DB) $(DEMO)/data/*.csv
	$(BIN)/docfinder search --db $(DEMO_DB) "metastasectomy in Ukia" --limit 5
	$(BIN)/docfinder search --db $(DEMO_DB) "best psoriasis doctors near me" --lat 39.15 --lon -123.21 --limit 5

# The web site on the demo store (built first when missing); prints the URL to open.
site: install
	test -f $(DEMO_DB) || $(MAKE) demo
	$(BIN)/docfinder serve --db $(DEMO_DB)

test: install
	$(BIN)/pytest -n 2 -q

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: install
	$(BIN)/mypy

check: lint typecheck test

# The benchmark suite (docs/performance.md): one JSON result in bench/results/ and a table.
# SCALE=0.01 (the default, a few minutes), 0.1 or 1.0; more options in BENCH_ARGS, e.g.
# BENCH_ARGS="--data DIR" or "--db STORE" (python -m bench --help lists them).
SCALE ?= 0.01
BENCH_ARGS ?=
$(VENV)/.bench-deps: pyproject.toml $(BIN)/docfinder
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	touch $@

bench: $(VENV)/.bench-deps
	$(BIN)/python -m bench --scale $(SCALE) $(BENCH_ARGS)

clean:
	rm -rf $(DEMO) .pytest_cache .mypy_cache .ruff_cache
