"""The standalone review page written by ``budget-site check --report``.

One HTML file with its styles inline, so the finance bureau can open it from
a mail attachment or a shared folder; every warning is grouped by unit and
project and links to the page it concerns.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .model import UnitDocument, YearData
from .pages import render, year_title
from .problems import Problem, format_path


@dataclass
class ProjectGroup:
    title: str
    link: str
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class UnitGroup:
    unit: UnitDocument
    link: str
    groups: dict[str, ProjectGroup] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(g.warnings) for g in self.groups.values())


def site_base_for(report: Path, site_dir: Path) -> str:
    """Links from the report file into a local ``site/`` folder, relative so they survive a move of both."""
    return Path(os.path.relpath(site_dir.resolve(), report.resolve().parent)).as_posix()


def group_warnings(years: dict[int, YearData], warnings: list[Problem], site_base: str) -> dict[int, list[UnitGroup]]:
    # Page addresses end in .html (mkdocs.yml use_directory_urls: false), locally and when published.
    suffix = "index.html"
    by_file = {unit.source: (year, unit) for year, data in years.items() for unit in data.units}
    grouped: dict[int, dict[str, UnitGroup]] = {}
    for warning in warnings:
        year, unit = by_file[warning.file]
        unit_url = f"{site_base.rstrip('/')}/{year}/{unit.key}/"
        group = grouped.setdefault(year, {}).setdefault(unit.key, UnitGroup(unit, unit_url + suffix))
        if warning.path[:1] == ("projects",) and len(warning.path) > 1:
            index = warning.path[1]
            project = unit.projects[index]
            key = project.code
            title, link = f"{index + 1}.{project.name}（{project.code}）", f"{unit_url}{project.code}.html"
        else:
            key, title, link = "", "部门整体绩效目标及其他", unit_url + suffix
        group.groups.setdefault(key, ProjectGroup(title, link)).warnings.append(warning)
    return {year: list(units.values()) for year, units in sorted(grouped.items())}


def write_report(path: Path, years: dict[int, YearData], warnings: list[Problem], site_base: str) -> None:
    html = render(
        "report.html",
        years=group_warnings(years, warnings, site_base),
        unit_count=sum(len(d.units) for d in years.values()),
        total=len(warnings),
        year_title=year_title,
        format_path=format_path,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
