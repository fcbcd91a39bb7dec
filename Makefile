# cdv-analysis — the two everyday commands are `make report` and `make test`.
# Each one creates the virtual environment .venv when needed and installs the
# project into it; nothing else has to be installed by hand (Python >= 3.11 and make).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installe
JOBS ?=
ARGS ?=

.PHONY: report test lab clean-venv check-python

report: $(STAMP)
	$(BIN)/cdv rapports $(if $(JOBS),--jobs $(JOBS)) $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(ARGS)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "cdv-analysis demande Python 3.11 ou plus récent ; « $(PYTHON) » est trop ancien (précisez PYTHON=python3.12 par exemple)."; exit 1; }

# Reinstalled whenever pyproject.toml changes.
$(STAMP): pyproject.toml | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

clean-venv:
	rm -rf $(VENV)
