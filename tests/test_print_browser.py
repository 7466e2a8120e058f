"""Print: a unit's document prints on A4 like the official text. Chromium
prints a project page with a long goal table to PDF; pypdf reads it back:
A4 pages, no navigation, search or download controls, no table row cut
across two pages, the table header repeated on each page, and the page's
address printed."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from budget_site.site_build import build_site

from conftest import ROOT, page_path, serve_directory

pytestmark = pytest.mark.browser

UNIT = "230001"
PROJECT = "13063722P004351100152"
ROWS = 48
A4 = (595.28, 841.89)  # points


def squash(text: str) -> str:
    """Whitespace removed; NFKC, since PDF text of CJK fonts comes back partly as
    compatibility characters (Kangxi radicals such as ⼯ for 工)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def row_text(number: int) -> str:
    return f"第{number:02d}行的绩效指标描述，" + "按规定时限完成相关工作任务" * 3


@pytest.fixture(scope="module")
def long_table_site(tmp_path_factory) -> Path:
    """The reference with a first project whose goal table runs over several pages;
    every row has its own text, so a row cut in two would show in the PDF."""
    root = tmp_path_factory.mktemp("print")
    data = yaml.safe_load((ROOT / "data" / "2023" / "230001.yaml").read_text("utf-8"))
    levels = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("效益指标", "社会效益指标"),
              ("满意度指标", "服务对象满意度指标")]
    data["projects"][0]["indicators"] = [
        {"level1": levels[i * len(levels) // ROWS][0], "level2": levels[i * len(levels) // ROWS][1],
         "level3": f"第{i + 1:02d}行指标", "description": row_text(i + 1), "value": "≥98%",
         "basis": f"第{i + 1:02d}行依据"}
        for i in range(ROWS)
    ]
    (root / "data" / "2023").mkdir(parents=True)
    (root / "data" / "2023" / "230001.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    build_site(root / "data", root / "site", ROOT / "mkdocs.yml")
    return root / "site"


@pytest.fixture(scope="module", params=["light", "dark"])
def printed(request, long_table_site, browser):
    """The project page printed to PDF as a reader's browser prints it (A4, the
    site's own print stylesheet), in the reader's light or dark scheme."""
    with serve_directory(long_table_site) as base:
        url = f"{base}/2023/{page_path(f'{UNIT}/{PROJECT}.md')}"
        page = browser.new_page(color_scheme=request.param)
        page.goto(url, wait_until="networkidle")
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        page.close()
    reader = PdfReader(io.BytesIO(pdf))
    return url, reader, [squash(p.extract_text()) for p in reader.pages]


def test_pages_are_a4(printed):
    _, reader, pages = printed
    assert len(pages) >= 3
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=1)


def test_no_navigation_search_or_controls_are_printed(printed):
    _, _, pages = printed
    text = "".join(pages)
    assert "常年驻京值班工作队值班费绩效目标表" in text and "第01行指标" in text
    for absent in ("跳转至", "部门预算绩效公开", "数据格式说明", "关于本站", "本页目录", "下载本表", "开放数据",
                   "主办单位", "筛选单位", "群众工作中心安保费"):
        assert absent not in text, absent


def test_rows_are_never_cut_and_the_header_repeats_on_each_page(printed):
    _, _, pages = printed
    pages_with_rows = []
    for i in range(1, ROWS + 1):
        row = squash(row_text(i))
        holding = [n for n, text in enumerate(pages) if row in text]
        assert len(holding) == 1, f"row {i} is not whole on one page"
        pages_with_rows.append(holding[0])
    spanned = sorted(set(pages_with_rows))
    assert len(spanned) >= 2, "the table should run over several pages for this test"
    for n in spanned:
        assert "指标值确定依据" in pages[n] and "三级指标" in pages[n], f"no table header on page {n + 1}"


def test_the_page_address_is_printed(printed):
    url, _, pages = printed
    # "本页网址：<url>" (页 comes back from the PDF as the radical ⻚, which NFKC leaves alone)
    assert "网址:" + squash(url) in pages[-1]


def test_print_is_black_on_white_in_either_scheme(long_table_site, browser):
    with serve_directory(long_table_site) as base:
        for scheme in ("light", "dark"):
            page = browser.new_page(color_scheme=scheme)
            page.emulate_media(media="print", color_scheme=scheme)
            page.goto(f"{base}/2023/{page_path(f'{UNIT}/{PROJECT}.md')}")
            styles = page.evaluate("""() => {
              const css = (selector, property) => getComputedStyle(document.querySelector(selector))[property];
              return {text: css('.md-typeset p', 'color'), header: css('.md-header', 'display'),
                      sidebar: css('.md-sidebar--primary', 'display'), row: css('.budget-indicators tr', 'breakInside'),
                      thead: css('.budget-indicators thead', 'display'),
                      address: css('.budget-print-address', 'display')}
            }""")
            page.close()
            assert styles["header"] == styles["sidebar"] == "none"
            assert styles["row"] == "avoid" and styles["thead"] == "table-header-group"
            assert styles["address"] == "block"
            red, green, blue = (int(n) for n in re.findall(r"\d+", styles["text"])[:3])
            assert max(red, green, blue) < 60, (scheme, styles["text"])
