# OCOP platform — everyday commands. `make run` and `make test` are all a new machine needs.
SHELL := /bin/bash
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PYTHON_FOR_VENV := $(shell scripts/find-python)
MANAGE := $(PY) manage.py

.PHONY: help install run serve worker test test-postgres test-browser lint fmt messages bench demo clean

help:
	@echo "make run      install, migrate, load the Điện Biên demo, serve on http://$(HOST):$(PORT) with the task worker"
	@echo "make test     run the whole test suite (SQLite; DATABASE_URL selects PostgreSQL)"
	@echo "make lint     ruff check + format check;  make fmt  format the code"
	@echo "make messages extract and compile the translations (needs gettext)"
	@echo "make bench    benchmark at national scale (not built yet)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON_FOR_VENV)" || { echo "Python >= 3.12 not found (see .python-version)"; exit 1; }
	test -x $(PY) || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

demo: install
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo

run: demo
	$(MANAGE) collectstatic --no-input --verbosity 0
	@$(MANAGE) demo_logins --host $(HOST) --port $(PORT)
	@trap 'kill 0' EXIT INT TERM; \
	$(MANAGE) db_worker & \
	$(MANAGE) runserver $(HOST):$(PORT) --noreload

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

test-browser: install
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	$(MANAGE) makemessages -l vi --no-obsolete --ignore=.venv --ignore=node_modules
	$(MANAGE) compilemessages -l vi --ignore=.venv

bench: install
	@echo "make bench: the national-scale benchmark is not built yet (see issue 'Statistics, reports and open data')."

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
