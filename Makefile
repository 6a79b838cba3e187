# Two commands from a fresh clone: `make run` and `make test`. Both need only Python 3.11+ and make.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate seed worker beat lint check bench clean-venv

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

seed: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo

# QR codes and printed links point at the address being served.
run: export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
run: seed
	@# Collected with the production (manifest) storage, so a missing referenced file fails here too.
	DEBUG=1 STATIC_MANIFEST=1 $(BIN)/python manage.py collectstatic --noinput -v0
	@DEBUG=1 $(BIN)/python manage.py demo_logins
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

check: install
	DEBUG=1 $(BIN)/python manage.py check
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# Production-like processes: set DATABASE_URL, REDIS_URL (and SECRET_KEY, ALLOWED_HOSTS without DEBUG).
worker: install
	$(BIN)/celery -A jiujiang_inspect worker -l info --concurrency 2

beat: install
	$(BIN)/celery -A jiujiang_inspect beat -l info -s var/celerybeat-schedule

# Benchmarks (bench/README.md): gunicorn + PostgreSQL + Redis, data generated once per scale.
SCALE ?= district
ONLY ?=
bench: install
	$(BIN)/python bench/run.py --scale $(SCALE) --only "$(ONLY)"

clean-venv:
	rm -rf $(VENV)
