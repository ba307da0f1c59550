# Insikt: `make run` starts everything embedded; `make test` runs the whole suite on real
# PostgreSQL and Kafka (started from deploy/local when nothing else is given).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SOURCES := services/common/src services/survey-api/src services/outcome-api/src services/reporting/src

.PHONY: run test lint format typecheck schemas system-deps kafka-jars clean help

help:
	@echo "make run    start the three services embedded (SQLite, in-process bus) with demo data"
	@echo "make test   lint, type-check and run every test on real PostgreSQL and Kafka"

$(STAMP): requirements-dev.txt constraints.txt services/*/pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) deploy/embedded/run.py

system-deps:
	bash deploy/local/install-system-deps.sh

kafka-jars: system-deps
	$(PY) deploy/local/kafka_broker.py jars

lint: $(STAMP)
	$(VENV)/bin/ruff check services tests deploy
	$(VENV)/bin/ruff format --check services tests deploy

# mypy in separate runs: each services/*/tests alone (no __init__.py, and they share module names
# such as test_api), and deploy alone (on the search path, deploy/local/kafka hides the kafka package).
typecheck: $(STAMP)
	@status=0; for paths in "$(SOURCES) tests bench" deploy $(wildcard services/*/tests); do \
		$(VENV)/bin/mypy --no-error-summary $$paths || status=1; \
	done; \
	test $$status = 0 && echo "mypy: no issues in services/*/src, tests, bench, deploy, services/*/tests"

format: $(STAMP)
	$(VENV)/bin/ruff check --fix services tests deploy
	$(VENV)/bin/ruff format services tests deploy

schemas: $(STAMP)
	$(PY) -m insikt_common.contracts.generate

test: $(STAMP) kafka-jars lint typecheck
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .run .pytest_cache .mypy_cache .ruff_cache

# A development bearer token (HS256, refused in production): make token ARGS="--roles staff --units 0580-IFO01"
.PHONY: token
token:
	@$(PY) -m insikt_common.auth $(ARGS)

# Benchmarks (not tests; nothing fails on time): the quick profile, or the full one with FULL=1.
# Prints each figure beside its target and writes bench/results/<timestamp>.json. BENCH_ARGS
# passes more options, e.g. BENCH_ARGS=--py-spy to profile survey-api under load.
.PHONY: bench
bench: $(STAMP)
	$(PY) -m bench $(if $(FULL),--full) $(BENCH_ARGS)
