"""Three years in Chromium: the year selector, and the site working from the domain
root, from a sub-path and from the file system, search included. Every request is
recorded; the tests fail on any failed request and on any other host."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from browsing import RESULTS, Recorder, placed, settle, switch_year
from conftest import page_path
from years import CONTINUED_UNIT, GONE_UNIT

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("where", ["root", "sub-path"])
def test_year_selector_keeps_the_reader_on_the_same_unit(years_site, browser, tmp_path, where):
    page = browser.new_page()
    recorder = Recorder(page)
    with placed(years_site, where, tmp_path) as base:
        page.goto(f"{base}/2022/{page_path(f'{CONTINUED_UNIT}/safeguards.md')}")
        settle(page)
        assert page.text_content(".md-version__current").strip() == "2022年度"
        titles = page.eval_on_selector_all(".md-version__link", "els => els.map(e => e.textContent.trim())")
        assert titles == ["2023年度", "2022年度", "2021年度"]

        switch_year(page, "2023年度")  # the unit exists in 2023: same page there
        assert page.url == f"{base}/2023/{page_path(f'{CONTINUED_UNIT}/safeguards.md')}"
        assert "2023年部门预算绩效文本" in page.title()
        assert page.text_content(".md-version__current").strip() == "2023年度"

        page.goto(f"{base}/2022/{page_path(f'{GONE_UNIT}/index.md')}")
        settle(page)
        switch_year(page, "2023年度")  # the unit stopped after 2022: the 2023 home
        assert page.url == f"{base}/2023/"

        page.goto(f"{base}/2023/{page_path('230001/index.md')}")  # the reference exists only in 2023
        settle(page)
        switch_year(page, "2021年度")
        assert page.url == f"{base}/2021/"
        recorder.check(base, ("versions.json",))
    page.close()


@pytest.mark.parametrize("where", ["root", "sub-path", "file"])
def test_the_site_works_wherever_it_is_put(years_site, browser, tmp_path, where):
    """From the portal to the newest year, to a unit by its link, then search, and the result opens."""
    page = browser.new_page()
    recorder = Recorder(page)
    with placed(years_site, where, tmp_path) as base:
        page.goto(f"{base}/index.html")
        page.wait_for_url(f"{base}/2023/index.html")
        settle(page)
        assert page.title().startswith("2023年部门预算绩效文本")
        with page.expect_navigation():
            page.click(f".budget-units a[href='{page_path('230001/index.md')}']")
        settle(page)
        assert "博野县信访局" in page.title()
        page.fill("input.md-search__input", "安保费")
        page.press("input.md-search__input", "End")  # Material reads the box on keyup (as after an IME)
        page.wait_for_function(RESULTS, timeout=20000)
        first = page.eval_on_selector(".md-search-result__link", "e => e.href")
        assert first.startswith(f"{base}/2023/230001/"), first
        with page.expect_navigation():
            page.click(".md-search-result__link")
        settle(page)
        assert "群众工作中心安保费" in page.title()
        if where != "file":  # a ?q= link opens the search, as the share button makes it
            page.goto(f"{base}/2021/index.html?q={quote('教育')}")
            page.wait_for_function(RESULTS, timeout=20000)
            assert "没有找到" not in page.text_content(".md-search-result__meta")
            settle(page)
            assert page.text_content(".md-version__current").strip() == "2021年度"
        else:  # the year selector needs ../versions.json, which a page opened from a file cannot fetch
            assert page.query_selector(".md-version") is None
        recorder.check(base, ("index.html", "versions.json"))
    page.close()
