"""Helpers of the browser tests of the published site: where it is put, what a
page requested and what went wrong."""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from conftest import ROOT, serve_directory

SUB_PATH = "xxgk/ysjx"
AXE = ROOT / "tests" / "node_modules" / "axe-core" / "axe.min.js"  # tests/package-lock.json
BLOCKING = {"serious", "critical"}  # axe-core impacts that fail a test
# Material's result list says how many results it found, or that it found none.
RESULTS = ("() => { const m = document.querySelector('.md-search-result__meta');"
           " return m && /结果|没有找到/.test(m.textContent) }")


QUERIES = ROOT / "tests" / "search_queries.tsv"


def squash(text: str) -> str:
    """White space and the index's word boundaries (search_index.WORD_BOUNDARY) removed."""
    return re.sub(r"[\s\u200b\x7f]+", "", text)


def read_queries() -> list[tuple[str, str]]:
    """The search queries a reader makes and the text the right result holds (search_queries.tsv)."""
    rows = []
    for line in QUERIES.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, expected = line.split("\t")
            rows.append((query, expected))
    return rows


class Recorder:
    """Every request a page makes, and everything that went wrong."""

    def __init__(self, page):
        self.requests: list[str] = []
        self.problems: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        # A request cut short because the test moved on to the next page (net::ERR_ABORTED,
        # often the favicon) is not a failure; a missing file shows as its HTTP status.
        page.on("requestfailed", lambda r: r.failure == "net::ERR_ABORTED"
                or self.problems.append(f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        page.on("pageerror", lambda e: self.problems.append(f"error: {e}"))
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text} {m.location}"))

    def check(self, base: str, allowed_outside_years: tuple[str, ...]) -> None:
        """No problem; every request inside ``base``, in a year folder or one of the allowed files."""
        assert not self.problems, "\n".join(self.problems)
        origin = urlsplit(base)
        for url in self.requests:
            parts = urlsplit(url)
            assert (parts.scheme, parts.netloc) == (origin.scheme, origin.netloc), url
            assert parts.path.startswith(origin.path + "/"), url
            rest = parts.path[len(origin.path) + 1:]
            assert rest.split("/")[0] in ("2021", "2022", "2023") or rest in allowed_outside_years, url


@contextlib.contextmanager
def placed(site: Path, where: str, tmp_path: Path) -> Iterator[str]:
    """The site served from the domain root, from a sub-path, or opened as files; yields its base URL."""
    if where == "file":
        yield site.resolve().as_uri()
        return
    if where == "root":
        with serve_directory(site) as base:
            yield base
        return
    (tmp_path / SUB_PATH).parent.mkdir(parents=True)
    (tmp_path / SUB_PATH).symlink_to(site.resolve(), target_is_directory=True)
    with serve_directory(tmp_path) as base:
        yield f"{base}/{SUB_PATH}"


def settle(page) -> None:
    page.wait_for_load_state("networkidle")


def switch_year(page, title: str) -> None:
    page.hover(".md-version")
    with page.expect_navigation():
        page.click(f".md-version__link >> text={title}")
    settle(page)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_axe(page, axe_source: str) -> list[dict]:
    """axe-core's violations on the page as it is now."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def describe(violations: list[dict]) -> str:
    counts = Counter((v["id"], v["impact"]) for v in violations for _ in v["nodes"])
    lines = [f"{rule} ({impact}): {n}" for (rule, impact), n in sorted(counts.items())]
    for v in violations:
        lines.append(f"  {v['id']}: {v['nodes'][0]['target']} {v['nodes'][0]['failureSummary'][:200]}")
    return "\n".join(lines) or "none"
