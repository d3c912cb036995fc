# Two commands do all set-up on a fresh machine: `make demo` (main job) and `make test` (lint, docs check, tests).
# Both create .venv and install the exact versions in requirements.lock first; `make test` also installs Debian's
# chromium (for the dashboard and report browser tests) with apt-get when it is missing.
# ctsim needs Python 3.11 (Mesa 3.3.1 is the newest Mesa that runs on it); point PYTHON= at one if python3 is not.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CHROMIUM := /usr/bin/chromium

.PHONY: install check-python browser demo test check warm lint bench docs baseline posterior evidence long-run long-history forecast \
  validation studies \
  brief-example dashboard-figure dashboard-shots clean rank discover-examples

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null || { \
	  echo "ctsim needs Python 3.11; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo 'not found')."; \
	  echo "Install Python 3.11 and run: make $(MAKECMDGOALS) PYTHON=/path/to/python3.11"; exit 2; }

$(STAMP): pyproject.toml requirements.lock
	@$(MAKE) --no-print-directory check-python PYTHON=$(PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium, driven headless by Playwright in the browser tests (never a browser download).
browser:
	@test -x $(CHROMIUM) || { command -v apt-get >/dev/null || { echo "chromium is missing and apt-get is not \
	available: install Debian's chromium so that $(CHROMIUM) exists"; exit 2; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@test -x $(CHROMIUM) && echo "browser: $$($(CHROMIUM) --version 2>/dev/null)"

demo: install
	$(BIN)/ctsim run scenarios/baseline.toml

lint: install
	$(BIN)/ruff check src tests scripts benchmarks

# The tests run on PYTEST_WORKERS processes (pytest-xdist), each taking whole files, so a file's shared fixtures are
# built once (PYTEST_WORKERS=0: in this process); then the timing-sensitive browser tests (marked serial) run alone.
PYTEST_WORKERS ?= 2
test: lint browser warm
	$(BIN)/python -m ctsim.docs --check
	d=$$(mktemp -d) && NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir $$d; s=$$?; rm -rf $$d; exit $$s
	$(BIN)/python -m pytest -q --durations=25 -n $(PYTEST_WORKERS) --dist loadfile -m "not serial"
	$(BIN)/python -m pytest -q --durations=5 -m serial

# The inner loop while changing code: lint and the tests not marked slow or serial (under two minutes on 2 cores).
# `make test` runs everything.
check: lint warm
	$(BIN)/python -m pytest -q --durations=10 -n $(PYTEST_WORKERS) --dist loadfile -m "not slow and not serial"

# Compile the model's kernels once (numba caches them on disk, keyed by the model's source: ctsim.compiling), so
# that parallel test workers load them instead of each compiling them (about a minute on a fresh machine).
warm: install
	$(BIN)/python -c "from ctsim.scenarios.runner import run; run('baseline', 0, 1)"

# The model's speed against the commit before the speed work (side by side, interleaved: docs/performance.md), then
# batch throughput and the sensitivity harness's scaling.
bench: install
	$(BIN)/python benchmarks/bench_model.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_sensitivity.py --scaling

# Regenerate the regression baseline (tests/baseline.json) and print what moved; commit it alone, saying why.
baseline: install
	$(BIN)/python tests/regression.py --write

# Recompute the posterior draws every run uses by default (src/ctsim/data/posterior.json) after changing the model:
# ABC-SMC on two processes (seeded candidate by candidate, so `ctsim calibrate --abc --check` reproduces it on one or
# more), at most 16 generations or 50 minutes (no new generation after --time-budget), its database in
# results/posterior (rerunning resumes an interrupted run; a folder from another model is refused: delete it).
# Commit the new posterior.json; README gives the wall time and the number of model runs.
POSTERIOR_SETTINGS := --population 200 --generations 16 --replications 1 --seed 20220101 --time-budget 3000 --workers 2
posterior: install
	$(BIN)/ctsim calibrate --abc $(POSTERIOR_SETTINGS) --work results/posterior

# Measure every lever against what the evidence says (docs/evidence.csv), then refresh the tables in docs/levers.md.
evidence: install
	$(BIN)/ctsim evidence

# The status quo's 20-year run (20 seeds): docs/long_run.json and its figure, read by docs/validation.md (a study of
# about two minutes on 2 cores, not a test).
long-run: install
	$(BIN)/ctsim long-run --seeds 20 --years 20 --json docs/long_run.json --figure docs/figures/long_run_baseline.png

# The 2013-2024 history as checks that can fail: the fall, what the 2014-2017 policies explain of it, the return after
# Kabul fell, 2018-2021 out of sample (200 runs of each history, one on each posterior draw): docs/long_history.json
# and its figure, read by docs/validation.md (a study of a few minutes on 2 cores, not a test).
long-history: install
	$(BIN)/ctsim long-history --runs 200 --workers 2 --json docs/long_history.json --figure docs/figures/long_history.png

# Validation that can fail: posterior predictive checks over the fitted years and a forecast of 2024 from a
# calibration on the months to December 2023, scored against naive forecasts: docs/forecast.json, read by
# docs/validation.md (about 8 minutes on 2 cores, a study, not a test). Its ABC is kept in
# results/forecast/abc/<model fingerprint>: rerunning resumes it.
forecast: install
	$(BIN)/ctsim forecast --json docs/forecast.json --abc-dir results/forecast/abc --workers 2

# The pattern checks as calibrated, each rerun at both ends of every assumed uncertainty's range and on the first 20
# posterior draws, and docs/validation.md rewritten with them and the stored studies (about 12 minutes on 2 cores).
validation: install
	$(BIN)/ctsim validate-model --posterior 20 --robustness --report docs/validation.md --workers 2

# The ranking of every lever, numeric and categorical, in one Sobol design (docs/sensitivity.md, issue 35): two
# independent samples of N = 128 and the point calibration's N = 32, four replications each, each on its posterior
# draw (experiments/rank_levers.toml; `ctsim rank ... --dry-run` prints the runs and the time first). Publishes
# docs/ranking.csv (with the model fingerprint the docs check compares), docs/figures/ranking.png and the table in
# docs/sensitivity.md; its runs are kept in results/rank/rank_levers (a rerun resumes). RANK_OPTIONS=--quick runs the
# study's small design instead, to check the machinery (it publishes nothing).
RANK_OPTIONS ?= --publish
rank: install
	$(BIN)/ctsim rank experiments/rank_levers.toml --workers 2 $(RANK_OPTIONS)

# Scenario discovery's worked examples (docs/discovery.md): a batch over the uncertainties (500 points: the assumed
# values from a Latin hypercube, the calibrated parameters from the posterior draws; the status quo and the three
# policies, 2,000 runs), then `ctsim discover` for each policy against the status quo, published into its block of
# docs/discovery.md. The batch is kept in results/discovery/batch (a rerun resumes).
DISCOVER_SAMPLES ?= 500
discover-examples: install
	$(BIN)/ctsim discover --write-design results/discovery/design --samples $(DISCOVER_SAMPLES)
	$(BIN)/ctsim batch results/discovery/design/experiment.toml --out results/discovery/batch --workers 2
	$(BIN)/ctsim discover results/discovery/batch --policy civilian_led --out results/discovery/civilian_led \
	  --policy-label "civilian-led counterterrorism (police in the lead, with full capacity building)" --publish
	$(BIN)/ctsim discover results/discovery/batch --policy madrasa_reform --out results/discovery/madrasa_reform \
	  --policy-label "full madrasa reform" --publish
	$(BIN)/ctsim discover results/discovery/batch --policy nacta_relocation --out results/discovery/nacta_relocation \
	  --policy-label "moving NACTA to the Prime Minister's Office (with a central CTD)" --publish

# The three example policy briefs (police in the lead, madrasa reform and NACTA's move, each against the status quo,
# 10 replications over ten years) in results/brief_example/<scenario>/compare/<timestamp>/brief.html, and a picture
# of the first one's page 1 as printed on A4 for docs/brief.md and the README (docs/figures/brief.png).
BRIEF_EXAMPLES := civilian_led madrasa_reform nacta_relocation
brief-example: install browser
	for s in $(BRIEF_EXAMPLES); do \
	  $(BIN)/ctsim compare baseline $$s --replications 10 --jobs 2 --out results/brief_example/$$s --report || exit 1; \
	done
	$(BIN)/python -m ctsim.report.pdf \
	  $$(ls -d results/brief_example/civilian_led/compare/* | tail -1)/brief.html docs/figures/brief.png

# The dashboard screenshot for the README (docs/figures/dashboard.png), with the speed figures.
dashboard-figure: install browser
	$(BIN)/python benchmarks/bench_dashboard.py --figure docs/figures/dashboard.png

# The screenshots docs/dashboard.md shows (projector view, trade-off panel, map, a team's page, the debrief board),
# from the real page in headless chromium at 1280x720 (about three minutes).
dashboard-shots: install browser
	$(BIN)/python -m ctsim.dashboard.shots docs/figures

docs: install
	$(BIN)/python -m ctsim.docs

# After a change that moves results (committed with its `make baseline`, and a refit if the fit moved): every
# published study rerun on the new model, one after the other in the order they read each other (on 2 cores, measured
# 2026-12-07 on the 180-month history, version 16's model: the posterior 41 minutes, validation about 35, the ranking
# 69 with a test run sharing the cores; version 17's, its studies sharing the cores with each other: the posterior 74,
# validation 39, the ranking 120; version 18's: the posterior about 93 for 15 generations, validation 59 with the
# other studies, tests and CI sharing the cores; version 19's: the posterior about 67 for 14 generations, validation
# 49 with the forecast, discovery and figures sharing the cores). Studies resume from their folders under results/,
# and a folder made on another model is refused
# with one line: delete results/posterior, results/rank and results/discovery first. The pages that quote figures in
# words (README's "Where the model stands", docs/model-status.md, docs/calibration.md's draws) are then updated by
# hand; `make test` fails while a published study is stale, except the ranking, which may stand marked as the older
# model's (`make docs` writes the mark above it in docs/sensitivity.md; docs/sensitivity.md).
studies: install
	$(MAKE) --no-print-directory posterior
	$(MAKE) --no-print-directory long-history
	$(MAKE) --no-print-directory long-run
	$(MAKE) --no-print-directory evidence
	$(MAKE) --no-print-directory forecast
	$(MAKE) --no-print-directory validation
	$(MAKE) --no-print-directory rank
	$(MAKE) --no-print-directory discover-examples
	$(MAKE) --no-print-directory docs

# The docs site (mkdocs.yml) in site/, built offline (no web fonts, no CDN; a page that would load anything from the
# network fails the build): open site/index.html, or serve it with `python -m http.server -d site` for the search.
docs-site: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
