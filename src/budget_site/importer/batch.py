"""Importing many documents at once: a year's folder from the finance bureau.

Each document is imported alone; one that is refused is reported and the
rest go on. Two documents for the same unit and year in one run never
overwrite each other, even with ``force``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..lint import lint_unit
from ..loading import build_unit, load_unit
from ..model import YearData
from ..problems import DataError, Problem
from . import READERS, import_document
from .parse import ImportedUnit
from .writing import changes_from_existing, write_unit


@dataclass
class Outcome:
    """One document's import: the file written (or, in a dry run, that would be), or the problems that refused it."""

    source: Path
    unit: ImportedUnit | None = None
    written: Path | None = None  # None in a dry run
    problems: list[Problem] = field(default_factory=list)
    target: Path | None = None  # the unit's file, written or not
    changes: list[str] | None = None  # what it changes in the file it replaces; None: a new unit

    @property
    def refused(self) -> bool:
        return self.target is None


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[Outcome]]:
    """The documents named or found in folders (recursively, in name order),
    and an outcome for each path that does not exist."""
    documents: list[Path] = []
    missing: list[Outcome] = []
    for path in paths:
        if path.is_dir():
            documents += sorted(p for p in path.rglob("*") if p.is_file() and _is_document(p, path))
        elif path.exists():
            documents.append(path)
        else:
            problem = Problem(path, None, None, (), "无法读取文件：找不到这个文件或文件夹")
            missing.append(Outcome(path, problems=[problem]))
    return list(dict.fromkeys(documents)), missing


def _is_document(path: Path, folder: Path) -> bool:
    """A file in a folder worth importing: a known extension, not hidden, not a Word lock file ("~$…")."""
    hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
    return path.suffix.lower() in READERS and not hidden and not path.name.startswith("~$")


def import_all(documents: list[Path], data_dir: Path, force: bool = False,
               done: Callable[[int, Outcome], None] | None = None, region: str | None = None,
               dry_run: bool = False) -> list[Outcome]:
    """Import every document in turn; ``done(index, outcome)`` after each (for progress).
    ``dry_run``: every check and the changes, nothing written."""
    outcomes: list[Outcome] = []
    targets: dict[Path, Path] = {}  # written file -> the document it came from
    for index, source in enumerate(documents):
        outcome = _import_one(source, data_dir, force, targets, region, dry_run)
        outcomes.append(outcome)
        if outcome.target is not None:
            targets[outcome.target] = source
        if done is not None:
            done(index, outcome)
    return outcomes


def _import_one(source: Path, data_dir: Path, force: bool, targets: dict[Path, Path],
                region: str | None, dry_run: bool) -> Outcome:
    try:
        unit = import_document(source)
        target = data_dir / unit.relative_path(region)
        if target in targets:
            message = (f"与本次导入的 {targets[target]} 是同一单位（{unit.code}）同一年度（{unit.year}），"
                       f"没有覆盖 {target}；请确认哪一份是正确的")
            raise DataError([Problem(source, None, None, (), message)])
        changes = changes_from_existing(unit, target) if force or dry_run else None
        written = write_unit(unit, data_dir, force=force, region=region, dry_run=dry_run)
        return Outcome(source, unit, None if dry_run else written, target=written, changes=changes)
    except DataError as error:
        return Outcome(source, problems=error.problems)
    except MemoryError:
        message = "文件内容过多，读取时内存不足，不像是一份部门预算绩效文本"
        return Outcome(source, problems=[Problem(source, None, None, (), message)])
    except Exception as exc:  # a flaw of the importer must not stop the other documents
        return Outcome(source, problems=[unexpected(source, exc)])


def unexpected(source: Path, exc: Exception) -> Problem:
    """What to say when the importer itself fails on a document: nothing was written, and it is our fault."""
    return Problem(source, None, None, (), f"导入时程序出错，没有写入任何文件（这是导入程序的缺陷，请报告）："
                                           f"{type(exc).__name__}: {exc}")


def review_years(outcomes: list[Outcome]) -> tuple[dict[int, YearData], list[Problem]]:
    """The imported units by year, with their review warnings (as ``check`` gives them), for the report."""
    units: dict[int, list] = {}
    warnings: list[Problem] = []
    for outcome in outcomes:
        if outcome.target is None or outcome.unit is None:
            continue
        if outcome.written is None:  # a dry run: the data as it would be written
            unit = build_unit(outcome.unit.data, source=outcome.target)
        else:
            unit, _ = load_unit(outcome.written, outcome.unit.year)
        if unit is not None:
            units.setdefault(unit.year, []).append(unit)
            warnings += lint_unit(unit)
    years = {year: YearData(year, tuple(sorted(found, key=lambda u: u.code))) for year, found in sorted(units.items())}
    return years, warnings
