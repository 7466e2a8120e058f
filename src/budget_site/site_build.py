"""Build every year in ``data/`` as its own MkDocs site under ``site/<year>/``.

This is the one place outside ``hooks/`` that drives MkDocs. The whole site
is built in a temporary folder next to the target and swapped in only when
every year succeeded, so a failed build never leaves a half-written site.
One build at a time per site (``site_lock``): a second one waits, and the
recovery from a killed build only ever finds folders of dead builds.

A frozen year is not built: it is restored byte for byte from its archive
(see ``archive.py``). ``site/versions.json`` lists the years for the year
selector and ``site/index.html`` leads to the newest year; nothing else
lives outside the year folders.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import interruption
from .archive import (
    BUILD_INFO,
    ArchiveError,
    check_frozen,
    frozen_years,
    publication_date,
    restore_year,
    write_build_info,
)
from .downloads import close_all
from .filesystem import exchange, make_published
from .loading import DataLayout, load_data, scan_data
from .model import YearData
from .pages import render, year_title
from .problems import DataError, Problem
from .region_summary import RegionalYear
from .regional_build import Progress, build_regional_year, year_date
from .regions import regions_path
from .site_lock import site_lock

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's banner about MkDocs 2

from mkdocs.commands.build import build as mkdocs_build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402


@dataclass(frozen=True)
class BuiltYear:
    year: int
    units: int
    projects: int | None  # None: a frozen year, restored as it was
    restored_from: Path | None = None  # the archive a frozen year was restored from


@dataclass(frozen=True)
class BuiltSite:
    years: list[BuiltYear]
    missing_footer: list[str]  # registration details mkdocs.yml does not give yet (FOOTER_ITEMS)
    unset_identity: list[str]  # what says whose site it is, still as shipped (unset_identity)


def build_site(data_dir: Path, site_dir: Path, config_file: Path, archives_dir: Path | None = None, *,
               wait: bool = True, on_wait: Callable[[str], None] | None = None, jobs: int = 1,
               regions: Iterable[str] = (), progress: Progress | None = None) -> BuiltSite:
    """Validate all data, build each year (restore the frozen ones from ``archives_dir``,
    by default ``archives/`` beside ``site_dir``), write the portal, then swap ``site_dir`` in.

    A regional data folder is built region by region in ``jobs`` processes, each
    region checking its own files; ``regions``: rebuild only these (and what lists
    them), keeping the rest of the published site.

    Holds the site's lock from cleaning up to the swap: another build waits
    (``on_wait`` is told) or, without ``wait``, ``SiteBusy`` is raised."""
    layout = scan_data(data_dir)
    only = _checked_regions(layout, regions, data_dir)
    if layout.regions is None:
        years: dict[int, YearData] = load_data(data_dir)  # raises DataError before anything is written
        years = {year: data.without_positions() for year, data in years.items()}  # valid: no more messages
    else:
        years = {}  # each region's build loads and checks its own files
    archives_dir = archives_dir if archives_dir is not None else site_dir.parent / "archives"
    config = load_config(str(config_file))
    extra = config.extra
    archives = frozen_archives(data_dir, layout.files, extra.get("budget_frozen"), archives_dir)
    site_dir = site_dir.resolve()
    with site_lock(site_dir, wait=wait, on_wait=on_wait):
        _recover(site_dir)
        plan = _Plan(layout, years, archives, data_dir, config_file, jobs, only, progress)
        built = _build_staged(plan, site_dir)
    return BuiltSite(built, missing_footer_items(extra.get("footer") or {}),
                     unset_identity(config.site_name, config.site_url))


def _checked_regions(layout: DataLayout, regions: Iterable[str], data_dir: Path) -> frozenset[str] | None:
    codes = frozenset(regions)
    if not codes:
        return None
    if layout.regions is None:
        raise DataError([Problem(data_dir, None, None, (), "数据不按地区存放（没有 regions.yaml），不能用 --region")])
    unknown = sorted(c for c in codes if c not in layout.regions)
    if unknown:
        raise DataError([Problem(regions_path(data_dir), None, None, (), f"地区代码 {code} 不在其中")
                         for code in unknown])
    return codes


@dataclass(frozen=True)
class _Plan:
    layout: DataLayout
    years: dict[int, YearData]  # a county's years (a regional site's are loaded region by region)
    archives: dict[int, Path]
    data_dir: Path
    config_file: Path
    jobs: int
    only: frozenset[str] | None
    progress: Progress | None


def _build_staged(plan: _Plan, site_dir: Path) -> list[BuiltYear]:
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.building-", dir=site_dir.parent))
    try:
        make_published(staging)  # mkdtemp's 0700 would reach the web server (403 for every page)
        if plan.only is not None:
            _link_copy(site_dir, staging)
        built = []
        years = sorted(plan.layout.files)
        for year in years:
            target = staging / str(year)
            if year in plan.archives:
                if not target.exists():  # a rebuild of some regions keeps the frozen year as published
                    restore_year(plan.archives[year], year, target)
                data = plan.years.get(year)  # a regional year's units are not loaded: its files are counted
                built.append(BuiltYear(year, len(data.units) if data else len(plan.layout.files[year]),
                                       sum(len(u.projects) for u in data.units) if data else None,
                                       plan.archives[year]))
            elif plan.layout.regions is None:
                data = plan.years[year]
                _build_year(plan.config_file, plan.data_dir, target, year, plan.years)
                write_build_info(target, year, publication_date(data), plan.data_dir)
                built.append(BuiltYear(year, len(data.units), sum(len(u.projects) for u in data.units)))
            else:
                regional = build_regional_year(plan.layout, plan.config_file, year, target,
                                               build_part, jobs=plan.jobs, only=plan.only, progress=plan.progress)
                _build_year_part(plan.config_file, target, regional)
                _unlink(target / BUILD_INFO)  # a hard link to the published site's: never written through
                write_build_info(target, year, year_date(regional), plan.data_dir)
                built.append(BuiltYear(year, regional.unit_count, sum(f.projects for f in regional.facts.values())))
        for name, text in (
            ("index.html", render("portal.html", newest=max(years), years=sorted(years, reverse=True),
                                  year_title=year_title)),
            ("versions.json", versions_json(years)),
        ):
            _unlink(staging / name)
            (staging / name).write_text(text, encoding="utf-8")
        interruption.check()  # a Ctrl-C swallowed on the way must not publish
        _swap_in(staging, site_dir)
    except BaseException:
        close_all()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return built


def frozen_archives(data_dir: Path, years: Iterable[int], configured: Iterable | None,
                    archives_dir: Path) -> dict[int, Path]:
    """The archive of each frozen year (``configured``: mkdocs.yml's ``extra.budget_frozen``),
    checked intact and matching the data; the problems of every frozen year at once.
    ``budget-site check`` calls it too, so a changed frozen year is found before building."""
    archives, problems = {}, []
    for year in sorted(frozen_years(data_dir, years, configured)):
        try:
            archives[year] = check_frozen(data_dir, year, archives_dir).archive
        except DataError as error:
            problems += error.problems
    if problems:
        raise ArchiveError(problems)
    return archives


def configured_frozen(config_file: Path) -> list | None:
    """mkdocs.yml's ``extra.budget_frozen``; None when there is no such file."""
    return load_config(str(config_file)).extra.get("budget_frozen") if config_file.is_file() else None


FOOTER_ITEMS = {"host": "主办单位", "icp": "ICP备案号", "police": "公安机关备案号", "site_code": "网站标识码"}


def missing_footer_items(footer: Mapping) -> list[str]:
    """The footer's registration details (mkdocs.yml extra.footer) not filled in yet:
    a government site must show them, and only the publishing body knows them."""
    return [label for key, label in FOOTER_ITEMS.items() if not str(footer.get(key) or "").strip()]


# mkdocs.yml's site_name as shipped: the generic name, which says nothing of whose site it is.
SHIPPED_SITE_NAME = "部门预算绩效公开"


def unset_identity(site_name: str, site_url: str | None) -> list[str]:
    """What mkdocs.yml still has as shipped of the settings that say whose site it is,
    each as the reminder says it: the header shows the site's name on every page, and
    sitemaps need the site's address (without it, a reserved one stands in)."""
    unset = []
    if site_name.strip() == SHIPPED_SITE_NAME:
        unset.append(f"site_name 仍是通用的“{SHIPPED_SITE_NAME}”（各页顶部显示的网站名称，"
                     "请写上本地政府，如“博野县部门预算绩效公开”）")
    if not (site_url or "").strip():
        unset.append("site_url 未填写（网站的正式地址，如 https://www.boye.gov.cn/ysjx/；"
                     "未填写时站点地图中的网址是占位的 https://budget-site.invalid/）")
    return unset


def versions_json(years) -> str:
    """The year selector's list (the format of mike's versions.json), newest first."""
    versions = [{"version": str(year), "title": f"{year}年度", "aliases": []} for year in sorted(years, reverse=True)]
    return json.dumps(versions, ensure_ascii=False, indent=2) + "\n"


def build_part(config_file: Path, target: Path, part: object, extra: dict) -> None:
    """One part of a regional year (a region's site, or the year's own) as its own
    MkDocs build; its address below the site's is in ``extra["budget_path"]``."""
    config = load_config(str(config_file), site_dir=str(target), strict=True)
    if config.site_url:  # the published address of the part, for its canonical URLs and sitemap
        config.site_url = f"{config.site_url.rstrip('/')}/{extra['budget_path']}/"
    config.extra.update(extra, budget_part=part)
    mkdocs_build(config)


def _build_year_part(config_file: Path, year_dir: Path, regional: RegionalYear) -> None:
    """The year's own site, built aside and moved in beside the regions' folders
    (MkDocs empties the folder it builds into)."""
    aside = year_dir.parent / f".year-{year_dir.name}"
    shutil.rmtree(aside, ignore_errors=True)
    build_part(config_file, aside, regional, {"budget_path": str(regional.year)})
    for entry in aside.iterdir():
        existing = year_dir / entry.name
        if existing.is_dir() and not existing.is_symlink():
            shutil.rmtree(existing)
        else:
            existing.unlink(missing_ok=True)  # a hard link to the published file: replaced, not written
        entry.rename(existing)
    aside.rmdir()


def _link_copy(site_dir: Path, staging: Path) -> None:
    """The published site as hard links: a rebuild of some regions replaces their
    folders and the year's own files, and keeps the rest without copying it.
    Nothing in the copy is ever written in place."""
    if not site_dir.is_dir():
        raise DataError([Problem(site_dir, None, None, (), "网站还没有生成过；请先不加 --region 完整生成一次")])
    for folder, dirs, files in os.walk(site_dir):
        source = Path(folder)
        target = staging / source.relative_to(site_dir)
        if source != site_dir:
            target.mkdir()
            shutil.copymode(source, target)
        for name in files:
            os.link(source / name, target / name, follow_symlinks=False)
        for name in dirs:
            if (source / name).is_symlink():
                os.symlink(os.readlink(source / name), target / name)
        dirs[:] = [name for name in dirs if not (source / name).is_symlink()]


def _unlink(path: Path) -> None:
    path.unlink(missing_ok=True)


def _build_year(config_file: Path, data_dir: Path, target: Path, year: int, years: dict[int, YearData]) -> None:
    config = load_config(str(config_file), site_dir=str(target), strict=True)
    if config.site_url:  # the published address of site/, so each year's canonical URLs and sitemap are right
        config.site_url = f"{config.site_url.rstrip('/')}/{year}/"
    config.extra["budget_year"] = year
    config.extra["budget_data"] = str(data_dir.resolve())
    config.extra["budget_preloaded"] = years  # the hooks take it instead of loading again
    mkdocs_build(config)


def _recover(site_dir: Path) -> None:
    """Clean up after a build that was killed: drop its staging folder, and put the
    previous site back if the kill came between the two renames of the swap. Called
    with the site's lock held, so every such folder is a dead build's."""
    for stale in site_dir.parent.glob(f".{site_dir.name}.building-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for old in sorted(site_dir.parent.glob(f".{site_dir.name}.old-*")):
        if site_dir.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.rename(site_dir)


def _swap_in(staging: Path, site_dir: Path) -> None:
    """Replace ``site_dir`` by ``staging``: one atomic exchange where the system can
    (the old site is then at the staging path), else two renames."""
    if site_dir.exists() and exchange(staging, site_dir):
        shutil.rmtree(staging, ignore_errors=True)
        return
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
        site_dir.rename(old)
    staging.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
