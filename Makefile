# The two commands: `make run` (nightly flow on the bundled samples) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-slow bench docs clean

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/filingflow run

test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

# The bench extra (edgartools, matplotlib) on top of the test install; BENCH_ARGS=--quick for a short run.
$(VENV)/.bench-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test,bench]'
	touch $@

bench: $(VENV)/.bench-installed
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

docs: $(STAMP)
	$(BIN)/python -m filingflow.docs
	$(BIN)/python -m expectations.derive
	$(BIN)/python -m filingflow.config_docs

clean:
	rm -rf data/warehouse.duckdb data/warehouse.duckdb.wal data/lake data/dq
