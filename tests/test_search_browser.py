"""Chinese search as a reader uses it: the real site of the reference plus
100 synthetic units, Material's search box in Debian's Chromium, ``?q=``.
Search (index and worker) loads only when the reader asks for it, so a
project page's first view does not grow with the number of units.

For every query in ``search_queries.tsv`` one of the first five results must
link to a section that contains the expected text. The recall is printed so
it can be reported.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from budget_site.site_build import build_site

from browsing import RESULTS, read_queries, squash
from conftest import ROOT, serve_directory
from synthetic import write_units

pytestmark = pytest.mark.browser

UNITS = 100
TOP = 5


@pytest.fixture(scope="module")
def county_site(tmp_path_factory) -> Path:
    """The reference among 100 other units of a county, built for real."""
    root = tmp_path_factory.mktemp("county")
    write_units(root / "data", years=[2023], units=UNITS, seed=7, reference=ROOT / "data" / "2023" / "230001.yaml")
    build_site(root / "data", root / "site", ROOT / "mkdocs.yml")
    return root / "site"


@pytest.fixture(scope="module")
def section_text(county_site) -> dict[str, str]:
    """Location → title and text of each indexed section, whitespace removed."""
    index = json.loads((county_site / "2023" / "search" / "search_index.json").read_text("utf-8"))
    return {doc["location"]: squash(re.sub(r"<[^>]+>", "", doc["title"] + doc["text"])) for doc in index["docs"]}


def first_results(page, base: str, query: str) -> list[str]:
    """Locations (relative to the year's root) of the first results shown, in order."""
    page.goto(f"{base}/2023/?q={quote(query)}")
    page.wait_for_function(
        """() => {
             const meta = document.querySelector('.md-search-result__meta')
             return meta && /结果|没有找到/.test(meta.textContent)
           }""",
        timeout=20000,
    )
    hrefs = page.eval_on_selector_all(
        ".md-search-result__list > li a.md-search-result__link",
        "els => els.filter(e => !e.closest('details')).map(e => e.href)",
    )
    locations = []
    for href in hrefs:
        parts = urlsplit(href)
        path = parts.path.split("/2023/", 1)[1]
        locations.append(path + (f"#{parts.fragment}" if parts.fragment else ""))
    return locations[:TOP]


def test_search_recall_among_a_county(county_site, section_text, browser):
    queries = read_queries()
    assert len(queries) >= 30
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    failures = []
    with serve_directory(county_site) as base:
        for query, expected in queries:
            results = first_results(page, base, query)
            if not any(squash(expected) in section_text.get(location, "") for location in results):
                failures.append(f"{query} → {results}")
    page.close()
    found = len(queries) - len(failures)
    print(f"\nsearch recall: {found}/{len(queries)} queries found in the first {TOP} results among {UNITS + 1} units")
    assert errors == []
    assert failures == []


def test_search_result_highlights_and_escapes(county_site, browser):
    page = browser.new_page()
    with serve_directory(county_site) as base:
        first_results(page, base, "安保费")
        marks = page.eval_on_selector_all(".md-search-result mark", "els => els.map(e => e.textContent)")
        assert "安保费" in marks
        first_results(page, base, "qxzvw")
        assert "没有找到" in page.text_content(".md-search-result__meta")
    page.close()


PROJECT_PAGE = "2023/230001/13063722P004351100152.html"


def search_requests(requests: list[str]) -> list[str]:
    """The search worker and the index files (whole or shards) requested, by name."""
    names = [url.split("?")[0].rsplit("/", 2)[-2:] for url in requests]
    return sorted({name for folder, name in names if folder in ("search", "shards") or name == "search-worker.js"})


@pytest.mark.parametrize("where", ["http", "file"])
def test_search_index_and_worker_load_only_when_the_reader_asks(county_site, browser, where):
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        with serve_directory(county_site) as base:
            root = base if where == "http" else county_site.resolve().as_uri()
            page.goto(f"{root}/{PROJECT_PAGE}", wait_until="networkidle")
            page.wait_for_timeout(500)
            assert search_requests(requests) == []
            # Reading on: another page, still nothing of search.
            page.click(".md-content a[href$='how-to-read.html']")
            page.wait_for_load_state("networkidle")
            assert search_requests(requests) == []
            page.focus(".md-search__input")
            page.keyboard.type("驻京")
            page.keyboard.press("End")  # a key's keyup, which Material reads the query on (typed Chinese has none)
            page.wait_for_function(RESULTS, timeout=20000)
            loaded = search_requests(requests)
            assert "manifest.js" in loaded and "search-worker.js" in loaded
            assert any(name.startswith("d") for name in loaded) and any(name.startswith("t") for name in loaded)
            assert not {"search_index.json", "search_index.js"} & set(loaded)  # shards, not the whole index
            assert page.locator(".md-search-result__item").count() >= 1
        assert errors == []
    finally:
        page.close()


def test_a_search_link_loads_search_at_once(county_site, browser):
    page = browser.new_page()
    try:
        with serve_directory(county_site) as base:
            page.goto(f"{base}/{PROJECT_PAGE}?q={quote('满意度')}")
            page.wait_for_function(RESULTS, timeout=20000)
            assert "个符合条件的结果" in page.text_content(".md-search-result__meta")
    finally:
        page.close()


def first_view_gzip_bytes(site: Path, browser) -> int:
    """What a project page's first view transfers, every file gzip-compressed as a web server sends it."""
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        with serve_directory(site) as base:
            page.goto(f"{base}/{PROJECT_PAGE}", wait_until="networkidle")
            page.wait_for_timeout(500)
    finally:
        page.close()
    total = 0
    for url in set(requests):
        body = (site / urlsplit(url).path.lstrip("/")).read_bytes()
        total += len(gzip.compress(body, 6)) if url.endswith((".html", ".js", ".css", ".json", ".svg")) else len(body)
    return total


def test_a_project_pages_first_view_stays_small_whatever_the_number_of_units(county_site, sample_site, browser):
    few, many = first_view_gzip_bytes(sample_site, browser), first_view_gzip_bytes(county_site, browser)
    print(f"\nproject page, first view (gzip): {few / 1024:.1f} KB at 12 units, {many / 1024:.1f} KB at {UNITS + 1}")
    assert many <= 100 * 1024 and few <= 100 * 1024
    assert abs(many - few) < 4 * 1024  # the page's navigation grows a little with the units, nothing else



# Material posts a query whenever the box changes and shows each answer under whatever
# the box holds when the answer arrives: the empty box's answer (asked as search becomes
# ready) arriving after the reader entered a query read 没有找到 before the results.
TWO_QUERIES = """async () => {
  const config = JSON.parse(document.getElementById("__config").textContent)
  const worker = new Worker(new URL(config.search, location.href))  // search-lazy.js's stand-in
  const answers = []
  worker.addEventListener("message", event => {
    if (event.data.type === 3) answers.push([event.data.data.query, event.data.data.items.length])
  })
  document.querySelector(".md-search__input").focus()  // the reader asks: the worker starts
  worker.postMessage({ type: 2, data: "" })
  worker.postMessage({ type: 2, data: "驻京" })
  for (let waited = 0; !answers.some(([query]) => query === "驻京") && waited < 20000; waited += 50)
    await new Promise(resolve => setTimeout(resolve, 50))
  await new Promise(resolve => setTimeout(resolve, 300))
  return answers
}"""


def test_an_answer_to_a_replaced_query_is_not_shown(county_site, browser):
    page = browser.new_page()
    try:
        with serve_directory(county_site) as base:
            page.goto(f"{base}/{PROJECT_PAGE}", wait_until="networkidle")
            answers = page.evaluate(TWO_QUERIES)
    finally:
        page.close()
    assert len(answers) == 1 and answers[0][0] == "驻京" and answers[0][1] > 0, answers


# The worker's whole answer to a query (every page, in order; Material shows the first
# ones), asked through the page's own search (search-lazy.js starts it on focus).
ANSWER = """async query => {
  const config = JSON.parse(document.getElementById("__config").textContent)
  const worker = new Worker(new URL(config.search, location.href))
  const answer = new Promise(resolve => worker.addEventListener("message", event => {
    if (event.data.type === 3 && event.data.data.query === query) resolve(event.data.data.items)
  }))
  document.querySelector(".md-search__input").focus()
  worker.postMessage({ type: 2, data: query })
  return await answer
}"""
HANDWRITTEN = ("about.html", "how-to-read.html", "data-format.html")
# What YAML looks like in a snippet: `basis: 尽职尽责} - {level1: 满意度指标`.
YAML_LIKE = re.compile(r"[{}]|\b[a-z_]+\d?: ")


@pytest.mark.parametrize("query", ["驻京", "满意度", "13063722P004351100152"])
def test_data_pages_come_first_and_the_clerks_manual_is_not_a_result(sample_site, browser, query):
    index = json.loads((sample_site / "2023" / "search" / "search_index.json").read_text("utf-8"))
    assert not [doc for doc in index["docs"] if doc["location"].startswith("data-format.html")]
    page = browser.new_page()
    try:
        with serve_directory(sample_site) as base:
            page.goto(f"{base}/2023/index.html", wait_until="networkidle")
            items = page.evaluate(ANSWER, query)
    finally:
        page.close()
    pages = [group[0]["location"].split("#")[0] for group in items]
    assert pages and pages[0] not in HANDWRITTEN, pages
    assert "data-format.html" not in pages
    handwritten = [i for i, location in enumerate(pages) if location in HANDWRITTEN]
    assert all(i >= len(pages) - len(handwritten) for i in handwritten), pages  # after every data page
    snippets = [item["text"] for group in items for item in group]
    assert not [text for text in snippets if YAML_LIKE.search(re.sub(r"<[^>]+>", "", text))]
