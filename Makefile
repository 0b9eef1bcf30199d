# curate: two commands on a fresh machine.
#   make demo   set up, then run the end-to-end demo on bundled sample data
#   make test   set up, then lint (ruff, import contracts) and run the whole test suite
PYTHON ?= python3
VENV   := .venv
LSVENV := .venv-ls
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip --disable-pip-version-check -q
DEMO_DIR ?= demo-workspace

.PHONY: setup setup-labelstudio setup-chromium demo lint test bench schemas clean

setup: $(VENV)/.installed
$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	# torch first, pinned: a bare "torch" would pull a multi-GB CUDA build.
	$(PIP) install torch==2.13.0
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps -e .
	touch $@

# Label Studio lives in its own venv: it pins an older pyarrow than curate needs.
setup-labelstudio: $(LSVENV)/.installed
$(LSVENV)/.installed: requirements-labelstudio.lock
	test -x $(LSVENV)/bin/python || $(PYTHON) -m venv $(LSVENV)
	$(LSVENV)/bin/pip --disable-pip-version-check -q install -r requirements-labelstudio.lock
	touch $@

demo: setup
	$(BIN)/curate demo --output $(DEMO_DIR)

# Headless Chromium renders the audit report in a test; Debian's package, best effort (needs root).
setup-chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-lohit-deva >/dev/null) || echo "chromium not installed: the report rendering test will skip"; }

# ruff (rules and line length: [tool.ruff] in pyproject.toml) and the layer contracts ([tool.importlinter]).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

test: setup setup-labelstudio setup-chromium lint
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python benchmarks/ingest.py

schemas: setup
	$(BIN)/python -m curate.schemas

clean:
	rm -rf $(DEMO_DIR) .pytest_cache
