# Sozialraum-Bot — everything a fresh machine needs is behind these targets.
#   make run    create .venv, install, migrate the database, start the bot
#   make test   install the dev tools and run every test (SQLite, then PostgreSQL if reachable)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test

.PHONY: run migrate test test-sqlite test-postgres lint format bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

run: $(VENV)/.installed
	$(BIN)/python -m bot run

migrate: $(VENV)/.installed
	$(BIN)/python -m bot migrate

test: test-sqlite test-postgres

test-sqlite: $(VENV)/.dev-installed
	$(BIN)/python -m pytest

# The same suite on PostgreSQL. Locally it is skipped when no server answers; in CI
# (CI=true) an unreachable server is a failure.
test-postgres: $(VENV)/.dev-installed
	@if $(BIN)/python -m tests.auxil.pg_available "$(PG_TEST_URL)"; then \
		echo "== the same suite on PostgreSQL ($(PG_TEST_URL)) =="; \
		TEST_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/python -m pytest; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL at $(PG_TEST_URL) is not reachable; CI requires it." >&2; exit 1; \
	else \
		echo "PostgreSQL not reachable at $(PG_TEST_URL): PostgreSQL run skipped (CI runs it)."; \
	fi

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench
	$(BIN)/mypy bot

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix bot tests bench
	$(BIN)/ruff format bot tests bench

bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
