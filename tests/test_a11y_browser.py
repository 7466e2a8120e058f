"""Accessibility in a real browser (WCAG 2.1 AA, GB/T 37668-2019): axe-core
finds no serious or critical violation on the year home, a unit page and a
project page, in light and dark mode, on a desktop and on a 360 px phone; the keyboard alone
reaches search, the year selector, the table controls and every download.

axe-core comes from the npm registry, pinned in tests/package-lock.json
(`make test` runs `npm ci` in tests/), and is injected with Playwright."""

from __future__ import annotations

import pytest

from browsing import AXE, BLOCKING, describe, run_axe
from conftest import page_path, serve_directory

pytestmark = pytest.mark.browser

PROJECT = "13063722P004351100152"
DISCLOSED_UNIT = "300002"  # a synthetic unit of sample_site with disclosure metadata
PAGES = {
    "year home": "index.md",
    "unit": f"{DISCLOSED_UNIT}/index.md",
    "project": f"230001/{PROJECT}.md",
}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}  # tables are cards below 720 px (budget.css)


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail("需要 axe-core：在 tests/ 下运行 npm ci（make test 会自动安装）")
    return AXE.read_text("utf-8")


@pytest.fixture(scope="module")
def base_url(sample_site):
    with serve_directory(sample_site) as base:
        yield f"{base}/2023"


def open_page(browser, url: str, scheme: str = "light", viewport=DESKTOP):
    page = browser.new_page(color_scheme=scheme, viewport=viewport)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="networkidle")
    if page.locator(".md-version").count():  # drawn by Material from versions.json; our script names it
        page.wait_for_selector(".md-version__current[data-budget-labelled]", state="attached")
    page.errors = errors
    return page


@pytest.mark.parametrize("scheme,viewport",
                         [("light", DESKTOP), ("dark", DESKTOP), ("light", PHONE), ("dark", PHONE)],
                         ids=["light", "dark", "phone", "phone-dark"])
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_or_critical_violation(browser, base_url, axe_source, name, scheme, viewport):
    page = open_page(browser, f"{base_url}/{page_path(PAGES[name])}", scheme, viewport)
    try:
        violations = run_axe(page, axe_source)
        print(f"\naxe-core, {name}, {scheme} {viewport['width']}px:\n{describe(violations)}")
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        assert not blocking, describe(blocking)
        assert page.errors == []
    finally:
        page.close()


TARGETS_JS = """() => {
  const targets = [
    ...document.querySelectorAll('.md-search__input'),
    ...document.querySelectorAll('.budget-filter input, th .budget-sort'),
    ...document.querySelectorAll('article a[download]'),
  ];
  targets.forEach((element, index) => element.setAttribute('data-kb-target', String(index)));
  return targets.map(element => element.getAttribute('aria-label') || element.textContent.trim()
                                || element.className);
}"""


def tab_through(page, presses: int) -> list[str | None]:
    """Press Tab from the top of the page; the data-kb-target of each element focused."""
    page.locator("body").focus()
    reached = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.getAttribute('data-kb-target')"))
    return reached


@pytest.mark.parametrize("name", PAGES)
def test_keyboard_alone_reaches_search_table_controls_and_every_download(browser, base_url, name):
    page = open_page(browser, f"{base_url}/{page_path(PAGES[name])}")
    try:
        targets = page.evaluate(TARGETS_JS)
        downloads = page.locator("article a[download]").count()
        assert downloads >= 3 and "搜索" in targets[0]
        if name == "year home":
            assert page.locator(".budget-filter input").count() == 1 and page.locator("th .budget-sort").count() == 5
        reached = tab_through(page, presses=len(targets) + 80)
        missing = [label for index, label in enumerate(targets) if str(index) not in reached]
        assert missing == []
        # Each is reached in document order, once per round.
        first_round = [r for r in reached if r is not None][: len(targets)]
        assert first_round == [str(i) for i in range(len(targets))]
        # A download is followed, not just focused: Enter on the focused link downloads the file.
        page.locator("article a[download]").first.focus()
        with page.expect_download() as download:
            page.keyboard.press("Enter")
        assert download.value.suggested_filename.endswith((".csv", ".xlsx", ".json"))
    finally:
        page.close()


def test_keyboard_reaches_the_year_selector(browser, base_url):
    page = open_page(browser, f"{base_url}/{page_path('index.md')}")
    try:
        # The selector missing is the regression this test guards (versions.json not written or not read).
        assert page.locator(".md-version").count() == 1, "年度选择器（.md-version，由 versions.json 生成）不见了"
        page.locator("body").focus()
        focused = []
        for _ in range(15):
            page.keyboard.press("Tab")
            focused.append(page.evaluate("() => document.activeElement.className"))
            if "md-version__link" in focused[-1]:
                break
        assert any("md-version__current" in c for c in focused), focused
        assert "md-version__link" in focused[-1], "the list of years opens to the keyboard"
        label = page.get_attribute(".md-version__current", "aria-label")
        shown = page.inner_text(".md-version__current").strip()
        assert label.startswith(shown) and "选择年度" in label  # WCAG 2.5.3: the visible year is in the name
    finally:
        page.close()


def test_sort_and_filter_the_unit_table_with_the_keyboard(browser, base_url, sample_site):
    page = open_page(browser, f"{base_url}/{page_path('index.md')}")
    try:
        rows = page.locator("#units-table tbody tr")
        count = rows.count()
        assert count == 12
        codes = [rows.nth(i).locator("td").first.inner_text() for i in range(count)]
        assert codes == sorted(codes)  # as published: by unit code
        header = page.locator("#units-table thead th").nth(3)  # 预算总额
        header.locator("button").focus()
        page.keyboard.press("Enter")
        assert header.get_attribute("aria-sort") == "ascending"
        totals = [float(rows.nth(i).locator("td").nth(2).inner_text()) for i in range(count)]
        assert totals == sorted(totals)
        page.keyboard.press(" ")
        assert header.get_attribute("aria-sort") == "descending"
        totals = [float(rows.nth(i).locator("td").nth(2).inner_text()) for i in range(count)]
        assert totals == sorted(totals, reverse=True)
        assert page.locator("#units-table thead th[aria-sort]").count() == 1
        # The totals row stays last, whatever the order.
        assert "合计" in page.locator("#units-table tfoot").inner_text()
        # Filter: a labelled box; typing keeps the matching rows and says how many.
        box = page.get_by_label("筛选单位（输入单位编码或名称）")
        box.focus()
        page.keyboard.type("博野县信访")
        visible = [i for i in range(count) if rows.nth(i).is_visible()]
        assert [rows.nth(i).locator("th").inner_text() for i in visible] == ["博野县信访局"]
        assert page.locator(".budget-filter [role=status]").inner_text() == f"显示 1 / {count} 个单位"
        box.fill("")
        box.dispatch_event("input")
        assert all(rows.nth(i).is_visible() for i in range(count))
    finally:
        page.close()


def test_without_javascript_the_unit_table_is_complete(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/{page_path('index.md')}")
        assert page.locator("#units-table tbody tr").count() == 12
        assert page.locator(".budget-filter, .budget-sort").count() == 0
        assert page.locator("#units-table tfoot th").inner_text().startswith("合计")
        assert page.locator("svg.budget-chart:visible").count() == 2  # charts need no script (one drawing each)
    finally:
        context.close()
