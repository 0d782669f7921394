# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
export PORT HOST

.PHONY: run test lint install check-python migrate demo serve clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "This project needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "Install Python 3.11+ and run again, or point at it: make PYTHON=python3.11 ..."; \
	  exit 1; }

$(STAMP): pyproject.toml | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: check-python $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

# Serves the site on http://$(HOST):$(PORT) with a Celery worker and beat beside
# it, on the embedded default (SQLite, file-system broker, file outboxes in var/).
# Ctrl-C stops all three.
run: demo
	@mkdir -p var/broker var/mail var/sms
	@echo ""
	@echo "  Site:      http://$(HOST):$(PORT)/"
	@echo "  API docs:  http://$(HOST):$(PORT)/api/docs/"
	@echo "  Admin:     http://$(HOST):$(PORT)/admin/"
	@echo "  Health:    http://$(HOST):$(PORT)/healthz"
	@echo "  Outboxes:  var/mail/ (e-mail), var/sms/ (SMS)"
	@echo "  Stop with Ctrl-C."
	@echo ""
	$(VENV)/bin/honcho -f Procfile start

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports

clean:
	rm -rf var/ .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
