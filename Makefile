# Two commands do all the set-up on a fresh Debian machine:
#   make site   create .venv, install the pinned dependencies, build site/
#   make test   the same set-up plus test tools and Chromium, then the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test lint serve bench bench-phone bench-import bench-province fuzz soak libreoffice chromium cjk-fonts nginx axe clean

site: $(VENV)/.installed
	$(BIN)/budget-site build --data data --site site

$(VENV)/.installed: pyproject.toml $(VENV)/.console
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

# The README's `.venv/bin/mkdocs serve` without Material's English notice about its end
# of life: Python runs this line of a .pth file at start-up, before MkDocs loads the
# theme that prints it (as `make` does with NO_MKDOCS_2_WARNING above).
$(VENV)/.console:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -c 'import sysconfig; open(sysconfig.get_path("purelib") + "/budget_site_console.pth", "w").write("import os; os.environ.setdefault(\"NO_MKDOCS_2_WARNING\", \"1\")\n")'
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# $(call apt_install,PACKAGE,MESSAGE): install a Debian package when run as root,
# otherwise say in Chinese what is missing and how to install it.
apt_install = if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
	else \
	  echo "$(2)：sudo apt-get install $(1)" >&2; exit 1; \
	fi

# Browser tests use Debian's chromium (never a browser download of Playwright's own).
chromium:
	@test -x /usr/bin/chromium || { $(call apt_install,chromium,需要 Debian 的 chromium); }

# Chinese fonts for Chromium, so printed pages (the PDF print test) carry real text.
cjk-fonts: chromium
	@fc-list :lang=zh 2>/dev/null | grep -q . || { $(call apt_install,fonts-noto-cjk,需要中文字体); }

# Debian's nginx for the test of the sample configuration (deploy/nginx/); the
# test starts its own nginx on 127.0.0.1, never the system service, and publishes
# the site into it with rsync as the README says.
nginx:
	@test -x /usr/sbin/nginx || { $(call apt_install,nginx,需要 Debian 的 nginx); }
	@command -v rsync >/dev/null || { $(call apt_install,rsync,需要 rsync); }

# axe-core for the accessibility tests: the exact version pinned in
# tests/package-lock.json, from the npm registry (npm from Debian if missing).
AXE := tests/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE): tests/package.json tests/package-lock.json
	@command -v npm >/dev/null || { $(call apt_install,npm,需要 npm); }
	cd tests && npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src hooks tests

test: $(VENV)/.installed-test chromium cjk-fonts nginx $(AXE) lint
	$(BIN)/python -m pytest -q

# The property tests with new random examples, ten times as many as in make test
# (which always draws the same ones: tests/conftest.py).
fuzz: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_properties.py tests/test_validation.py tests/test_yaml_mistakes.py

# 50 builds into one site, killed and started concurrently at random (tests/soak.py).
soak: $(VENV)/.installed-test
	$(BIN)/python tests/soak.py

# Build time, memory, page and search sizes at 100, 300 and 1000 units, the import of
# 100 PDFs, a province of 10,000 units in 100 regions, then the phone section; writes
# README's tables.
bench: $(VENV)/.installed-test chromium libreoffice
	$(BIN)/python tests/bench.py

# The phone section alone: a 300-unit county on slow 3G with 4x CPU slowdown.
bench-phone: $(VENV)/.installed-test chromium
	$(BIN)/python tests/bench_phone.py

# Only the province: 10,000 units in 100 regions built with --jobs 2, against plain
# MkDocs on the same pages, then searched in Chromium (an hour or more on 2 cores).
bench-province: $(VENV)/.installed-test chromium
	$(BIN)/python tests/bench.py --section province

# Only the import of a folder of 100 PDFs (made with LibreOffice from Word files).
bench-import: $(VENV)/.installed-test libreoffice
	$(BIN)/python tests/bench.py --section import

# LibreOffice exports the benchmark's Word files to PDF, as departments export theirs
# (the test fixtures are committed, so make test does not need it).
libreoffice:
	@command -v soffice >/dev/null || { $(call apt_install,libreoffice-writer-nogui,需要 LibreOffice); }

serve: $(VENV)/.installed
	$(BIN)/mkdocs serve

clean:
	rm -rf site site-preview archives
