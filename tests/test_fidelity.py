"""End to end: every paragraph and table cell of the reference document
reaches the rendered pages of the real MkDocs build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import REFERENCE_TEXT, SHARED_REFERENCE_TEXT

UNIT = "230001"
TOC_ENTRY = re.compile(r"^(.*?)\.{3,}$")  # "一、总体绩效目标....." (dot leader)


def squash(text: str) -> str:
    """Ignore whitespace: the PDF conversion put spaces inside words and codes."""
    return re.sub(r"\s+", "", text)


def source_units(text: str) -> list[str]:
    """Every paragraph and every non-empty table cell of the source text.

    Two things are layout, not content, and are left out: the dot leaders and
    page numbers of the table of contents, and the rows of dashes that mark
    a table's header in the converted text.
    """
    units = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if not line.startswith("|"):
            units.append(line)
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if all(re.fullmatch(r"[-: ]*", cell) for cell in cells):
            continue
        toc_row = any(TOC_ENTRY.match(cell) for cell in cells)
        for cell in cells:
            if not cell or (toc_row and cell.isdigit()):
                continue
            entry = TOC_ENTRY.match(cell)
            units.append(entry.group(1) if entry else cell)
    return units


def content_blocks(site: Path) -> list[str]:
    """Text of every block of the article content of the year home and the
    unit's pages; navigation, header, footer and search are not content."""
    pages = [site / "2023" / "index.html", *sorted((site / "2023" / UNIT).rglob("*.html"))]
    blocks = []
    for page in pages:
        article = BeautifulSoup(page.read_text("utf-8"), "html.parser").select_one("article.md-content__inner")
        assert article is not None, page
        for element in article.find_all(["p", "h1", "h2", "h3", "h4", "li", "td", "th", "dt", "dd", "caption"]):
            blocks.append(squash(element.get_text()))
    return blocks


def test_reference_text_is_the_shared_one():
    if not SHARED_REFERENCE_TEXT.is_file():
        pytest.skip("../shared is not beside this checkout")
    assert REFERENCE_TEXT.read_bytes() == SHARED_REFERENCE_TEXT.read_bytes()


def test_source_units_cover_the_document():
    units = source_units(REFERENCE_TEXT.read_text("utf-8"))
    # Spot checks that the parser sees all parts, including table cells.
    assert "一、总体绩效目标" in units and "2" not in units
    assert "13063722P0043511001 52" in units and "8 小时" in units and "%" in units
    assert len(units) > 200


def test_every_paragraph_and_cell_is_on_the_site(reference_site):
    blocks = content_blocks(reference_site)
    missing = [unit for unit in source_units(REFERENCE_TEXT.read_text("utf-8"))
               if not any(squash(unit) in block for block in blocks)]
    assert missing == []


@pytest.fixture(scope="module")
def project_page(reference_site) -> BeautifulSoup:
    html = (reference_site / "2023" / UNIT / "13063722P004351100152.html").read_text("utf-8")
    return BeautifulSoup(html, "html.parser")


def test_goal_table_merges_level_cells_like_the_official_one(project_page):
    table = project_page.select_one(".budget-indicators table")
    assert table.caption and "绩效指标" in table.caption.get_text()
    assert all(th.get("scope") for th in table.find_all("th"))
    level1 = [(th.get_text(strip=True), th.get("rowspan")) for th in table.select("tbody th[scope=rowgroup]")
              if th.get_text(strip=True).endswith("指标") and th.get_text(strip=True)[:2] in ("产出", "效益", "满意")]
    assert level1 == [("产出指标", "4"), ("效益指标", "3"), ("满意度指标", None)]
    rows = table.select("tbody tr")
    assert len(rows) == 8
    # Every row still has its level-3 header and four data cells.
    assert all(len(row.select("th[scope=row]")) == 1 and len(row.find_all("td")) == 3 for row in rows)


def test_page_title_breadcrumbs_and_nav(project_page, reference_site):
    assert project_page.title.get_text() == "常年驻京值班工作队值班费 · 博野县信访局 · 2023年部门预算绩效文本"
    crumbs = [squash(a.get_text()) for a in project_page.select("nav.md-path a")]
    assert crumbs == ["2023年部门预算绩效文本", "博野县信访局"]
    nav = squash(project_page.select_one("nav.md-nav--primary").get_text())
    # The unit's cover page is the index of its nav section (navigation.indexes).
    for entry in ["博野县信访局", "一、总体绩效目标", "二、分项绩效目标", "三、工作保障措施",
                  "1.常年驻京值班工作队值班费", "2.群众工作中心安保费"]:
        assert entry in nav
    assert project_page.html["lang"].startswith("zh")


def test_year_home_lists_units_with_project_count_and_total(reference_site):
    soup = BeautifulSoup((reference_site / "2023" / "index.html").read_text("utf-8"), "html.parser")
    row = soup.select_one(".budget-units tbody tr")
    cells = [squash(c.get_text()) for c in row.find_all(["td", "th"])]
    assert cells == ["230001", "博野县信访局", "2", "56.04", "56.04"]  # code, name, projects, total, fiscal
    assert row.find("a")["href"] == "230001/index.html"


def test_each_year_is_its_own_site_with_a_portal(reference_site):
    assert (reference_site / "2023" / "search" / "search_index.json").is_file()
    assert (reference_site / "2023" / "assets" / "javascripts" / "search-worker.js").is_file()
    portal = (reference_site / "index.html").read_text("utf-8")
    assert 'url=2023/index.html' in portal and 'href="2023/index.html"' in portal
    # Nothing generated leaks into docs/.
    assert not (Path(__file__).parent.parent / "docs" / UNIT).exists()
