"""Comparisons between years like for like, read off the built pages.

A change shown between two years is over the units published in both (matched by
unit code, on a platform by region and unit code); units new this year and units
no longer published are counted and summed apart, never as a rise or a fall.

Flat (a county), three years, every unit one project of a round budget:

    2022: A 100  B 200  C 300
    2023: A 120  B 190            D 700  E 800     (C stops; D, E new)
    2024:        B 200            D 700        F 50 (A, E stop; F new)

Regional (a platform: 合成省 › 合成1市 › 合成1市1县 and 合成1市2县), two years; 300001
stops in the city and starts in the first county, which must not read as the same
unit; the second county publishes nothing in 2023:

    2022: city 300001 100, 300002 200; county 300002 50; county 2 300001 40
    2023: province 300001 30; city 300002 210, 300003 400; county 300001 80, 300002 55
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from budget_site.site_build import build_site

from conftest import ROOT, page_path
from synthetic import dump_unit, generate_unit, synthetic_regions, unit_code

A, B, C, D, E, F = range(6)  # the flat units' indexes (codes 300001…)
FLAT = {2022: {A: 100, B: 200, C: 300}, 2023: {A: 120, B: 190, D: 700, E: 800}, 2024: {B: 200, D: 700, F: 50}}
REGIONS = synthetic_regions(4)
PROVINCE, CITY, COUNTY, QUIET = (r["code"] for r in REGIONS)  # QUIET: no units in 2023
# (region, unit code, index of the synthetic unit it is made from: the same in both years) -> budget
REGIONAL = {
    2022: {(CITY, 1, 0): 100, (CITY, 2, 1): 200, (COUNTY, 2, 2): 50, (QUIET, 1, 6): 40},
    2023: {(PROVINCE, 1, 3): 30, (CITY, 2, 1): 210, (CITY, 3, 4): 400, (COUNTY, 1, 5): 80, (COUNTY, 2, 2): 55},
}


def one_project_unit(year: int, index: int, total: int) -> dict:
    """A synthetic unit with a single project of ``total`` 万元, so its budget is a round figure."""
    document = generate_unit(year, index, seed=5)
    money = Decimal(total).quantize(Decimal("0.01"))
    document["projects"] = [dict(document["projects"][0], budget={"total": money, "fiscal": money, "other": None})]
    return document


def unit_name(index: int) -> str:
    return generate_unit(2022, index, seed=5)["unit"]["name"]


@pytest.fixture(scope="module")
def flat_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("flat-comings")
    for year, units in FLAT.items():
        (root / "data" / str(year)).mkdir(parents=True)
        for index, total in units.items():
            path = root / "data" / str(year) / f"{unit_code(index)}.yaml"
            path.write_text(dump_unit(one_project_unit(year, index, total)), encoding="utf-8")
    build_site(root / "data", root / "site", ROOT / "mkdocs.yml")
    return root / "site"


@pytest.fixture(scope="module")
def regional_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("regional-comings")
    lines = [", ".join(f'{key}: "{value}"' for key, value in r.items()) for r in REGIONS]
    (root / "data").mkdir()
    (root / "data" / "regions.yaml").write_text("".join(f"- {{{line}}}\n" for line in lines), encoding="utf-8")
    for year, units in REGIONAL.items():
        for (region, number, index), total in units.items():
            document = one_project_unit(year, index, total)
            document["unit"]["code"] = unit_code(number - 1)
            folder = root / "data" / str(year) / region
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{unit_code(number - 1)}.yaml").write_text(dump_unit(document), encoding="utf-8")
    build_site(root / "data", root / "site", ROOT / "mkdocs.yml")
    return root / "site"


def page(site: Path, year: int, src_uri: str) -> BeautifulSoup:
    return BeautifulSoup((site / str(year) / page_path(src_uri)).read_text("utf-8"), "html.parser")


def paragraphs(soup: BeautifulSoup) -> list[str]:
    return [p.get_text(strip=True) for p in soup.select("article p")]


def cells(row) -> list[str]:
    return [c.get_text(strip=True) for c in row.find_all(["td", "th"])]


@pytest.mark.parametrize(("year", "expected"), [
    (2023, ["2023年公开 4 个单位，预算总额合计 1810.00 万元；2022年公开 3 个单位，合计 600.00 万元。",
            "同口径（两年均公开的 2 个单位）增加 10.00 万元（+3.3%）：2023年 310.00 万元，2022年 300.00 万元。"
            "新增 2 个单位，预算 1500.00 万元；1 个单位2023年未公开（2022年预算 300.00 万元）。"]),
    (2024, ["2024年公开 3 个单位，预算总额合计 950.00 万元；2023年公开 4 个单位，合计 1810.00 万元。",
            "同口径（两年均公开的 2 个单位）增加 10.00 万元（+1.1%）：2024年 900.00 万元，2023年 890.00 万元。"
            "新增 1 个单位，预算 50.00 万元；2 个单位2024年未公开（2023年预算 920.00 万元）。"]),
])
def test_flat_year_home_says_the_change_like_for_like(flat_site, year, expected):
    soup = page(flat_site, year, "index.md")
    said = paragraphs(soup)
    for sentence in expected:
        assert sentence in said
    # Today's figures over different sets of units are nowhere on the page.
    text = soup.select_one("article").get_text()
    assert "+201.7%" not in text and "1210.00" not in text and "-47.5%" not in text and "860.00" not in text


def test_flat_year_table_sums_the_units_of_both_years(flat_site):
    table = page(flat_site, 2024, "index.md").select_one("h2#changes ~ .budget-changes table")
    rows = {r[0]: r for r in (cells(tr) for tr in table.select("tbody tr"))}
    assert rows[unit_code(F)][2:6] == ["", "50.00", "", ""] and rows[unit_code(F)][6] == "新增单位"
    assert rows[unit_code(B)][2:6] == ["190.00", "200.00", "+10.00", "+5.3%"]
    assert [cells(tr) for tr in table.select("tfoot tr")] == [
        ["两年均公开的 2 个单位合计", "890.00", "900.00", "+10.00", "+1.1%", ""]]
    gone = [li.get_text(strip=True) for li in page(flat_site, 2024, "index.md").select(".budget-gone-units li")]
    assert gone == [f"{unit_code(A)} {unit_name(A)}（2023年预算总额 120.00 万元）",
                    f"{unit_code(E)} {unit_name(E)}（2023年预算总额 800.00 万元）"]


WHOLE = ("同口径（两年均公开的 2 个单位）增加 15.00 万元（+6.0%）：2023年 265.00 万元，2022年 250.00 万元。"
         "新增 3 个单位，预算 510.00 万元；2 个单位2023年未公开（2022年预算 140.00 万元）。")


def test_regional_year_home_compares_like_for_like(regional_site):
    soup = page(regional_site, 2023, "index.md")
    assert f"与2022年比较（全部地区）：{WHOLE}" in paragraphs(soup)
    rows = {r[0].lstrip("└ 　"): r for r in (cells(tr) for tr in soup.select(".budget-regions tbody tr"))}
    assert rows["合成1市"][5:] == ["+15.00（+6.0%）",
                                  "新增 2 个（480.00 万元）；2023年未公开 2 个（2022年 140.00 万元）"]
    assert rows["合成1市1县"][5:] == ["+5.00（+10.0%）", "新增 1 个（80.00 万元）"]
    assert rows["合成省"][5:] == ["+15.00（+6.0%）",
                                 "新增 3 个（510.00 万元）；2023年未公开 2 个（2022年 140.00 万元）"]
    assert rows["合成1市2县"][5:] == ["无可比单位", "2023年未公开 1 个（2022年 40.00 万元）"]
    text = soup.select_one("article").get_text()
    assert "+395.00" not in text and "+112.9%" not in text and "+425.00" not in text


def test_region_home_compares_like_for_like_and_lists_the_units_gone(regional_site):
    soup = page(regional_site, 2023, f"{CITY}/index.md")
    said = paragraphs(soup)
    assert "合成1市本级 2 个预算单位，预算总额 610.00 万元；含下级地区合计 745.00 万元。" in said
    assert ("本级与2022年比较：同口径（两年均公开的 1 个单位）增加 10.00 万元（+5.0%）：2023年 210.00 万元，"
            "2022年 200.00 万元。新增 1 个单位，预算 400.00 万元；"
            "1 个单位2023年未公开（2022年预算 100.00 万元）。") in said
    assert ("含下级地区与2022年比较：同口径（两年均公开的 2 个单位）增加 15.00 万元（+6.0%）：2023年 265.00 万元，"
            "2022年 250.00 万元。新增 2 个单位，预算 480.00 万元；"
            "2 个单位2023年未公开（2022年预算 140.00 万元）。") in said
    gone = [li.get_text(strip=True) for li in soup.select(".budget-gone-units li")]
    assert gone == [f"{unit_code(0)} {unit_name(0)}（2022年预算总额 100.00 万元）"]
    rows = {r[0]: r for r in (cells(tr) for tr in soup.select("#units-table tbody tr"))}
    assert rows[unit_code(1)][4] == "+10.00" and rows[unit_code(2)][4] == "新增"
    child = cells(soup.select_one(".budget-regions tbody tr"))
    assert child[5:] == ["+5.00（+10.0%）", "新增 1 个（80.00 万元）"]


def test_a_unit_code_moving_between_regions_is_new_and_gone(regional_site):
    county = page(regional_site, 2023, f"{COUNTY}/index.md")
    assert ("本级与2022年比较：同口径（两年均公开的 1 个单位）增加 5.00 万元（+10.0%）：2023年 55.00 万元，"
            "2022年 50.00 万元。新增 1 个单位，预算 80.00 万元。") in paragraphs(county)
    rows = {r[0]: r for r in (cells(tr) for tr in county.select("#units-table tbody tr"))}
    assert rows[unit_code(0)][4] == "新增"


def test_no_percentage_over_a_region_without_units_the_year_before(regional_site):
    province = page(regional_site, 2023, f"{PROVINCE}/index.md")
    said = paragraphs(province)
    assert "本级与2022年比较：没有两年均公开的单位，不作增减比较。新增 1 个单位，预算 30.00 万元。" in said
    assert f"含下级地区与2022年比较：{WHOLE}" in said
    assert "%" not in "".join(s for s in said if s.startswith("本级与"))


def test_a_region_that_stopped_publishing_lists_its_units(regional_site):
    quiet = page(regional_site, 2023, f"{QUIET}/index.md")
    assert ("本级与2022年比较：没有两年均公开的单位，不作增减比较。"
            "1 个单位2023年未公开（2022年预算 40.00 万元）。") in paragraphs(quiet)
    gone = [li.get_text(strip=True) for li in quiet.select(".budget-gone-units li")]
    assert gone == [f"{unit_code(0)} {unit_name(6)}（2022年预算总额 40.00 万元）"]
