"""Hostile text in every field renders as inert text in a real browser:
no dialog, no script error, the text shown literally, no page wider than a
phone."""

from __future__ import annotations

import itertools
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from budget_site.site_build import build_site

from conftest import ROOT, page_path, serve_directory

pytestmark = pytest.mark.browser

HOSTILE = [
    '<script>alert("script")</script>',
    "<img src=x onerror=alert('img')>",
    '"><svg onload=alert(1)>',
    "[点我](javascript:alert('md'))",
    "{{ 7*7 }} {% raw %}{{ config }}{% endraw %}",
    "# 不是标题 | 不是表格 | --- *不是强调* > 不是引用",
    "<5% 且 ≥98%，&amp; 与 &lt; 照原样",
    '<a href="javascript:alert(2)">链接</a>',
    "<style>body{display:none}</style>",
    "'; alert('quote'); '",
    "长" * 400,
    "x" * 600,
]


def hostile_unit() -> tuple[dict, list[str]]:
    """The reference with every text field replaced by a hostile string."""
    data = yaml.safe_load((ROOT / "data/2023/230001.yaml").read_text("utf-8"))
    strings = itertools.cycle(HOSTILE)
    used: list[str] = []

    def text() -> str:
        value = next(strings)
        used.append(value)
        return value

    data["unit"]["name"] = text()
    data["prepared_by"], data["reviewed_by"] = text(), text()
    data["disclosure"] = {"index_number": text(), "publisher": text(), "topic": text(), "written_date": "2023-01-31"}
    data["overall_goals"] = [text() for _ in data["overall_goals"]]
    for item in data["itemised_goals"]:
        item.update(title=text(), goal=text(), indicator=text())
    for item in data["measures"]:
        item.update(title=text(), text=text())
    for project in data["projects"]:
        project.update(name=text(), unit_line=text(), money_unit=text(), use_of_funds=text(), target=text())
        for step in project["spending_plan"]:
            step["period"] = text()
        for row in project["indicators"]:
            for key in ("level1", "level2", "level3", "description", "value", "basis"):
                row[key] = text()
    data["unplaced"] = [{"line": 1, "text": text()}]
    return data, used


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> tuple[Path, dict, list[str]]:
    root = tmp_path_factory.mktemp("hostile")
    data, used = hostile_unit()
    (root / "data" / "2023").mkdir(parents=True)
    (root / "data" / "2023" / "230001.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    build_site(root / "data", root / "site", ROOT / "mkdocs.yml")
    return root / "site", data, used


def test_hostile_text_is_inert_and_literal(hostile_site, browser):
    site, data, used = hostile_site
    pages = [page_path(uri) for uri in ["index.md", "230001/index.md", "230001/overall-goals.md",
                                         "230001/itemised-goals.md", "230001/safeguards.md",
                                         *(f"230001/{p['code']}.md" for p in data["projects"])]]
    page = browser.new_page(viewport={"width": 375, "height": 800})
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    shown = ""
    with serve_directory(site) as base:
        for path in pages:
            page.goto(f"{base}/2023/{path}")
            page.wait_for_load_state("load")
            shown += page.title() + page.inner_text("body")
            assert page.evaluate("document.documentElement.scrollWidth") <= 376, path
            assert page.query_selector("article img, article svg[onload], article script, article style") is None
        page.goto(f"{base}/2023/?q={quote('<img')}")
        page.wait_for_function("/结果|没有找到/.test(document.querySelector('.md-search-result__meta').textContent)")
        page.wait_for_timeout(300)
    page.close()
    assert dialogs == [] and errors == []
    for value in set(used):
        assert value in shown, value
    assert "49" not in shown


def test_title_navigation_and_breadcrumbs_show_text_literally(hostile_site):
    from bs4 import BeautifulSoup

    site, data, _ = hostile_site
    project = data["projects"][0]
    soup = BeautifulSoup((site / "2023" / page_path(f"230001/{project['code']}.md")).read_text("utf-8"), "html.parser")
    assert soup.title.get_text() == f"{project['name']} · {data['unit']['name']} · 2023年部门预算绩效文本"
    assert data["unit"]["name"] in [a.get_text(strip=True) for a in soup.select("nav.md-path a")]
    assert not any("alert" in script.get_text() for script in soup.find_all("script"))
    for part in soup.select(".md-content, .md-nav, .md-path"):  # Material's own share button uses javascript:
        assert not part.select("[onerror], [onload], a[href^='javascript:']")
