"""Charts without JavaScript: inline SVG drawn at build time, with a title, a
text alternative and the numbers also in a table; legible in light and dark
mode and in print."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from budget_site.charts import funds_chart, spending_chart, units_chart
from budget_site.loading import load_data
from budget_site.model import Budget, SpendingPeriod
from budget_site.pages import plan_year

from conftest import ROOT, page_path, serve_directory

UNIT = "230001"
PROJECT = "13063722P004351100152"
HOSTILE = '<script>alert(1)</script>{{ 7*7 }}"><svg onload=alert(2)>'


@pytest.fixture(scope="module")
def year():
    return load_data(ROOT / "data")[2023]


def svg_of(html: str, caption: str) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    for figure in soup.select("figure.budget-figure"):
        if caption in figure.figcaption.get_text():
            return figure
    raise AssertionError(f"no chart {caption!r}")


def assert_accessible_svg(figure) -> None:
    svg = figure.find("svg")
    assert svg["role"] == "img"
    ids = svg["aria-labelledby"].split()
    assert [svg.find(id=i).name for i in ids] == ["title", "desc"]
    assert svg.find("title").get_text() == figure.figcaption.get_text()
    assert svg.find("desc").get_text().strip()
    assert figure.find("script") is None and not svg.find_all(attrs={"onload": True})


def test_spending_chart_columns_are_proportional_and_labelled(year):
    project = year.units[0].projects[0]  # 30 / 30 / 30 / 10
    chart = spending_chart(project)
    heights = [float(c.height) for c in chart.columns]
    assert heights[0] == heights[1] == heights[2] == pytest.approx(3 * heights[3])
    assert [c.value for c in chart.columns] == ["30%", "30%", "30%", "10%"]
    assert [c.label for c in chart.columns] == ["3月底", "6月底", "10月底", "12月底"]
    # Columns stand on the baseline and stay inside the drawing.
    for column in chart.columns:
        assert float(column.y) + float(column.height) == pytest.approx(float(chart.baseline))
        assert 0 <= float(column.x) and float(column.x) + float(column.width) <= chart.width
    assert "3月底30%；6月底30%；10月底30%；12月底10%" in chart.description and "合计100%" in chart.description


def test_project_page_has_the_spending_chart_with_percentages_as_text_and_the_table(year):
    page = plan_year(year).page(f"{UNIT}/{PROJECT}.md")
    figure = svg_of(page.html, "资金支出计划")
    assert_accessible_svg(figure)
    texts = [t.get_text() for t in figure.find_all("text")]
    assert {"30%", "10%", "3月底", "12月底"} <= set(texts)
    soup = BeautifulSoup(page.html, "html.parser")
    table = soup.select_one(".budget-plan table")
    assert [td.get_text() for td in table.select("td")] == ["30%", "30%", "30%", "10%"]


def test_year_home_charts_budget_by_unit_and_fiscal_versus_other(year):
    page = plan_year(year).page("index.md")
    units = svg_of(page.html, "各单位预算总额")
    assert_accessible_svg(units)
    assert "博野县信访局" in [t.get_text() for t in units.find_all("text")]
    assert "56.04" in [t.get_text() for t in units.find_all("text")]
    funds = svg_of(page.html, "财政资金与其他资金")
    assert_accessible_svg(funds)
    desc = funds.find("desc").get_text()
    assert "财政资金56.04万元" in desc and "占100%" in desc and "各项目均未填写" in desc
    # The numbers are in a table next to the chart.
    soup = BeautifulSoup(page.html, "html.parser")
    rows = [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in soup.select(".budget-funds tr")]
    assert rows[1:] == [["财政资金", "56.04", "100%"], ["其他资金（各项目均未填写）", "0.00", "0%"],
                        ["合计", "56.04", "100%"]]


def test_units_chart_ranks_units_and_sums_the_rest(year):
    base = year.units[0]
    units = tuple(replace(base, code=f"{i:06d}", name=f"单位{i}",
                          projects=(replace(base.projects[0], budget=Budget(Decimal(i), Decimal(i), None)),))
                  for i in range(1, 21))
    chart = units_chart(replace(year, units=units), top=15)
    assert [b.full_label for b in chart.bars[:3]] == ["单位20", "单位19", "单位18"]
    assert chart.bars[-1].rest and chart.bars[-1].full_label == "其余 5 个单位"
    assert chart.bars[-1].value == "15.00"  # 1 + 2 + 3 + 4 + 5
    assert float(chart.bars[0].width) > float(chart.bars[1].width) > 0
    assert "共 20 个单位，合计210.00万元" in chart.description


def test_funds_chart_splits_fiscal_and_other(year):
    base = year.units[0]
    project = replace(base.projects[0], budget=Budget(Decimal("100"), Decimal("75"), Decimal("25")))
    chart = funds_chart(replace(year, units=(replace(base, projects=(project,)),)))
    fiscal, other = chart.segments
    assert (fiscal.share, other.share) == ("75%", "25%") and other.hatched and not fiscal.hatched
    assert float(fiscal.width) == pytest.approx(3 * float(other.width))
    assert float(other.x) == pytest.approx(float(fiscal.x) + float(fiscal.width))


def test_chart_text_from_data_is_escaped_and_long_labels_are_cut(year):
    unit = year.units[0]
    project = replace(unit.projects[0], name=HOSTILE,
                      spending_plan=(SpendingPeriod(HOSTILE, Decimal(60)), SpendingPeriod("长" * 300, Decimal(40))))
    hostile = replace(unit, name=HOSTILE * 3, projects=(project,))
    plan = plan_year(replace(year, units=(hostile,)))
    for uri in ("index.md", f"{UNIT}/{project.code}.md"):
        soup = BeautifulSoup(plan.page(uri).html, "html.parser")
        assert soup.find("script") is None and not soup.find_all(attrs={"onload": True})
        for text in soup.select("svg text"):
            assert len(text.get_text()) <= 40  # labels are shortened; full text in <title> and in the tables
    chart = spending_chart(project)
    assert chart.columns[1].label.endswith("…") and chart.columns[1].full_label == "长" * 300


def _contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    def luminance(rgb):
        def channel(c):
            c = c / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b_ = (channel(c) for c in rgb[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _rgb(css: str) -> tuple[float, ...]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    if len(numbers) == 4:  # rgba over white or the page: callers pass opaque colours
        return tuple(numbers[:3])
    return tuple(numbers)


COLOURS_JS = """() => {
  const bg = getComputedStyle(document.body).backgroundColor;
  const pick = (selector, property) => [...document.querySelectorAll(selector)].map(
      el => getComputedStyle(el)[property]);
  return {bg, text: pick('.budget-chart text', 'fill'), bars: pick('.budget-chart .budget-chart__bar', 'fill')};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("scheme,media", [("light", "screen"), ("dark", "screen"), ("dark", "print")])
def test_charts_stay_legible_in_light_dark_and_print(reference_site, browser, scheme, media):
    with serve_directory(reference_site) as base:
        page = browser.new_page(color_scheme=scheme)
        page.emulate_media(media=media, color_scheme=scheme)
        for path in ("index.html", page_path(f"{UNIT}/{PROJECT}.md")):
            page.goto(f"{base}/2023/{path}")
            colours = page.evaluate(COLOURS_JS)
            background = (255, 255, 255) if media == "print" else _rgb(colours["bg"])
            assert colours["text"] and colours["bars"]
            for text in colours["text"]:
                fill = _rgb(text)
                if len(re.findall(r"[\d.]+", text)) == 4:  # translucent ink: blend over the background
                    alpha = float(re.findall(r"[\d.]+", text)[3])
                    fill = tuple(alpha * f + (1 - alpha) * b for f, b in zip(fill, background, strict=True))
                assert _contrast(fill, background) >= 4.5, (scheme, media, path, text, colours["bg"])
            for bar in colours["bars"]:
                assert _contrast(_rgb(bar), background) >= 3, (scheme, media, path, bar)
            if media == "print":
                assert set(colours["text"]) == {"rgb(0, 0, 0)"}
        page.close()


PHONE = {"width": 360, "height": 740}

# Chart text as drawn (its font size times the SVG's scale on the screen) smaller than
# 12 px or outside its drawing; tables wider than their box (scrolling sideways).
PHONE_JS = """() => {
  const drawn = [...document.querySelectorAll('article svg.budget-chart text')].filter(t => t.checkVisibility());
  const small = [], outside = [];
  for (const text of drawn) {
    const size = parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a;
    const box = text.getBoundingClientRect(), frame = text.ownerSVGElement.getBoundingClientRect();
    if (size < 12) small.push(`${text.textContent} ${size.toFixed(1)} px`);
    if (box.left < frame.left - 0.5 || box.right > frame.right + 0.5) outside.push(text.textContent);
  }
  // Texts of one drawing on one line must not run into each other.
  const overlapping = [];
  drawn.forEach((a, i) => drawn.slice(i + 1).forEach(b => {
    const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
    if (a.ownerSVGElement === b.ownerSVGElement && p.left < q.right && q.left < p.right
        && p.top < q.bottom - 2 && q.top < p.bottom - 2) overlapping.push(`${a.textContent} / ${b.textContent}`);
  }));
  // Tables, and the boxes that scroll them (not those clipped to nothing for screen readers).
  const scrolls = el => el.tagName === 'TABLE' || ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const scrolling = [...document.querySelectorAll('article table, article div')]
    .filter(el => el.checkVisibility() && el.clientWidth > 1 && scrolls(el) && el.scrollWidth > el.clientWidth)
    .map(el => `${el.tagName.toLowerCase()}.${el.className} ${el.textContent.trim().slice(0, 12)}: `
               + `${el.scrollWidth} in ${el.clientWidth}`);
  return {texts: drawn.length, small, outside, overlapping, scrolling};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("uri", ["index.md", "230001/index.md", f"{UNIT}/{PROJECT}.md"])
def test_on_a_phone_chart_text_is_at_least_12_px_and_no_table_scrolls_sideways(sample_site, browser, uri):
    context = browser.new_context(viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        with serve_directory(sample_site) as base:
            page.goto(f"{base}/2023/{page_path(uri)}", wait_until="networkidle")
            found = page.evaluate(PHONE_JS)
    finally:
        context.close()
    assert found["texts"] >= (0 if uri == "230001/index.md" else 8)
    assert found["small"] == [] and found["outside"] == [] and found["overlapping"] == [], found
    assert found["scrolling"] == [], found["scrolling"]
