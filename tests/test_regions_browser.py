"""A regional site in Chromium, from the domain root, a sub-path and the file system:
year home → city → county → unit by the links of the pages, back up by the
breadcrumbs, and search finding the reference among a county that reuses its
unit code. Every request is recorded; the tests fail on any failed request and
on any other host."""

from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest

from budget_site.site_build import build_site

from browsing import AXE, BLOCKING, RESULTS, Recorder, describe, placed, run_axe, settle, switch_year
from conftest import ROOT, page_path, serve_directory
from synthetic import dump_unit, generate_unit

pytestmark = pytest.mark.browser

REGIONS = """\
- {code: "130600", name: 保定市, level: 市}
- {code: "130637", name: 博野县, level: 县, parent: "130600"}
- {code: "130634", name: 曲阳县, level: 县, parent: "130600"}
"""


@pytest.fixture(scope="module")
def regional_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("regional-browser")
    data = root / "data"
    (data / "2023" / "130637").mkdir(parents=True)
    (data / "2023" / "130634").mkdir(parents=True)
    (data / "regions.yaml").write_text(REGIONS, encoding="utf-8")
    shutil.copy(ROOT / "data" / "2023" / "230001.yaml", data / "2023" / "130637" / "230001.yaml")
    for index, code in enumerate(("230001", "230002")):  # 曲阳县's own 230001
        document = generate_unit(2023, index, seed=7)
        document["unit"]["code"] = code
        (data / "2023" / "130634" / f"{code}.yaml").write_text(dump_unit(document), encoding="utf-8")
    # The year before: only 博野县信访局 published then.
    (data / "2022" / "130637").mkdir(parents=True)
    reference = (ROOT / "data" / "2023" / "230001.yaml").read_text("utf-8")
    (data / "2022" / "130637" / "230001.yaml").write_text(reference.replace("year: 2023", "year: 2022", 1),
                                                           encoding="utf-8")
    build_site(data, root / "site", ROOT / "mkdocs.yml")
    return root / "site"


@pytest.mark.parametrize("where", ["root", "sub-path", "file"])
def test_region_navigation_and_search(regional_site, browser, tmp_path, where):
    page = browser.new_page()
    recorder = Recorder(page)
    with placed(regional_site, where, tmp_path) as base:
        page.goto(f"{base}/index.html")
        page.wait_for_url(f"{base}/2023/index.html")
        settle(page)
        for name, uri in (("保定市", "130600/index.md"), ("博野县", "130637/index.md"),
                          ("博野县信访局", "130637/230001/index.md")):
            with page.expect_navigation():
                page.click(f"article a:text-is('{name}')")
            settle(page)
            assert page.url == f"{base}/2023/{page_path(uri)}"
        assert "博野县信访局" in page.title()
        crumbs = page.inner_text(".budget-breadcrumbs").replace("\n", "")
        assert crumbs == "2023年部门预算绩效文本 › 保定市 › 博野县 › 博野县信访局"
        with page.expect_navigation():
            page.click(".budget-breadcrumbs a:text-is('保定市')")
        settle(page)
        assert page.url == f"{base}/2023/{page_path('130600/index.md')}"
        page.fill("input.md-search__input", "安保费")
        page.press("input.md-search__input", "End")  # Material reads the box on keyup (as after an IME)
        page.wait_for_function(RESULTS, timeout=20000)
        first = page.eval_on_selector(".md-search-result__link", "e => e.href")
        assert first.startswith(f"{base}/2023/130637/230001/"), first
        recorder.check(base, ("index.html", "versions.json"))
    page.close()


@pytest.mark.parametrize("where", ["root", "sub-path"])
def test_year_selector_keeps_the_reader_on_the_same_unit_of_a_region(regional_site, browser, tmp_path, where):
    """Each region is a site of its own, but the year selector works from the year's root."""
    page = browser.new_page()
    recorder = Recorder(page)
    with placed(regional_site, where, tmp_path) as base:
        page.goto(f"{base}/2023/{page_path('130637/230001/safeguards.md')}")
        settle(page)
        assert page.text_content(".md-version__current").strip() == "2023年度"
        switch_year(page, "2022年度")  # the unit published then: the same page
        assert page.url == f"{base}/2022/{page_path('130637/230001/safeguards.md')}"
        assert page.text_content(".md-version__current").strip() == "2022年度"
        page.goto(f"{base}/2023/{page_path('130634/230002/index.md')}")
        settle(page)
        switch_year(page, "2022年度")  # 曲阳县's unit did not: the 2022 home
        assert page.url == f"{base}/2022/"
        recorder.check(base, ("index.html", "versions.json"))
    page.close()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}],
                         ids=["desktop", "phone"])
@pytest.mark.parametrize("uri", ["index.md", "130600/index.md", "130637/230001/index.md"])
def test_axe_finds_no_serious_violation_on_regional_pages(regional_site, browser, uri, viewport):
    if not AXE.is_file():
        pytest.fail("需要 axe-core：在 tests/ 下运行 npm ci（make test 会自动安装）")
    page = browser.new_page(viewport=viewport)
    with serve_directory(regional_site) as base:
        page.goto(f"{base}/2023/{page_path(uri)}", wait_until="networkidle")
        violations = [v for v in run_axe(page, AXE.read_text("utf-8")) if v["impact"] in BLOCKING]
    page.close()
    assert not violations, describe(violations)


# Where the primary navigation's entries lead (links and sections' index pages), in order.
NAV_TARGETS = """() => [...document.querySelectorAll('nav.md-nav--primary a.md-nav__link[href]')]
  .map(a => a.href.split('#')[0])"""
# Breadcrumb bars a reader sees: Material's (partials/path.html) and the regions' own.
CRUMB_BARS = """() => [...document.querySelectorAll('.md-path, .budget-breadcrumbs')]
  .filter(e => e.checkVisibility()).length"""


@pytest.mark.parametrize("uri", ["130637/index.md", "130637/230001/index.md", "130637/230001/safeguards.md"])
def test_a_regional_page_has_one_breadcrumb_bar_and_lists_each_place_once(regional_site, browser, uri):
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # Material shows its breadcrumbs from 76.25em
    with serve_directory(regional_site) as base:
        page.goto(f"{base}/2023/{page_path(uri)}", wait_until="networkidle")
        bars = page.evaluate(CRUMB_BARS)
        crumbs = page.inner_text(".budget-breadcrumbs").replace("\n", "")
        targets = page.evaluate(NAV_TARGETS)
    page.close()
    assert bars == 1
    assert crumbs.startswith("2023年部门预算绩效文本 › 保定市 › 博野县")
    home, region = f"{base}/2023/index.html", f"{base}/2023/{page_path('130637/index.md')}"
    assert targets.count(home) == 1 and targets.count(region) == 1, targets
    assert targets.index(home) < targets.index(region)  # the year first, then the place


def test_each_search_result_on_a_platform_names_its_government_and_unit(regional_site, browser):
    """The covers of 博野县's and 曲阳县's unit 230001 are both titled 封面与目录: each
    result says whose it is, above its title."""
    page = browser.new_page()
    with serve_directory(regional_site) as base:
        page.goto(f"{base}/2023/index.html?q={quote('封面与目录')}")
        page.wait_for_function(RESULTS, timeout=20000)
        shown = page.eval_on_selector_all(
            ".md-search-result__list > li > a.md-search-result__link",
            "links => links.map(a => [a.href, a.querySelector('h1').innerText.trim()])")
    page.close()
    covers = {href.split("/2023/", 1)[1]: title for href, title in shown if href.endswith("/index.html")}
    assert covers == {
        "130637/230001/index.html": "博野县 · 博野县信访局\n封面与目录",
        "130634/230001/index.html": f"曲阳县 · {unit_name('230001')}\n封面与目录",
        "130634/230002/index.html": f"曲阳县 · {unit_name('230002')}\n封面与目录",
    }


def unit_name(code: str) -> str:
    """The name of 曲阳县's synthetic unit ``code`` (as regional_site writes it)."""
    document = generate_unit(2023, ("230001", "230002").index(code), seed=7)
    return document["unit"]["name"]
