# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast test-tools lint format seed bench bench-mix check-deploy clean backup restore
.PHONY: messages compilemessages

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Reinstall only when the requirement files change.
$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

# Local settings for development: DEBUG on and a random secret key, never committed.
.env:
	@printf 'DJANGO_DEBUG=on\nDJANGO_SECRET_KEY=%s\n' "$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "Created .env for local development (DEBUG on, random secret key)."

# The site, the task worker (database backend) and the scheduler, in one terminal: Ctrl-C
# stops all three (and when the site stops, the other two are stopped too).
run: $(VENV)/.installed .env compilemessages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seed --if-empty
	$(PY) manage.py create_local_admin
	@trap 'kill $$(jobs -p) 2>/dev/null; wait' EXIT INT TERM; \
	$(PY) manage.py db_worker & \
	$(PY) manage.py run_scheduler & \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite, as CI runs it: ruff, the migrations check, then every test in TEST_WORKERS
# processes (pytest-xdist; "auto" = one per core). Tests never read .env nor use REDIS_URL
# (pyproject.toml, docs/testing.md). PYTEST_ARGS narrows it: make test PYTEST_ARGS="tests/api -k csv".
TEST_WORKERS ?= auto
PYTEST_ARGS ?=
# What a run keeps for the next ones goes to a temporary folder of this checkout's own, never
# into the project (tests/resources.py TEST_CACHE computes the same default): the migrated test
# databases, Hypothesis's tables, and bytecode, cached even where the shell sets
# PYTHONDONTWRITEBYTECODE: otherwise every worker, and every Python a test starts, compiles the
# project again, and pytest rewrites every test module's assertions again (~5 s of CPU each).
OSCE_TEST_CACHE_DIR ?= $(or $(TMPDIR),/tmp)/osce-portal-tests-$(shell printf %s '$(CURDIR)' | sha256sum | cut -c1-12)
PYTEST_ENV := env -u PYTHONDONTWRITEBYTECODE OSCE_TEST_CACHE_DIR=$(OSCE_TEST_CACHE_DIR) \
	PYTHONPYCACHEPREFIX=$(OSCE_TEST_CACHE_DIR)/pycache
PYTEST := $(PYTEST_ENV) $(VENV)/bin/pytest -n $(TEST_WORKERS)
test: $(VENV)/.installed-dev test-tools compilemessages
	$(VENV)/bin/ruff check .
	DJANGO_DEBUG=on DATABASE_URL=sqlite://:memory: $(PY) manage.py makemigrations --check --dry-run
	$(PYTEST) $(PYTEST_ARGS)

# The inner loop: everything but the slowest end-to-end tests (marker `slow`: the browser and
# deployment tests, the schema fuzzing), keeping the test database between runs (--reuse-db).
test-fast: $(VENV)/.installed-dev compilemessages
	$(PYTEST) -m "not slow" --reuse-db $(PYTEST_ARGS)

# Chromium, nginx, Java with the Nu HTML Checker, Node with the pinned Observatory scanner:
# installed as CI installs them (apt-get as root), so every test runs here as in CI.
test-tools:
	@bash scripts/install-test-tools

# Interface translations (docs/translations.md): the .po catalogs in locale/ are committed, the
# compiled .mo files are built here (GNU gettext's msgfmt) and never committed.
# `make messages` brings every catalog up to date with the source (new strings arrive
# untranslated: translate them, tests/test_translations.py fails until they are).
# Run only when a .mo file is missing or older than its .po (a Django start-up saved per run).
MESSAGES_IGNORE := --ignore=.venv --ignore=tests --ignore=scripts --ignore=staticfiles --ignore=docs --ignore=deploy
compilemessages: $(VENV)/.installed
	@for po in locale/*/LC_MESSAGES/*.po; do [ "$${po%.po}.mo" -nt "$$po" ] || stale=1; done; \
	if [ -n "$$stale" ]; then \
		echo "Compiling the interface translations (manage.py compilemessages)"; \
		DJANGO_DEBUG=on DATABASE_URL=sqlite://:memory: $(PY) manage.py compilemessages $(MESSAGES_IGNORE) -v0; \
	fi

messages: $(VENV)/.installed
	DJANGO_DEBUG=on DATABASE_URL=sqlite://:memory: $(PY) manage.py makemessages $(MESSAGES_IGNORE) \
		--no-obsolete -l fr -l de -l it -l ru -l es

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

seed: $(VENV)/.installed .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seed

# Public pages and the API against a bare view, uncached and cached, single requests and wrk
# throughput, with BENCH_COUNT synthetic commitments in DATABASE_URL (PostgreSQL or SQLite;
# created once, kept for the next run; `manage.py seed_synthetic --delete`). Installs Debian's
# wrk when it is missing (needs root); BENCH_PORT=0 picks a free port.
BENCH_COUNT ?= 100000
BENCH_PORT ?= 0
BENCH_ARGS ?=
bench: $(VENV)/.installed
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL (postgres://… or sqlite:///…)."; exit 1; }
	@command -v wrk >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null \
		|| echo "wrk is not installed: throughput columns stay empty (apt-get install wrk)."; }
	$(PY) scripts/bench.py --count $(BENCH_COUNT) --port $(BENCH_PORT) $(BENCH_ARGS)

# The bounded-pages load mix (docs/benchmark.md): the home page's p99 alone and while other
# clients ask for the matrix, timeline, sitemap and random searches, against a running site.
BENCH_ADDRESS ?= http://127.0.0.1:8000
BENCH_SECONDS ?= 30
bench-mix: $(VENV)/.installed
	$(PY) scripts/bench_mix.py $(BENCH_ADDRESS) $(BENCH_SECONDS)

# Database backups (django-dbbackup), gzip-compressed, into DJANGO_BACKUP_DIR (default
# ./backups); the newest DJANGO_BACKUP_KEEP are kept. `make restore` restores the newest one
# (or BACKUP=file-name), then migrates, rebuilds the search index and renews the caches.
backup: $(VENV)/.installed
	$(PY) manage.py dbbackup --compress --clean --noinput

restore: $(VENV)/.installed
	$(PY) manage.py dbrestore --uncompress --noinput $(if $(BACKUP),--input-filename $(BACKUP))
	$(PY) manage.py after_restore

# `manage.py check --deploy` with production-like settings (debug off, a throw-away secret key,
# the shared cache): what a production deploy must pass. The real environment's values win.
check-deploy: $(VENV)/.installed
	DJANGO_DEBUG=off DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-portal.example.org}" \
	REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/0}" \
	$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
