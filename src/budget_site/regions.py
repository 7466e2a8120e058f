"""The governments of a city or province platform, from ``data/regions.yaml``.

A county's site has no such file: its units sit flat in ``data/<year>/``.
A platform lists every government once, with its 6-digit administrative
division code and the code of the one above, and keeps each government's
units in ``data/<year>/<region code>/``, because unit codes repeat between
governments. Every problem in the file is reported at once, with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .problems import DataError, Problem
from .yaml_reader import ReadResult, read_yaml

REGIONS_FILE = "regions.yaml"
LEVELS = ("省", "市", "县", "区", "旗")
CODE = re.compile(r"^[1-9][0-9]{5}$")
_KEYS = ("code", "name", "level", "parent")
_EXAMPLE = '- {code: "130637", name: 博野县, level: 县, parent: "130600"}'


@dataclass(frozen=True)
class Region:
    """One government: 博野县, code "130637", under "130600" (保定市)."""

    code: str
    name: str
    level: str  # one of LEVELS
    parent: str | None = None  # None at the top


@dataclass(frozen=True)
class Regions:
    """Every region of the site in file order, with lookups by code and by parent."""

    regions: tuple[Region, ...]
    by_code: dict[str, Region] = field(init=False, repr=False, compare=False)
    _children: dict[str | None, tuple[Region, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_code", {r.code: r for r in self.regions})
        children: dict[str | None, list[Region]] = {}
        for region in self.regions:
            children.setdefault(region.parent, []).append(region)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})

    def __len__(self) -> int:
        return len(self.regions)

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

    def roots(self) -> tuple[Region, ...]:
        return self._children.get(None, ())

    def children(self, code: str) -> tuple[Region, ...]:
        return self._children.get(code, ())

    def ancestors(self, code: str) -> tuple[Region, ...]:
        """From the top down to the region's parent (the breadcrumbs above a region)."""
        chain: list[Region] = []
        parent = self.by_code[code].parent
        while parent is not None:
            region = self.by_code[parent]
            chain.append(region)
            parent = region.parent
        return tuple(reversed(chain))

    def descendants(self, code: str) -> tuple[Region, ...]:
        """The region and every region below it, depth first in file order."""
        found = [self.by_code[code]]
        for child in self.children(code):
            found += self.descendants(child.code)
        return tuple(found)

    def tree(self) -> tuple[tuple[Region, int], ...]:
        """Every region with its depth (0 at the top), parents before children."""
        out: list[tuple[Region, int]] = []

        def walk(region: Region, depth: int) -> None:
            out.append((region, depth))
            for child in self.children(region.code):
                walk(child, depth + 1)

        for root in self.roots():
            walk(root, 0)
        return tuple(out)


def regions_path(data_dir: Path) -> Path:
    return data_dir / REGIONS_FILE


def load_regions(path: Path) -> tuple[Regions | None, list[Problem]]:
    """``regions.yaml`` -> the regions, or None and every problem found."""
    read = read_yaml(path)
    problems = [p for p in read.problems if p.severity == "error"]
    if problems:
        return None, problems
    if not isinstance(read.data, list) or not read.data:
        return None, [Problem(path, 1, None, (), f"应为地区列表，每个地区一行，如：{_EXAMPLE}")]
    regions: list[Region] = []
    for i, item in enumerate(read.data):
        region, found = _region(item, i, read)
        problems += found
        if region is not None:
            regions.append(region)
    if problems:
        return None, problems
    problems += _duplicates(regions, read) + _parents(regions, read)
    if problems:
        return None, problems
    return Regions(tuple(regions)), []


def _region(item: object, i: int, read: ReadResult) -> tuple[Region | None, list[Problem]]:
    problems: list[Problem] = []

    def problem(key: str | None, message: str) -> None:
        at = (i,) if key is None else (i, key)
        line, column = read.position(at)
        problems.append(Problem(read.source, line, column, at, message))

    if not isinstance(item, dict):
        problem(None, f"每个地区应是一个映射，如：{_EXAMPLE}")
        return None, problems
    for key in item:
        if key not in _KEYS:
            problem(key, f"未知字段“{key}”，地区只有 code、name、level、parent 四个字段")
    for key in ("code", "parent"):
        value = item.get(key)
        if key == "parent" and value is None:
            continue
        if isinstance(value, int):
            problem(key, f"区划代码要加引号写成文字：\"{value}\"")
        elif not isinstance(value, str) or not CODE.match(value):
            what = "缺少" if value is None else f"“{value}”不是"
            problem(key, f"{what} 6 位行政区划代码（如 \"130637\"）")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        problem("name", "缺少地区名称（如 博野县）")
    level = item.get("level")
    if level not in LEVELS:
        problem("level", f"级别应为 {'、'.join(LEVELS)} 之一" + (f"，而不是“{level}”" if level else ""))
    if problems:
        return None, problems
    return Region(item["code"], name.strip(), level, item.get("parent")), []


def _duplicates(regions: list[Region], read: ReadResult) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, region in enumerate(regions):
        if region.code in seen:
            line, column = read.position((i, "code"))
            first = read.position((seen[region.code], "code"))[0]
            problems.append(Problem(read.source, line, column, (i, "code"),
                                    f"区划代码 {region.code} 重复（第 {first} 行已有）"))
        seen.setdefault(region.code, i)
    return problems


def _parents(regions: list[Region], read: ReadResult) -> list[Problem]:
    """Every parent exists, and following parents always reaches the top."""
    by_code = {r.code: r for r in regions}
    problems = []
    for i, region in enumerate(regions):
        line, column = read.position((i, "parent"))
        if region.parent is not None and region.parent not in by_code:
            problems.append(Problem(read.source, line, column, (i, "parent"),
                                    f"{region.name}的上级 {region.parent} 不在本文件中"))
            continue
        chain = [region.code]
        parent = region.parent
        while parent is not None and parent in by_code and parent not in chain:
            chain.append(parent)
            parent = by_code[parent].parent
        if parent == region.code:  # reported once for each region in the loop
            loop = " → ".join(chain + [parent])
            problems.append(Problem(read.source, line, column, (i, "parent"),
                                    f"上级关系形成了循环：{loop}"))
    return problems


def check_destination(data_dir: Path, region: str | None) -> None:
    """Where an imported unit may go: into a region listed in ``regions.yaml`` on a
    regional site, straight into the year folder otherwise. Raises ``DataError``."""
    path = regions_path(data_dir)
    if region is None:
        if path.is_file():
            raise DataError([Problem(path, None, None, (), "数据按地区存放（有 regions.yaml）："
                                     "请用 --region 指定这些单位所属地区的代码，如 --region 130637")])
        return
    if not path.is_file():
        raise DataError([Problem(data_dir, None, None, (), f"没有 {path}，数据不是按地区存放的：去掉 --region，"
                                 "或先在 regions.yaml 中列出各地区")])
    regions, problems = load_regions(path)
    if regions is None or any(p.severity == "error" for p in problems):
        raise DataError([p for p in problems if p.severity == "error"])
    if region not in regions:
        raise DataError([Problem(path, None, None, (), f"地区代码 {region} 不在 {path} 中；"
                                 "请核对代码，或先把这个地区加入 regions.yaml")])
