# The two commands that matter: `make run` (service with demo data) and `make test` (whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
# The test node has its own port and data folder: tests never touch the demo data.
TEST_ES_PORT ?= 9250
# Redis holds the rate-limit counters shared by every gunicorn worker (scripts/redis.sh).
REDIS_PORT ?= 6390
TEST_REDIS_PORT ?= 6391
# The demo's mail catcher (`locator mail catch`): what the demo sends is listed at /demo/mail.
MAIL_PORT ?= 1025

export PORT HOST

.PHONY: run test test-cluster setup venv widgets system-deps browser-deps es-start lint bench bench-index bench-peer clean

run: setup system-deps ## Set everything up and serve the API with demo data on $(HOST):$(PORT)
	scripts/redis.sh start $(REDIS_PORT)
	scripts/mailcatcher.sh start $(MAIL_PORT)
	$(BIN)/locator es start
	$(BIN)/locator demo load
	@scripts/banner.sh $(HOST) $(PORT)
	RATELIMIT_STORAGE_URI=$${RATELIMIT_STORAGE_URI:-redis://127.0.0.1:$(REDIS_PORT)/0} \
	  SMTP_URL=$${SMTP_URL:-smtp://127.0.0.1:$(MAIL_PORT)} DEMO_MAIL_DIR=$${DEMO_MAIL_DIR:-$(CURDIR)/.locator/mail} \
	  exec $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

test: setup system-deps browser-deps ## Set everything up and run the whole test suite against a real node
	cd widgets && node --test test/
	scripts/redis.sh start $(TEST_REDIS_PORT)
	ES_PORT=$(TEST_ES_PORT) $(BIN)/locator es start
	ES_PORT=$(TEST_ES_PORT) RATELIMIT_STORAGE_URI=redis://127.0.0.1:$(TEST_REDIS_PORT)/0 \
	  $(BIN)/pytest $(PYTEST_ARGS)

# `make test` runs these too; this target runs only them. The tests start (and stop) their own
# three nodes on ports 9261-9263 (tests/cluster/conftest.py).
test-cluster: setup system-deps ## Only the three-node cluster tests: node failures, red shard, agreement
	scripts/redis.sh start $(TEST_REDIS_PORT)
	ES_PORT=$(TEST_ES_PORT) $(BIN)/locator es start
	ES_PORT=$(TEST_ES_PORT) RATELIMIT_STORAGE_URI=redis://127.0.0.1:$(TEST_REDIS_PORT)/0 \
	  $(BIN)/pytest tests/cluster $(PYTEST_ARGS)

setup: venv widgets

system-deps: ## Install the system packages the service runs with (Redis; openssl for the TLS mail test), when missing
	@command -v redis-server >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server; }
	@command -v openssl >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssl; }

browser-deps: ## Install Debian's Chromium for the browser tests, when missing (browser downloads fail here)
	@test -x /usr/bin/chromium || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core fonts-liberation; }

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

widgets: widgets/node_modules/.installed
	cd widgets && node build.mjs

widgets/node_modules/.installed: widgets/package.json widgets/package-lock.json
	cd widgets && npm ci --no-audit --no-fund
	touch $@

lint: venv
	$(BIN)/ruff check .

bench: setup
	scripts/bench.sh

bench-index: setup ## Indexing benchmark: `locator index stock` vs raw _bulk, 2 million documents
	$(BIN)/python -m bench.bench_index $(BENCH_ARGS)

bench-peer: setup ## Side by side with a PostGIS locator (installs wrk, PostgreSQL, PostGIS when missing)
	@command -v wrk >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
	$(BIN)/python -m bench.bench_peer $(BENCH_ARGS)

clean:
	rm -rf $(VENV) widgets/node_modules static/vendor .locator
