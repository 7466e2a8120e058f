"""Load ``data/<year>/<unit code>.yaml`` into the model, or explain why not.

A city or province platform lists its governments in ``data/regions.yaml``
and keeps units in ``data/<year>/<region code>/<unit code>.yaml`` instead;
a data folder is one or the other, never both. All files are read and
checked before anything is returned, so one run reports every problem in
every file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from .model import (
    Budget,
    Disclosure,
    Indicator,
    ItemisedGoal,
    Measure,
    Project,
    SpendingPeriod,
    UnitDocument,
    UnplacedLine,
    YearData,
)
from .problems import DataError, Problem
from .regions import Regions, load_regions, regions_path
from .validation import validate_document
from .yaml_reader import read_yaml

YEAR_DIR = re.compile(r"^[0-9]{4}$")


def data_files(data_dir: Path) -> dict[int, list[Path]]:
    """The unit files of each year folder, sorted, so builds are stable
    (on a regional site, those in its region folders)."""
    return _scan(data_dir, regions_path(data_dir).is_file())[0]


def _is_unit_file(path: Path) -> bool:
    return path.is_file() and path.suffix in (".yaml", ".yml")


def _scan(data_dir: Path, regional: bool) -> tuple[dict[int, list[Path]], list[Problem]]:
    """The unit files by year, and a problem for each file or folder in the wrong layout."""
    years: dict[int, list[Path]] = {}
    problems: list[Problem] = []
    for folder in sorted(p for p in data_dir.iterdir() if p.is_dir() and YEAR_DIR.match(p.name)):
        files = sorted(p for p in folder.iterdir() if _is_unit_file(p))
        region_dirs = sorted(p for p in folder.iterdir() if p.is_dir() and any(map(_is_unit_file, p.iterdir())))
        if regional:
            problems += [Problem(p, None, None, (), f"有 {regions_path(data_dir)}，单位文件应放在所属地区的文件夹中："
                                                    f"{folder}/<地区代码>/{p.name}") for p in files]
            years[int(folder.name)] = [f for d in region_dirs for f in sorted(filter(_is_unit_file, d.iterdir()))]
        else:
            problems += [Problem(d, None, None, (), f"单位文件应直接放在 {folder}/ 中；按地区存放需要先在 "
                                                    f"{regions_path(data_dir)} 中列出各地区") for d in region_dirs]
            years[int(folder.name)] = files
    return years, problems


def _load_regions(data_dir: Path) -> tuple[Regions | None, list[Problem]]:
    path = regions_path(data_dir)
    return load_regions(path) if path.is_file() else (None, [])


@dataclass(frozen=True)
class DataLayout:
    """What a data folder holds before any unit file is read: its regions (None for a
    county's flat folder) and the unit files of each year."""

    regions: Regions | None
    files: dict[int, list[Path]]

    def region_files(self, year: int, code: str) -> list[Path]:
        return [p for p in self.files.get(year, []) if p.parent.name == code]


def scan_data(data_dir: Path) -> DataLayout:
    """The folder's layout, checked: raises DataError for a missing folder, a bad
    ``regions.yaml``, files in the wrong layout or folders of unknown regions."""
    if not data_dir.is_dir():
        raise DataError([Problem(data_dir, None, None, (), "数据文件夹不存在")])
    regional = regions_path(data_dir).is_file()
    regions, problems = _load_regions(data_dir)
    files, found = _scan(data_dir, regional)
    problems += found
    if not any(files.values()) and not problems:
        where = "data/<年度>/<地区代码>/<单位编码>.yaml" if regional else "data/<年度>/<单位编码>.yaml"
        raise DataError([Problem(data_dir, None, None, (), f"没有找到任何年度数据（应为 {where}）")])
    for year, paths in files.items():
        unknown = sorted({p.parent for p in paths if regions is not None and p.parent.name not in regions})
        problems += [Problem(d, None, None, (), f"地区代码 {d.name} 不在 {regions_path(data_dir)} 中")
                     for d in unknown]
        files[year] = [p for p in paths if p.parent not in unknown]
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataError(errors)
    return DataLayout(regions, files)


def load_data(data_dir: Path) -> dict[int, YearData]:
    """Every year in ``data_dir``, newest last; raises DataError listing all problems."""
    layout = scan_data(data_dir)
    years: dict[int, YearData] = {}
    problems: list[Problem] = []
    for year, paths in layout.files.items():
        years[year], found = load_units(paths, year, layout.regions)
        problems += found
    if problems:
        raise DataError(problems)
    return years


def load_year_of_region(layout: DataLayout, year: int, code: str) -> YearData:
    """One region's units of one year (a regional site builds each region on its own);
    raises DataError listing every problem in its files."""
    data, problems = load_units(layout.region_files(year, code), year, layout.regions)
    if problems:
        raise DataError(problems)
    return data


def load_units(paths: list[Path], year: int, regions: Regions | None) -> tuple[YearData, list[Problem]]:
    """The year of these files, and the errors found in them."""
    units, problems = [], []
    for path in paths:
        unit, found = load_unit(path, year)
        problems += found
        if unit is not None:
            units.append(replace(unit, region=path.parent.name if regions is not None else None))
    problems += _unique_codes(units)
    data = YearData(year, tuple(sorted(units, key=lambda u: (u.region or "", u.code))), regions)
    return data, [p for p in problems if p.severity == "error"]


def load_unit(path: Path, folder_year: int | None = None) -> tuple[UnitDocument | None, list[Problem]]:
    """One file: the document if it is usable, and every problem found."""
    read = read_yaml(path)
    problems = read.problems + validate_document(read)
    warnings = [p for p in problems if p.severity == "warning"]
    problems = [p for p in problems if p.severity == "error"]
    if problems:
        return None, problems + warnings
    data = read.data
    if folder_year is not None and data["year"] != folder_year:
        line, column = read.position(("year",))
        problems.append(Problem(path, line, column, ("year",),
                                f"年度 {data['year']} 与所在文件夹 {folder_year} 不一致"))
    if path.stem != data["unit"]["code"]:
        line, column = read.position(("unit", "code"))
        problems.append(Problem(path, line, column, ("unit", "code"),
                                f"文件名应为单位编码：{data['unit']['code']}.yaml"))
    seen: dict[str, int] = {}
    for i, project in enumerate(data["projects"]):
        if project["code"] in seen:
            line, column = read.position(("projects", i, "code"))
            problems.append(Problem(path, line, column, ("projects", i, "code"),
                                    f"项目编码 {project['code']} 与第 {seen[project['code']] + 1} 个项目重复"))
        seen.setdefault(project["code"], i)
    if problems:
        return None, problems
    return replace(build_unit(data, path, read.positions), notes=tuple(warnings)), []


def _unique_codes(units: list[UnitDocument]) -> list[Problem]:
    seen: dict[str, UnitDocument] = {}
    problems = []
    for unit in units:
        if unit.key in seen:
            problems.append(Problem(unit.source or Path("?"), None, None, ("unit", "code"),
                                    f"单位编码 {unit.code} 与 {seen[unit.key].source} 重复"))
        seen[unit.key] = unit
    return problems


def build_unit(
    data: dict[str, Any], source: Path | None = None, positions: dict | None = None
) -> UnitDocument:
    """Schema-valid data -> model."""
    return UnitDocument(
        year=data["year"],
        code=data["unit"]["code"],
        name=data["unit"]["name"],
        prepared_by=data["prepared_by"],
        reviewed_by=data["reviewed_by"],
        overall_goals=tuple(data["overall_goals"]),
        itemised_goals=tuple(ItemisedGoal(**g) for g in data["itemised_goals"]),
        measures=tuple(Measure(**m) for m in data["measures"]),
        projects=tuple(_project(p) for p in data["projects"]),
        disclosure=Disclosure(**data.get("disclosure", {})),
        unplaced=tuple(UnplacedLine(**u) for u in data.get("unplaced", [])),
        source=source,
        positions=positions or {},
    )


def _money(value: Any) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _project(data: dict[str, Any]) -> Project:
    budget = data["budget"]
    other = budget.get("other")
    return Project(
        code=data["code"],
        name=data["name"],
        unit_line=data["unit_line"],
        money_unit=data["money_unit"],
        budget=Budget(_money(budget["total"]), _money(budget["fiscal"]),
                      None if other is None else _money(other)),
        use_of_funds=data["use_of_funds"],
        spending_plan=tuple(SpendingPeriod(s["period"], Decimal(s["share"])) for s in data["spending_plan"]),
        target=data["target"],
        indicators=tuple(Indicator(**i) for i in data["indicators"]),
    )
