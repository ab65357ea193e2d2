# Reproducible compendium: Smart City policies and public value (Frucquet 2024).
# `make help` lists the targets. Everything a target reads is one of its prerequisites.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
# Read before the line below adds long options: -q (question) and -n (dry run) write nothing.
WRITES := $(if $(findstring q,$(firstword -$(MAKEFLAGS)))$(findstring n,$(firstword -$(MAKEFLAGS))),,yes)
MAKEFLAGS += --no-builtin-rules --no-builtin-variables

PYTHON ?= python3
VENV ?= .venv
BUILD ?= build
CONFIG ?= config/build.yml
UV_VERSION := 0.13.9
PY := $(VENV)/bin/python

# Two builds of one checkout take turns on a lock of the $(BUILD) folder itself, so neither ever
# reads the other's half-written files; the first make re-runs itself under the lock
# (tools/build_lock.py).
GOALS := $(or $(MAKECMDGOALS),all)
LOCKED_GOALS := $(filter-out help clean lock,$(GOALS))
ifeq ($(if $(COMPENDIUM_LOCK),,$(and $(LOCKED_GOALS),$(WRITES))),yes)
.PHONY: $(GOALS) _locked
$(GOALS): _locked ; @:
_locked:
	@$(if $(wildcard $(PY)),$(PY) -I -S,$(PYTHON)) tools/build_lock.py $(BUILD) $(MAKE) --no-print-directory COMPENDIUM_LOCK=1 $(GOALS)
else
ENV_STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.spark-installed
DATA_OK := $(BUILD)/.data-ok
RUN := $(PY) -m analysis.pipeline.run
MANIFEST := $(BUILD)/MANIFEST.json
I18N_REPORT := $(BUILD)/i18n-report.txt
CRATE := $(BUILD)/ro-crate-metadata.json
SITE_INDEX := $(BUILD)/html/index.html

export ANALYSIS_BUILD_DIR := $(abspath $(BUILD))
export ANALYSIS_CONFIG := $(abspath $(CONFIG))
# Dates in figures and pages come from the last commit, never from the wall clock. An unzipped
# `make dist` archive is no git checkout: its ARCHIVE-INFO records the commit's date instead.
# The manifest, the crate and the site name the commit too (as analysis.pipeline.manifest
# reads it, -dirty when a tracked file differs): a new commit re-makes them, never the runs.
ifneq ($(wildcard ARCHIVE-INFO),)
export SOURCE_DATE_EPOCH ?= $(shell sed -n 's/^source_date_epoch=//p' ARCHIVE-INFO)
SOURCE_COMMIT := $(shell sed -n 's/^commit=//p' ARCHIVE-INFO)
else
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
SOURCE_COMMIT := $(shell git rev-parse HEAD 2>/dev/null)$(if $(shell git status --porcelain --untracked-files=no 2>/dev/null),-dirty)
endif
COMMIT_MARK := $(BUILD)/params/commit-$(or $(SOURCE_COMMIT),unknown).mark
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1

DATA_FILES := $(shell find data -type f ! -name '*.md' ! -name '.*' 2>/dev/null | sort)
# Folders with a trailing slash: `data` alone is the phony target below.
DATA_DIRS := $(addsuffix /,$(shell find data -type d 2>/dev/null | sort))
NOTEBOOK_FILES := $(wildcard notebooks/*.ipynb)
SITE_SRC := $(shell find src/analysis/site -type f -name '*' ! -name '*.pyc' 2>/dev/null)

.DEFAULT_GOAL := all
.PHONY: all help test lab html data bench clean lint env check-data lock spark dist


# The run rules are generated from config/build.yml (validated first); not needed to clean, get
# help or set up the environment.
ifeq ($(filter help clean lock env,$(MAKECMDGOALS)),)
include $(BUILD)/runs.mk
endif

all: $(EXECUTED) $(MANIFEST) $(CRATE) html $(I18N_REPORT) ## Set up the pinned environment, then build every figure, table, notebook, the RO-Crate and the site

help: ## List the targets, then the command-line tools the targets call
	@grep -hE '^[a-z][a-zA-Z0-9_-]*:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-11s %s\n", $$1, $$2}'
	@echo
	@PYTHONPATH=src $(PYTHON) -m analysis.cli

env: $(ENV_STAMP) ## Create .venv from requirements.lock (re-installs only when the lock changes)

ifdef NO_ENV_SETUP
$(ENV_STAMP): ; @test -x $(PY) || { echo "error: NO_ENV_SETUP is set but $(PY) does not exist" >&2; exit 1; }
else
$(ENV_STAMP): requirements.lock pyproject.toml
	@echo "setting up $(VENV) from requirements.lock (uv $(UV_VERSION))"
	@# A venv half-made by an interrupted set-up (no working pip, or no working uv) is redone.
	$(PY) -c 'import pip' 2>/dev/null || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(VENV)/bin/uv --version 2>/dev/null | grep -qF ' $(UV_VERSION)' || $(PY) -m pip install \
	  --quiet --disable-pip-version-check --force-reinstall uv==$(UV_VERSION)
	$(VENV)/bin/uv pip sync --quiet --compile-bytecode --python $(PY) --require-hashes requirements.lock
	$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e .
	touch $@
endif

spark: $(SPARK_STAMP) ## Add the optional Spark extra (pyspark from requirements-spark.lock, Java from Debian)

# Never part of `make all`: only `make spark` and `make test` install it. Re-installed after a re-sync.
# pyspark is a source distribution only. Online, uv downloads and builds it again on every
# install (about 25 s, and a new copy in its cache each time, since the index sends no cache
# headers), so the copy uv already built is tried first (--offline: still hash-checked).
$(SPARK_STAMP): requirements-spark.lock $(ENV_STAMP)
	bash tools/ensure-java.sh
	$(VENV)/bin/uv pip install --quiet --offline --python $(PY) --require-hashes \
	  -r requirements-spark.lock 2>/dev/null || \
	  $(VENV)/bin/uv pip install --quiet --python $(PY) --require-hashes -r requirements-spark.lock
	touch $@

# Which configuration build/ was last made from: switching CONFIG= to another file (even an
# older one) re-makes the run rules and, through them, the manifest, the crate and the site.
# Named by the path inside the checkout, so a moved or copied checkout stays up to date.
CONFIG_MARK := $(BUILD)/params/config-$(subst /,-,$(patsubst $(CURDIR)/%,%,$(abspath $(CONFIG)))).mark
$(CONFIG_MARK):
	@mkdir -p $(@D) && rm -f $(BUILD)/params/config*.mark && touch $@

$(COMMIT_MARK):
	@mkdir -p $(@D) && rm -f $(BUILD)/params/commit-*.mark && touch $@

$(BUILD)/runs.mk: $(CONFIG) $(CONFIG_MARK) config/build.schema.json $(NOTEBOOK_FILES) src/analysis/pipeline/makedeps.py src/analysis/pipeline/parameters.py $(ENV_STAMP)
	$(PY) -m analysis.pipeline.makedeps $@
	touch $@

check-data: $(DATA_OK) ## Verify every data file against its sha256 and schema in data/datapackage.json

$(DATA_OK): data/datapackage.json $(DATA_FILES) $(ENV_STAMP)
	$(PY) -m analysis.datapackage verify

$(MANIFEST): $(EXECUTED) $(BUILD)/runs.mk $(COMMIT_MARK) src/analysis/pipeline/manifest.py src/analysis/pipeline/runrecord.py src/analysis/pipeline/origin.py $(ENV_STAMP)
	$(PY) -m analysis.pipeline.manifest

$(CRATE): $(MANIFEST) $(NOTEBOOK_FILES) CITATION.cff LICENSE DATA-LICENSE.md data/datapackage.json requirements.lock src/analysis/pipeline/crate.py src/analysis/pipeline/runrecord.py src/analysis/pipeline/citation.py $(ENV_STAMP)
	$(PY) -m analysis.pipeline.crate

html: $(SITE_INDEX) ## Render the reviewer site (build/html/) from the executed notebooks

$(SITE_INDEX): $(EXECUTED) $(MANIFEST) $(CRATE) references.bib data/datapackage.json $(SITE_SRC) $(ENV_STAMP)
	$(PY) -m analysis.site

dist: all ## Write build/dist/NAME-VERSION.zip (source at HEAD, site, notebooks, figures, tables, RO-Crate, SHA256SUMS)
	$(PY) -m analysis.pipeline.dist

data: $(ENV_STAMP) ## Re-derive the committed literature counts from the raw corpus (../shared or pinned URL)
	$(PY) -m analysis.literature.corpus

test: $(ENV_STAMP) $(SPARK_STAMP) ## Run every test, including the slow end-to-end, browser and Spark tests
	$(PY) -m analysis.i18n check
	bash tools/ensure-chromium.sh
	$(PY) -m pytest -n 2 --dist loadfile --no-loadscope-reorder

lint: $(ENV_STAMP) ## Check style with ruff
	$(PY) -m ruff check src tests

lab: $(ENV_STAMP) ## Open the notebooks in JupyterLab
	$(VENV)/bin/jupyter lab notebooks/

bench: all ## Measure set-up, build, no-op, per-notebook, importer and site timings into build/bench.json
	$(PY) -m analysis.bench

# --- translations (locales/): see README "Adding a language" ------------------------------------
.PHONY: i18n-report i18n-update
i18n-report: $(ENV_STAMP) ## Say which catalogue entries and notebook paragraphs are untranslated
	@$(PY) -m analysis.i18n report

# `make all` reports once per change of a catalogue or a notebook, so a no-op stays instant.
$(I18N_REPORT): $(wildcard locales/*.pot locales/*/LC_MESSAGES/*.po) $(NOTEBOOK_FILES) $(ENV_STAMP)
	@mkdir -p $(@D)
	@$(PY) -m analysis.i18n report | tee $@.tmp && mv $@.tmp $@

i18n-update: $(ENV_STAMP) ## Re-extract every message into locales/*.pot and merge into each .po
	$(PY) -m analysis.i18n update
# ------------------------------------------------------------------------------------------------

clean: ## Remove everything generated (build/); the environment in .venv is kept
	rm -rf $(BUILD)

lock: ## Re-resolve requirements.in into requirements.lock (hashes) and environment.yml (maintainers)
	$(VENV)/bin/uv pip compile --quiet requirements.in --python-version 3.11 --generate-hashes -o requirements.lock
	$(PYTHON) tools/write_environment_yml.py

endif
