# Two commands do all the set-up on a fresh Debian machine:
#   make site   create .venv, install the pinned dependencies, build site/
#   make test   the same set-up plus test tools and Chromium, then the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test lint serve bench chromium clean

site: $(VENV)/.installed
	$(BIN)/budget-site build --data data --site site

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# Browser tests use Debian's chromium (never a browser download of Playwright's own).
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "需要 Debian 的 chromium：sudo apt-get install chromium" >&2; exit 1; \
	  fi; }

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src hooks tests

test: $(VENV)/.installed-test chromium lint
	$(BIN)/python -m pytest -q

# Build time, memory, page and search sizes at 100, 300 and 1000 units; writes README's table.
bench: $(VENV)/.installed-test chromium
	$(BIN)/python tests/bench.py

serve: $(VENV)/.installed
	$(BIN)/mkdocs serve

clean:
	rm -rf site site-preview archives
