# CODITECT License Platform — `make run` serves it, `make test` proves it.
SHELL := /bin/bash
# The tests start dozens of Python processes (xdist workers, servers, manage.py): each
# would compile every module again if the environment forbids writing bytecode. The
# caches (__pycache__, ignored by git) are what Python writes by default.
unexport PYTHONDONTWRITEBYTECODE
UV := uv
MANAGE := $(UV) run python backend/manage.py
PG_URL ?= postgres://postgres@127.0.0.1:5432/coditect
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# The backend runs spread over TEST_WORKERS pytest-xdist processes (0: one process).
# Each worker clears a Redis database of its own: one number per worker, all free.
TEST_WORKERS ?= 2
TEST_REDIS_WORKER_DBS ?= 1,2
# Tests are handed out one by one (`--dist load`): Schemathesis gives all its tests one
# node id, which the by-file and by-group modes of xdist would run only once.
XDIST = $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --max-worker-restart=0)
BACKEND_TEST_ENV = TEST_REDIS_WORKER_DBS=$(TEST_REDIS_WORKER_DBS)
# `make test` prints each stage's wall time at the end (also kept in this file).
STAGE_TIMES := var/test-stage-times
TEST_STAGES := lint test-backend-pg test-backend-sqlite coverage test-sdk test-deploy test-frontend e2e

.PHONY: help setup run test lint format schema services test-backend test-backend-pg test-backend-sqlite coverage test-sdk test-deploy soak frontend dev-frontend test-frontend e2e screenshots bench

help:
	@echo "make run     set up and serve on http://127.0.0.1:8000 (SQLite, SQL seat store)"
	@echo "make test    lint, then every test against PostgreSQL, Redis and SQLite (prints each stage's time)"
	@echo "make screenshots  refresh docs/screenshots from the end-to-end run"
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

# Every test on PostgreSQL and Redis; then, on SQLite, the tests whose behaviour can
# differ by database (marker `sqlite`, README "Tests"); coverage counts both runs.
test-backend: test-backend-pg test-backend-sqlite coverage

coverage: setup
	$(UV) run coverage report --fail-under=90

test-backend-pg: setup services
	rm -f .coverage .coverage.*
	DATABASE_URL=$(PG_URL) REDIS_URL=$(TEST_REDIS_URL) DATA_DIR=$(CURDIR)/var/test-pg $(BACKEND_TEST_ENV) \
	  $(UV) run pytest backend $(XDIST) --cov --cov-report= --durations=10

test-backend-sqlite: setup services
	DATA_DIR=$(CURDIR)/var/test-sqlite TEST_REDIS_URL=$(TEST_REDIS_URL) $(BACKEND_TEST_ENV) \
	  $(UV) run pytest backend -m sqlite $(XDIST) --cov --cov-append --cov-report= --durations=10

# Two workers, each with a license server of its own: the SDK's tests mostly wait (TTLs).
test-sdk: setup
	$(UV) run pytest sdk/tests $(if $(filter-out 0,$(TEST_WORKERS)),-n 2) --durations=5

# checkov lives in its own tool environment: it ships a module named like
# python-hcl2's and would shadow it in the project's.
test-deploy: setup
	@command -v checkov >/dev/null 2>&1 || $(UV) tool install --quiet checkov==3.3.30
	PATH="$$HOME/.local/bin:$$PATH" $(UV) run pytest deploy/tests

test-frontend: $(FRONTEND_DEPS)
	cd frontend && npm run lint && npm test

# Browser end-to-end tests: Playwright drives Debian's Chromium against the real backend.
# Their screenshots go to var/screenshots (ignored); `make screenshots` refreshes the
# committed ones in docs/screenshots.
e2e: setup $(FRONTEND_DEPS)
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)
	cd frontend && npm run e2e

screenshots: setup $(FRONTEND_DEPS)
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)
	cd frontend && SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots npm run e2e

# Every stage, even after one fails (the exit status is the first failure's), then
# each stage's wall time and the load of the machine.
test:
	@mkdir -p var && : > $(STAGE_TIMES)
	@status=0; for stage in $(TEST_STAGES); do \
	  start=$$(date +%s); $(MAKE) --no-print-directory $$stage; code=$$?; \
	  [ $$status -ne 0 ] || status=$$code; \
	  printf '%-22s %5ss  %s\n' $$stage $$(( $$(date +%s) - start )) $$([ $$code -eq 0 ] && echo ok || echo FAILED) >> $(STAGE_TIMES); \
	done; \
	echo; echo "Wall time per stage (load average now: $$(cut -d' ' -f1-3 /proc/loadavg)):"; \
	cat $(STAGE_TIMES); \
	awk '{t += $$2} END {printf "%-22s %5ds\n", "total", t}' $(STAGE_TIMES); \
	exit $$status

# Hot-path and scale benchmarks on the production stack (bench/README.md):
# about 15 minutes; BENCH_QUICK=1 for a smoke run under 2 minutes.
bench: setup services
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk)
	$(UV) run --with matplotlib python bench/run.py

# The long variants: many more Schemathesis examples per operation.
soak: setup services
	DATABASE_URL=$(PG_URL) REDIS_URL=$(TEST_REDIS_URL) DATA_DIR=$(CURDIR)/var/test-soak \
	  SCHEMATHESIS_EXAMPLES=200 $(UV) run pytest backend/core/tests/test_schemathesis.py backend/licenses/tests/test_faults.py
