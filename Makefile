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

## The browser test (tests/test_browser.py) drives Debian's chromium, never a
## browser Playwright downloads: install it with apt-get when it is missing
## (as root, else through sudo).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "$(CHROMIUM) is missing and there is no apt-get: install Chromium there (Debian: apt-get install chromium)" >&2; exit 1; }
	@if [ "$$(id -u)" = 0 ]; then as_root=; \
	elif command -v sudo >/dev/null; then as_root=sudo; \
	else echo "$(CHROMIUM) is missing: as root, run apt-get install chromium (the browser test needs it)" >&2; exit 1; fi; \
	echo "Installing chromium with apt-get (the browser test needs $(CHROMIUM))"; \
	$$as_root apt-get update -qq && $$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

## The whole test suite, slow tests included (what CI runs).
test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest

## The suite without tests marked slow.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

## Parse and check the ontology, vocabularies and examples.
check: $(STAMP)
	$(BIN)/virsis ontology check

clean:
	rm -rf $(VENV) build dist *.egg-info
