# CODITECT License Platform — `make run` serves it, `make test` proves it.
SHELL := /bin/bash
UV := uv
MANAGE := $(UV) run python backend/manage.py
PG_URL ?= postgres://postgres@127.0.0.1:5432/coditect
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: help setup run test lint format schema services test-backend test-sdk test-deploy soak frontend dev-frontend test-frontend e2e bench

help:
	@echo "make run     set up and serve on http://127.0.0.1:8000 (SQLite, SQL seat store)"
	@echo "make test    lint, then every test against PostgreSQL, Redis and SQLite"
	@echo "make schema  regenerate openapi.yaml from the code"

setup:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen

FRONTEND_DEPS := frontend/node_modules/.package-lock.json

$(FRONTEND_DEPS): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

frontend: $(FRONTEND_DEPS)
	cd frontend && npm run build

run: setup frontend
	$(MANAGE) migrate --noinput
	$(MANAGE) setup_demo
	$(MANAGE) serve

schema: setup $(FRONTEND_DEPS)
	$(MANAGE) spectacular --file openapi.yaml --validate
	cd frontend && npm run gen:api

# Vite with a proxy to the API on 127.0.0.1:8000 (run `make run` in another shell).
dev-frontend: $(FRONTEND_DEPS)
	cd frontend && npm run dev

lint: setup
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run lint-imports

format: setup
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

# The shared services of this machine; started only if they are down.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && exit 0; sleep 1; done; \
	  echo "PostgreSQL or Redis did not come up on 127.0.0.1" >&2; exit 1

test-backend: setup services
	rm -f .coverage .coverage.*
	DATABASE_URL=$(PG_URL) REDIS_URL=$(TEST_REDIS_URL) DATA_DIR=$(CURDIR)/var/test-pg \
	  $(UV) run pytest backend --cov --cov-report=
	DATA_DIR=$(CURDIR)/var/test-sqlite TEST_REDIS_URL=$(TEST_REDIS_URL) \
	  $(UV) run pytest backend -m sqlite --cov --cov-append --cov-report=term --cov-fail-under=90

test-sdk: setup
	$(UV) run pytest sdk/tests

# checkov lives in its own tool environment: it ships a module named like
# python-hcl2's and would shadow it in the project's.
test-deploy: setup
	@command -v checkov >/dev/null 2>&1 || $(UV) tool install --quiet checkov==3.3.30
	PATH="$$HOME/.local/bin:$$PATH" $(UV) run pytest deploy/tests

test-frontend: $(FRONTEND_DEPS)
	cd frontend && npm run lint && npm test

# Browser end-to-end tests: Playwright drives Debian's Chromium against the real backend.
e2e: setup $(FRONTEND_DEPS)
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)
	cd frontend && npm run e2e

test: lint test-backend test-sdk test-deploy test-frontend e2e

# Hot-path and scale benchmarks on the production stack (bench/README.md):
# about 15 minutes; BENCH_QUICK=1 for a smoke run under 2 minutes.
bench: setup services
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk)
	$(UV) run --with matplotlib python bench/run.py

# The long variants: many more Schemathesis examples per operation.
soak: setup services
	DATABASE_URL=$(PG_URL) REDIS_URL=$(TEST_REDIS_URL) DATA_DIR=$(CURDIR)/var/test-soak \
	  SCHEMATHESIS_EXAMPLES=200 $(UV) run pytest backend/core/tests/test_schemathesis.py backend/licenses/tests/test_faults.py
