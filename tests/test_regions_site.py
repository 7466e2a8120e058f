"""A regional site built for real: a province, a city and ten counties of synthetic
units (tests/synthetic.py), two years; one county has more units than a region
home lists on one page.

* URLs: ``<year>/<region>/<unit>/…`` and a home per region; the same unit code in
  several counties gives separate pages.
* The year home lists the regions, not the units; a region home its own units
  with their change from the year before and its child regions, paginated.
* Every unit page shows the breadcrumbs year → regions → unit and a navigation
  with its own regions and unit only; no page is over 100 KB.
* Every link and asset resolves within the year: region sites link up to the
  year's hand-written pages and load the theme from the year's assets/, of
  which a region's folder keeps no copy.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from budget_site import sitemaps
from budget_site.pages import UNITS_PER_PAGE
from budget_site.site_build import build_site

from conftest import ROOT, page_path
from synthetic import synthetic_regions, unit_code, write_regional_units
from test_years import outside_and_broken

REGIONS = 12
BIG = UNITS_PER_PAGE + 10  # the last county's units: two pages
COUNTS = [2] * (REGIONS - 1) + [BIG]
PAGE_BOUND = 100_000


@pytest.fixture(scope="module")
def regional_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("regional")
    write_regional_units(root / "data", [2022, 2023], REGIONS, COUNTS, seed=3)
    build_site(root / "data", root / "site", ROOT / "mkdocs.yml")
    return root / "site"


def html(site: Path, src_uri: str, year: int = 2023) -> str:
    return (site / str(year) / page_path(src_uri)).read_text("utf-8")


def test_units_live_under_their_region(regional_site):
    regions = [r["code"] for r in synthetic_regions(REGIONS)]
    for region in regions:
        assert (regional_site / "2023" / page_path(f"{region}/index.md")).is_file()
        assert (regional_site / "2023" / page_path(f"{region}/{unit_code(0)}/index.md")).is_file()
    # The same unit code in two counties: two different documents.
    first, last = (html(regional_site, f"{r}/{unit_code(0)}/index.md") for r in (regions[1], regions[-1]))
    assert re.search(r"<h1[^>]*>(.*?)</h1>", first).group(1) != re.search(r"<h1[^>]*>(.*?)</h1>", last).group(1)


def test_year_home_lists_regions_not_units(regional_site):
    home = html(regional_site, "index.md")
    for region in synthetic_regions(REGIONS):
        assert f'{region["name"]}</a>' in home
    assert "合成1市10县</a>" in home and f"{sum(COUNTS)} 个预算单位" in home
    assert 'id="units-table"' not in home and "比2022年同口径增减" in home


def test_region_home_lists_its_units_on_pages(regional_site):
    code = synthetic_regions(REGIONS)[-1]["code"]
    first, second = html(regional_site, f"{code}/index.md"), html(regional_site, f"{code}/units-2.md")
    rows = [len(re.findall(r'data-label="单位编码"', page)) for page in (first, second)]
    assert rows == [UNITS_PER_PAGE, BIG - UNITS_PER_PAGE]
    assert "第 1 页，共 2 页" in first and "第 2 页，共 2 页" in second
    assert "比2022年增减" in first and "本级与2022年比较：同口径" in first and 'id="chart-units-caption"' in first
    city = html(regional_site, "130100/index.md")
    assert 'id="child-regions"' in city and "合成1市1县</a>" in city


def test_breadcrumbs_and_navigation_of_a_unit(regional_site):
    code = synthetic_regions(REGIONS)[2]["code"]
    page = html(regional_site, f"{code}/{unit_code(1)}/overall-goals.md")
    crumbs = re.search(r'<nav class="budget-breadcrumbs".*?</nav>', page, re.S).group(0)
    assert re.findall(r">([^<>]+)</(?:a|span)>", crumbs) == [
        "2023年部门预算绩效文本", " › ", "合成省", " › ", "合成1市", " › ", "合成1市1县", " › ",
        re.search(r'<h1 id="cover">(\S+)', html(regional_site, f"{code}/{unit_code(1)}/index.md")).group(1),
        " › ", "一、总体绩效目标"]
    nav = page[page.index("md-nav--primary"):page.index("md-nav--secondary")]
    assert f"{code}/{unit_code(0)}/" not in nav  # another unit of its county
    assert "合成1市3县" not in nav  # another county


def test_no_page_over_100_kb(regional_site):
    sizes = {p: p.stat().st_size for p in (regional_site / "2023").rglob("*.html")}
    largest = max(sizes, key=sizes.get)
    assert sizes[largest] < PAGE_BOUND, (largest, sizes[largest])


def test_year_selector_finds_the_same_unit(regional_site):
    code = synthetic_regions(REGIONS)[5]["code"]
    url = page_path(f"{code}/{unit_code(1)}/index.md")
    for year in (2022, 2023):
        assert f"/{year}/{url}".removesuffix("index.html") in (regional_site / str(year) / "sitemap.xml").read_text()


def locations(sitemap: Path) -> list[str]:
    return [loc.text for loc in ET.parse(sitemap).getroot().iter(f"{{{sitemaps.NAMESPACE}}}loc")]


def test_search_engines_get_sitemaps_within_the_limits(regional_site):
    """The year's sitemap.xml lists every page (the year selector's list, 78,000 addresses at
    10,000 units); sitemap-index.xml gives search engines the same addresses in sitemaps of
    one folder each: the year's own pages and every region's."""
    year = regional_site / "2023"
    base = "https://budget-site.invalid/2023/"
    listed = locations(year / sitemaps.INDEX)
    regions = sorted(r["code"] for r in synthetic_regions(REGIONS))
    assert listed == [base + sitemaps.YEAR_PAGES, *(f"{base}{code}/sitemap.xml" for code in regions)]
    found = []
    for address in listed:
        folder = address.rpartition("/")[0] + "/"
        inside = locations(year / address.removeprefix(base))
        assert 0 < len(inside) <= sitemaps.MAX_URLS
        assert all(url.startswith(folder) for url in inside), address
        found += inside
    everything = locations(year / "sitemap.xml")
    assert len(set(found)) == len(found) and set(everything) <= set(found)
    assert set(found) - set(everything) == {f"{base}{code}/" for code in regions}  # each region's root, as the year's
    assert base + f"{regions[3]}/{unit_code(0)}/index.html" in found


def test_every_link_and_asset_resolves_within_the_year(regional_site):
    for year in (2022, 2023):
        assert outside_and_broken(regional_site, year) == ([], [])
    regions = [r["code"] for r in synthetic_regions(REGIONS)]
    assert (regional_site / "2023" / "assets").is_dir()
    assert [code for code in regions if (regional_site / "2023" / code / "assets").exists()] == []
    unit_page = html(regional_site, f"{regions[-1]}/{unit_code(0)}/index.md")
    assert 'href="../../assets/stylesheets/budget.css"' in unit_page
    assert 'href="../../data-format.html"' in unit_page
