# Two commands do all set-up on a fresh machine: `make demo` (main job) and `make test` (lint and tests).
# Both create .venv and install the exact versions in requirements.lock first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint bench docs baseline clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/ctsim run scenarios/baseline.toml

lint: install
	$(BIN)/ruff check src tests scripts benchmarks

test: lint
	$(BIN)/python -m ctsim.docs --check
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/bench_model.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_sensitivity.py --scaling

# Regenerate the regression baseline (tests/baseline.json) and print what moved; commit it alone, saying why.
baseline: install
	$(BIN)/python tests/regression.py --write

docs: install
	$(BIN)/python -m ctsim.docs

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
