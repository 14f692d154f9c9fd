# The two commands a fresh machine needs: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DEBUG ?= 1

.PHONY: run test lint format migrate demo messages bench loadtest clean worker beat smoke

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

run: $(STAMP)
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	@echo "Đối thoại: http://127.0.0.1:8000/  (Ctrl+C để dừng)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	mkdir -p var
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract and compile the catalogue (needs GNU gettext: apt-get install gettext).
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l vi --no-obsolete --no-location --ignore '.venv/*' --ignore 'static/vendor/*' --ignore 'staticfiles/*'
	$(BIN)/python manage.py compilemessages -l vi --ignore '.venv/*'

bench: $(STAMP)
	$(BIN)/python -m bench

# gunicorn (DEBUG=0) on PostgreSQL + Redis with the national data, under a bounded locust run on
# 127.0.0.1: bench/loadtest.py. The data is built once (minutes), kept, and reused.
loadtest: $(STAMP)
	$(BIN)/python -m bench.loadtest

worker: $(STAMP)
	$(BIN)/celery -A dialogue worker --loglevel=INFO --concurrency=2

beat: $(STAMP)
	$(BIN)/celery -A dialogue beat --loglevel=INFO --schedule var/celerybeat-schedule

clean:
	rm -rf $(VENV) var staticfiles

# The production topology for real (DEBUG=0, PostgreSQL, Redis, gunicorn, worker, beat, SMTP,
# Chromium): tests/smoke/production.py. Needs the services of .ci/run.
smoke: $(STAMP)
	DEBUG=0 $(BIN)/pytest -p no:django --noconftest -W ignore::pytest.PytestConfigWarning -q -s tests/smoke/production.py
