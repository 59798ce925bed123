# Wegwijzer: `make run` (install, migrate, load Utrecht content, serve) and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WW := $(BIN)/wegwijzer
PYTEST_ARGS ?= -n auto

.PHONY: run install assets migrate content serve test lint typecheck bench clean

run: install migrate content serve

$(BIN)/python:
	"$$(./scripts/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the lock file or project metadata change.
$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed assets

assets: node_modules/.installed

migrate: install
	@mkdir -p var
	$(WW) migrate --noinput

content: migrate
	$(WW) content load --if-empty

serve:
	$(WW) serve --port $(PORT)

test: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench || true

typecheck: install
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3* var/static
