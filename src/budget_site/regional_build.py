"""Build a regional year as many small MkDocs sites: one per region, then the year's own.

A province in one MkDocs build held every page and every unit in one process
(10,000 units: 5.2 GB) and could only be rebuilt whole. Here each region is
its own site in ``<year>/<region>/`` (its home and its units), built in worker
processes (``jobs``) from its own files only, children before parents: a
region's home lists the regions below it with their totals, which their
builds publish in ``region.json``. The year's own site (its home, the
hand-written pages, the year's downloads and the search router) is built last
from what the regions published, never from their units.

``only``: rebuild these regions and the regions above them (whose homes list
their totals), and the year's own site; every other region is kept as
published. This is what ``budget-site build --region`` does.

Like every build, all of it happens in the staging folder of ``site_build``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from .archive import date_of_year
from .downloads import worker_init
from .loading import DataLayout, load_units
from .model import YearData
from .opendata import clear_caches
from .problems import DataError, Problem
from .region_summary import (
    FACTS_FILE,
    RegionalYear,
    RegionFacts,
    RegionSite,
    facts_of,
    read_region_file,
    summarise,
    summarise_regions,
)
from .regions import Regions

# Called with (what, done, total) as regions finish: the progress line of a terminal.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RegionTask:
    """One region of one year, as a worker process gets it."""

    config_file: Path
    year: int
    code: str
    target: Path  # <staging>/<year>/<region>
    files: tuple[Path, ...]  # its unit files this year
    previous_year: int | None  # the latest earlier year in the data
    previous_files: tuple[Path, ...]  # its unit files that year
    regions: Regions
    below: tuple[tuple[RegionFacts, RegionFacts | None], ...]  # the figures of every region under it
    in_pool: bool  # downloads made in this process: the pool's processes are the parallelism
    check_only: bool = False  # another region's data has errors: nothing will be published


@dataclass(frozen=True)
class RegionResult:
    code: str
    facts: RegionFacts | None  # None when its data has errors
    previous: RegionFacts | None
    problems: tuple[Problem, ...] = ()


def build_regional_year(layout: DataLayout, config_file: Path, year: int, year_dir: Path,
                        build_site_part: Callable[[Path, Path, object, dict], None], *, jobs: int = 1,
                        only: frozenset[str] | None = None, progress: Progress | None = None) -> RegionalYear:
    """Build every region (or ``only`` those and the regions above them) into ``year_dir``
    and return what the year's own site is made from. ``build_site_part(config_file,
    target, part, extra)`` runs one MkDocs build (``site_build`` owns MkDocs)."""
    regions = layout.regions
    assert regions is not None
    earlier = [y for y in layout.files if y < year]
    previous_year = max(earlier) if earlier else None
    todo = [r.code for r, _ in regions.tree()]
    if only is not None:
        wanted = set(only)
        for code in only:
            wanted |= {r.code for r in regions.ancestors(code)}
        todo = [code for code in todo if code in wanted]
    known: dict[str, tuple[RegionFacts, RegionFacts | None]] = {}
    for region in regions.regions:
        if region.code not in todo:
            known[region.code] = _published(year_dir / region.code)
    _drop_unknown_regions(year_dir, {r.code for r in regions.regions})

    def task(code: str, in_pool: bool) -> RegionTask:
        if problems:  # only its problems are wanted now
            return RegionTask(config_file, year, code, year_dir / code,
                              tuple(layout.region_files(year, code)), None, (), regions, (), in_pool, True)
        below = tuple(known[r.code] for r in regions.descendants(code) if r.code != code)
        return RegionTask(
            config_file, year, code, year_dir / code, tuple(layout.region_files(year, code)),
            previous_year, tuple(layout.region_files(previous_year, code)) if previous_year is not None else (),
            regions, below, in_pool)

    problems: list[Problem] = []
    done: list[str] = []

    def finished(result: RegionResult) -> None:
        problems.extend(result.problems)
        if result.facts is not None:
            known[result.code] = (result.facts, result.previous)
        done.append(result.code)
        if progress:
            progress(f"{year} 年", len(done), len(todo))

    pending = list(reversed(todo))  # children before parents: tree order reversed
    if jobs <= 1 or len(pending) <= 1:
        while pending:
            code = pending.pop(0)
            finished(run_region(task(code, False), build_site_part))
    else:
        _run_in_pool(pending, jobs, lambda code: task(code, True), regions, known, finished, problems,
                     build_site_part)
    if problems:  # in the order of the files, whichever region finished first
        raise DataError(sorted(problems, key=lambda p: (str(p.file), p.line or 0, p.column or 0)))
    now = {code: facts for code, (facts, _) in known.items()}
    return RegionalYear(year, regions, now, summarise(regions, now), previous_year, year_dir)


def _run_in_pool(pending: list[str], jobs: int, task: Callable[[str], RegionTask], regions: Regions,
                 known: dict, finished: Callable[[RegionResult], None], problems: list[Problem],
                 build_site_part: Callable) -> None:
    """Regions in ``jobs`` worker processes, each as soon as the regions under it are built."""
    running: dict[Future, str] = {}
    pool = ProcessPoolExecutor(jobs, mp_context=get_context("spawn"), initializer=worker_init,
                               initargs=(os.getpid(),))
    try:
        while pending or running:
            ready = [code for code in pending  # after an error, every region is only checked
                     if problems or all(c.code in known for c in regions.children(code))]
            for code in ready[:max(0, jobs * 2 - len(running))]:
                pending.remove(code)
                running[pool.submit(run_region, task(code), build_site_part)] = code
            if not running:
                break
            completed, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in completed:
                del running[future]
                finished(future.result())
    except BaseException:
        # Interrupted, or a region's build failed: stop the others now, before the
        # staging folder they write into is removed.
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def run_region(task: RegionTask, build_site_part: Callable) -> RegionResult:
    """Load and check the region's files, then build its site (in a worker process).
    Its files of the year before are only compared with: that year's build reports
    their problems."""
    data, problems = load_units(list(task.files), task.year, task.regions)
    if problems or task.check_only:
        return RegionResult(task.code, None, None, tuple(problems))
    previous = None
    if task.previous_year is not None:
        previous = load_units(list(task.previous_files), task.previous_year, task.regions)[0].without_positions()
    data = data.without_positions()
    now = {f.code: f for f, _ in task.below} | {task.code: facts_of(task.code, data, (), previous)}
    site = RegionSite(task.code, data, previous, summarise(task.regions, now))
    extra = {"budget_path": f"{task.year}/{task.code}"}
    if task.in_pool:
        extra["budget_download_workers"] = 0
    build_site_part(task.config_file, task.target, site, extra)
    clear_caches()  # a worker builds region after region: keep only one in memory
    facts, previous_facts = read_region_file(task.target / FACTS_FILE)
    return RegionResult(task.code, facts, previous_facts)


def _published(folder: Path) -> tuple[RegionFacts, RegionFacts | None]:
    """A region kept as published: its figures from its ``region.json``."""
    return read_region_file(folder / FACTS_FILE)


def _drop_unknown_regions(year_dir: Path, codes: set[str]) -> None:
    """Folders of regions no longer in ``regions.yaml`` (a rebuild of some regions keeps the rest)."""
    for folder in year_dir.iterdir() if year_dir.is_dir() else ():
        if folder.is_dir() and folder.name.isdigit() and len(folder.name) == 6 and folder.name not in codes:
            shutil.rmtree(folder)


def year_date(year: RegionalYear) -> dt.date:
    """The regional year's publication date: its regions' latest."""
    return date_of_year(year.year, [f.date for f in year.facts.values()])


def terminal_progress(stream=sys.stderr) -> Progress | None:
    """A progress line rewritten in place on a terminal; nothing in a log."""
    if not stream.isatty():
        return None

    def show(what: str, done: int, total: int) -> None:
        end = "\n" if done == total else ""
        stream.write(f"\r生成 {what}：{done}/{total} 个地区{end}")
        stream.flush()

    return show


def preview_site(years: dict[int, YearData], year: int, wanted: str | None) -> RegionSite:
    """``mkdocs serve`` of a regional data folder: one region's site (``BUDGET_REGION``,
    or the first region with units), from data loaded whole."""
    data = years[year]
    regions = data.regions
    assert regions is not None
    earlier = [y for y in years if y < year]
    previous = years[max(earlier)] if earlier else None
    codes = [r.code for r, _ in regions.tree()]
    if wanted is not None and wanted not in regions:
        raise DataError([Problem(Path("BUDGET_REGION"), None, None, (),
                                 f"地区代码 {wanted} 不在 regions.yaml 中（已有：{'、'.join(codes[:10])}…）")])
    code = wanted or next((c for c in codes if any(u.region == c for u in data.units)), codes[0])

    def own(year_data: YearData) -> YearData:
        return YearData(year_data.year, tuple(u for u in year_data.units if u.region == code), regions)

    return RegionSite(code, own(data), own(previous) if previous is not None else None,
                      summarise_regions(data, previous))
