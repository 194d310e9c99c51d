# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# pip's constraints file pins every package to a set known to work together (see README).
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: demo test lint typecheck clean system-deps demo-deps

# What the PDF report needs from Debian (the demo writes one): Pango/HarfBuzz and fonts for
# WeasyPrint.
DEMO_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
	fonts-dejavu-core
# What the tests need besides: poppler's pdftoppm/pdftotext and headless Chromium for the report
# and JavaScript tests; the crawler's real-CMS test serves Debian's WordPress (Twenty Twenty-One
# theme) with Apache and mod_php from the machine's MariaDB; php-cli installs the blog, php-xml
# gives WordPress its sitemaps.
SYSTEM_PACKAGES := $(DEMO_PACKAGES) poppler-utils chromium \
	wordpress wordpress-theme-twentytwentyone apache2 libapache2-mod-php php-cli php-mysql \
	php-xml mariadb-client

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e ".[test,dask]"
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed demo-deps
	$(BIN)/clinic-audit demo

# Install only what is missing (quiet, idempotent); needs root on Debian, else says what to do.
define apt_install
	@command -v dpkg >/dev/null || { echo "not Debian: install $(1) yourself"; exit 0; }; \
	missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing" $$missing; \
		apt-get install -y -q $$missing >/dev/null 2>&1 || \
			{ apt-get update -q >/dev/null && apt-get install -y -q $$missing >/dev/null; }; \
	fi
endef

demo-deps:
	$(call apt_install,$(DEMO_PACKAGES))

system-deps:
	$(call apt_install,$(SYSTEM_PACKAGES))

test: $(VENV)/.installed-test system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
