"""The standalone review page written by ``budget-site check --report`` and ``import --report``.

One HTML file with its styles inline, so the finance bureau can open it from
a mail attachment or a shared folder; every warning is grouped by unit and
project and links to the page it concerns. After an import it first says what
the import itself did, per document: refused and why, what a re-import changes,
lines left unplaced (with page or paragraph), look-alike characters replaced,
rows joined across a page break, and the reader's other warnings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .model import UnitDocument, YearData
from .pages import render, year_title
from .problems import Problem, format_path

if TYPE_CHECKING:
    from .importer.batch import Outcome


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


@dataclass
class ImportEntry:
    """What the import did with one document, in the reviewer's words."""

    source: str
    unit: str | None  # "230001 博野县信访局"; None when refused
    target: str | None
    refusals: list[str] = field(default_factory=list)
    changes: list[str] | None = None  # None: a new unit (or refused)
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (page or paragraph, text)
    replaced: list[str] = field(default_factory=list)  # notes on look-alike characters
    page_breaks: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # other warnings and the reader's notes

    @property
    def count(self) -> int:
        return len(self.refusals) + len(self.unplaced) + len(self.replaced) + len(self.page_breaks) + len(self.other)


_PAGE_BREAK = "跨页"
_LOOK_ALIKE = ("字形", "部首")  # the reader's note on look-alike characters replaced
_UNPLACED = "已原样保留在 unplaced 中"


def import_review(outcomes: list[Outcome]) -> list[ImportEntry]:
    """One entry per document, refused ones first: the import's own findings for the page."""
    entries = []
    for outcome in outcomes:
        unit = outcome.unit
        entry = ImportEntry(str(outcome.source), None, None,
                            refusals=[_problem_text(p) for p in outcome.problems])
        if unit is not None and outcome.target is not None:
            entry.unit = f"{unit.code} {unit.data['unit']['name']}"
            entry.target = str(outcome.target)
            entry.changes = outcome.changes
            entry.unplaced = [(item.get("where") or f"第 {item['line']} 行", item["text"])
                              for item in unit.data.get("unplaced", [])]
            for warning in unit.warnings:
                if _UNPLACED in warning.message:
                    continue  # listed with its place above
                kind = entry.page_breaks if _PAGE_BREAK in warning.message else entry.other
                kind.append(_problem_text(warning))
            for note in unit.notes:
                (entry.replaced if any(word in note for word in _LOOK_ALIKE) else entry.other).append(note)
        entries.append(entry)
    return sorted(entries, key=lambda e: e.unit is not None)


def _problem_text(problem: Problem) -> str:
    return f"第 {problem.line} 行：{problem.message}" if problem.line else problem.message


def write_report(path: Path, years: dict[int, YearData], warnings: list[Problem], site_base: str,
                 imported: list[ImportEntry] | None = None) -> None:
    """``imported``: the import's own findings (``import --report``); None for ``check --report``."""
    html = render(
        "report.html",
        imported=imported,
        refused=sum(1 for e in imported or [] if e.unit is None),
        replacing=sum(1 for e in imported or [] if e.changes is not None),
        years=group_warnings(years, warnings, site_base),
        unit_count=sum(len(d.units) for d in years.values()),
        total=len(warnings),
        year_title=year_title,
        format_path=format_path,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
