"""``import --force`` over an existing unit says what the new document changes, ``--dry-run``
says the same and writes nothing, and ``import --report`` gives the import's own review page.

The re-import is of the reference's Word file (``2023-boye-xinfangju.docx``)
with three edits a department makes: a budget figure, an indicator value and
one sentence of the overall goals, over ``data/2023/230001.yaml``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import docx
from bs4 import BeautifulSoup

from budget_site.importer.differences import summary, unit_changes
from budget_site.loading import load_unit
from budget_site.model import Indicator

from conftest import ROOT

CLI = Path(sys.executable).with_name("budget-site")
DOCUMENTS = ROOT / "tests" / "fixtures" / "documents"
REFERENCE = ROOT / "data" / "2023" / "230001.yaml"
EXPECTED = ("230001 博野县信访局 改动（data/2023/230001.yaml）：总体绩效目标：第 6 条有变；"
            "常年驻京值班工作队值班费：预算数 45.00 → 50.00，财政资金 45.00 → 50.00，"
            "绩效指标：1 项有变（人民群众满意度：100% → ≥95%）")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def edited_reference(folder: Path) -> Path:
    """The reference's Word file after three edits, and a data folder holding the unit as published."""
    document = docx.Document(str(DOCUMENTS / "2023-boye-xinfangju.docx"))
    table = document.tables[0]
    assert table.rows[1].cells[2].text == "45.00" and table.rows[14].cells[2].text == "人民群众满意度"
    table.rows[1].cells[2].text = table.rows[1].cells[4].text = "50.00"
    table.rows[14].cells[4].text = "≥95%"
    sentence = next(p for p in document.paragraphs if p.text.startswith("负责县级领导公开接访"))
    sentence.text = "负责县级领导公开接访和信访案件包联工作。"
    (folder / "data" / "2023").mkdir(parents=True)
    shutil.copy(REFERENCE, folder / "data" / "2023" / "230001.yaml")
    source = folder / "博野县信访局.docx"
    document.save(str(source))
    return source


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*")
            if p.is_file()}


def test_a_dry_run_says_what_would_change_and_writes_nothing(tmp_path):
    source = edited_reference(tmp_path)
    before = snapshot(tmp_path / "data")
    result = run("import", source.name, "--data", "data", "--dry-run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert EXPECTED.replace(" 改动（", " 将改动（") in result.stderr
    assert result.stdout == "试运行，没有写入：data/2023/230001.yaml\n"
    # the same in a batch, with the review page the only file written
    result = run("import", source.name, "--data", "data", "--dry-run", "--report", "r.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert EXPECTED.replace(" 改动（", " 将改动（") in result.stdout
    assert "试运行：没有写入任何数据文件。" in result.stdout
    assert snapshot(tmp_path / "data") == before  # not a byte, not a time stamp changed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "r.html", "博野县信访局.docx"]


def test_a_forced_reimport_says_what_it_changed(tmp_path):
    source = edited_reference(tmp_path)
    result = run("import", source.name, "--data", "data", "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert EXPECTED in result.stderr and result.stdout == "data/2023/230001.yaml\n"
    unit, problems = load_unit(tmp_path / "data" / "2023" / "230001.yaml", 2023)
    assert problems == [] and unit.projects[0].budget.total == 50
    again = run("import", source.name, "--data", "data", "--force", cwd=tmp_path)
    assert "230001 博野县信访局 改动（data/2023/230001.yaml）：与原有数据相同，没有改动" in again.stderr


def test_changes_cover_the_cover_the_goals_the_indicators_and_the_projects():
    old, _ = load_unit(REFERENCE, 2023)
    first, second = old.projects
    indicators = first.indicators
    new = replace(
        old, reviewed_by="博野县财政局绩效科",
        itemised_goals=(replace(old.itemised_goals[0], goal="保障人员正常工作。"), *old.itemised_goals[2:]),
        projects=(replace(first, indicators=(
            *indicators[:-1], replace(indicators[-1], value="≥95%"),
            Indicator("产出指标", "数量指标", "来信办理件数", "办理群众来信", "≥500件", "上年实际"))),
            replace(second, code="NEW1", name="信访宣传经费")),
    )
    changes = unit_changes(old, new)
    assert changes == [
        "审核：博野县财政局 → 博野县财政局绩效科",
        f"分项绩效目标：{old.itemised_goals[0].title}有变，删去{old.itemised_goals[1].title}",
        "常年驻京值班工作队值班费：绩效指标：1 项有变（人民群众满意度：100% → ≥95%）、新增 1 项（来信办理件数）",
        "新增项目 1 个（信访宣传经费）",
        f"删去项目 1 个（{second.name}）",
    ]
    assert summary(unit_changes(old, old)) == "与原有数据相同，没有改动"


def test_the_review_page_lists_what_the_import_did(tmp_path):
    edited_reference(tmp_path)
    stray = docx.Document(str(DOCUMENTS / "2023-tangxian-huanjingju.docx"))
    heading = next(p for p in stray.paragraphs if p.text == "一、总体绩效目标")
    heading.insert_paragraph_before("<script>alert(1)</script>（本文本经局党组会议审议通过）")
    stray.save(str(tmp_path / "stray.docx"))
    for name in ("browser/2022-lixian-jiaoyuju.pdf", "2025-gaoyang-danganguan.pdf", "broken/scanned.pdf"):
        shutil.copy(DOCUMENTS / name, tmp_path / Path(name).name.replace("scanned", "<扫描件>"))
    result = run("import", ".", "--data", "data", "--force", "--report", "r.html", cwd=tmp_path)
    assert result.returncode == 1 and "未导入 1 份" in result.stdout, result.stdout + result.stderr
    page = BeautifulSoup((tmp_path / "r.html").read_text("utf-8"), "html.parser")
    section = page.find(id="import")
    assert "共 5 份原文：导入 4 份，未导入 1 份，其中 1 份替换了原有数据。" in section.get_text()
    articles = {article.h3.get_text(): article for article in section.find_all("article")}
    refused = articles["未导入：<扫描件>.pdf"]
    assert "PDF 没有文字层" in refused.find("ul", class_="refusals").get_text()
    assert articles["未导入：<扫描件>.pdf"] is section.find("article")  # refusals come first
    changes = [li.get_text() for li in articles["230001 博野县信访局：博野县信访局.docx"].select("ul.changes li")]
    assert changes == ["总体绩效目标：第 6 条有变", "常年驻京值班工作队值班费：预算数 45.00 → 50.00，"
                       "财政资金 45.00 → 50.00，绩效指标：1 项有变（人民群众满意度：100% → ≥95%）"]
    stray_article = next(a for title, a in articles.items() if title.endswith("stray.docx"))
    unplaced = stray_article.find("table", class_="unplaced")
    [(place, text)] = [[td.get_text() for td in tr.find_all("td")] for tr in unplaced.tbody.find_all("tr")]
    assert place.startswith("第 ") and place.endswith(" 段") and text.startswith("<script>")
    assert page.find("script") is None  # the text from the document is escaped, not run
    browser = next(a for title, a in articles.items() if title.endswith("2022-lixian-jiaoyuju.pdf"))
    assert "“⽬”→“目”" in browser.find("ul", class_="replaced").get_text()
    gaoyang = next(a for title, a in articles.items() if title.endswith("2025-gaoyang-danganguan.pdf"))
    joined = [li.get_text() for li in gaoyang.select("ul.page-breaks li")]
    assert len(joined) == 2 and all("跨页断开" in text and text.startswith("第 ") for text in joined)
    assert "页码" in gaoyang.find("ul", class_="other").get_text()
    assert page.find("h2", string="数据检查") is not None  # check's warnings follow
