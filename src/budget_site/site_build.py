"""Build every year in ``data/`` as its own MkDocs site under ``site/<year>/``.

This is the one place outside ``hooks/`` that drives MkDocs. The whole site
is built in a temporary folder next to the target and swapped in only when
every year succeeded, so a failed build never leaves a half-written site.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .loading import load_data
from .model import YearData
from .pages import render, year_title

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's banner about MkDocs 2

from mkdocs.commands.build import build as mkdocs_build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402


@dataclass(frozen=True)
class BuiltYear:
    year: int
    units: int
    projects: int


def build_site(data_dir: Path, site_dir: Path, config_file: Path) -> list[BuiltYear]:
    """Validate all data, build each year, write the portal, then swap ``site_dir`` in."""
    years = load_data(data_dir)  # raises DataError before anything is written
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    _recover(site_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.building-", dir=site_dir.parent))
    try:
        built = []
        for year, data in sorted(years.items()):
            _build_year(config_file, data_dir, staging / str(year), year, years)
            built.append(BuiltYear(year, len(data.units), sum(len(u.projects) for u in data.units)))
        newest = max(years)
        (staging / "index.html").write_text(
            render("portal.html", newest=newest, years=sorted(years, reverse=True), year_title=year_title),
            encoding="utf-8",
        )
        _swap_in(staging, site_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return built


def _build_year(config_file: Path, data_dir: Path, target: Path, year: int, years: dict[int, YearData]) -> None:
    config = load_config(str(config_file), site_dir=str(target), strict=True)
    config.extra["budget_year"] = year
    config.extra["budget_data"] = str(data_dir.resolve())
    config.extra["budget_preloaded"] = years  # the hooks take it instead of loading again
    mkdocs_build(config)


def _recover(site_dir: Path) -> None:
    """Clean up after a build that was killed: drop its staging folder, and put the
    previous site back if the kill came between the two renames of the swap."""
    for stale in site_dir.parent.glob(f".{site_dir.name}.building-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for old in sorted(site_dir.parent.glob(f".{site_dir.name}.old-*")):
        if site_dir.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.rename(site_dir)


def _swap_in(staging: Path, site_dir: Path) -> None:
    """Replace ``site_dir`` by ``staging`` with two renames on the same file system."""
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
        site_dir.rename(old)
    staging.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
