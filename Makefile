# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_EXPERIENCES ?= 3000

.PHONY: run test lint clean

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

lint: $(VENV)/.installed-test
	$(BIN)/ruff check kb tests

test: lint
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
