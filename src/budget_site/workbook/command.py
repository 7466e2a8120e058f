"""``budget-site template OUT.xlsx``: the workbook a clerk fills in, blank or with a unit's data."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from ..filesystem import cause_of, write_atomically
from ..loading import data_files, load_unit
from ..problems import DataError, Problem
from .template import blank_workbook, unit_workbook


def write_template(out: Path, year: int | None, code: str | None, projects: int, data_dir: Path,
                   force: bool, region: str | None = None) -> int:
    if out.suffix.lower() != ".xlsx":
        print(f"{out}: 错误: 工作簿的文件名应以 .xlsx 结尾", file=sys.stderr)
        return 2
    if not 1 <= projects <= 200:
        print("错误: --projects 应为 1 到 200 之间的整数", file=sys.stderr)
        return 2
    if out.exists() and not force:
        raise DataError([Problem(out, None, None, (), "文件已存在，没有覆盖；确认要替换它，请加 --force")])
    if code is None:
        content = blank_workbook(year or date.today().year, projects)
        summary = f"空白工作簿，{projects} 个项目表"
    else:
        unit = _unit(data_dir, code, year, region)
        content = unit_workbook(unit)
        summary = f"{unit.year} 年 {unit.code} {unit.name}，{len(unit.projects)} 个项目表，已按 data 中的数据填好"
    _write(out, content)
    print(f"{out}：{summary}")
    return 0


def _unit(data_dir: Path, code: str, year: int | None, region: str | None):
    """The unit's data of ``year``, or of the latest year that has it; on a regional
    site, of ``region`` (unit codes repeat between regions)."""
    files = data_files(data_dir) if data_dir.is_dir() else {}
    found = [(y, p) for y, paths in files.items() for p in paths
             if p.stem == code and year in (None, y) and (region is None or p.parent.name == region)]
    if not found:
        which = f"{year} 年" if year else "任何年度"
        where = f"地区 {region} " if region else ""
        message = f"{which}{where}都没有单位 {code} 的数据文件（{code}.yaml）"
        raise DataError([Problem(data_dir, None, None, (), message)])
    found_year, path = max(found)
    regions = sorted({p.parent.name for y, p in found if y == found_year and p.parent.name != str(y)})
    if region is None and len(regions) > 1:
        raise DataError([Problem(data_dir, None, None, (), f"{found_year} 年有 {len(regions)} 个地区都有单位 {code}"
                                 f"（{'、'.join(regions)}）；请用 --region 指定哪一个")])
    unit, problems = load_unit(path, found_year)
    if unit is None:
        raise DataError([p for p in problems if p.severity == "error"])
    return unit


def _write(out: Path, content: bytes) -> None:
    """Written beside ``out`` and renamed over it: never half a workbook."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(out, content, replace=True)
    except OSError as exc:
        raise DataError([Problem(out, None, None, (), f"无法写入：{cause_of(exc)}")]) from None
