# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# pip's constraints file pins every package to a set known to work together (see README).
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: demo test lint typecheck clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e ".[test,dask]"
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/clinic-audit demo

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
