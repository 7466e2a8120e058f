"""Chinese search as a reader uses it: the real site of the reference plus
100 synthetic units, Material's search box in Debian's Chromium, ``?q=``.

For every query in ``search_queries.tsv`` one of the first five results must
link to a section that contains the expected text. The recall is printed so
it can be reported.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from budget_site.site_build import build_site

from conftest import ROOT, serve_directory
from synthetic import write_units

pytestmark = pytest.mark.browser

QUERIES = Path(__file__).with_name("search_queries.tsv")
UNITS = 100
TOP = 5


def squash(text: str) -> str:
    """White space and the index's word boundaries (search_index.WORD_BOUNDARY) removed."""
    return re.sub(r"[\s\u200b\x7f]+", "", text)


def read_queries() -> list[tuple[str, str]]:
    rows = []
    for line in QUERIES.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, expected = line.split("\t")
            rows.append((query, expected))
    return rows


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
