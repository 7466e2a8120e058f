"""``budget-site import PATH...``: what the finance bureau sees while a year's documents go in.

One document: the written file's path on stdout (for scripts), its warnings on
stderr, as before. Several (or a folder): a progress bar on a terminal (plain
lines otherwise), then the warnings, a summary table, and the review page.
Exit 1 when any document was refused.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path
from typing import TextIO

from .importer import ImportedUnit, import_document, write_unit
from .importer.batch import Outcome, collect, import_all, review_years, unexpected
from .importer.differences import summary
from .importer.writing import changes_from_existing
from .problems import DataError
from .regions import check_destination
from .report import import_review, site_base_for, write_report


def run_import(paths: list[Path], data_dir: Path, force: bool, report: Path | None,
               region: str | None = None, dry_run: bool = False) -> int:
    check_destination(data_dir, region)  # raises DataError: nothing imported into the wrong place
    documents, missing = collect(paths)
    single = len(paths) == 1 and not missing and len(documents) == 1 and not paths[0].is_dir()
    if single and report is None:
        return _import_single(documents[0], data_dir, force, region, dry_run)
    if not documents and not missing:
        print(f"{'、'.join(map(str, paths))}：没有找到可导入的文件（.docx、.pdf、.xlsx、.txt）", file=sys.stderr)
        return 1
    progress = _Progress(len(documents), sys.stderr)
    outcomes = missing + import_all(documents, data_dir, force, progress.update, region, dry_run)
    progress.finish()
    for outcome in outcomes:
        for problem in outcome.problems + (outcome.unit.warnings if outcome.unit else []):
            print(problem, file=sys.stderr)
        _print_notes(outcome.source, outcome.unit)
    _summary(outcomes, sys.stdout)
    for outcome in outcomes:
        _print_changes(outcome, sys.stdout)
    if dry_run:
        print("试运行：没有写入任何数据文件。")
    if report is not None:
        years, warnings = review_years(outcomes)
        write_report(report, years, warnings, site_base_for(report, Path("site")), import_review(outcomes))
        print(f"审核报告：{report}（{sum(len(y.units) for y in years.values())} 个单位，{len(warnings)} 条审核警告）")
    return 1 if any(o.refused for o in outcomes) else 0


def _import_single(source: Path, data_dir: Path, force: bool, region: str | None, dry_run: bool) -> int:
    try:
        imported = import_document(source)
    except DataError:
        raise
    except Exception as exc:  # never a traceback: say that it is the importer's flaw
        print(unexpected(source, exc), file=sys.stderr)
        return 1
    target = data_dir / imported.relative_path(region)
    changes = changes_from_existing(imported, target) if force or dry_run else None
    path = write_unit(imported, data_dir, force=force, region=region, dry_run=dry_run)
    for warning in imported.warnings:
        print(warning, file=sys.stderr)
    _print_notes(source, imported)
    if imported.warnings:
        print(f"共 {len(imported.warnings)} 个警告，请对照原文核对 {path}。", file=sys.stderr)
    _print_changes(Outcome(source, imported, None if dry_run else path, target=path, changes=changes), sys.stderr)
    print(f"试运行，没有写入：{path}" if dry_run else path)
    return 0


def _print_changes(outcome: Outcome, out: TextIO) -> None:
    """``230001 博野县信访局 改动：…`` for a unit that replaces (or in a dry run would replace) its file."""
    if outcome.unit is None or outcome.target is None:
        return
    label = f"{outcome.unit.code} {outcome.unit.data['unit']['name']}"
    verb = "将改动" if outcome.written is None else "改动"
    if outcome.changes is None:
        if outcome.written is None:
            print(f"{label}：新单位，将写入 {outcome.target}", file=out)
        return
    print(f"{label} {verb}（{outcome.target}）：{summary(outcome.changes)}", file=out)


def _print_notes(source: Path, unit: ImportedUnit | None) -> None:
    """What the reader changed besides spaces (look-alike characters, page furniture), also in the file's header."""
    for note in unit.notes if unit else []:
        print(f"{source}: 说明: {note}", file=sys.stderr)


class _Progress:
    """A bar redrawn in place on a terminal; one line per document otherwise (logs, CI)."""

    def __init__(self, total: int, out: TextIO):
        self.total = total
        self.out = out
        self.tty = out.isatty()

    def update(self, index: int, outcome: Outcome) -> None:
        done = index + 1
        if self.tty:
            filled = done * 30 // max(self.total, 1)
            name = _fit(outcome.source.name, 40, keep_end=True)
            self.out.write(f"\r导入 [{'#' * filled}{'.' * (30 - filled)}] {done}/{self.total} {name}\x1b[K")
        else:
            result = "未导入" if outcome.refused else f"→ {outcome.target}"
            self.out.write(f"[{done}/{self.total}] {outcome.source} {result}\n")
        self.out.flush()

    def finish(self) -> None:
        if self.tty and self.total:
            self.out.write("\n")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, width: int, keep_end: bool = False) -> str:
    """``text`` padded (or cut, with "…") to ``width`` terminal columns; Chinese characters take two.
    ``keep_end``: cut at the start, so a long path keeps its file name."""
    while _width(text) > width:
        text = "…" + text[2:] if keep_end else text[:-2] + "…"
    return text + " " * (width - _width(text))


def _summary(outcomes: list[Outcome], out: TextIO) -> None:
    """File -> year, unit, projects, warnings; or why it was refused."""
    name_width = min(max([_width(str(o.source)) for o in outcomes] + [4]), 60)
    print(f"{_fit('文件', name_width)}  年度  {_fit('单位', 30)}  项目  警告", file=out)
    for outcome in outcomes:
        name = _fit(str(outcome.source), name_width, keep_end=True)
        if outcome.unit is not None and outcome.target is not None:
            unit = outcome.unit
            label = _fit(f"{unit.code} {unit.data['unit']['name']}", 30)
            print(f"{name}  {unit.year}  {label}  {len(unit.data['projects']):>4}  {len(unit.warnings):>4}", file=out)
        else:
            reason = outcome.problems[0].message.split("；")[0] if outcome.problems else ""
            print(f"{name}  未导入：{reason}", file=out)
    refused = sum(o.refused for o in outcomes)
    print(f"共 {len(outcomes)} 份：导入 {len(outcomes) - refused} 份，未导入 {refused} 份。", file=out)

