"""Reading on a phone: Chromium's mobile emulation (touch, device scale 3) at 360
and 390 px. No page is wider than the screen and every table cell is inside it;
below the breakpoint the tables are cards (CSS only, the same HTML) that keep
their table semantics, their sorting and filtering; links in tables and lists
are targets of 24 × 24 px (or spaced as WCAG 2.5.8 allows) and table text is at
least 14 px. The desktop keeps the table."""

from __future__ import annotations

import contextlib

import pytest

from conftest import page_path, serve_directory

pytestmark = pytest.mark.browser

PROJECT = "230001/13063722P004351100152.md"
PAGES = {
    "year home": "index.md",
    "unit": "230001/index.md",
    "chapter": "230001/itemised-goals.md",
    "project": PROJECT,
    "about": "about.md",
    "how to read": "how-to-read.md",
    "data format": "data-format.md",
    "404": "404.html",
}
# The years site has the tables of changes from the year before.
CHANGES_PAGES = {"year home with changes": "index.md", "unit with changes": "300001/index.md"}
PHONES = {360: {"width": 360, "height": 740}, 390: {"width": 390, "height": 844}}
DESKTOP = {"width": 1280, "height": 900}

# Elements wider than the screen, and table cells not inside it. Cells of a header
# kept for screen readers only (clipped to nothing) are not drawn and not counted.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth, found = [];
  const name = el => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
    ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' ' + el.textContent.trim().slice(0, 15);
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.checkVisibility()) continue;
    const box = el.getBoundingClientRect();
    if (box.width > width + 0.5) found.push(`${name(el)}: ${Math.round(box.width)} px wide`);
    const head = el.closest('thead');
    if (el.matches('td, th') && !(head && getComputedStyle(head).clip !== 'auto')
        && (box.left < -0.5 || box.right > width + 0.5))
      found.push(`${name(el)}: cell from ${Math.round(box.left)} to ${Math.round(box.right)} px`);
  }
  if (document.documentElement.scrollWidth > width) found.push(`page ${document.documentElement.scrollWidth} px`);
  return found;
}"""

# WCAG 2.2, 2.5.8: a link at least 24 × 24 px, or one whose 24 px circle around its
# centre touches no other link and no other small link's circle.
TARGETS_JS = """() => {
  const links = [...document.querySelectorAll('article table a, article ul a, article ol a')]
    .filter(a => a.checkVisibility()).map(a => ({a, box: a.getBoundingClientRect()}));
  const small = links.filter(({box}) => box.width < 24 || box.height < 24);
  const centre = box => [box.left + box.width / 2, box.top + box.height / 2];
  const touches = ([x, y], box) => {
    const dx = Math.max(box.left - x, 0, x - box.right), dy = Math.max(box.top - y, 0, y - box.bottom);
    return dx * dx + dy * dy < 144;
  };
  const failing = [];
  for (const one of small) {
    const c = centre(one.box);
    const crowded = links.some(other => other !== one && touches(c, other.box))
      || small.some(other => other !== one && Math.hypot(...centre(other.box).map((v, i) => v - c[i])) < 24);
    if (crowded) failing.push(`${one.a.textContent.trim()} ${Math.round(one.box.width)}×${Math.round(one.box.height)}`);
  }
  return [links.length, failing];
}"""

# Table text smaller than 14 px (text nodes in visible cells and captions).
SMALL_TEXT_JS = """() => {
  const small = new Set();
  for (const el of document.querySelectorAll('article table *, article table')) {
    if (!el.checkVisibility() || el.closest('thead') && getComputedStyle(el.closest('thead')).clip !== 'auto') continue;
    const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join('');
    const size = getComputedStyle(el).fontSize;
    if (text && parseFloat(size) < 14) small.add(`${text.slice(0, 12)} ${size}`);
  }
  return [...small];
}"""


@contextlib.contextmanager
def opened(browser, url: str, viewport: dict, scheme: str = "light"):
    """A page at ``url`` in a phone's (or, for the desktop viewport, a desktop's) browser."""
    phone = viewport["width"] < 600
    context = browser.new_context(viewport=viewport, device_scale_factor=3 if phone else 1,
                                  is_mobile=phone, has_touch=phone, color_scheme=scheme)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(url, wait_until="networkidle")
        yield page
        assert errors == []
    finally:
        context.close()


@pytest.fixture(scope="module")
def sample_base(sample_site):
    with serve_directory(sample_site) as base:
        yield f"{base}/2023"


@pytest.fixture(scope="module")
def years_base(years_site):
    with serve_directory(years_site) as base:
        yield f"{base}/2023"


def url_of(base: str, src: str) -> str:
    return f"{base}/{src if src.endswith('.html') else page_path(src)}"


@pytest.mark.parametrize("width", PHONES)
@pytest.mark.parametrize("name", [*PAGES, *CHANGES_PAGES])
def test_nothing_is_wider_than_the_screen(browser, sample_base, years_base, name, width):
    base, src = (sample_base, PAGES[name]) if name in PAGES else (years_base, CHANGES_PAGES[name])
    with opened(browser, url_of(base, src), PHONES[width]) as page:
        assert page.locator("article table").count() or name in ("about", "404")
        assert page.evaluate(OVERFLOW_JS) == []


@pytest.mark.parametrize("name", ["year home", "unit", "project", "how to read", "data format"])
def test_links_in_tables_and_lists_are_large_enough_and_table_text_readable(browser, sample_base, name):
    with opened(browser, url_of(sample_base, PAGES[name]), PHONES[360]) as page:
        count, crowded = page.evaluate(TARGETS_JS)
        assert crowded == []
        assert count >= 3 or name in ("how to read", "data format")
        assert page.evaluate(SMALL_TEXT_JS) == []


@pytest.mark.parametrize("name", ["year home", "unit", "project", "how to read"])
def test_cards_keep_the_table_semantics(browser, sample_base, name):
    """Screen readers get the same tables (roles, names, headers, cells) on a phone as on a desktop."""
    trees = {}
    for viewport in (DESKTOP, PHONES[360]):
        with opened(browser, url_of(sample_base, PAGES[name]), viewport) as page:
            tables = page.locator("article table")
            trees[viewport["width"]] = [tables.nth(i).aria_snapshot() for i in range(tables.count())]
    desktop, phone = trees[DESKTOP["width"]], trees[360]
    assert desktop and phone == desktop
    assert all(tree.startswith("- table") and "- row" in tree and "- cell" in tree for tree in phone)
    assert any("- columnheader" in tree for tree in phone)


GOAL_CARDS_JS = """() => {
  const table = document.querySelector('.budget-indicators table');
  const shown = el => el.checkVisibility() && el.getBoundingClientRect().width > 1;
  const label = el => getComputedStyle(el, '::before').content;
  const rows = [...table.tBodies[0].rows];
  return {
    display: getComputedStyle(table).display,
    headerShown: shown(table.tHead),
    level1: [...table.querySelectorAll('.budget-indicators__level1')].filter(shown).map(e => e.textContent.trim()),
    level2: [...table.querySelectorAll('.budget-indicators__level2')].filter(shown).length,
    cards: rows.map(row => {
      const title = row.querySelector('th[scope=row]'), cells = [...row.cells].filter(c => c.tagName === 'TD');
      const value = row.querySelector('.budget-indicators__value'), description = cells[0];
      return {
        order: [title, ...cells].map(c => c.getBoundingClientRect().top),
        labels: cells.map(label),
        bigger: parseFloat(getComputedStyle(value).fontSize) > parseFloat(getComputedStyle(description).fontSize),
        titleLeft: title.getBoundingClientRect().left, valueRight: value.getBoundingClientRect().right,
      };
    }),
  };
}"""


def test_goal_table_is_one_card_per_indicator_under_its_group_headings(browser, sample_base):
    with opened(browser, url_of(sample_base, PROJECT), PHONES[360]) as page:
        goal = page.evaluate(GOAL_CARDS_JS)
    assert goal["display"] == "block" and not goal["headerShown"]
    # 一级指标 once per group, as merged on the official table: 产出, 效益, 满意度.
    assert goal["level1"] == ["产出指标", "效益指标", "满意度指标"]
    assert goal["level2"] == 8  # 数量, 质量, 时效, 成本, 经济效益, 社会效益, 可持续影响, 服务对象满意度
    assert len(goal["cards"]) == 8
    for card in goal["cards"]:
        assert card["order"] == sorted(card["order"]) and len(set(card["order"])) == 4  # stacked, title first
        assert card["labels"] == ['"绩效指标描述" / ""', '"指标值" / ""', '"指标值确定依据" / ""']
        assert card["bigger"] and card["titleLeft"] >= 0 and card["valueRight"] <= 360
    with opened(browser, url_of(sample_base, PROJECT), DESKTOP) as page:
        desktop = page.evaluate(GOAL_CARDS_JS)
    # The desktop keeps the table: its header, and each row's cells side by side.
    assert desktop["headerShown"] and len(desktop["level1"]) == 3
    assert all(len(set(card["order"])) == 1 for card in desktop["cards"])


def test_unit_cards_sort_and_filter_on_a_phone(browser, sample_base):
    with opened(browser, url_of(sample_base, "index.md"), PHONES[360]) as page:
        buttons = page.locator("#units-table thead .budget-sort")
        assert buttons.count() == 5 and all(buttons.nth(i).is_visible() for i in range(5))
        page.locator("#units-table thead th").nth(3).locator("button").tap()
        cards = page.locator("#units-table tbody tr")
        totals = [float(cards.nth(i).locator("td").nth(2).inner_text()) for i in range(cards.count())]
        assert totals == sorted(totals) and len(totals) == 12
        box = page.get_by_label("筛选单位（输入单位编码或名称）")
        box.fill("博野县信访")
        shown = [i for i in range(cards.count()) if cards.nth(i).is_visible()]
        assert [cards.nth(i).locator("th").inner_text() for i in shown] == ["博野县信访局"]
        assert page.evaluate(OVERFLOW_JS) == []


COUNTY_NAME = "保定市博野县预算绩效公开"  # 12 characters, as many as the README says a phone shows whole

# The header's site name: its text, whether it is cut (Material ends a cut name with "…"),
# and whether it runs into the buttons beside it.
HEADER_NAME_JS = """() => {
  const name = document.querySelector('.md-header__topic:first-child > .md-ellipsis');
  const box = name.getBoundingClientRect();
  const buttons = [...document.querySelectorAll('.md-header__option, .md-header__button')].filter(
    b => b.checkVisibility() && b.getBoundingClientRect().width > 0 && !b.contains(name));
  const overlapping = buttons.filter(b => {
    const r = b.getBoundingClientRect();
    return r.left < box.right && r.right > box.left && r.top < box.bottom && r.bottom > box.top;
  });
  const year = document.querySelector('.md-version__current');
  return {text: name.textContent.trim(), cut: name.scrollWidth > name.clientWidth, width: box.width,
          overlapping: overlapping.length, year: year ? year.checkVisibility() && year.textContent.trim() : null};
}"""


@pytest.fixture(scope="module")
def county_base(tmp_path_factory):
    """The repository's data built with a county's own mkdocs.yml (site_name and site_url set)."""
    from budget_site.site_build import build_site

    from conftest import ROOT
    from utils import county_project

    root = tmp_path_factory.mktemp("county-named")
    config = county_project(root / "project", COUNTY_NAME, "https://www.boye.gov.cn/ysjx/")
    build_site(ROOT / "data", root / "site", config)
    with serve_directory(root / "site") as base:
        yield f"{base}/2023"


@pytest.mark.parametrize("width", PHONES)
@pytest.mark.parametrize("src", ["index.md", PROJECT])
def test_the_header_shows_a_countys_name_whole_on_a_phone(browser, county_base, src, width):
    with opened(browser, url_of(county_base, src), PHONES[width]) as page:
        page.wait_for_selector(".md-version__current")  # the year selector is in the header too
        header = page.evaluate(HEADER_NAME_JS)
    assert header["text"] == COUNTY_NAME and not header["cut"], header
    assert header["overlapping"] == 0 and header["year"] == "2023年度", header
