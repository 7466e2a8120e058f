"""MkDocs hooks: the thin adapter between the budget_site core and MkDocs.

Loads and validates ``data/`` once per build, adds the generated pages as
virtual files (nothing is written into ``docs/``), sets the navigation, and
hands each page its pre-rendered HTML and table of contents.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from budget_site.loading import load_data
from budget_site.pages import Heading, NavItem, YearPlan, plan_year
from budget_site.problems import DataError
from budget_site.search_index import compact_search_index

log = logging.getLogger("mkdocs.hooks.budget")

_plan: YearPlan | None = None
_unit_sections: set[int] = set()


def data_dir(config: MkDocsConfig) -> Path:
    """``extra.budget_data`` (set by ``budget-site build``), ``BUDGET_DATA``, or ``data/``."""
    configured = config.extra.get("budget_data") or os.environ.get("BUDGET_DATA") or "data"
    return Path(config.config_file_path).parent.joinpath(configured).resolve()


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _plan
    # `budget-site build` has loaded and validated every year already.
    years = config.extra.pop("budget_preloaded", None)
    if years is None:
        try:
            years = load_data(data_dir(config))
        except DataError as error:
            raise Abort("数据有误，未生成网站：\n" + str(error)) from None
    wanted = config.extra.get("budget_year") or os.environ.get("BUDGET_YEAR")
    year = int(wanted) if wanted else max(years)
    if year not in years:
        raise Abort(f"数据中没有 {year} 年度（已有：{'、'.join(map(str, sorted(years)))}）")
    _load_search_terms()
    _plan = plan_year(years[year], directory_urls=config.use_directory_urls)
    config.extra["budget_year"] = year
    config.nav = [*(_nav_entry(item) for item in _plan.nav), *(config.nav or [])]
    config.nav.insert(0, {_html(_plan.pages[0].nav_title): _plan.pages[0].src_uri})
    return config


def _load_search_terms() -> None:
    """Budget vocabulary for jieba, which Material's search plugin uses to segment Chinese."""
    from importlib import resources

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.load_userdict(str(resources.files("budget_site").joinpath("search_terms.txt")))


def _html(text: str) -> str:
    """Nav titles are inserted into the theme as HTML, so data text is escaped here."""
    return str(escape(text))


def _nav_entry(item: NavItem) -> dict:
    if item.children:
        return {_html(item.title): [_nav_entry(child) for child in item.children]}
    return {_html(item.title): item.src_uri}


def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert _plan is not None
    for page in _plan.pages:
        if files.get_file_from_path(page.src_uri):
            raise Abort(f"docs/{page.src_uri} 与生成的页面重名，请删除或改名")
        files.append(File.generated(config, page.src_uri, content=""))
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """Remember which top-level sections are units, for the per-page navigation."""
    _unit_sections.clear()
    for item in nav.items:
        if isinstance(item, Section) and any(
            isinstance(child, Page) and _plan and _plan.page(child.file.src_uri) for child in item.children
        ):
            _unit_sections.add(id(item))
    return nav


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    """Each page's navigation holds the year home, its own unit with its chapters and
    projects, and the hand-written pages, not every unit of the year: page size and
    build time stay flat as a county grows to a province. Only the year home lists
    every unit, as one link each."""
    if page.is_homepage:
        items = [_unit_link(item) if id(item) in _unit_sections else item for item in nav.items]
    else:
        items = [item for item in nav.items if id(item) not in _unit_sections or item in page.ancestors]
    context["nav"] = Navigation(items, nav.pages)
    return context


def _unit_link(section: Section) -> Link:
    cover = section.children[0]
    return Link(section.title, cover.url)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    generated = _plan.page(page.file.src_uri) if _plan else None
    if generated is not None:
        page.meta["budget_title"] = generated.title
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    generated = _plan.page(page.file.src_uri) if _plan else None
    if generated is None:
        return html
    page.toc = get_toc([_toc_token(h) for h in generated.headings])
    return generated.html


def _toc_token(heading: Heading) -> dict:
    return {
        "level": heading.level,
        "id": heading.id,
        "name": _html(heading.text),
        "children": [_toc_token(child) for child in heading.children],
    }


@event_priority(-100)  # after Material's search plugin has written the index
def on_post_build(config: MkDocsConfig) -> None:
    index = Path(config.site_dir) / "search" / "search_index.json"
    if index.is_file():
        index.write_text(compact_search_index(index.read_text("utf-8")), encoding="utf-8")


def on_serve(server, config: MkDocsConfig, builder):
    """Rebuild the preview when a data file changes."""
    server.watch(str(data_dir(config)))
    return server
