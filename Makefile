# One-command set-up: `make run` serves the platform with demo data, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/tsconfig.json -type f 2>/dev/null)
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/0
PYTEST_ARGS ?=

.PHONY: help install frontend migrate demo run serve worker test test-suite test-production lint types \
        check-migrations test-frontend test-browser clean bench-search bench-auction bench-import bench-settlement \
        bench-stats

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP) ## create .venv and install the package with its test tools

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	cd frontend && npm run build --silent

frontend: frontend/dist/index.html ## build the single-page app into frontend/dist

migrate: install ## apply database migrations
	$(BIN)/marketplace migrate

demo: migrate ## load demo data (only into an empty database)
	$(BIN)/marketplace demo

run: install frontend demo ## set everything up and serve on http://127.0.0.1:8000 with demo data
	$(BIN)/marketplace serve

serve: install ## serve without set-up steps
	$(BIN)/marketplace serve

worker: install ## run the arq worker (needs REDIS_URL)
	$(BIN)/marketplace worker

lint: install ## ruff lint + format check + import contracts
	$(BIN)/ruff check --no-cache src tests benchmarks
	$(BIN)/ruff format --no-cache --check src tests benchmarks
	$(BIN)/lint-imports --no-cache

types: install ## mypy --strict on src/
	$(BIN)/mypy

check-migrations: install ## fail when models and committed migrations disagree
	$(BIN)/marketplace makemigrations --check

test-frontend: frontend ## frontend unit tests (vitest)
	cd frontend && npm test --silent

# Two pytest workers (pytest-xdist; each has its own private database and Redis namespace) run everything but
# the tests marked `alone` (tests/faults, tests/browser and a few that measure time), which then run by
# themselves. Exit code 5 is pytest's "nothing selected" (PYTEST_ARGS naming only one kind).
XDIST ?= -n 2
test-suite: install frontend ## pytest: unit, integration, e2e, browser
	$(BIN)/pytest $(XDIST) -m "not alone" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(BIN)/pytest -m alone $(PYTEST_ARGS) || [ $$? -eq 5 ]

test: lint types check-migrations test-frontend test-suite ## the whole suite on the configured profile

# tests/unit hold pure rules (no database, no Redis, no app): the embedded pass runs them, the production pass
# would only repeat them, so it leaves them out.
test-production: ## the pytest suite against PostgreSQL and Redis (see PG_TEST_URL, REDIS_TEST_URL)
	DATABASE_URL=$(PG_TEST_URL) REDIS_URL=$(REDIS_TEST_URL) $(MAKE) test-suite PYTEST_ARGS="--ignore=tests/unit $(PYTEST_ARGS)"

clean: ## remove build outputs and the local database
	rm -rf $(VENV) frontend/node_modules frontend/dist var

bench-search: install ## search benchmark: 100k listings, adapter vs HTTP vs naive SQL (see docs/benchmarks.md)
	$(BIN)/python -m benchmarks.search $(BENCH_ARGS)

bench-auction: install ## live-auction benchmark: watchers and bidders over WebSockets vs a bare relay (see docs/benchmarks.md)
	$(BIN)/python -m benchmarks.auction $(BENCH_ARGS)

bench-import: install ## /healthz latency while hostile spreadsheets are imported, vs the same parsing on the event loop
	$(BIN)/python -m benchmarks.imports $(BENCH_ARGS)

bench-settlement: install ## settling a 1,000-lot session vs bulk inserts of its rows; a balance read vs SUM over 1M entries
	$(BIN)/python -m benchmarks.settlement $(BENCH_ARGS)

bench-stats: install ## annual report over the national dataset: import rows/s, release build, report p50/p95 vs DuckDB
	$(BIN)/python -c 'import duckdb' 2>/dev/null || $(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m benchmarks.stats $(BENCH_ARGS)
