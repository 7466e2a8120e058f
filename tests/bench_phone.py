"""``make bench-phone``, also the last section of ``make bench``: a county of
300 units read on a phone.

Chromium with mobile emulation (360 × 740 px, touch, device scale 3), its
"Slow 3G" network (2 s round trip, 400 kbit/s) and 4× CPU slowdown, a fresh
cache each time: how long until a project page's goal table is drawn and how
many bytes the first view transfers (gzip, as a web server sends it). Then,
without the network throttle but still at 4× CPU, how long the first search
takes from tapping the search button to the results. Chromium slows only a
page's own thread, not a Web Worker (CDP: "only supported for pages"), so the
search is timed twice: served over HTTP (index and search in the worker) and
opened from files, where the iframe-worker shim runs the same search on the
slowed page thread. Medians of 3; the figures go into handbook/performance.md between the
bench-phone markers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from bench import YEAR, served, write_handbook  # noqa: E402

from budget_site.site_build import build_site  # noqa: E402

from browsing import RESULTS  # noqa: E402
from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from synthetic import write_units  # noqa: E402

UNITS = 300
REPEATS = 3
PROJECT_PAGE = f"{YEAR}/230001/13063722P004351100152.html"
QUERY = "满意度"
CPU_SLOWDOWN = 4
# Chromium DevTools' "Slow 3G" preset.
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 50 * 1024, "uploadThroughput": 50 * 1024}
NO_THROTTLE = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
# The goal table drawn with the site's styles (a card layout on a phone): ms since navigation.
GOAL_TABLE_DRAWN = """() => {
  const table = document.querySelector('.budget-indicators table');
  return table && table.checkVisibility() && getComputedStyle(table).display === 'block' && performance.now();
}"""


@dataclass
class PhoneRow:
    units: int
    goal_table_ms: float
    first_view_kb: float
    search_http_ms: float
    search_file_ms: float


@contextmanager
def phone_page(browser, network: dict):
    """A fresh phone context (empty cache) with the network and CPU throttled."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", network)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    try:
        yield page, cdp
    finally:
        context.close()


def first_view(browser, base: str) -> tuple[float, float]:
    """ms until the goal table is drawn, and KB transferred until the network is idle."""
    with phone_page(browser, SLOW_3G) as (page, cdp):
        received: list[int] = []
        cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
        page.goto(f"{base}/{PROJECT_PAGE}", wait_until="commit", timeout=120000)
        drawn = page.wait_for_function(GOAL_TABLE_DRAWN, polling=50, timeout=120000).json_value()
        page.wait_for_load_state("networkidle", timeout=120000)
        page.wait_for_timeout(1000)
        return drawn, sum(received) / 1024


def first_search(browser, url: str) -> float:
    """ms from tapping the search button to the first results, the page loaded, search not yet."""
    if url.startswith("http"):  # the server compresses the index once, not while timed
        index = url.split(f"/{YEAR}/")[0] + f"/{YEAR}/search/search_index.json"
        urllib.request.urlopen(urllib.request.Request(index, headers={"Accept-Encoding": "gzip"})).read()
    with phone_page(browser, NO_THROTTLE) as (page, _):
        page.goto(url, wait_until="networkidle", timeout=120000)
        page.tap("label[for=__search]")
        start = time.perf_counter()
        page.keyboard.type(QUERY)
        page.keyboard.press("End")  # a key's keyup, which Material reads the query on (typed Chinese has none)
        page.wait_for_function(RESULTS, polling=20, timeout=120000)
        return (time.perf_counter() - start) * 1000


def measure(site: Path, repeats: int) -> PhoneRow:
    from playwright.sync_api import sync_playwright

    views, searches_http, searches_file = [], [], []
    with served(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(repeats):
                views.append(first_view(browser, base))
                searches_http.append(first_search(browser, f"{base}/{PROJECT_PAGE}"))
                searches_file.append(first_search(browser, f"{site.resolve().as_uri()}/{PROJECT_PAGE}"))
        finally:
            browser.close()
    return PhoneRow(
        units=UNITS, goal_table_ms=statistics.median(v[0] for v in views),
        first_view_kb=statistics.median(v[1] for v in views),
        search_http_ms=statistics.median(searches_http), search_file_ms=statistics.median(searches_file),
    )


def table(row: PhoneRow) -> str:
    return "\n".join([
        "| units | goal table drawn, slow 3G + 4× CPU (ms) | first view transferred (KB) "
        "| first search, 4× CPU, HTTP (ms) | first search, 4× CPU, from files (ms) |",
        "|---:|---:|---:|---:|---:|",
        f"| {row.units} | {row.goal_table_ms:.0f} | {row.first_view_kb:.1f} "
        f"| {row.search_http_ms:.0f} | {row.search_file_ms:.0f} |",
    ])


def run(work: Path, repeats: int = REPEATS, site: Path | None = None) -> str:
    """Build a 300-unit county in ``work`` (unless ``site`` is given), measure it, return the report."""
    if site is None:
        data, site = work / "phone-data", work / "phone-site"
        write_units(data, years=[YEAR], units=UNITS, seed=1, reference=ROOT / "data" / str(YEAR) / "230001.yaml")
        build_site(data, site, ROOT / "mkdocs.yml")
    row = measure(site, repeats)
    load = os.getloadavg()[0]  # the machine may be shared: timings grow with its load
    return "\n".join([table(row), "", f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, "
                                       f"load average {load:.1f}; medians of {repeats}."])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site of 300 units (default: build one)")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="budget-bench-phone-") as folder:
        text = run(Path(folder), args.repeats, args.site)
    print(text)
    if not args.no_readme:
        write_handbook(text, "bench-phone")


if __name__ == "__main__":
    main()
