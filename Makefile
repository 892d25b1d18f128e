# Set-up and the two Quick start commands. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

## The main job: serve the example registry (embedded store) at http://127.0.0.1:8000/.
run: $(STAMP)
	$(BIN)/virsis serve --examples

## The whole test suite, slow tests included (what CI runs).
test: $(STAMP)
	$(BIN)/python -m pytest

## The suite without tests marked slow.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

## Parse and check the ontology, vocabularies and examples.
check: $(STAMP)
	$(BIN)/virsis ontology check

clean:
	rm -rf $(VENV) build dist *.egg-info
