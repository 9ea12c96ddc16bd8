# The two commands: `make run` (install, migrate, load Module 4, seed the demo, serve) and
# `make test` (install what tests need, run them). Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := trainer
export TRAINER_ENV ?= development

.PHONY: run install install-dev test-tools serve seed migrate content translations extract-messages test test-postgres test-all lint format bench load clean

run: install translations migrate content seed serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Test tooling from npm (axe-core, injected into pages by the browser journeys), pinned by
# package-lock.json. The app itself never loads anything from npm or any other host.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	scripts/ensure-npm.sh
	npm ci --no-audit --no-fund
	touch $@

test-tools: $(AXE)

translations: install
	$(BIN)/pybabel compile -d trainer/translations

migrate: install
	$(BIN)/flask db upgrade

content: install
	$(BIN)/flask content check

seed: install
	$(BIN)/flask demo seed

serve: install
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: install-dev translations test-tools
	scripts/ensure-chromium.sh
	$(BIN)/pytest

test-postgres: install-dev translations test-tools
	scripts/ensure-chromium.sh
	scripts/with-postgres.sh $(BIN)/pytest

test-all: test test-postgres

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -c pyproject.toml -r . --severity-level medium --quiet

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache

# Speed and scale: every main page at 50, 500 and 5,000 participants on SQLite and PostgreSQL
# (about 10-15 minutes on 2 cores); rewrites the generated part of docs/performance.md.
# BENCH_ARGS="--quick" for a smoke run, "--engines sqlite --sizes 500", "--no-docs"...
bench: install-dev translations
	$(BIN)/python bench/scale.py $(BENCH_ARGS)

# 200 participants for 2 minutes per scenario against gunicorn and a throwaway PostgreSQL, with faults
# (plain, kill-worker, restart-postgres, smtp-down); about 10 minutes. LOAD_ARGS="--duration 30" for less.
load: install-dev translations
	$(BIN)/python bench/load.py $(LOAD_ARGS)

extract-messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --sort-output -o trainer/translations/messages.pot .
	$(BIN)/pybabel update -w 120 -i trainer/translations/messages.pot -d trainer/translations --no-fuzzy-matching
