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

## System programs the tests need, from Debian's packages, installed with apt-get
## when missing (as root, else through sudo): the browser test drives Debian's
## chromium (never a browser Playwright downloads), the remote-store tests start
## a Virtuoso (virtuoso-t). One rule for all: PROGRAM: PACKAGE := name.
CHROMIUM := /usr/bin/chromium
VIRTUOSO := /usr/bin/virtuoso-t
SYSTEM_PROGRAMS := $(CHROMIUM) $(VIRTUOSO)
$(CHROMIUM): PACKAGE := chromium
$(VIRTUOSO): PACKAGE := virtuoso-opensource
$(SYSTEM_PROGRAMS):
	@command -v apt-get >/dev/null || { echo "$@ is missing and there is no apt-get: install it there (Debian: apt-get install $(PACKAGE))" >&2; exit 1; }
	@if [ "$$(id -u)" = 0 ]; then as_root=; \
	elif command -v sudo >/dev/null; then as_root=sudo; \
	else echo "$@ is missing: as root, run apt-get install $(PACKAGE) (the tests need it)" >&2; exit 1; fi; \
	echo "Installing $(PACKAGE) with apt-get (the tests need $@)"; \
	$$as_root apt-get update -qq && $$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PACKAGE) >/dev/null

## The whole test suite, slow tests included (what CI runs).
test: $(STAMP) $(SYSTEM_PROGRAMS)
	$(BIN)/python -m pytest

## The suite without tests marked slow.
test-fast: $(STAMP) $(VIRTUOSO)
	$(BIN)/python -m pytest -m "not slow"

## Parse and check the ontology, vocabularies and examples.
check: $(STAMP)
	$(BIN)/virsis ontology check

clean:
	rm -rf $(VENV) build dist *.egg-info
