# OCOP platform — everyday commands. `make run` and `make test` are all a new machine needs.
SHELL := /bin/bash
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PYTHON_FOR_VENV := $(shell scripts/find-python)
MANAGE := $(PY) manage.py
# `make run` is the development server: DEBUG on unless the caller says otherwise, and the
# addresses it prints (QR codes, PDFs, e-mails) on the host and port it serves, unless SITE_URL
# is set.
DEV := DEBUG=$${DEBUG:-true} SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}

.PHONY: help install demo run test test-browser lint fmt messages bench clean

help:
	@echo "make run      install, migrate, load the Điện Biên demo, serve on http://$(HOST):$(PORT) with the task worker"
	@echo "make test     run the whole test suite (SQLite; DATABASE_URL selects PostgreSQL)"
	@echo "make lint     ruff check + format check;  make fmt  format the code"
	@echo "make messages extract and compile the translations (needs gettext)"
	@echo "make bench    benchmark at national scale (SQLite, and PostgreSQL if reachable)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON_FOR_VENV)" || { echo "Python >= 3.12 not found (see .python-version)"; exit 1; }
	test -x $(PY) || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

demo: install
	$(DEV) $(MANAGE) migrate --no-input
	$(DEV) $(MANAGE) seed_demo

run: demo
	@$(DEV) $(MANAGE) demo_logins --host $(HOST) --port $(PORT)
	@trap 'kill 0' EXIT INT TERM; \
	$(DEV) $(MANAGE) db_worker & \
	$(DEV) $(MANAGE) runserver $(HOST):$(PORT) --noreload

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
	$(DEV) $(MANAGE) makemessages -l vi --no-obsolete --no-location --ignore=.venv --ignore=node_modules --ignore=staticfiles
	$(DEV) $(MANAGE) compilemessages -l vi --ignore=.venv

# The load run uses Debian's wrk when it is there (scripts/load.py); install it where we can.
bench: install
	@command -v wrk >/dev/null || apt-get install -y wrk >/dev/null 2>&1 || echo "wrk is not installed: the load run uses Python clients (a lower bound)"
	$(PY) scripts/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
