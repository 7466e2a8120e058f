"""What a re-import changes: the unit already in the data folder against the newly imported one.

``import --force`` replaces a unit's file; the reviewer must see what the new
document changes in words they know (the document's headings and column
names), not a diff of YAML: ``常年驻京值班工作队值班费：预算数 45.00 → 50.00；
绩效指标：1 项有变（人民群众满意度：100% → ≥95%）``. Projects are matched by
code, then by name; indicators by their 一级/二级/三级指标, then by position.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..model import Indicator, Project, UnitDocument

_COVER = (("name", "单位名称"), ("prepared_by", "编制"), ("reviewed_by", "审核"))
_DISCLOSURE = (("index_number", "索引号"), ("publisher", "发布机构"), ("written_date", "成文日期"),
               ("published_date", "发布日期"), ("topic", "主题分类"))
_BUDGET = (("total", "预算数"), ("fiscal", "财政资金"), ("other", "其他资金"))
_INDICATOR = (("level1", "一级指标"), ("level2", "二级指标"), ("level3", "三级指标"),
              ("description", "绩效指标描述"), ("value", "指标值"), ("basis", "指标值确定依据"))
_SHOWN = 3  # changed indicators shown by name; the rest are counted


def unit_changes(old: UnitDocument, new: UnitDocument) -> list[str]:
    """Each change as one phrase, in the document's order; empty when nothing changed."""
    changes = [f"{label}：{_shown(getattr(old, key))} → {_shown(getattr(new, key))}"
               for key, label in _COVER if getattr(old, key) != getattr(new, key)]
    changes += [f"{label}：{_shown(getattr(old.disclosure, key))} → {_shown(getattr(new.disclosure, key))}"
                for key, label in _DISCLOSURE if getattr(old.disclosure, key) != getattr(new.disclosure, key)]
    changes += _list_changes("总体绩效目标", old.overall_goals, new.overall_goals)
    changes += _list_changes("分项绩效目标", [g.title for g in old.itemised_goals],
                             [g.title for g in new.itemised_goals], old.itemised_goals, new.itemised_goals)
    changes += _list_changes("工作保障措施", [m.title for m in old.measures],
                             [m.title for m in new.measures], old.measures, new.measures)
    changes += _project_changes(old.projects, new.projects)
    if len(old.unplaced) != len(new.unplaced) or old.unplaced and old.unplaced != new.unplaced:
        changes.append(f"未归类原文：{len(old.unplaced)} 行 → {len(new.unplaced)} 行")
    return changes


def summary(changes: list[str]) -> str:
    return "；".join(changes) if changes else "与原有数据相同，没有改动"


def _shown(value: object) -> str:
    if value is None or value == "":
        return "（空）"
    return _short(str(value))


def _short(text: str, width: int = 30) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _list_changes(label: str, old_keys: Sequence[str], new_keys: Sequence[str],
                  old_items: Sequence[object] | None = None, new_items: Sequence[object] | None = None) -> list[str]:
    """A numbered list: items changed (same title, other text), added and removed, by title."""
    old_items = old_items if old_items is not None else old_keys
    new_items = new_items if new_items is not None else new_keys
    if list(old_items) == list(new_items):
        return []
    if old_items is old_keys:  # plain texts: which numbers differ
        numbers = [str(i + 1) for i in range(max(len(old_keys), len(new_keys)))
                   if i >= len(old_keys) or i >= len(new_keys) or old_keys[i] != new_keys[i]]
        count = f"（{len(old_keys)} 条 → {len(new_keys)} 条）" if len(old_keys) != len(new_keys) else ""
        return [f"{label}：第 {'、'.join(numbers)} 条有变{count}"]
    old_by = dict(zip(old_keys, old_items, strict=True))
    new_by = dict(zip(new_keys, new_items, strict=True))
    parts = []
    changed = [key for key in new_keys if key in old_by and old_by[key] != new_by[key]]
    added = [key for key in new_keys if key not in old_by]
    removed = [key for key in old_keys if key not in new_by]
    if changed:
        parts.append(f"{'、'.join(map(_short, changed))}有变")
    if added:
        parts.append(f"新增{'、'.join(map(_short, added))}")
    if removed:
        parts.append(f"删去{'、'.join(map(_short, removed))}")
    if not parts:
        parts.append("顺序有变")
    return [f"{label}：{'，'.join(parts)}"]


def _project_changes(old: Sequence[Project], new: Sequence[Project]) -> list[str]:
    old_by_code = {p.code: p for p in old}
    old_by_name = {p.name: p for p in old}
    matched: dict[int, Project] = {}
    for index, project in enumerate(new):
        found = old_by_code.get(project.code) or old_by_name.get(project.name)
        if found is not None and found not in matched.values():
            matched[index] = found
    changes = []
    for index, project in enumerate(new):
        if index in matched:
            details = _one_project(matched[index], project)
            if details:
                changes.append(f"{project.name}：{'，'.join(details)}")
    added = [p for i, p in enumerate(new) if i not in matched]
    removed = [p for p in old if p not in matched.values()]
    if added:
        changes.append(f"新增项目 {len(added)} 个（{'、'.join(_short(p.name) for p in added)}）")
    if removed:
        changes.append(f"删去项目 {len(removed)} 个（{'、'.join(_short(p.name) for p in removed)}）")
    return changes


def _one_project(old: Project, new: Project) -> list[str]:
    details = []
    if old.code != new.code:
        details.append(f"项目编码 {old.code} → {new.code}")
    if old.name != new.name:
        details.append(f"项目名称原为“{_short(old.name)}”")
    if old.unit_line != new.unit_line:
        details.append(f"单位行 {_shown(old.unit_line)} → {_shown(new.unit_line)}")
    if old.money_unit != new.money_unit:
        details.append(f"金额单位 {old.money_unit} → {new.money_unit}")
    for key, label in _BUDGET:
        before, after = getattr(old.budget, key), getattr(new.budget, key)
        if before != after:
            details.append(f"{label} {_money(before)} → {_money(after)}")
    if old.use_of_funds != new.use_of_funds:
        details.append("资金用途有变")
    if old.spending_plan != new.spending_plan:
        plan = "、".join(f"{s.period} {s.share}%" for s in new.spending_plan)
        details.append(f"资金支出计划有变（现为 {plan}）")
    if old.target != new.target:
        details.append("绩效目标有变")
    indicators = _indicator_changes(old.indicators, new.indicators)
    if indicators:
        details.append(f"绩效指标：{indicators}")
    return details


def _money(value: Decimal | None) -> str:
    return "（空）" if value is None else f"{value:.2f}"


def _indicator_changes(old: Sequence[Indicator], new: Sequence[Indicator]) -> str:
    """"2 项有变（人民群众满意度：100% → ≥95%；…）、新增 1 项（…）、删去 1 项（…）"."""
    if tuple(old) == tuple(new):
        return ""
    key = lambda i: (i.level1, i.level2, i.level3)  # noqa: E731
    old_by = {key(i): i for i in old}
    new_keys = {key(i) for i in new}
    pairs: list[tuple[Indicator, Indicator]] = []
    added: list[Indicator] = []
    for position, indicator in enumerate(new):
        before = old_by.get(key(indicator))
        if before is None and position < len(old) and key(old[position]) not in new_keys:
            before = old[position]  # the same row, its 三级指标 renamed
        if before is None:
            added.append(indicator)
        elif before != indicator:
            pairs.append((before, indicator))
    kept = {id(before) for before, _ in pairs} | {id(old_by.get(key(i))) for i in new}
    removed = [i for i in old if id(i) not in kept]
    parts = []
    if pairs:
        shown = "；".join(_indicator_difference(before, after) for before, after in pairs[:_SHOWN])
        more = f"；另 {len(pairs) - _SHOWN} 项" if len(pairs) > _SHOWN else ""
        parts.append(f"{len(pairs)} 项有变（{shown}{more}）")
    if added:
        parts.append(f"新增 {len(added)} 项（{'、'.join(_short(i.level3) for i in added)}）")
    if removed:
        parts.append(f"删去 {len(removed)} 项（{'、'.join(_short(i.level3) for i in removed)}）")
    return "、".join(parts) or "顺序有变"


def _indicator_difference(old: Indicator, new: Indicator) -> str:
    """"人民群众满意度：100% → ≥95%" for the 指标值, else the column that changed."""
    fields = [(key, label) for key, label in _INDICATOR if getattr(old, key) != getattr(new, key)]
    if [key for key, _ in fields] == ["value"]:
        return f"{_short(new.level3)}：{_shown(old.value)} → {_shown(new.value)}"
    said = "、".join(f"{label} {_shown(getattr(old, key))} → {_shown(getattr(new, key))}" for key, label in fields)
    return f"{_short(new.level3)}：{said}"
