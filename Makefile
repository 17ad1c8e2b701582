# Rapport: the commands the README gives. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test lint format migrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-app

## run: install, migrate the SQLite database under instance/, seed the demo firm once, serve on PORT
run: $(VENV)/.installed-app
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "Rapport is starting on http://127.0.0.1:$(PORT)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## test: install what the tests need and run them all (TEST_DATABASE_URL selects PostgreSQL)
test: $(VENV)/.installed-test
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: $(VENV)/.installed-app
	$(FLASK) db upgrade

clean:
	rm -rf $(VENV) *.egg-info tests/browser/artifacts
