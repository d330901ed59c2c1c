# LocalLots. `make run` and `make test` are all a new developer needs (Python 3.11+ and git).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails point at the server make run starts (PORT=8101: links to 8101); SITE_URL,
# when set, wins (procurement/settings.py).
LINK_HOST := $(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST))
SERVER_ENV := DEV_SERVER_URL=http://$(LINK_HOST):$(PORT)

.PHONY: run setup install assets migrate refdata demo test lint format bench clean

$(STAMP): pyproject.toml requirements/constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("LocalLots needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==26.0.1"
	$(PY) -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	touch $(STAMP)

# The front-end (GOV.UK Frontend, htmx) comes from npm, pinned in package.json and
# package-lock.json, and is built into static/vendor/ (git-ignored). Needs Node 18+ and npm.
NODE_STAMP := node_modules/.installed
ASSETS := static/vendor/.built

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "LocalLots needs Node.js 18+ and npm to build its front-end (see README)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(ASSETS): $(NODE_STAMP) assets/build.mjs $(wildcard static/scss/*.scss)
	npm run --silent build
	touch $(ASSETS)

assets: $(ASSETS)

install: $(STAMP) $(ASSETS)

# Each step does only what is missing, so a second make run is quick. Django's system checks
# run once, when the server starts, rather than in every step (--skip-checks).
migrate: install
	@echo "Migrating the database..."
	@$(PY) manage.py migrate --noinput --skip-checks --verbosity 0

# The reference data shipped in sectors/data/ and places/data/ (the CPV list, the B postcode
# districts, the East Birmingham wards), each loaded only when the database lacks that copy.
refdata: migrate
	@$(PY) manage.py load_cpv --skip-checks
	@$(PY) manage.py load_postcodes --skip-checks

# seed_demo loads the shipped reference data first (as refdata does), then the demo.
demo: migrate
	@$(SERVER_ENV) $(PY) manage.py seed_demo --skip-checks

setup: demo

run: setup
	@$(SERVER_ENV) DJANGO_RUNSERVER_HIDE_WARNING=true $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# The matching benchmarks (bench/matching.py), on a database of their own: locallots_bench on
# the PostgreSQL server of DATABASE_URL (created when missing), else a SQLite file in the
# temporary folder. The generated dataset is kept and reused. BENCH_ARGS=--quick: a smoke run.
# Then search_p95_ms: the opportunity search served by gunicorn with the production settings
# (bench/search.py). BENCH_ARGS="--only search" runs that alone.
bench: install
	@$(PY) -m bench.matching $(BENCH_ARGS)

# lint-imports checks the dependency chain of DESIGN section 2 and that the engine imports no
# Django (the contracts are [tool.importlinter] in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports --no-logo

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles db.sqlite3 .pytest_cache .import_linter_cache .grimp_cache
