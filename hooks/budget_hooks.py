"""MkDocs hooks: the thin adapter between the budget_site core and MkDocs.

Loads and validates ``data/`` once per build, adds the generated pages as
virtual files (nothing is written into ``docs/``), sets the navigation, and
hands each page its pre-rendered HTML and table of contents. It also keeps
each year's site self-contained and reproducible: Material's file:// worker
shim from the year's own assets, a sitemap (the year selector's same-page
lookup) dated from the data, and a 404 page with links inside the year. On a
regional platform a region's site loads the theme from the year's assets.
"""

from __future__ import annotations

import gzip
import logging
import os
import sys
from pathlib import Path

from jinja2 import pass_context
from markupsafe import escape
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from budget_site import sitemaps
from budget_site.archive import date_epoch, publication_date
from budget_site.downloads import DownloadWriter, fill_sizes, size_marker
from budget_site.loading import load_data
from budget_site.model import YearData
from budget_site.opendata import DOWNLOADS
from budget_site.pages import (
    Heading,
    NavItem,
    YearPlan,
    page_url,
    plan_region_site,
    plan_regional_year,
    plan_year,
)
from budget_site.preview import error_page, say_mkdocs_in_chinese
from budget_site.problems import DataError, Problem
from budget_site.region_summary import FACTS_FILE, RegionalYear, RegionSite, facts_of, region_file
from budget_site.regional_build import preview_site, year_date
from budget_site.regional_downloads import JoinedYearFiles, region_order
from budget_site.search_index import compact_search_index, result_places
from budget_site.search_shards import REGION_POSTINGS, RegionEntry, region_search_files, shard_search_index, year_router

log = logging.getLogger("mkdocs.hooks.budget")

_plan: YearPlan | None = None
_part: YearData | RegionSite | RegionalYear | None = None  # what this build makes
_downloads: DownloadWriter | JoinedYearFiles | None = None
# `mkdocs serve` keeps the downloads of unchanged units from one rebuild to the next.
_download_cache: dict | None = None
_unit_sections: set[int] = set()
_page_urls: list[str] = []
_date = None  # the year's publication date (archive.publication_date)
_serving = False  # `mkdocs serve`: invalid data gives a page listing the problems
_errors: list[Problem] | None = None  # the problems that page lists
_handwritten_links: list[tuple[str, str]] = []  # a region's site links to the year's hand-written pages
_search_regions: list[RegionEntry] = []  # what search can be narrowed to (regional sites)
# A region's site within a regional year loads the theme's files (assets/) from the
# year's folder: one copy a year instead of one a region, cached once by a reader
# going from county to county. A preview of one region keeps its own.
_assets_from_year = False
THEME_ASSETS = "assets/"

# Material's offline plugin adds its file:// Web Worker shim from unpkg.com; no page
# may load anything from another host, so the same file (iframe-worker 1.0.4, MIT)
# is served from the year's own assets.
IFRAME_WORKER_SHIM = "assets/javascripts/vendor/iframe-worker-shim.js"
# Sitemap addresses must be absolute; without site_url this reserved name stands in
# (RFC 2606). Material's year selector only compares paths within one sitemap.
PLACEHOLDER_SITE = "https://budget-site.invalid/"


def data_dir(config: MkDocsConfig) -> Path:
    """``extra.budget_data`` (set by ``budget-site build``), ``BUDGET_DATA``, or ``data/``."""
    configured = config.extra.get("budget_data") or os.environ.get("BUDGET_DATA") or "data"
    return Path(config.config_file_path).parent.joinpath(configured).resolve()


def on_startup(command: str, dirty: bool) -> None:
    global _download_cache, _serving
    _serving = command == "serve"
    _download_cache = {} if _serving else None
    if _serving:
        say_mkdocs_in_chinese()


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _plan, _part, _date, _downloads, _errors, _search_regions, _assets_from_year
    if _downloads is not None:  # left by a preview's failed rebuild
        _downloads.close()
        _downloads = None
    workers = config.extra.pop("budget_download_workers", None)
    handed_over = "budget_part" in config.extra  # by budget-site build, not a preview
    _assets_from_year = False
    try:
        part, previous = _part_to_build(config)
    except DataError as error:
        if not _serving:
            raise Abort("数据有误，未生成网站：\n" + str(error)) from None
        print(f"数据有误，预览显示下面的问题，改好后自动更新：\n{error}", file=sys.stderr)
        _plan, _errors = None, error.problems
        config.nav = []
        return config
    _errors, _part, _search_regions = None, part, []
    if _serving:  # one year, no other to select: Material would ask for ../versions.json in vain
        config.extra.pop("version", None)
    _assets_from_year = isinstance(part, RegionSite) and handed_over
    _load_search_terms()
    site_dir = Path(config.site_dir)
    # Pages mark where each download's size goes; on_page_context fills them in.
    urls = config.use_directory_urls
    if isinstance(part, RegionalYear):
        _plan = plan_regional_year(part, directory_urls=urls, download_size=size_marker)
        _date = year_date(part)
        _downloads = JoinedYearFiles(part, site_dir)
        _search_regions = [RegionEntry(r.code, r.name, r.parent) for r in part.regions.regions]
        year = part.year
    else:
        if isinstance(part, RegionSite):
            data = part.data
            _plan = plan_region_site(part, directory_urls=urls, download_size=size_marker)
            # Search, the year selector and search results work from the year's root.
            config.extra["budget_year_root"] = ".."
            config.extra["budget_search_region"] = part.code  # its readers' search prefers its results
            config.extra["homepage"] = "../index.html"  # the logo leads to the year home, as on a county's site
        else:
            data = part
            _plan = plan_year(part, directory_urls=urls, previous=previous, download_size=size_marker)
        _date = publication_date(data)
        # Worker processes start on the downloads (CSV, XLSX, JSON, data package, schemas)
        # now; each is written into the site folder (cleaned by then) when a page asks for
        # its size, and the rest after the last page (on_post_build).
        _downloads = DownloadWriter(data, site_dir, cache=_download_cache, workers=workers)
        year = data.year
    config.extra["budget_year"] = year
    config.extra["polyfills"] = [IFRAME_WORKER_SHIM if "iframe-worker" in str(script) else script
                                 for script in config.extra.get("polyfills", [])]
    handwritten = config.nav or []
    _handwritten_links.clear()
    if isinstance(part, RegionSite):  # the hand-written pages are the year's: linked from here
        _handwritten_links.extend((title, "../" + uri) for title, uri in map(_first_page, handwritten) if uri)
        handwritten = []
    config.nav = [*(_nav_entry(item) for item in _plan.nav), *handwritten]
    if not isinstance(part, RegionSite):  # a region's home heads its own section (navigation.indexes)
        config.nav.insert(0, {_html(_plan.pages[0].nav_title): _plan.pages[0].src_uri})
    return config


def _first_page(entry) -> tuple[str, str | None]:
    """A nav entry of mkdocs.yml as one link: its title, and its (first) page."""
    if isinstance(entry, str):
        return entry, entry
    title, value = next(iter(entry.items()))
    if isinstance(value, list):
        value = next((uri for _, uri in map(_first_page, value) if uri), None)
    return title, value


def _part_to_build(config: MkDocsConfig) -> tuple[YearData | RegionSite | RegionalYear, YearData | None]:
    """What this build makes: a part of a regional site (``budget-site build`` hands it
    over), or a county's year (and the year before, which its pages compare with); a
    preview of regional data shows one region (``BUDGET_REGION``)."""
    part = config.extra.pop("budget_part", None)
    if part is not None:
        return part, None
    years, year = _load_years(config)
    earlier = [y for y in years if y < year]
    if years[year].regions is not None:
        wanted = (config.extra.get("budget_region") or os.environ.get("BUDGET_REGION") or "").strip() or None
        return preview_site(years, year, wanted), None
    return years[year], years[max(earlier)] if earlier else None


def _load_years(config: MkDocsConfig) -> tuple[dict, int]:
    """Every year's data (``budget-site build`` has loaded and validated it already) and
    the year to build: ``extra.budget_year``, ``BUDGET_YEAR`` or the newest."""
    years = config.extra.pop("budget_preloaded", None)
    if years is None:
        folder = data_dir(config)
        if not folder.is_dir() and os.environ.get("BUDGET_DATA"):
            raise DataError([Problem(folder, None, None, (), "环境变量 BUDGET_DATA 所指的数据文件夹不存在")])
        years = load_data(folder)
    wanted = str(config.extra.get("budget_year") or os.environ.get("BUDGET_YEAR") or "").strip()
    if wanted and not wanted.isdecimal():
        raise DataError([Problem(Path("BUDGET_YEAR"), None, None, (),
                                 f"年度应为四位数字，如 BUDGET_YEAR=2023，实际是“{wanted}”")])
    year = int(wanted) if wanted else max(years)
    if year not in years:
        raise DataError([Problem(data_dir(config), None, None, (),
                                 f"数据中没有 {year} 年度（已有：{'、'.join(map(str, sorted(years)))}）")])
    return years, year


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
    if _errors is not None or isinstance(_part, RegionSite):
        # The preview shows only the problems (on_post_build); a region's site has its
        # own pages only: the hand-written ones are the year's.
        files = Files([f for f in files if not f.is_documentation_page()])
    if _errors is not None:
        return files
    if _assets_from_year:
        files = Files([f for f in files if not f.src_uri.startswith(THEME_ASSETS)])
    assert _plan is not None
    for page in _plan.pages:
        if files.get_file_from_path(page.src_uri):
            raise Abort(f"docs/{page.src_uri} 与生成的页面重名，请删除或改名")
        files.append(File.generated(config, page.src_uri, content=""))
    clash = next((f.src_uri for f in files if f.src_uri.startswith(f"{DOWNLOADS}/")), None)
    if clash:
        raise Abort(f"docs/{clash}：docs/{DOWNLOADS}/ 留给生成的下载文件，请删除或改名")
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """Remember which sections are units (or, on a regional site, regions), for the
    per-page navigation."""
    _unit_sections.clear()

    def mark(items) -> None:
        for item in items:
            if isinstance(item, Section) and any(
                isinstance(child, Page) and _plan and _plan.page(child.file.src_uri) for child in item.children
            ):
                _unit_sections.add(id(item))
                mark(item.children)

    mark(nav.items)
    # Pages of the other parts of a regional site (the year home, the regions).
    if _plan is not None:
        def links(pairs) -> list[Link]:
            return [Link(_html(title), page_url(uri, config.use_directory_urls)) for title, uri in pairs]

        # After the year home; on a region's site, before its own section.
        at = 0 if isinstance(_part, RegionSite) else 1
        nav.items[at:at] = links(_plan.outside)
        nav.items += links(_handwritten_links)
    return nav


@event_priority(100)  # before Material's search plugin reads the page
def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    """Each page's navigation holds the year home, its own unit with its chapters and
    projects, and the hand-written pages, not every unit of the year: page size and
    build time stay flat as a county grows to a province. Only the year home lists
    every unit, as one link each."""
    if page.is_homepage and not isinstance(_part, RegionSite):
        context["nav"] = Navigation([_unit_link(i) if id(i) in _unit_sections else i for i in nav.items], nav.pages)
    else:
        context["nav"] = _without_units(nav, keep=page.ancestors)
    if _downloads is not None and page.content:
        page.content = fill_sizes(page.content, _downloads.size)
    return context


def _without_units(nav: Navigation, keep=()) -> Navigation:
    """The navigation without the units' sections, but for those in ``keep`` (a page's
    ancestors: on a regional site its regions, which keep only their own home pages)."""
    return Navigation(_kept(nav.items, keep), nav.pages)


def _kept(items: list, keep) -> list:
    out = []
    for item in items:
        if id(item) in _unit_sections:
            if item not in keep:
                continue
            children = _kept(item.children, keep)
            if children != item.children:
                item = _section_copy(item, children)
        out.append(item)
    return out


def _section_copy(section: Section, children: list) -> Section:
    """A region's section with fewer children, for one page, leaving the shared one be."""
    copy = Section(section.title, children)
    copy.parent, copy.active = section.parent, section.active
    return copy


def _unit_link(section: Section) -> Link:
    cover = section.children[0]
    return Link(section.title, cover.url)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    generated = _plan.page(page.file.src_uri) if _plan else None
    if generated is not None:
        page.meta["budget_title"] = generated.title
        # A region's pages show their own breadcrumbs from the year home down
        # (_breadcrumbs.html): Material's (partials/path.html) would be a second bar.
        page.meta["budget_breadcrumbs"] = isinstance(_part, RegionSite)
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    generated = _plan.page(page.file.src_uri) if _plan else None
    if generated is None:
        return html
    rendered = generated.render()
    page.toc = get_toc([_toc_token(h) for h in rendered.headings])
    return rendered.html


def _toc_token(heading: Heading) -> dict:
    return {
        "level": heading.level,
        "id": heading.id,
        "name": _html(heading.text),
        "children": [_toc_token(child) for child in heading.children],
    }


# After Material's search plugin (0) has written the index, before its offline
# plugin (-100) copies it into search/search_index.js for file://.
@event_priority(-50)
def on_post_build(config: MkDocsConfig) -> None:
    if _errors is not None:
        _write_error_page(config)
        return
    if _downloads is not None:
        _downloads.finish()
    site = Path(config.site_dir)
    index = site / "search" / "search_index.json"
    if index.is_file():
        government = _part.summary.region.name if isinstance(_part, RegionSite) else None
        places = result_places(_plan.pages, config.use_directory_urls, government) if _plan else None
        compact = compact_search_index(index.read_text("utf-8"), places)
        if isinstance(_part, RegionSite):  # only the year's search is ever loaded: no whole index per region
            index.unlink()
        else:
            index.write_text(compact, encoding="utf-8")
        _write_search_shards(index.parent, compact)
    if isinstance(_part, RegionSite):
        (site / FACTS_FILE).write_text(region_file(
            facts_of(_part.code, _part.data, tuple(_page_urls), _part.previous),
            facts_of(_part.code, _part.previous) if _part.previous is not None else None), encoding="utf-8")
    _write_sitemap(config)


def _write_search_shards(folder: Path, compact: str) -> None:
    """The index in shards that search-worker.js fetches as a query needs them: a
    region's own, with its posting lists for the year's router; the year's, over
    its own pages and every region's shards."""
    (folder / "shards").mkdir(exist_ok=True)
    if isinstance(_part, RegionSite):
        shards, postings = region_search_files(compact, _part.code)
        (folder / REGION_POSTINGS).write_text(postings, encoding="utf-8")
    elif isinstance(_part, RegionalYear):
        records = ((_part.year_dir / code / "search" / REGION_POSTINGS).read_text("utf-8")
                   for code in region_order(_part))
        shards = year_router(compact, _search_regions, records)
    else:
        shards = shard_search_index(compact)
    for name, script in shards.items():
        (folder / "shards" / f"{name}.js").write_text(script, encoding="utf-8")


def on_env(env, config: MkDocsConfig, files: Files):
    _page_urls[:] = sorted(f.url for f in files.documentation_pages())
    if _assets_from_year:
        env.filters["url"] = _from_year_assets(env.filters["url"])
        env.filters["script_tag"] = _from_year_assets(env.filters["script_tag"])
    return env


def _from_year_assets(template_filter):
    """``template_filter`` (MkDocs' ``url`` or ``script_tag``) with the theme's files
    taken from the year's folder, the one above a region's."""
    @pass_context
    def in_year(context, value):
        path = str(value)
        if not path.startswith(THEME_ASSETS):
            return template_filter(context, value)
        if isinstance(value, ExtraScriptValue):
            moved = ExtraScriptValue("../" + path)
            moved.type, moved.defer, moved.async_ = value.type, value.defer, value.async_
            return template_filter(context, moved)
        return template_filter(context, "../" + path)

    return in_year


def on_template_context(context: dict, template_name: str, config: MkDocsConfig) -> dict:
    """MkDocs links the 404 page from the server root ("/"), outside the year; link it
    from its own folder instead, like every other page of the year. Its navigation
    leaves the units out, like every page but the year home."""
    if template_name == "404.html":
        from mkdocs.utils import normalize_url

        context["nav"] = _without_units(context["nav"])
        context["base_url"] = "."
        context["extra_css"] = [normalize_url(path, None, ".") for path in config.extra_css]
        context["extra_javascript"] = [normalize_url(str(path), None, ".") for path in config.extra_javascript]
    return context


def _write_sitemap(config: MkDocsConfig) -> None:
    """Every page, dated from the data (not the clock), and the year's root: Material's
    year selector looks the current page up in the other year's sitemap, relative to
    the longest prefix common to all entries, which must itself be an entry. A
    regional year also gets the sitemaps for search engines (``sitemaps``)."""
    year = config.extra["budget_year"]
    part = f"{year}/{_part.code}/" if isinstance(_part, RegionSite) else f"{year}/"
    base = config.site_url or f"{PLACEHOLDER_SITE}{part}"
    lastmod = _date.isoformat()
    site = Path(config.site_dir)
    urls = ["", *_page_urls]
    if isinstance(_part, RegionalYear):
        codes = region_order(_part)
        (site / sitemaps.YEAR_PAGES).write_bytes(sitemaps.urlset((base + url for url in urls), lastmod))
        (site / sitemaps.INDEX).write_bytes(sitemaps.sitemap_index(
            [base + sitemaps.YEAR_PAGES, *(f"{base}{code}/{sitemaps.SITEMAP}" for code in codes)], lastmod))
        # The year selector looks a region's page up in the year's sitemap.
        urls += [f"{code}/{url}" for code in codes for url in _part.facts[code].pages]
    xml = sitemaps.urlset((base + url for url in urls), lastmod)
    (site / sitemaps.SITEMAP).write_bytes(xml)
    with (site / f"{sitemaps.SITEMAP}.gz").open("wb") as raw, \
            gzip.GzipFile(sitemaps.SITEMAP, "wb", 9, raw, mtime=date_epoch(_date)) as packed:
        packed.write(xml)


def _write_error_page(config: MkDocsConfig) -> None:
    """Every address of the preview shows the problems: the home page, and the 404
    page MkDocs' server answers with for all the others."""
    html = error_page(_errors, data_dir(config))
    for name in ("index.html", "404.html"):
        (Path(config.site_dir) / name).write_text(html, encoding="utf-8")


def on_build_error(error: Exception) -> None:
    if _downloads is not None:
        _downloads.close()


def on_serve(server, config: MkDocsConfig, builder):
    """Rebuild the preview when a data file changes (a folder that is not there cannot
    be watched: the preview says so instead of watchdog's traceback)."""
    folder = data_dir(config)
    if folder.is_dir():
        server.watch(str(folder))
    else:
        print(f"数据文件夹 {folder} 不存在，预览不会随数据更新；改好 BUDGET_DATA 后请重新运行 mkdocs serve",
              file=sys.stderr)
    return server
