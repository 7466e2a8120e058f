"""Changes from the previous year, computed in the core and shown on the unit page
and the year home (rendered by the real build of three years)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from budget_site.changes import CONTINUED, GONE, NEW, Amount, compare_units, compare_years
from budget_site.loading import load_data
from budget_site.pages import plan_year

from conftest import page_path
from years import CONTINUED_UNIT, GONE_UNIT, NEW_UNIT, RAISE


@pytest.fixture(scope="module")
def years(years_site):
    return load_data(years_site.parent / "data")


def cells(row) -> list[str]:
    return [c.get_text(strip=True) for c in row.find_all(["td", "th"])]


def test_amounts_and_their_text():
    assert Amount(Decimal("80.00"), Decimal("100.00")).delta_text == "+20.00"
    assert Amount(Decimal("80.00"), Decimal("100.00")).percent_text == "+25.0%"
    assert Amount(Decimal("30.00"), Decimal("20.00")).percent_text == "-33.3%"
    assert Amount(Decimal("5.00"), Decimal("5.00")).delta_text == "0.00"
    assert Amount(Decimal("5.00"), Decimal("5.00")).direction == "持平"
    assert Amount(Decimal("0"), Decimal("5.00")).percent_text == ""  # no base to compare with
    assert Amount(None, Decimal("5.00")).delta_text == "" and Amount(Decimal("5.00"), None).percent_text == ""


def test_projects_continue_by_code_then_by_name(years):
    change = compare_units(years[2023].units[1], years[2022].units[0], 2022)
    assert change.unit.code == CONTINUED_UNIT
    statuses = [(p.status, p.matched_by_name) for p in change.projects]
    assert statuses == [(CONTINUED, False), (CONTINUED, True), (NEW, False), (NEW, False), (NEW, False),
                        (GONE, False)]
    first = change.projects[0]
    assert first.current.code == first.previous.code and first.amount.delta == RAISE
    renamed = change.projects[1]
    assert renamed.current.name == renamed.previous.name and renamed.current.code != renamed.previous.code
    assert change.total.previous == years[2022].units[0].budget_total


def test_a_name_shared_by_two_projects_is_not_matched(years):
    previous = years[2022].units[0]
    twin = replace(previous.projects[1], code="X2")
    unit = replace(years[2023].units[1], projects=(previous.projects[0], replace(twin, code="X1"), twin))
    change = compare_units(unit, previous, 2022)
    assert [p.status for p in change.projects].count(NEW) == 2


def test_units_new_and_gone(years):
    changes = compare_years(years[2023], years[2022])
    assert changes.previous_year == 2022
    assert [u.code for u in changes.gone_units] == [GONE_UNIT]
    assert {c.unit.code for c in changes.units if c.is_new} == {"230001"}
    # The year's change is over the units of both years; 230001 and 300004 are counted apart.
    both = [u for u in years[2022].units if u.code != GONE_UNIT]
    gone = next(u for u in years[2022].units if u.code == GONE_UNIT)
    comparison = changes.comparison
    assert (comparison.both, comparison.new, comparison.gone) == (3, 1, 1)
    assert comparison.both_total == Amount(sum(u.budget_total for u in both),
                                           sum(u.budget_total for u in years[2023].units if u.code != "230001"))
    assert (comparison.new_total, comparison.gone_total) == (years[2023].units[0].budget_total, gone.budget_total)
    first = compare_years(years[2021], None)
    assert first.previous_year is None and not any(c.is_new for c in first.units) and first.comparison is None


def test_first_year_pages_say_nothing_about_changes(years):
    plan = plan_year(years[2021], directory_urls=False)
    assert all('id="changes"' not in page.html for page in plan.pages)


def test_unit_page_shows_the_changes(years_site):
    soup = BeautifulSoup((years_site / "2023" / page_path(f"{CONTINUED_UNIT}/index.md")).read_text("utf-8"),
                         "html.parser")
    assert soup.select_one("h2#changes").get_text() == "与2022年比较"
    summary = soup.select_one("h2#changes").find_next("p").get_text()
    assert "新增项目 3 个，延续项目 2 个，上年有、本年没有的项目 1 个" in summary
    rows = [cells(tr) for tr in soup.select(".budget-changes tbody tr")]
    assert rows[0][4:] == [f"+{RAISE}", rows[0][5], "延续"] and rows[0][2] and rows[0][3]
    assert rows[1][6].startswith("延续（上年编码 ")
    assert rows[-1][3] == "" and rows[-1][6] == "本年没有此项目"
    # Links go to this year's project pages only; a gone project has none.
    links = [a["href"] for a in soup.select(".budget-changes tbody a")]
    assert len(links) == 5 and all(not href.startswith("..") for href in links)
    new_unit = (years_site / "2022" / page_path(f"{NEW_UNIT}/index.md")).read_text("utf-8")
    assert "2021年没有公开本单位的部门预算绩效文本，本年为新增单位" in new_unit


def test_year_home_shows_each_units_change(years_site, years):
    soup = BeautifulSoup((years_site / "2023" / "index.html").read_text("utf-8"), "html.parser")
    table = soup.select_one("h2#changes ~ .budget-changes table")
    rows = {r[0]: r for r in (cells(tr) for tr in table.select("tbody tr"))}
    assert set(rows) == {u.code for u in years[2023].units}
    assert rows["230001"][6] == "新增单位"
    assert rows[CONTINUED_UNIT][2:4] == [f"{years[2022].units[0].budget_total:.2f}",
                                         f"{years[2023].units[1].budget_total:.2f}"]
    assert rows[CONTINUED_UNIT][6] == "新增 3 个，上年有本年没有 1 个"
    gone = soup.select_one(".budget-gone-units").get_text()
    assert GONE_UNIT in gone and "2022年预算总额" in gone


def test_reference_year_alone_has_no_comparison(reference_site):
    assert 'id="changes"' not in (reference_site / "2023" / "index.html").read_text("utf-8")
