# Rapport: the commands the README gives. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FAKE_TWILIO_PORT ?= 5099
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test lint format migrate bench bench-scheduler bench-explain bench-scaling bench-instructions clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-app

# make run talks to the fake Twilio unless your environment names a real account.
run: export TWILIO_ACCOUNT_SID ?= ACfake00000000000000000000000000000
run: export TWILIO_AUTH_TOKEN ?= fake-auth-token
run: export TWILIO_SMS_FROM ?= +15005550006
run: export TWILIO_WHATSAPP_FROM ?= +14155238886
run: export TWILIO_API_BASE_URL ?= http://127.0.0.1:$(FAKE_TWILIO_PORT)
run: export PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)

## run: install, migrate the SQLite database under instance/, seed the demo firm once, serve on
## PORT with the scheduler inside it and the fake Twilio beside it on FAKE_TWILIO_PORT
run: $(VENV)/.installed-app
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "Rapport is starting on http://127.0.0.1:$(PORT)"
	$(FLASK) fake-twilio --port $(FAKE_TWILIO_PORT) & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	RAPPORT_SCHEDULER=background $(FLASK) run --host 127.0.0.1 --port $(PORT)

## test: install what the tests need and run them all (TEST_DATABASE_URL selects PostgreSQL)
test: $(VENV)/.installed-test
	$(BIN)/pytest

## bench: the firm at scale (100,000 contacts, 1,000,000 life events and messages, 500,000 actions) on
## PostgreSQL, served by gunicorn and driven from a second process; writes bench/results.md.
## BENCH_SCALE=0.01 makes a quick try; bench/README.md lists the other settings.
bench: $(VENV)/.installed-app
	$(BIN)/python -m bench.run

## bench-explain: EXPLAIN (ANALYZE, BUFFERS) of every query behind each measured endpoint, on the
## same firm; writes bench/explain/
bench-explain: $(VENV)/.installed-app
	$(BIN)/python -m bench.explain

## bench-instructions: the instructions the web worker runs for one request of each endpoint,
## counted by callgrind (Debian's valgrind): the same from run to run, for comparing versions;
## writes bench/instructions.md. BENCH_DATABASE_URL=... measures a firm generated before
bench-instructions: $(VENV)/.installed-app
	$(BIN)/python -m bench.instructions $(BENCH_DATABASE_URL)

## bench-scaling: each endpoint's ratio at BENCH_SCALE=0.1 and 1 side by side (bench/scaling.md
## and scaling.svg), from the figures the two runs of make bench left
bench-scaling: $(VENV)/.installed-app
	$(BIN)/python -m bench.scaling

## bench-scheduler: one scheduler tick over the same firm, on SQLite and PostgreSQL
bench-scheduler: $(VENV)/.installed-app
	$(BIN)/python -m bench.scheduler

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
