"""Sharded search on a regional site with many shards, in Chromium: a reader's
first search downloads at most 300 KB gzip (everything search loads, measured
from the responses), finds the reference from the domain root, a sub-path and
the file system, and `region:` narrows the results to a region and those under it."""

from __future__ import annotations

import gzip
import re
import shutil
from urllib.parse import quote

import pytest

from budget_site.site_build import build_site

from browsing import RESULTS, Recorder, placed
from conftest import ROOT, serve_directory
from synthetic import write_regional_units

pytestmark = pytest.mark.browser

REGIONS, UNITS = 12, 25  # a province, a city, ten counties: 300 units
REFERENCE_REGION = "130105"  # 合成1市5县
FIRST_SEARCH_LIMIT = 300 * 1024
QUERIES = ("信访局", "满意度", "群众工作中心安保费", "13063722P004351100152", "绩效")


@pytest.fixture(scope="module")
def big_regional_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("sharded-search")
    write_regional_units(root / "data", [2023], regions=REGIONS, units=UNITS, seed=11)
    shutil.copy(ROOT / "data" / "2023" / "230001.yaml", root / "data" / "2023" / REFERENCE_REGION / "230001.yaml")
    build_site(root / "data", root / "site", ROOT / "mkdocs.yml")
    return root / "site"


def search(page, base: str, query: str, found: bool = True) -> list[str]:
    """The result links of a search link (?q=) opened on the year home."""
    page.goto(f"{base}/2023/index.html?q={quote(query)}")
    page.wait_for_function("() => document.querySelector('.md-search-result__link')" if found else RESULTS,
                           timeout=30000)
    return page.eval_on_selector_all(".md-search-result__link", "links => links.map(a => a.href)")


def first_search(browser, base: str, query: str) -> tuple[dict[str, bytes], list[str]]:
    """A new reader's search: the search files' bodies received (by address), and the result links."""
    page = browser.new_page()
    searched: dict[str, bytes] = {}
    page.on("requestfinished", lambda request: re.search(r"/search[/-]", request.url)
            and searched.setdefault(request.url, request.response().body()))
    links = search(page, base, query)
    page.close()
    return searched, links


def test_shards_are_many_and_the_first_search_stays_small(big_regional_site, browser):
    shards = big_regional_site / "2023" / "search" / "shards"
    total = sum(len(gzip.compress(f.read_bytes(), 6)) for f in shards.iterdir())
    documents = len(list(shards.glob("d*.js")))
    print(f"\nsearch index: {documents} document shards, {len(list(shards.glob('t*.js')))} term files,"
          f" {total / 1024:.0f} KB gzip in all")
    assert documents >= 50 and total > 3 * FIRST_SEARCH_LIMIT  # loading it all would break the limit
    with serve_directory(big_regional_site) as base:
        for query in QUERIES:
            searched, links = first_search(browser, base, query)
            download = sum(len(gzip.compress(body, 6)) for body in searched.values())
            print(f"first search {query}: {download / 1024:.0f} KB gzip in {len(searched)} files, {len(links)} pages")
            assert any("search/shards/d" in url for url in searched)
            assert download <= FIRST_SEARCH_LIMIT, (query, download)
            assert links, query


@pytest.mark.parametrize("where", ["root", "sub-path", "file"])
def test_sharded_search_finds_the_reference_anywhere(big_regional_site, browser, tmp_path, where):
    page = browser.new_page()
    recorder = Recorder(page)
    with placed(big_regional_site, where, tmp_path) as base:
        for query in ("博野县信访局", "常年驻京值班经费"):
            links = search(page, base, query)
            assert links[0].startswith(f"{base}/2023/{REFERENCE_REGION}/230001/"), (query, links[:3])
        recorder.check(base, ("index.html", "versions.json"))
    page.close()


def test_region_narrows_search_to_a_region_and_those_under_it(big_regional_site, browser):
    page = browser.new_page()
    with serve_directory(big_regional_site) as base:
        everywhere = search(page, base, "满意度")
        county = search(page, base, "region:合成1市3县 满意度")
        city = search(page, base, "地区：130100 满意度")
        nowhere = search(page, base, "region:不存在 满意度", found=False)
    page.close()
    regions = {url.split("/2023/")[1].split("/")[0] for url in everywhere}
    assert len(regions) > 1
    assert county and all("/2023/130103/" in url for url in county)
    assert city and all(re.search(r"/2023/1301\d\d/", url) for url in city)
    assert {url.split("/2023/")[1].split("/")[0] for url in city} != {"130103"}
    assert nowhere == []
