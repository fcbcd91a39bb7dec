# cdv-analysis — the two everyday commands are `make report` and `make test`.
# Each one creates the virtual environment .venv when needed and installs the
# project into it; nothing else has to be installed by hand (Python >= 3.11 and make).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installe
# Exact versions and hashes of every dependency (test extra included), made by uv from pyproject.toml.
LOCK := requirements.lock
UV_VERSION ?= 0.13.9
LOCK_ARGS ?=
JOBS ?=
ARGS ?=
# pytest-xdist processes for `make test` (one test file per process at a time: module fixtures are built once).
TEST_WORKERS ?= 2

.PHONY: report test lock lab navigateur outils-navigateur clean-venv check-python

report: $(STAMP)
	$(BIN)/cdv rapports $(if $(JOBS),--jobs $(JOBS)) $(ARGS)

# compileall: the package's bytecode, written before the suite (changed files only). Where
# PYTHONDONTWRITEBYTECODE=1 is set, as on the shared machine, each process of the suite (test workers, build
# workers, kernels, `cdv`) would otherwise compile cdv_analysis again at its start (0.3-0.5 s of CPU each).
test: $(STAMP) outils-navigateur
	@test -x $(CHROMIUM) || $(MAKE) --no-print-directory navigateur || \
	  echo "Chromium n'a pas pu être installé : le test du navigateur sera ignoré."
	$(BIN)/ruff check cdv_analysis tests benchmarks
	@$(BIN)/python -m compileall -q cdv_analysis > /dev/null || true
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(ARGS)

# Headless Chromium for tests/test_browser.py (Debian package; needs root and apt-get).
# `make test` runs this step only when $(CHROMIUM) is missing.
CHROMIUM ?= /usr/bin/chromium
navigateur:
	@if [ -x $(CHROMIUM) ]; then echo "Chromium est déjà installé ($(CHROMIUM))."; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "Installez Chromium (paquet « chromium ») : il faut être root avec apt-get."; exit 1; fi

# JupyterLab refuses to start as root without --allow-root: added only for root. Extra flags: LAB_ARGS.
LAB_ARGS ?=
# axe-core and html-validate for tests/test_browser.py, at the versions of package-lock.json (npm ci).
# Without npm these checks are skipped, with the reason.
NODE_STAMP := node_modules/.installe
outils-navigateur:
	@if [ -f $(NODE_STAMP) ] && [ $(NODE_STAMP) -nt package-lock.json ]; then :; \
	elif command -v npm >/dev/null; then { npm ci --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); } || \
	  echo "npm ci a échoué : les contrôles axe-core et html-validate du navigateur seront ignorés."; \
	else echo "npm est absent : les contrôles axe-core et html-validate du navigateur seront ignorés."; fi

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $$([ "$$(id -u)" = 0 ] && echo --allow-root) $(LAB_ARGS)

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "cdv-analysis demande Python 3.11 ou plus récent ; « $(PYTHON) » est trop ancien (précisez PYTHON=python3.12 par exemple)."; exit 1; }

# Reinstalled whenever pyproject.toml or the lock changes: the locked versions, every file checked
# against its hash, then the project itself without resolving anything more. The installed files are then
# compiled, and must be: with PYTHONDONTWRITEBYTECODE=1 (set on the shared machine) Python never writes the
# bytecode itself, and each process (test worker, kernel, `cdv`) would compile its imports. pip would compile
# everything in its one process (two thirds of the install's time): compileall uses one process per core and
# skips the libraries' own test suites (tests/ and test/ folders, never imported: half of the source).
PIP := $(BIN)/python -m pip --quiet --quiet --disable-pip-version-check
$(STAMP): pyproject.toml $(LOCK) | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --no-compile --upgrade pip
	$(PIP) install --require-hashes -r $(LOCK) --no-compile
	$(PIP) install --no-deps -e . --no-compile
	$(BIN)/python -m compileall -q -j 0 -x 'site-packages/.*/tests?/' \
	  $$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))') > /dev/null || true
	@touch $(STAMP)

# Refresh requirements.lock after a change of pyproject.toml (kept versions stay;
# `make lock LOCK_ARGS=--upgrade` moves every package to its newest allowed version).
lock: | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 --generate-hashes \
	  --custom-compile-command 'make lock' --quiet $(LOCK_ARGS) -o $(LOCK)

clean-venv:
	rm -rf $(VENV)
