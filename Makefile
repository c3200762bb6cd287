# Two commands on a fresh machine: `make demo` and `make test`. Both build .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_ARGS ?=
PYTEST_ARGS ?=

.PHONY: test demo lint typecheck bench clean browser

# The router's C search is built by the install: rebuilt when its source changes.
$(STAMP): pyproject.toml setup.py src/silkpost/network/_router.c
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks data
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest -q -n 2 --dist loadgroup --doctest-modules --ignore=src/silkpost/store/migrations src/silkpost tests $(PYTEST_ARGS)

demo: $(STAMP)
	$(BIN)/silkpost demo $(DEMO_ARGS)

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,bench]'  # the router's peer, nigiri
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b --quick || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache demo
