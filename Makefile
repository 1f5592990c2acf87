# gridwork: `make run` to explore, `make test` to check everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ASSETS := node_modules/.installed-stamp
DEV_DB ?= sqlite:///var/gridwork.db

.PHONY: install run demo test check bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# The pages' browser libraries, exactly as package-lock.json pins them (versions and hashes).
$(ASSETS): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(ASSETS)

install: $(STAMP) $(ASSETS)

run: install
	GRIDWORK_DATABASE_URL=$${GRIDWORK_DATABASE_URL:-$(DEV_DB)} $(BIN)/gridwork demo
	GRIDWORK_DATABASE_URL=$${GRIDWORK_DATABASE_URL:-$(DEV_DB)} $(BIN)/gridwork serve

test: install
	$(BIN)/pytest -q

check: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports
	rm -f var/alembic-check.db
	GRIDWORK_DATABASE_URL=sqlite:///var/alembic-check.db $(BIN)/alembic upgrade head
	GRIDWORK_DATABASE_URL=sqlite:///var/alembic-check.db $(BIN)/alembic check

bench: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) var build *.egg-info
