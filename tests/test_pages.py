"""Unit tests of page planning and the templates, without MkDocs."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from bs4 import BeautifulSoup

from budget_site.loading import load_data
from budget_site.model import Indicator
from budget_site.pages import (
    headings_of,
    indicator_rows,
    money,
    percent,
    plan_year,
    relative_link,
)

from conftest import ROOT

HOSTILE = '<script>alert(1)</script>{{ 7*7 }} # | *x* <img src=x onerror=alert(2)> ≥98% <5%'


def reference_year():
    return load_data(ROOT / "data")[2023]


def test_money_and_percent_print_like_the_official_tables():
    assert money(Decimal("45")) == "45.00" and money(None) == ""
    assert percent(Decimal("30")) == "30%" and percent(Decimal("12.5")) == "12.5%"


def test_indicator_rows_merge_runs_of_equal_levels():
    def row(level1, level2):
        return Indicator(level1, level2, "c", "d", "v", "b")

    rows = indicator_rows((row("产出指标", "数量指标"), row("产出指标", "数量指标"), row("产出指标", "质量指标"),
                           row("效益指标", "数量指标")))
    assert [(r.level1_span, r.level2_span) for r in rows] == [(3, 2), (0, 0), (0, 1), (1, 1)]


def test_relative_links_work_with_and_without_directory_urls():
    assert relative_link("index.md", "230001/index.md") == "230001/"
    assert relative_link("230001/index.md", "230001/overall-goals.md") == "overall-goals/"
    assert relative_link("230001/P1.md", "index.md") == "../../"
    assert relative_link("230001/index.md", "230001/P1.md", directory_urls=False) == "P1.html"
    assert relative_link("230001/P1.md", "index.md", directory_urls=False) == "../index.html"


def test_plan_has_every_page_and_nav_year_unit_chapters_projects():
    plan = plan_year(reference_year())
    uris = [p.src_uri for p in plan.pages]
    assert uris == ["index.md", "230001/index.md", "230001/overall-goals.md", "230001/itemised-goals.md",
                    "230001/safeguards.md", "230001/13063722P004351100152.md", "230001/13063722P00435110016M.md"]
    [unit] = plan.nav
    assert unit.title == "博野县信访局"
    assert [c.title for c in unit.children][-2:] == ["1.常年驻京值班工作队值班费", "2.群众工作中心安保费"]
    project = plan.page("230001/13063722P00435110016M.md")
    assert project.title == "群众工作中心安保费 · 博野县信访局 · 2023年部门预算绩效文本"
    assert [h.text for h in project.headings[0].children] == [
        "预算规模及资金用途", "资金支出计划（%）", "绩效目标", "绩效指标", "开放数据"]


def test_headings_of_builds_a_tree():
    [top] = headings_of('<h1 id="a">A &amp; B</h1><h2 id="b">B</h2><h3 id="c">C</h3><h2 id="d">D</h2>')
    assert top.text == "A & B" and [h.id for h in top.children] == ["b", "d"] and top.children[0].children[0].id == "c"


def test_text_from_data_is_escaped_everywhere_in_the_pages():
    year = reference_year()
    unit = year.units[0]
    project = replace(unit.projects[0], name=HOSTILE, use_of_funds=HOSTILE,
                      indicators=tuple(replace(i, level1=HOSTILE, value=HOSTILE) for i in unit.projects[0].indicators))
    hostile = replace(unit, name=HOSTILE, overall_goals=(HOSTILE,), projects=(project,))
    plan = plan_year(replace(year, units=(hostile,)))
    for page in plan.pages:
        soup = BeautifulSoup(page.html, "html.parser")
        assert soup.find("script") is None and soup.find("img") is None, page.src_uri
        assert HOSTILE in soup.get_text(), page.src_uri
    assert plan.nav[0].title == HOSTILE  # plain text; the hooks escape it for the theme


def test_unplaced_lines_of_an_import_are_listed_for_the_reviewer():
    from budget_site.model import UnplacedLine

    year = reference_year()
    unit = replace(year.units[0], unplaced=(UnplacedLine(12, "<b>无法归类</b>"),))
    cover = plan_year(replace(year, units=(unit,))).page("230001/index.md")
    soup = BeautifulSoup(cover.html, "html.parser")
    assert soup.select_one("#unplaced") is not None
    assert soup.select_one(".budget-unplaced li").get_text() == "第 12 行：<b>无法归类</b>"
