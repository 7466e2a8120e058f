"""Shared fixtures: a real build of the reference data, a local HTTP server
and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from budget_site.site_build import build_site

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
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("需要 Debian 的 chromium（/usr/bin/chromium）：apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
