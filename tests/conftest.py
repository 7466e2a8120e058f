"""Shared fixtures: a real build of the reference data, a local HTTP server
and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import Phase, settings

from budget_site.site_build import build_site

# Property tests: `make test` (and CI) draw the same examples on every run
# (derandomize), so a red run is never chance and a change that has nothing to do
# with a test cannot turn it red; a failure prints the example and its
# reproduce_failure blob. `make fuzz` (HYPOTHESIS_PROFILE=fuzz) draws new random
# examples, ten times as many (``examples``), to look for what the fixed ones miss.
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.register_profile("ci", derandomize=True, database=None, print_blob=True, deadline=None)
settings.register_profile("fuzz", derandomize=False, print_blob=True, deadline=None,
                          phases=[Phase.explicit, Phase.generate, Phase.target, Phase.shrink, Phase.explain])
settings.load_profile(PROFILE)


# Builds the tests interrupt with SIGINT must get it as a terminal's Ctrl-C, even when
# the suite itself runs where SIGINT is ignored (started in the background by a
# script, as `cmd &` does): an ignored SIGINT would be inherited by every build.
signal.signal(signal.SIGINT, signal.default_int_handler)


def examples(count: int) -> int:
    """A property test's number of examples: ``count`` in CI, ten times more in ``make fuzz``."""
    return count * 10 if PROFILE == "fuzz" else count

ROOT = Path(__file__).resolve().parent.parent
# The reference document as converted from its PDF; a copy of ../shared/documents/ so a clone is self-contained.
REFERENCE_TEXT = ROOT / "tests" / "fixtures" / "2023-boye-xinfangju.txt"
SHARED_REFERENCE_TEXT = ROOT.parent / "shared" / "documents" / "2023-boye-xinfangju.txt"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def reference_site(tmp_path_factory) -> Path:
    """``site/`` built from the repository's own ``data/`` by the real MkDocs build."""
    site = tmp_path_factory.mktemp("reference") / "site"
    build_site(ROOT / "data", site, ROOT / "mkdocs.yml")
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def years_site(tmp_path_factory) -> Path:
    """Three years of test data (tests/years.py), built for real into ``site/``;
    the data is beside it in ``data/``."""
    from years import write_years

    root = tmp_path_factory.mktemp("years")
    build_site(write_years(root / "data"), root / "site", ROOT / "mkdocs.yml")
    return root / "site"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("需要 Debian 的 chromium（/usr/bin/chromium）：apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


SAMPLE_UNITS = 11  # synthetic units beside the reference in ``sample_site``


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The reference among 11 synthetic units of a county (several with disclosure
    metadata, some with other funds), built for real: a year home with many units."""
    from synthetic import write_units

    root = tmp_path_factory.mktemp("sample")
    reference = ROOT / "data" / "2023" / "230001.yaml"
    write_units(root / "data", years=[2023], units=SAMPLE_UNITS, seed=11, reference=reference)
    build_site(root / "data", root / "site", ROOT / "mkdocs.yml")
    return root / "site"


@functools.cache
def directory_urls() -> bool:
    """``use_directory_urls`` of mkdocs.yml."""
    from mkdocs.utils.yaml import yaml_load

    return bool(yaml_load((ROOT / "mkdocs.yml").read_text("utf-8")).get("use_directory_urls", True))


def page_path(src_uri: str) -> str:
    """Where MkDocs writes a page, relative to the year's folder: ``230001/index.md`` ->
    ``230001/index.html``; ``230001/P1.md`` -> ``230001/P1/index.html`` or ``230001/P1.html``."""
    from budget_site.pages import page_url

    url = page_url(src_uri, directory_urls())
    return url + "index.html" if not url or url.endswith("/") else url
