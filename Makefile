# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_EXPERIENCES ?= 3000

.PHONY: run test test-fast lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-app: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-app
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

# Local settings for this checkout: a random secret key, and cookies over plain http.
instance/config.py:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(f'SECRET_KEY = {secrets.token_hex(32)!r}')" > $@
	echo "SESSION_COOKIE_SECURE = False  # local http only" >> $@
	echo "REMEMBER_COOKIE_SECURE = False" >> $@

run: $(VENV)/.installed-app instance/config.py
	$(BIN)/kb init-db
	$(BIN)/kb seed-demo --if-empty --experiences $(DEMO_EXPERIENCES)
	$(BIN)/kb run --host 127.0.0.1 --port 5000

# ruff, then the import-linter contracts in setup.cfg (the layers of docs/architecture.md).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check kb tests
	$(BIN)/lint-imports

# Everything: lint, then the whole suite (unit, web, system and browser tests). CI runs it.
test: lint
	$(BIN)/pytest $(PYTEST_ARGS)

# The edit loop: tests/unit and tests/web only (no servers, processes or browsers), with
# the smaller hypothesis budget, each part stopping at its first failure. The tests are
# dealt into two parts (--shard, tests/conftest.py) run at once, one per core; each
# prints its report when it ends. Compiled modules are kept in __pycache__ even where
# PYTHONDONTWRITEBYTECODE is set: compiling kb and rewriting the tests' asserts anew
# costs every run seconds.
FAST_PARTS := 2
FAST_PYTEST = PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -x -m "not system and not browser" \
	--hypothesis-profile=fast $(PYTEST_ARGS)

test-fast: $(VENV)/.installed-test
	$(MAKE) --no-print-directory -j$(FAST_PARTS) --output-sync=target \
		$(foreach k,$(shell seq $(FAST_PARTS)),test-fast-part-$(k))

test-fast-part-%:
	$(FAST_PYTEST) --shard=$*/$(FAST_PARTS) -o cache_dir=.pytest_cache/part-$*

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
