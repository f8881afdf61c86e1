# Two entry points, both self-installing on a fresh machine (Python 3.11+ required):
#   make run    install into .venv, then `concierge serve` (embedded sandbox, GraphiQL on :8000)
#   make test   install into .venv, then lint, type-check, import contracts and the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser run sandbox test lint typecheck contracts pytest schema bench clean wheel

install: $(STAMP)

$(STAMP): pyproject.toml scripts/graphiql_assets.py
	$(PYTHON) scripts/graphiql_assets.py  # GraphiQL's files from npm, before the wheel is built
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/concierge serve $(ARGS)

sandbox: install
	$(BIN)/concierge sandbox $(ARGS)

test: install browser lint typecheck contracts pytest

# The GraphiQL test drives Debian's chromium headless; install it where we may (as root).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && (apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)) \
	  || echo "chromium is not installed: the GraphiQL browser test skips (and fails under CI)"; }

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy

contracts: install
	$(BIN)/lint-imports

pytest: install
	$(BIN)/pytest -q --durations=15 $(ARGS)

# The wheel the Dockerfile installs (its build stage runs the same two commands).
wheel: install
	$(PYTHON) scripts/graphiql_assets.py --require
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir dist .

schema: install
	$(BIN)/concierge schema > schema/schema.graphql

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
