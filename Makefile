# make run: set up and start the dashboard on the demo data (http://localhost:8501)
# make test: set up, lint, type-check (mypy, configured in pyproject.toml) and run every test
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
TEST_WORKERS ?= 2  # pytest-xdist workers: make test TEST_WORKERS=0 runs in one process
SCALE ?= demo

.PHONY: run test install lint bench bench-smoke clean

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' -c constraints.txt
	touch $@

AXE := tests/browser/axe
$(AXE)/node_modules/.installed: $(AXE)/package.json $(AXE)/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix $(AXE) --no-audit --no-fund --silent \
		&& touch $@; else echo "npm not found: the accessibility test (axe-core) will not run"; fi

install: $(BIN)/.installed $(AXE)/node_modules/.installed

run: install
	$(BIN)/tracker db upgrade
	TRACKER_DEMO=1 $(BIN)/tracker demo load --if-empty
	TRACKER_DEMO=1 $(BIN)/streamlit run server.py --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

test: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

bench: install  # make bench SCALE=national [BENCH_POSTGRES=postgresql+psycopg://...]
	$(BIN)/python -m bench.run --scale $(SCALE) $(if $(BENCH_POSTGRES),--postgres $(BENCH_POSTGRES))

bench-smoke: install  # the bench's live steps at demo scale (servers, Chromium): keys, no timing
	$(BIN)/python -m pytest -m live

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) data/tracker.db data/tracker.db-*
