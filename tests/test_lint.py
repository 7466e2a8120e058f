"""Quality review: warnings for the finance bureau, and the standalone report."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from test_loading import reference_with, write

from budget_site.lint import lint_year
from budget_site.loading import load_data, load_unit
from budget_site.report import site_base_for, write_report

from conftest import ROOT


def warnings_of(path: Path) -> list[str]:
    unit, problems = load_unit(path, 2023)
    assert unit is not None, problems
    from budget_site.model import YearData

    return [str(p) for p in lint_year(YearData(2023, (unit,)))]


def test_the_reference_documents_own_problems_are_reported():
    found = [str(p) for p in lint_year(load_data(ROOT / "data")[2023])]
    assert len(found) == 3
    assert sum("projects[1].target" in w or "projects[2].target" in w for w in found) == 2
    assert all("占位文字" in w for w in found if ".target" in w)
    assert any("projects[1].indicators[2].value" in w and "“%”没有数字" in w for w in found)
    assert all(":警告" not in w and "警告" in w for w in found)


def test_funds_shares_groups_and_levels(tmp_path):
    text = reference_with("      fiscal: 11.04", "      fiscal: 10.00")
    text = text.replace("      - {period: 12月底, share: 25}", "      - {period: 12月底, share: 20}")
    # The second project's only 满意度 row becomes a 效益 row with a level 2 of 产出.
    rest = "level3: 人民群众满意度, description: 人民群众满意度, value: 100%, basis: 是否满意}"
    text = text.replace("level1: 满意度指标, level2: 服务对象满意度指标, " + rest,
                        "level1: 效益指标, level2: 数量指标, " + rest)
    found = warnings_of(write(tmp_path, text))
    assert any("projects[2].budget" in w and "10.00 + 其他资金 空白 ≠ 预算数 11.04" in w
               for w in found)
    assert any("projects[2].spending_plan" in w and "合计为 95%" in w for w in found)
    assert any("projects[2].indicators" in w and "缺少一级指标：满意度指标" in w for w in found)
    assert any("projects[2].indicators[8].level2" in w and "不属于一级指标“效益指标”" in w for w in found)


def test_comment_that_cuts_a_value_short_is_reported(tmp_path):
    text = reference_with("use_of_funds: 常年驻京值班经费", "use_of_funds: 常年驻京值班经费 #1")
    found = warnings_of(write(tmp_path, text))
    assert any("projects[1].use_of_funds" in w and "注释" in w for w in found)


def test_duplicate_project_codes_between_units_warn(tmp_path):
    write(tmp_path, (ROOT / "data/2023/230001.yaml").read_text("utf-8"))
    other = reference_with('  code: "230001"', '  code: "230002"')
    write(tmp_path, other, name="230002.yaml")
    found = [str(p) for p in lint_year(load_data(tmp_path)[2023])]
    assert sum("与单位 230001 博野县信访局的项目重复" in w for w in found) == 2


def test_report_groups_by_unit_and_project_and_links_to_pages(tmp_path):
    years = load_data(ROOT / "data")
    report = tmp_path / "review" / "report.html"
    site = tmp_path / "site"
    write_report(report, years, lint_year(years[2023]), site_base_for(report, site))
    soup = BeautifulSoup(report.read_text("utf-8"), "html.parser")
    assert soup.html["lang"] == "zh-CN" and not soup.find_all(["script", "link"])
    assert [a.get_text() for a in soup.select("h3 a")] == ["230001 博野县信访局"]
    projects = [a.get_text() for a in soup.select("h4 a")]
    assert projects == ["1.常年驻京值班工作队值班费（13063722P004351100152）",
                        "2.群众工作中心安保费（13063722P00435110016M）"]
    assert soup.select("h4 a")[0]["href"] == "../site/2023/230001/13063722P004351100152.html"
    assert len(soup.select("tbody tr")) == 3
