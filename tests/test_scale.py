"""The site keeps its shape as a county grows: the same synthetic data
(tests/synthetic.py) at 10 and at 50 units a year, two years, built for real.

* Pages: exactly the year home, the hand-written pages, 404 and, for each unit,
  a cover, three chapters and one page per project; nothing else.
* Page size: no page carries every unit (the whole navigation, a list of every
  unit's pages). A page present in both builds has the same size in both; the
  largest page stays under a fixed bound. Only the year home lists every unit
  (its unit table and links), so it may grow, by a bounded amount per unit.
* Search index: each unit's entries are the same whatever the number of units,
  so the index grows linearly and its bytes per unit stay about constant.

The first 10 synthetic units are the same documents in both builds (a unit's
text depends only on seed, year and its index), which is what makes the
page-by-page comparisons exact.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from budget_site.site_build import build_site

from conftest import ROOT, page_path
from synthetic import write_units

YEARS = (2022, 2023)
SMALL, LARGE = 10, 50
SEED = 5
CHAPTERS = ("overall-goals", "itemised-goals", "safeguards")  # README: the three chapters of 第一部分

# Bounds, with margin over what was measured (see the figures in each test).
PAGE_BOUND = 100_000  # bytes; largest page at 50 units: data-format.html, 58.6 KB; largest unit page 51 KB
GROWTH = 1.2  # largest page of a kind at 50 units / at 10 units (measured at most 1.06)
SAME_PAGE_SLACK = 64  # bytes a page present in both builds may differ by (measured at most 8: prev/next link)
HOME_BASE, HOME_PER_UNIT = 36_000, 1_600  # year home bytes (measured ~30 KB + 740 to 1320 bytes per unit)
INDEX_PER_UNIT = 40_000  # search index bytes per unit (measured 21 to 26 KB, hand-written pages included)
INDEX_HOME_PER_UNIT = 1_000  # year home and hand-written pages' share of the index, per unit (measured 62 to 215)


@dataclass(frozen=True)
class Built:
    site: Path
    projects: dict[int, dict[str, list[str]]]  # year -> unit code -> its project codes, from the YAML
    pages: dict[int, dict[str, int]]  # year -> every HTML file, relative to the year's folder -> bytes

    def search_index(self, year: int) -> Path:
        return self.site / str(year) / "search" / "search_index.json"


def read_projects(data: Path) -> dict[str, list[str]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    documents = (yaml.load(path.read_text("utf-8"), Loader=loader) for path in sorted(data.glob("*.yaml")))
    return {doc["unit"]["code"]: [project["code"] for project in doc["projects"]] for doc in documents}


def read_pages(year_dir: Path) -> dict[str, int]:
    return {path.relative_to(year_dir).as_posix(): path.stat().st_size for path in year_dir.rglob("*.html")}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[int, Built]:
    """The same synthetic county at 10 and 50 units, 2022 and 2023, each built once."""
    sites = {}
    for units in (SMALL, LARGE):
        root = tmp_path_factory.mktemp(f"scale-{units}")
        write_units(root / "data", years=YEARS, units=units, seed=SEED)
        build_site(root / "data", root / "site", ROOT / "mkdocs.yml")
        sites[units] = Built(root / "site", projects={year: read_projects(root / "data" / str(year)) for year in YEARS},
                             pages={year: read_pages(root / "site" / str(year)) for year in YEARS})
    return sites


HOME = page_path("index.md")  # the year home


def unit_pages(code: str, projects: list[str]) -> set[str]:
    return {page_path(f"{code}/{name}.md") for name in ("index", *CHAPTERS, *projects)}


def constant_pages() -> set[str]:
    """The year home, the hand-written pages of docs/ and the 404 page."""
    hand_written = {page_path(path.relative_to(ROOT / "docs").as_posix()) for path in (ROOT / "docs").rglob("*.md")}
    return {HOME, "404.html", *hand_written}


# A unit's cover and chapters, relative to its folder: "index.html", "overall-goals.html", ...
UNIT_FIXED_PAGES = {page_path(f"unit/{name}.md").split("/", 1)[1] for name in ("index", *CHAPTERS)}


def kind(page: str) -> str:
    """A unit page's kind (cover, a chapter, project), or the page itself for the others."""
    if "/" not in page:
        return page
    within_unit = page.split("/", 1)[1]
    return within_unit if within_unit in UNIT_FIXED_PAGES else "project"


def split_off(sizes: dict[str, int], *pages: str) -> dict[str, int]:
    return {page: size for page, size in sizes.items() if page not in pages}


@pytest.mark.parametrize("year", YEARS)
def test_pages_are_linear_in_units(built, year):
    """Measured: 5 constant pages; 2022: 74 pages at 10 units (29 projects), 387 at 50 (182 projects);
    2023: 78 (33 projects) and 370 (165 projects)."""
    constant = {}
    for units, site in built.items():
        projects = site.projects[year]
        assert len(projects) == units
        pages = set(site.pages[year])
        expected_units = set().union(*(unit_pages(code, codes) for code, codes in projects.items()))
        assert {p for p in pages if "/" in p} == expected_units, f"{units} units: unit pages"
        assert pages - expected_units == constant_pages(), f"{units} units: pages outside the units"
        constant[units] = len(pages) - sum(4 + len(codes) for codes in projects.values())
    assert constant[LARGE] == constant[SMALL] == len(constant_pages())


@pytest.mark.parametrize("year", YEARS)
def test_no_page_grows_with_the_number_of_units(built, year):
    """Each page but the year home (and 404, below) is the same at 10 and 50 units; the largest
    of each kind at 50 units is within GROWTH of the largest at 10 and under PAGE_BOUND."""
    small = split_off(built[SMALL].pages[year], HOME, "404.html")
    large = split_off(built[LARGE].pages[year], HOME, "404.html")
    grown = {page: (small[page], large[page]) for page in small.keys() & large.keys()
             if large[page] > small[page] + SAME_PAGE_SLACK}
    assert grown == {}, "pages that grew with the number of units (bytes at 10, at 50)"

    def largest(sizes: dict[str, int]) -> dict[str, int]:
        by_kind: dict[str, int] = defaultdict(int)
        for page, size in sizes.items():
            by_kind[kind(page)] = max(by_kind[kind(page)], size)
        return by_kind

    largest_small, largest_large = largest(small), largest(large)
    assert set(largest_small) == set(largest_large)
    for page_kind, size in largest_large.items():
        assert size <= GROWTH * largest_small[page_kind], page_kind
    assert max(large.values()) <= PAGE_BOUND
    assert max(large.values()) <= GROWTH * max(small.values())


@pytest.mark.parametrize("year", YEARS)
def test_404_page_does_not_grow_with_the_number_of_units(built, year):
    small, large = (built[units].pages[year]["404.html"] for units in (SMALL, LARGE))
    assert large <= small + SAME_PAGE_SLACK
    assert large <= PAGE_BOUND


@pytest.mark.parametrize("year", YEARS)
def test_year_home_grows_by_a_bounded_amount_per_unit(built, year):
    """Measured: 2022: 36.6 KB at 10 units, 66.1 KB at 50 (+740 bytes a unit);
    2023 (with the change from 2022): 43.7 KB and 96.6 KB (+1320 bytes a unit, 91 gzip).
    Of a unit's bytes, some 460 are the ARIA roles and column labels (data-label) that
    keep its rows a table for screen readers when a phone shows them as cards."""
    sizes = {units: site.pages[year][HOME] for units, site in built.items()}
    for units, size in sizes.items():
        assert size <= HOME_BASE + HOME_PER_UNIT * units, f"{units} units: {size} bytes"
    assert (sizes[LARGE] - sizes[SMALL]) / (LARGE - SMALL) <= HOME_PER_UNIT


def index_shares(index: Path) -> tuple[dict[str, int], int]:
    """Bytes of each unit's entries in a search index (by unit folder), and of the rest."""
    units: dict[str, int] = defaultdict(int)
    rest = 0
    for doc in json.loads(index.read_text("utf-8"))["docs"]:
        size = len(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode())
        path = doc["location"].split("#", 1)[0]
        if "/" in path:
            units[path.split("/", 1)[0]] += size
        else:
            rest += size
    return units, rest


@pytest.mark.parametrize("year", YEARS)
def test_search_index_grows_linearly(built, year):
    """Measured: 2022: 225 KB at 10 units, 1070 KB at 50; 2023: 256 KB and 1066 KB,
    i.e. 21 to 26 KB a unit (the hand-written pages' ~47 KB included)."""
    sizes = {units: site.search_index(year).stat().st_size for units, site in built.items()}
    per_unit = {units: size / units for units, size in sizes.items()}
    assert per_unit[LARGE] <= GROWTH * per_unit[SMALL]
    assert max(per_unit.values()) <= INDEX_PER_UNIT
    # The file:// copy (search_index.js) is the same index.
    for units, site in built.items():
        script = site.search_index(year).with_suffix(".js")
        assert script.stat().st_size <= sizes[units] + 1_000

    (small_units, small_rest), (large_units, large_rest) = (
        index_shares(built[units].search_index(year)) for units in (SMALL, LARGE))
    assert sorted(small_units) == sorted(built[SMALL].projects[year])
    assert sorted(large_units) == sorted(built[LARGE].projects[year])
    # A unit's entries do not depend on how many other units there are ...
    changed = {code: (size, large_units[code]) for code, size in small_units.items()
               if abs(large_units[code] - size) > SAME_PAGE_SLACK}
    assert changed == {}, "units whose search entries changed with the number of units (bytes at 10, at 50)"
    # ... and the year home's entry (it lists every unit) grows by a bounded amount per unit.
    assert large_rest - small_rest <= INDEX_HOME_PER_UNIT * (LARGE - SMALL)
