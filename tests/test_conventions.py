"""Conventions of Chinese government websites (DESIGN §5): lang="zh-CN", the
footer's registration details, the disclosure metadata block on each document
page, a page on how to read a goal table, and tables with captions and
header scopes."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from budget_site.loading import load_data
from budget_site.pages import plan_year

from conftest import ROOT, page_path

DISCLOSURE_LABELS = ["索引号", "发布机构", "成文日期", "发布日期", "主题分类"]


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def year_pages(site_year: Path) -> list[Path]:
    """Every page of a year's site (not the search index or theme assets)."""
    return sorted(p for p in site_year.rglob("*.html") if not {"assets", "search", "downloads"} & set(
        p.relative_to(site_year).parts))


def test_every_page_declares_zh_cn(reference_site):
    pages = [reference_site / "index.html", *year_pages(reference_site / "2023")]
    assert len(pages) > 8
    for page in pages:
        assert soup_of(page).html["lang"] == "zh-CN", page


FOOTER = {"host": "博野县财政局", "icp": "冀ICP备12345678号-1", "police": "冀公网安备13063702000001号",
          "site_code": "1306370001"}


def build_with_footer(footer: dict, site: Path) -> Path:
    """The reference built with these footer values in place of mkdocs.yml's."""
    import os

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site), strict=True)
    config.extra["budget_data"] = str(ROOT / "data")
    config.extra["footer"] = footer
    build(config)
    return site


def test_footer_shows_the_registration_details_set_in_extra(tmp_path):
    site = build_with_footer(FOOTER, tmp_path / "site")
    for page in (site / "index.html", site / page_path("230001/index.md")):
        footer = soup_of(page).select_one("footer .budget-footer")
        items = [li.get_text(" ", strip=True) for li in footer.find_all("li")]
        assert items == [f"主办单位：{FOOTER['host']}", FOOTER["icp"], FOOTER["police"],
                         f"网站标识码：{FOOTER['site_code']}"]
        icp = footer.find("a", string=FOOTER["icp"])
        assert icp["href"] == "https://beian.miit.gov.cn/"
        police = footer.find("a", string=FOOTER["police"])
        assert police["href"] == "https://beian.mps.gov.cn/#/query/webSearch?code=13063702000001"
        assert "Material for MkDocs" not in footer.parent.get_text()


def test_footer_values_are_escaped_and_empty_items_left_out(tmp_path):
    site = build_with_footer({"host": "<script>alert(1)</script>", "icp": "", "police": None,
                              "site_code": "1306370000"}, tmp_path / "site")
    footer = soup_of(site / "index.html").select_one("footer .budget-footer")
    assert footer.find("script") is None
    assert [li.get_text() for li in footer.find_all("li")] == ["主办单位：<script>alert(1)</script>",
                                                               "网站标识码：1306370000"]


def test_disclosure_block_on_every_page_of_a_unit_that_has_it(sample_site):
    years = load_data(sample_site.parent / "data")
    units = years[2023].units
    with_disclosure = [u for u in units if u.disclosure.items()]
    without = [u for u in units if not u.disclosure.items()]
    assert with_disclosure and without
    plan = plan_year(years[2023])
    for unit in units:
        uris = [p.src_uri for p in plan.pages if p.src_uri.startswith(f"{unit.code}/")]
        assert len(uris) == 4 + len(unit.projects)
        for uri in uris:
            block = soup_of(sample_site / "2023" / page_path(uri)).select_one("article dl.budget-disclosure")
            if unit in without:
                assert block is None, uri
                continue
            assert block is not None, uri
            pairs = [(dt.get_text(), dd.get_text()) for dt, dd in zip(block.find_all("dt"), block.find_all("dd"),
                                                                      strict=True)]
            assert pairs == unit.disclosure.items()
            assert [label for label, _ in pairs] == [label for label in DISCLOSURE_LABELS
                                                     if label in dict(pairs)]


def test_how_to_read_page_explains_the_indicator_levels_and_is_linked(reference_site):
    site_year = reference_site / "2023"
    page = soup_of(site_year / page_path("how-to-read.md"))
    text = page.select_one("article").get_text()
    for term in ("一级指标", "二级指标", "三级指标", "产出指标", "效益指标", "满意度指标", "指标值", "合并"):
        assert term in text, term
    example = page.select_one("article table caption")
    assert example is not None
    project = soup_of(site_year / page_path("230001/13063722P004351100152.md"))
    link = project.select_one(".budget-help a")
    assert (site_year / page_path("230001/13063722P004351100152.md")).parent.joinpath(link["href"]).is_file()


@pytest.mark.parametrize("site_fixture", ["reference_site", "sample_site"])
def test_tables_have_captions_and_header_scopes(request, site_fixture):
    site_year = request.getfixturevalue(site_fixture) / "2023"
    generated = [p for p in year_pages(site_year) if p.name != "404.html"
                 and p.relative_to(site_year).as_posix() not in {page_path(u) for u in ("about.md", "data-format.md")}]
    tables = 0
    for page in generated:
        for table in soup_of(page).select("article table"):
            tables += 1
            assert table.caption and table.caption.get_text(strip=True), (page, str(table)[:200])
            for th in table.find_all("th"):
                assert th.get("scope") in ("col", "row", "rowgroup", "colgroup"), (page, str(th)[:200])
    assert tables > 10
