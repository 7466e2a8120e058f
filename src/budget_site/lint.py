"""Quality review for the finance bureau (DESIGN §6): warnings, not errors.

The data is publishable as it is (the document says what it says), but a
reviewer should look at these before the year is published.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from .model import Project, UnitDocument, YearData
from .problems import JsonPath, Problem

LEVEL1_GROUPS = ("产出指标", "效益指标", "满意度指标")
LEVEL2_OF_LEVEL1 = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}
PLACEHOLDER = re.compile(r"目标内容\s*\d+|[（(]?(?:待填|待定|略|XX|××)[）)]?$|^[-—/无]$")
# A value carrying a unit of measure or a comparison is quantitative and needs a number.
QUANTITATIVE_VALUE = re.compile(r"[%％‰≥≤><]|元|小时")
DIGIT = re.compile(r"[0-9０-９一二三四五六七八九十百千万]")


def lint_year(data: YearData) -> list[Problem]:
    """Every warning of one year, in file and line order."""
    problems = [p for unit in data.units for p in lint_unit(unit)]
    problems += _project_codes_shared_between_units(data.units)
    return sorted(problems, key=lambda p: (str(p.file), p.line or 0, p.column or 0))


def lint_unit(unit: UnitDocument) -> list[Problem]:
    found: list[Problem] = list(unit.notes)

    def warn(path: JsonPath, message: str) -> None:
        line, column = _position(unit, path)
        found.append(Problem(unit.source or Path(f"{unit.code}.yaml"), line, column, path, message, "warning"))

    for i, project in enumerate(unit.projects):
        _lint_project(project, ("projects", i), warn)
    for i, item in enumerate(unit.unplaced):
        warn(("unplaced", i, "text"), f"导入时未能归类的原文（{item.place}），请核对后移入正确字段：{item.text}")
    for path, text in _texts(unit):
        if PLACEHOLDER.search(text.strip()):
            warn(path, f"像是未填写的占位文字：“{text}”")
    return found


def _lint_project(project: Project, at: JsonPath, warn) -> None:
    budget = project.budget
    if budget.fiscal + (budget.other or Decimal(0)) != budget.total:
        other = "空白" if budget.other is None else f"{budget.other:.2f}"
        warn(at + ("budget",), f"财政资金 {budget.fiscal:.2f} + 其他资金 {other} ≠ 预算数 {budget.total:.2f}")
    shares = sum((step.share for step in project.spending_plan), Decimal(0))
    if shares != 100:
        warn(at + ("spending_plan",), f"资金支出计划各时段比例合计为 {shares.normalize():f}%，不是 100%")

    groups = {indicator.level1 for indicator in project.indicators}
    missing = [group for group in LEVEL1_GROUPS if group not in groups]
    if missing:
        warn(at + ("indicators",), f"缺少一级指标：{'、'.join(missing)}")
    for i, indicator in enumerate(project.indicators):
        row = at + ("indicators", i)
        allowed = LEVEL2_OF_LEVEL1.get(indicator.level1)
        if allowed is None:
            warn(row + ("level1",), f"一级指标“{indicator.level1}”不是{'、'.join(LEVEL1_GROUPS)}之一")
        elif indicator.level2 not in allowed:
            warn(row + ("level2",), f"二级指标“{indicator.level2}”不属于一级指标“{indicator.level1}”"
                                    f"（应为{'、'.join(allowed)}之一）")
        value = indicator.value
        rate = indicator.level3.endswith("率") or indicator.description.endswith("率")
        if not DIGIT.search(value) and (QUANTITATIVE_VALUE.search(value) or rate):
            warn(row + ("value",), f"定量指标的指标值“{value}”没有数字")


def _texts(unit: UnitDocument) -> Iterable[tuple[JsonPath, str]]:
    """Free-text fields where a placeholder could hide."""
    for i, text in enumerate(unit.overall_goals):
        yield ("overall_goals", i), text
    for i, goal in enumerate(unit.itemised_goals):
        for key in ("title", "goal", "indicator"):
            yield ("itemised_goals", i, key), getattr(goal, key)
    for i, measure in enumerate(unit.measures):
        for key in ("title", "text"):
            yield ("measures", i, key), getattr(measure, key)
    for i, project in enumerate(unit.projects):
        for key in ("name", "use_of_funds", "target"):
            yield ("projects", i, key), getattr(project, key)
        for j, indicator in enumerate(project.indicators):
            for key in ("level3", "description", "basis"):
                yield ("projects", i, "indicators", j, key), getattr(indicator, key)


def _project_codes_shared_between_units(units: Iterable[UnitDocument]) -> list[Problem]:
    """Within one government: every county numbers its own projects."""
    first: dict[tuple[str | None, str], UnitDocument] = {}
    found = []
    for unit in units:
        for i, project in enumerate(unit.projects):
            other = first.setdefault((unit.region, project.code), unit)
            if other is not unit:
                path = ("projects", i, "code")
                line, column = _position(unit, path)
                found.append(Problem(unit.source or Path(f"{unit.code}.yaml"), line, column, path,
                                     f"项目编码 {project.code} 与单位 {other.code} {other.name}的项目重复", "warning"))
    return found


def _position(unit: UnitDocument, path: JsonPath) -> tuple[int | None, int | None]:
    while path:
        if path in unit.positions:
            return unit.positions[path]
        path = path[:-1]
    return (None, None)
