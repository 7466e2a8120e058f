"""Plan a year's generated pages: paths, titles, navigation and HTML.

Pure functions of the model; the MkDocs hooks only hand the result to MkDocs.
Page bodies come from the autoescaped Jinja templates in ``templates/``, so
no text from data is ever pasted into HTML or Markdown unescaped.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from html import unescape

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import charts, opendata
from .changes import UnitChange, YearChanges, compare_years
from .downloads import InProcessSizes
from .formatting import money, percent
from .model import Indicator, Project, UnitDocument, YearData
from .region_summary import RegionalYear, RegionSite, RegionSummary

# A download's size as HTML, from its path under the year's root.
SizeOf = Callable[[str], Markup]

CHAPTERS = (
    ("overall-goals", "一、总体绩效目标", "overall_goals.html"),
    ("itemised-goals", "二、分项绩效目标", "itemised_goals.html"),
    ("safeguards", "三、工作保障措施", "safeguards.html"),
)
PART_ONE = "第一部分 部门整体绩效目标"
PART_TWO = "第二部分 预算项目绩效目标"
# The year home's region tree goes down as many levels as keep it to this many regions
# (at least the top); the levels below are listed on their parents' homes.
YEAR_HOME_REGIONS = 60
# A region home lists this many of its own units a page: some 65 KB with the theme's
# chrome, under 100 KB (measured: 150 units a page, 92 KB).
UNITS_PER_PAGE = 100


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str  # plain text
    children: list[Heading] = field(default_factory=list)


@dataclass(frozen=True)
class RenderedPage:
    html: str
    headings: tuple[Heading, ...]  # nested, h1 at the top


@dataclass(frozen=True)
class GeneratedPage:
    """A page of the year, rendered when MkDocs gets to it (``render``): a province's
    pages are never all held in memory at once."""

    src_uri: str  # e.g. "230001/index.md"
    nav_title: str  # plain text
    title: str  # plain text for <title>
    template: str
    context: Mapping[str, object] = field(repr=False, compare=False)

    def render(self) -> RenderedPage:
        html = render(self.template, **self.context)
        return RenderedPage(html, headings_of(html))

    @property
    def html(self) -> str:
        return self.render().html

    @property
    def headings(self) -> tuple[Heading, ...]:
        return self.render().headings


@dataclass(frozen=True)
class NavItem:
    """A nav entry: a page (``src_uri``) or a section (``children``); titles are plain text."""

    title: str
    src_uri: str | None = None
    children: tuple[NavItem, ...] = ()


@dataclass(frozen=True)
class YearPlan:
    year: int
    pages: tuple[GeneratedPage, ...]
    nav: tuple[NavItem, ...]
    # Links ahead of the navigation to pages of the other parts of a regional site:
    # (title, src_uri relative to this part, e.g. "../index.md").
    outside: tuple[tuple[str, str], ...] = ()
    by_uri: dict[str, GeneratedPage] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_uri", {p.src_uri: p for p in self.pages})

    def page(self, src_uri: str) -> GeneratedPage | None:
        return self.by_uri.get(src_uri)


# ---------------------------------------------------------------- formatting

def year_title(year: int) -> str:
    return f"{year}年部门预算绩效文本"


def project_heading(index: int, project: Project) -> str:
    return f"{index}.{project.name}绩效目标表"


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator with the rowspans of its merged level cells (0: merged away)."""

    indicator: Indicator
    level1_span: int
    level2_span: int


def indicator_rows(indicators: tuple[Indicator, ...]) -> list[IndicatorRow]:
    """Merge runs of equal level-1 and level-2 cells like the official table."""
    spans1 = _run_lengths([i.level1 for i in indicators])
    spans2 = _run_lengths([(i.level1, i.level2) for i in indicators])
    return [IndicatorRow(i, s1, s2) for i, s1, s2 in zip(indicators, spans1, spans2, strict=True)]


def _run_lengths(keys: list) -> list[int]:
    spans = [0] * len(keys)
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            spans[start] = i - start
            start = i
    return spans


# ---------------------------------------------------------------- rendering

@cache
def template_env() -> Environment:
    env = Environment(
        loader=PackageLoader("budget_site", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=money, percent=percent)
    env.globals.update(
        year_title=year_title, project_heading=project_heading,
        indicator_rows=indicator_rows, chapter_uri=chapter_uri, project_uri=project_uri,
        unit_dir=unit_dir, region_uri=region_uri, chapters=CHAPTERS, part_one=PART_ONE, part_two=PART_TWO,
        spending_chart=charts.spending_chart, units_chart=charts.units_chart, funds_chart=charts.funds_chart,
        project_downloads=opendata.project_downloads, unit_downloads=opendata.unit_downloads,
        unit_page_downloads=opendata.unit_page_downloads, year_downloads=opendata.year_downloads,
        region_downloads=opendata.region_downloads,
    )
    return env


def render(template: str, **context) -> str:
    return template_env().get_template(template).render(**context)


_HEADING = re.compile(r'<h([1-6]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


def headings_of(html: str) -> tuple[Heading, ...]:
    """The heading tree of our own rendered HTML, for the page's table of contents."""
    roots: list[Heading] = []
    stack: list[Heading] = []
    for level, anchor, inner in _HEADING.findall(html):
        heading = Heading(int(level), anchor, unescape(_TAG.sub("", inner)).strip())
        while stack and stack[-1].level >= heading.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(heading)
        stack.append(heading)
    return tuple(roots)


def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """The URL MkDocs gives ``src_uri``, relative to the site root."""
    stem = src_uri[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative_link(from_uri: str, to_uri: str, directory_urls: bool = True) -> str:
    """A link from one page to another that works under any base path and from file://."""
    here, there = page_url(from_uri, directory_urls), page_url(to_uri, directory_urls)
    base = here if here.endswith("/") or not here else posixpath.dirname(here)
    rel = posixpath.relpath(there or ".", base or ".")
    if there.endswith("/") or not there:
        rel = rel.rstrip("/") + "/"
    return rel


def file_link(from_uri: str, path: str, directory_urls: bool = True) -> str:
    """A link from a page to a file (``path`` relative to the site root), such as a download."""
    here = page_url(from_uri, directory_urls)
    base = here if here.endswith("/") or not here else posixpath.dirname(here)
    return posixpath.relpath(path, base or ".")


def _page(
    src_uri: str, nav_title: str, title: str, template: str, directory_urls: bool, **context
) -> GeneratedPage:
    def link(to_uri: str) -> str:
        return relative_link(src_uri, to_uri, directory_urls)

    def to_file(path: str) -> str:
        return file_link(src_uri, path, directory_urls)

    return GeneratedPage(src_uri, nav_title, title, template, dict(context, link=link, file_link=to_file))


# ---------------------------------------------------------------- planning

def unit_dir(unit: UnitDocument) -> str:
    """A unit's folder in its site: the year's, or on a regional site its region's."""
    return unit.code


def region_uri(code: str) -> str:
    """A region's home, from the year's root."""
    return f"{code}/index.md"


def chapter_uri(unit: UnitDocument, slug: str) -> str:
    return f"{unit_dir(unit)}/{slug}.md"


def project_uri(unit: UnitDocument, project: Project) -> str:
    return f"{unit_dir(unit)}/{project.code}.md"


def plan_year(data: YearData, directory_urls: bool = True, previous: YearData | None = None,
              download_size: SizeOf | None = None) -> YearPlan:
    """All generated pages and the navigation of a county's year site; ``previous`` is
    the latest earlier year in the data, which the pages compare with. ``download_size``
    shows a download's size (by default the files are made here to measure them)."""
    changes = compare_years(data, previous)
    download_size = download_size or InProcessSizes(data)
    pages = [_page("index.md", year_title(data.year), year_title(data.year), "year_home.html",
                   directory_urls, data=data, changes=changes, download_size=download_size)]
    nav = []
    for unit in data.units:
        unit_pages = plan_unit(unit, directory_urls, changes.unit(unit.key), download_size)
        pages += unit_pages
        nav.append(NavItem(unit.name, children=tuple(NavItem(p.nav_title, p.src_uri) for p in unit_pages)))
    return YearPlan(data.year, tuple(pages), tuple(nav))


# A regional site is built in parts: each region is a site of its own in
# <year>/<region>/ (its home and its units), and the year's own site in <year>/
# holds the year home. Pages link across parts with relative links ("../…").
OTHER_REGION = "../"


def plan_region_site(site: RegionSite, directory_urls: bool = True, download_size: SizeOf | None = None) -> YearPlan:
    """One region's site: its home (and further pages of its units) and its units,
    with breadcrumbs up to the year home."""
    data, summary = site.data, site.summary
    changes = compare_years(data, site.previous)
    download_size = download_size or InProcessSizes(data)
    title = year_title(data.year)
    crumbs = ((title, OTHER_REGION + "index.md"),
              *((r.name, OTHER_REGION + region_uri(r.code)) for r in data.regions.ancestors(site.code)))
    by_code = {s.region.code: s for s in site.summaries}
    children = [by_code[child.code] for child in data.regions.children(site.code)]
    home = _plan_region(summary, data, crumbs, children, changes, directory_urls, download_size)
    pages = list(home)
    items = [NavItem(p.nav_title, p.src_uri) for p in home]
    unit_crumbs = (*crumbs, (summary.region.name, "index.md"))
    for unit in data.units:
        unit_pages = plan_unit(unit, directory_urls, changes.unit(unit.key), download_size, unit_crumbs)
        pages += unit_pages
        items.append(NavItem(unit.name, children=tuple(NavItem(p.nav_title, p.src_uri) for p in unit_pages)))
    return YearPlan(data.year, tuple(pages), (NavItem(summary.region.name, children=tuple(items)),),
                    outside=((title, OTHER_REGION + "index.md"),))


def plan_regional_year(year: RegionalYear, directory_urls: bool = True,
                       download_size: SizeOf | None = None) -> YearPlan:
    """The year's own site on a regional platform: the year home with the regions as a
    tree, linking to the regions' sites."""
    title = year_title(year.year)
    home = _page("index.md", title, title, "year_home_regions.html", directory_urls, year=year,
                 summaries=year.summaries, shown=year_home_tree(year.summaries),
                 previous_year=year.previous_year, download_size=download_size or (lambda path: ""))
    roots = tuple((r.name, region_uri(r.code)) for r in year.regions.roots())
    return YearPlan(year.year, (home,), (), outside=roots)


def year_home_tree(summaries: tuple[RegionSummary, ...]) -> tuple[RegionSummary, ...]:
    """The top levels of the region tree, as many as fit in ``YEAR_HOME_REGIONS`` rows."""
    depth = 0
    while (sum(s.depth <= depth + 1 for s in summaries) <= YEAR_HOME_REGIONS
           and any(s.depth > depth for s in summaries)):
        depth += 1
    return tuple(s for s in summaries if s.depth <= depth)


def _plan_region(summary: RegionSummary, data: YearData, crumbs: tuple, children: list[RegionSummary],
                 changes: YearChanges, directory_urls: bool, download_size: SizeOf) -> list[GeneratedPage]:
    """A region's home, and as many further pages as its own units need."""
    name = summary.region.name
    units = data.units
    chunks = [units[i:i + UNITS_PER_PAGE] for i in range(0, len(units), UNITS_PER_PAGE)] or [()]
    uris = ["index.md", *(f"units-{n}.md" for n in range(2, len(chunks) + 1))]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        nav_title = "概况" if number == 1 else f"单位（第 {number} 页）"
        page_title = f"{name}{'' if number == 1 else f'单位第 {number} 页'} · {year_title(data.year)}"
        pages.append(_page(uris[number - 1], nav_title, page_title, "region_home.html", directory_urls,
                           year=data.year, summary=summary, children=children, units=chunk, pages=uris,
                           page_number=number, region_data=data, changes=changes,
                           crumbs=(*crumbs, (name, uris[0])), download_size=download_size))
    return pages


def plan_unit(unit: UnitDocument, directory_urls: bool, change: UnitChange | None,
              download_size: SizeOf, crumbs: tuple = ()) -> list[GeneratedPage]:
    """The pages of one unit; ``download_size`` shows a download's size; ``crumbs``
    the (title, page) pairs above its cover on a regional site."""
    base = unit_dir(unit)
    year_root = OTHER_REGION if unit.region else ""  # the year's hand-written pages are one site up
    suffix = f"{unit.name} · {year_title(unit.year)}"
    if unit.region:
        suffix = f"{unit.name} · {crumbs[-1][0]} · {year_title(unit.year)}"
    crumbs = (*crumbs, (unit.name, f"{base}/index.md"))
    pages = [_page(f"{base}/index.md", "封面与目录", suffix, "unit_cover.html", directory_urls, unit=unit,
                   change=change, download_size=download_size, crumbs=crumbs, year_root=year_root)]
    for slug, chapter, template in CHAPTERS:
        pages.append(_page(f"{base}/{slug}.md", chapter, f"{chapter} · {suffix}", template,
                           directory_urls, unit=unit, download_size=download_size,
                           crumbs=(*crumbs, (chapter, f"{base}/{slug}.md"))))
    for index, project in enumerate(unit.projects, start=1):
        pages.append(_page(
            f"{base}/{project.code}.md", f"{index}.{project.name}", f"{project.name} · {suffix}",
            "project.html", directory_urls, unit=unit, project=project, index=index, download_size=download_size,
            crumbs=(*crumbs, (project.name, f"{base}/{project.code}.md")), year_root=year_root,
        ))
    return pages
