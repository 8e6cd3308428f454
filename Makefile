# jupyterlab-mlops: two commands matter.
#   make lab   set everything up and open JupyterLab on examples/ (local only, with a token)
#   make test  set everything up and run every test (ruff, pytest, jest, browser)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
EXAMPLE := examples/credit-risk
PORT ?= 8888
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--ServerApp.allow_root=True,)
# a worker per core, a test file each (the suite is CPU-bound: more workers would not help)
PYTEST_ARGS ?= -n auto --dist loadfile
# the build hooks call jlpm and jupyter from the environment
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: help install test-install build dist lab mlflow-ui example lint pytest jest browser-deps test screenshot bench clean

help:
	@echo "make lab    - install and open JupyterLab on examples/ with the MLOps panel"
	@echo "make test   - install and run ruff, pytest (incl. browser tests) and jest"
	@echo "make mlflow-ui - the MLflow UI on the example project's runs (http://127.0.0.1:5000)"
	@echo "make bench  - run the benchmarks in bench/"
	@echo "make screenshot - retake the README's screenshot of the panel (docs/images/panel.png)"

# A virtual environment with the package installed in editable mode: the build hook runs
# jlpm install + a development build of the labextension, which is then linked into the
# environment so `jlpm build` changes show up on reload. `make lab` needs the product and what
# the example notebook imports; `make test` adds the test tools.
define EDITABLE_INSTALL
	@# a re-install must not write through the link `develop` made into labextension/
	if [ -L $(VENV)/share/jupyter/labextensions/jupyterlab-mlops ]; then rm $(VENV)/share/jupyter/labextensions/jupyterlab-mlops; fi
	rm -f labextension/install.json
	$(PY) -m pip install --quiet --no-build-isolation -e ".[$(EXTRAS)]"
	$(BIN)/jupyter-builder develop --overwrite . >/dev/null
endef

$(STAMP): EXTRAS = examples
$(STAMP): pyproject.toml package.json yarn.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "setuptools>=70.1" "wheel>=0.43" "hatchling>=1.33,<2" "hatch-jupyter-builder>=0.10,<0.11" "hatch-nodejs-version>=0.3.2,<0.5" "jupyterlab>=4.6,<5" "editables>=0.5"
	$(EDITABLE_INSTALL)
	touch $@

$(TEST_STAMP): EXTRAS = examples,test
$(TEST_STAMP): $(STAMP)
	$(EDITABLE_INSTALL)
	touch $@

install: $(STAMP)

test-install: $(TEST_STAMP)

build: install
	$(BIN)/jlpm build

# A wheel with the production build of the labextension (installing it needs no Node.js).
dist: install
	$(BIN)/jlpm build:prod
	$(PY) -m pip wheel --no-deps --no-build-isolation -w dist .

example: install
	test -f $(EXAMPLE)/data/applications.csv || (cd $(EXAMPLE) && ../../$(PY) make_data.py)
	test -d $(EXAMPLE)/.mlops || (cd $(EXAMPLE) && ../../$(BIN)/mlops init --name credit-risk --template classification --risk-tier high --single-user)
	test -d examples/support-assistant/.mlops || (cd examples/support-assistant && ../../$(BIN)/mlops init --name support-assistant --template llm --risk-tier limited --single-user)

lab: build example
	@echo "MLflow UI for the example's runs: make mlflow-ui (in another terminal)"
	$(BIN)/jupyter lab --ServerApp.root_dir=examples --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) $(ROOT_FLAG) \
		--LabApp.default_url=/lab/tree/credit-risk/train.ipynb

# The example project's MLflow store (runs of its notebook), local only. Another terminal.
MLFLOW_PORT ?= 5000
mlflow-ui: example
	@mkdir -p $(EXAMPLE)/.mlops/mlflow
	$(BIN)/mlflow ui --backend-store-uri sqlite:///$(abspath $(EXAMPLE))/.mlops/mlflow/mlflow.db \
		--host 127.0.0.1 --port $(MLFLOW_PORT)

MAX_MODULE_LINES := 500

lint: test-install
	$(BIN)/ruff check python tests bench examples
	$(BIN)/ruff format --check python tests bench examples
	@# imports run one way (pyproject.toml [tool.importlinter], docs/architecture.md)
	PYTHONPATH=python $(BIN)/lint-imports --no-cache
	@over=$$(find python -name '*.py' -exec wc -l {} + | awk '$$2 != "total" && $$1 > $(MAX_MODULE_LINES)'); \
		if [ -n "$$over" ]; then echo "modules over $(MAX_MODULE_LINES) lines (split them):"; echo "$$over"; exit 1; fi
	$(BIN)/jlpm typecheck

jest: test-install
	$(BIN)/jlpm test

# Browser tests drive Debian's Chromium (no browser download); installed here when missing.
browser-deps:
	@if ! command -v chromium >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian's chromium for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "chromium is missing: sudo apt-get install chromium" >&2; exit 1; fi; \
	fi

pytest: test-install build browser-deps
	$(PY) -m pytest $(PYTEST_ARGS)

test: lint jest pytest

# The README's screenshot: a browser test runs the example notebook, shows it with the panel in
# real JupyterLab and saves the page; this copies it over the committed one.
screenshot: test-install build browser-deps
	$(PY) -m pytest -q tests/browser/test_screenshot.py
	mkdir -p docs/images && cp test-artifacts/readme-panel.png docs/images/panel.png

bench: test-install
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) node_modules labextension lib test-artifacts .pytest_cache .ruff_cache
