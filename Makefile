# Two commands for a newcomer: `make serve` (site on http://127.0.0.1:8000/, English at /en/) and `make test`.
# Both create .venv from pyproject.toml on first use.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: serve build test import check browser offline bench lighthouse clean

# The build needs only the runtime packages, installed from the hash-checked lock file
# (requirements.lock, made from pyproject.toml by pip-compile --generate-hashes); the tests add their tools.
$(VENV)/.runtime: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed: $(VENV)/.runtime pyproject.toml
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

# Served at the root of the address during development (the published site is under /llm-interview-kb/);
# scripts/serve.py prints both languages' addresses first. Another address: make serve ADDR=127.0.0.1:8001
ADDR ?= 127.0.0.1:8000
serve: $(VENV)/.runtime node_modules/katex/package.json
	$(PY) scripts/serve.py --addr $(ADDR)

build: $(VENV)/.runtime node_modules/katex/package.json
	$(PY) -m mkdocs build --strict

import: $(VENV)/.installed
	$(PY) -m llmqa import

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# KaTeX, which renders formulas at build time; the only npm package the build needs.
node_modules/katex/package.json: package.json package-lock.json
	npm ci --omit=dev --no-audit --no-fund --loglevel=error
	touch $@

check: $(VENV)/.installed
	$(PY) -m llmqa check

browser:
	bash scripts/ensure-browser

test: $(VENV)/.installed node_modules/.installed browser
	$(PY) -m pytest

offline: $(VENV)/.installed node_modules/.installed
	$(PY) scripts/build_offline.py build/llm-interview-questions-offline.zip

bench: $(VENV)/.installed node_modules/.installed browser
	$(PY) -m pip install --quiet -e ".[test,bench]"
	$(PY) -m bench --sizes 60,1000,5000 --write-docs

lighthouse: $(VENV)/.installed node_modules/.installed browser
	$(PY) scripts/lighthouse_report.py --write-docs

clean:
	rm -rf site .pytest_cache node_modules
