# Fallmanagement — two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BROWSER_STAMP := tests/browser/node_modules/.installed
# BROWSER_TESTS=0 make test runs the suite without the Playwright journeys (no Chromium, no npm needed).
BROWSER_TESTS ?= 1

.PHONY: install run test bench lint format clean browser-deps

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "make: Python 3.11 mit venv fehlt (z. B. apt-get install python3-venv)."; exit 2; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Embedded PostgreSQL (unless DATABASE_URL is set), migrations, demo data, gunicorn and the job scheduler on
# http://127.0.0.1:$(PORT) (default 8000); Ctrl+C stops all of it. See fallmanagement/devserver.py.
run: $(STAMP)
	@$(BIN)/python -m fallmanagement.devserver run

# The whole suite on PostgreSQL: DATABASE_URL if set, else the machine's server on 127.0.0.1:5432, else the
# embedded one. Installs what the browser journeys need first.
test: $(STAMP) $(if $(filter 1,$(BROWSER_TESTS)),browser-deps)
	@BROWSER_TESTS=$(BROWSER_TESTS) DJANGO_DEBUG=1 $(BIN)/python -m fallmanagement.devserver exec -- \
	  $(BIN)/python -m pytest $(PYTEST_ARGS)

browser-deps: $(BROWSER_STAMP)
	@command -v $${FM_CHROMIUM:-chromium} >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installiere Chromium für die Browser-Tests (apt-get) …"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else \
	    echo "make: Chromium fehlt für die Browser-Tests: sudo apt-get install chromium (oder BROWSER_TESTS=0 make test)."; \
	    exit 2; \
	  fi; }

$(BROWSER_STAMP): tests/browser/package.json tests/browser/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "make: npm fehlt für die Browser-Tests: sudo apt-get install npm (oder BROWSER_TESTS=0 make test)."; exit 2; }
	cd tests/browser && npm ci --no-audit --no-fund --silent
	touch $(BROWSER_STAMP)

bench: $(STAMP)
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/fm_bench_pages} DJANGO_DEBUG=0 \
	  DJANGO_SECRET_KEY=bench-only DJANGO_SECURE_SSL_REDIRECT=0 $(BIN)/python -m benchmarks.run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Removes the virtualenv, static files and the embedded database with its demo data (.local/).
clean:
	rm -rf $(VENV) staticfiles .local tests/browser/node_modules
