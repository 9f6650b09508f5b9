# Passage: the two commands are `make run` and `make test`. Both are safe to run twice.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test test-pg lint bench soak setup demo messages clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

## make run: set up, migrate SQLite, load the demo (once), start web + worker on http://127.0.0.1:$(PORT)
run: setup
	PORT=$(PORT) bash scripts/run.sh

demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_seed

## make test: install what the tests need (Debian chromium included) and run the whole suite
test: setup
	bash scripts/test-deps.sh
	$(VENV)/bin/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

## the suite against PostgreSQL (DATABASE_URL, default: the local server)
test-pg: setup
	bash scripts/test-deps.sh
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/passage} $(VENV)/bin/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check passage

bench: setup
	bash scripts/bench.sh

## make soak: long fault runs on this machine's real services (restarts PostgreSQL: run it alone)
soak: setup
	.venv/bin/python scripts/soak/db_restart.py

messages: setup
	cd passage && ../$(PY) ../manage.py makemessages -l nl --no-obsolete && ../$(PY) ../manage.py compilemessages

clean:
	rm -rf var
