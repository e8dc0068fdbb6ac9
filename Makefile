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
TEST_STAGES := lint test-backend-pg test-backend-sqlite coverage test-sdk test-deploy test-frontend e2e sbom

.PHONY: help uv setup runtime run sbom test lint format schema services test-backend test-backend-pg test-backend-sqlite coverage test-sdk test-deploy soak frontend dev-frontend test-frontend e2e screenshots bench softhsm

# `make run` runs the server from the runtime packages alone: `uv run --no-sync` keeps
# uv from installing the development group back on each command.
SERVE := $(UV) run --no-sync python backend/manage.py
STEP := @printf '\n==> %s\n'

help:
	@echo "make run     install the runtime, build the dashboard, serve on http://HOST:PORT"
	@echo "             (SQLite and the SQL seat store unless DATABASE_URL / REDIS_URL are set)"
	@echo "make test    install everything, lint, then every test on PostgreSQL, Redis and SQLite"
	@echo "             (prints each stage's wall time at the end)"
	@echo "make screenshots  refresh docs/screenshots from the end-to-end run"
	@echo "make schema  regenerate openapi.yaml from the code"
	@echo ""
	@echo "Settings for make run (environment or make VAR=value; README, Configuration):"
	@echo "  PORT=8000        port to listen on"
	@echo "  HOST=127.0.0.1   address to listen on (0.0.0.0 for every interface)"
	@echo "  DATA_DIR=./var   SQLite file, signing key, demo login and key"

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv

# Everything: the runtime and the development group (tests, linters, deploy checks).
setup: uv
	$(UV) sync --frozen

# The runtime only: what the server needs, no test tools.
runtime: uv
	$(STEP) "Installing the server's Python packages (runtime only)"
	@$(UV) sync --frozen --no-dev --quiet

FRONTEND_DEPS := frontend/node_modules/.package-lock.json

$(FRONTEND_DEPS): frontend/package-lock.json
	$(STEP) "Installing the dashboard's packages (npm ci; about 20 s the first time)"
	@cd frontend && npm ci --no-audit --no-fund --progress

frontend: $(FRONTEND_DEPS)
	$(STEP) "Building the dashboard (about 15 s)"
	@cd frontend && npm run --silent build -- --logLevel warn

run: runtime frontend
	$(STEP) "Migrating the database (DATA_DIR=$${DATA_DIR:-var})"
	@$(SERVE) migrate --noinput --verbosity 0
	$(STEP) "Creating the demo organization, its admin and a 5-seat license (once)"
	@$(SERVE) setup_demo --verbosity 0
	$(STEP) "Starting the server on $${HOST:-127.0.0.1}:$${PORT:-8000}"
	@$(SERVE) serve

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

# The PKCS#11 signing root's tests run against SoftHSM2 (Debian's softhsm2), a real token.
softhsm:
	@test -e /usr/lib/softhsm/libsofthsm2.so || (apt-get update -qq && apt-get install -y -qq softhsm2)

test-backend-pg: setup services softhsm
	rm -f .coverage .coverage.*
	DATABASE_URL=$(PG_URL) REDIS_URL=$(TEST_REDIS_URL) DATA_DIR=$(CURDIR)/var/test-pg $(BACKEND_TEST_ENV) \
	  $(UV) run pytest backend $(XDIST) --cov --cov-report= --durations=10

test-backend-sqlite: setup services softhsm
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

# Software bills of materials (CycloneDX JSON): the server's runtime Python packages
# from the lock, and every npm package the dashboard is built from. Not
# `npm sbom --omit dev`: npm 11.19 then drops react and react-dom, which ship.
# deploy/tests/test_sbom.py runs this into a temporary folder and validates both.
SBOM_DIR ?= var/sbom
sbom: setup
	@mkdir -p $(SBOM_DIR)
	$(UV) export --frozen --no-dev --no-emit-workspace --no-hashes --quiet -o $(SBOM_DIR)/requirements.txt
	$(UV) run cyclonedx-py requirements $(SBOM_DIR)/requirements.txt --of JSON --sv 1.6 -o $(SBOM_DIR)/python.cdx.json
	cd frontend && npm sbom --sbom-format cyclonedx --package-lock-only > $(abspath $(SBOM_DIR))/dashboard.cdx.json
	$(UV) run python deploy/scripts/check_sbom.py $(SBOM_DIR)/python.cdx.json $(SBOM_DIR)/dashboard.cdx.json

# Hot-path and scale benchmarks on the production stack (bench/README.md):
# about 15 minutes; BENCH_QUICK=1 for a smoke run under 2 minutes.
bench: setup services softhsm
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk)
	$(UV) run --with matplotlib python bench/run.py

# The long variants: many more Schemathesis examples per operation.
soak: setup services
	DATABASE_URL=$(PG_URL) REDIS_URL=$(TEST_REDIS_URL) DATA_DIR=$(CURDIR)/var/test-soak \
	  SCHEMATHESIS_EXAMPLES=200 $(UV) run pytest backend/core/tests/test_schemathesis.py backend/licenses/tests/test_faults.py
