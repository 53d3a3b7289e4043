# One command per job. `make demo` and `make test` work on a fresh machine with Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO_SEED ?= 2026

.PHONY: demo test install lint typecheck templates format check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(INSTALLED)

## Set up and run the app on SQLite with the synthetic demo local authority.
demo: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --seed $(DEMO_SEED)
	@echo "Open http://127.0.0.1:8000/ and sign in with a demo login above."
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## Set up and run the whole test suite (browser journeys included: needs Debian chromium), measuring
## branch coverage, which fails the run under the floor in pyproject.toml (COVERAGE=0 to skip it).
COVERAGE ?= 1
COVERAGE_ARGS := $(if $(filter 1,$(COVERAGE)),--cov --cov-report=term,)
test: $(INSTALLED)
	@tools/ensure-chromium
	@tools/ensure-903-validator
	@tools/ensure-cin-validator
	@$(BIN)/python -m pytest $(COVERAGE_ARGS) $(PYTEST_ARGS); rc=$$?; echo $$rc > .pytest-exit-code; exit $$rc

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Types: mypy with django-stubs (configured in pyproject.toml; strict on the pure rule modules).
typecheck: $(INSTALLED)
	$(BIN)/mypy

## Templates: djLint's linter (configured in pyproject.toml).
templates: $(INSTALLED)
	$(BIN)/djlint templates --lint

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: $(INSTALLED) lint typecheck templates
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/iro_service/test_dependency_direction.py
	DJANGO_SETTINGS_MODULE=iro_service.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  DATABASE_URL=sqlite:///tmp-check.sqlite3 ALLOWED_HOSTS=iro.example.gov.uk \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

## Benchmarks (timings, not tests): import of a 10,000-child SSDA903 return on SQLite and PostgreSQL;
## what a dead Redis costs the dashboard and report generation (fails over budget); then the suite
## of issue 13 at each of BENCH_SIZES children in care (benchmarks/README.md: needs PostgreSQL on
## 127.0.0.1:5432 and Redis on 127.0.0.1:6379; builds iro_bench_<N> once, then reuses it).
BENCH_SIZES ?= 1000 10000 100000
bench: $(INSTALLED)
	$(BIN)/python tools/bench_ssda903_import.py --children 10000 --runs 3 --postgres
	$(BIN)/python tools/bench_redis_down.py --runs 5 --budget 3
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	for size in $(BENCH_SIZES); do $(BIN)/python -m benchmarks.run --children $$size || exit 1; done

clean:
	rm -rf $(VENV) .venv-903 .venv-cin staticfiles .pytest_cache .ruff_cache .mypy_cache .coverage
