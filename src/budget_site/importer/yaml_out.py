"""The data as YAML in the layout of ``data/2023/230001.yaml``."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import yaml
from yaml.emitter import Emitter

from .parse import ImportedUnit

_ANALYSER = Emitter(io.StringIO(), allow_unicode=True)
_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"


def _scalar(value: Any, flow: bool = False) -> str:
    """One value as YAML: plain where YAML reads it back as the same text,
    double-quoted otherwise ("230001", "%")."""
    if value is None:
        return "null"
    if isinstance(value, int | Decimal):
        return str(value)
    analysis = _ANALYSER.analyze_scalar(value)
    plain = analysis.allow_flow_plain if flow else analysis.allow_block_plain
    reads_as_text = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG
    if value and plain and not analysis.multiline and reads_as_text:
        return value
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=float("inf")).rstrip("\n")


def _money(value: Decimal | None) -> str:
    return "null" if value is None else f"{value:.2f}"


def _flow(mapping: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{key}: {_scalar(value, flow=True)}" for key, value in mapping.items()) + "}"


def _block(mapping: dict[str, Any], indent: str) -> list[str]:
    """A list item written as a block mapping: "- key: value" then "  key: value"."""
    lines = []
    for i, (key, value) in enumerate(mapping.items()):
        prefix = f"{indent}- " if i == 0 else f"{indent}  "
        lines.append(f"{prefix}{key}: {_scalar(value)}")
    return lines


def _section(name: str, items: list[str]) -> list[str]:
    return [f"{name}:", *items] if items else [f"{name}: []"]


def _project_lines(project: dict[str, Any]) -> list[str]:
    budget = project["budget"]
    return [
        f"  - code: {_scalar(project['code'])}",
        f"    name: {_scalar(project['name'])}",
        f"    unit_line: {_scalar(project['unit_line'])}",
        f"    money_unit: {_scalar(project['money_unit'])}",
        "    budget:",
        *(f"      {key}: {_money(budget.get(key))}" for key in ("total", "fiscal", "other")),
        f"    use_of_funds: {_scalar(project['use_of_funds'])}",
        "    spending_plan:",
        *(f"      - {_flow(step)}" for step in project["spending_plan"]),
        f"    target: {_scalar(project['target'])}",
        "    indicators:",
        *(f"      - {_flow(row)}" for row in project["indicators"]),
    ]


def _header_comment(unit: ImportedUnit) -> list[str]:
    """Where the data comes from and what the import changed, with the first
    example of each kind of change so a reviewer can see it in the source."""
    data = unit.data
    examples = "".join(f"“{unit.examples[k]}”" for k in ("words", "code", "period") if k in unit.examples)
    changed = f"只规范了转换产生的空格（如{examples}）" if examples else "转换后的文字里没有需要规范的空格"
    source = _SOURCES.get(unit.kind, f"{unit.kind} 文件")
    if unit.kind == "工作簿":
        return [f"# {data['unit']['name']} {data['year']}年部门预算绩效文本",
                f"# 来源：{data['unit']['name']}填写或核对的工作簿（{source}），由 budget-site import 导入。",
                *(f"# {note}" for note in unit.notes),
                "# 单元格内容原样导入（只去掉了首尾空白）。"]
    return [
        f"# {data['unit']['name']} {data['year']}年部门预算绩效文本",
        f"# 来源：{data['unit']['name']}公开的原文（{source}），由 budget-site import 导入。",
        *(f"# {note}" for note in unit.notes),
        f"# {changed}，",
        "# 原文内容一字未改，包括错别字、占位文字和不完整的值。",
    ]


_SOURCES = {"文字": "PDF 转换成的文字", "PDF": "PDF 文件", "Word": "Word 文件", "工作簿": "Excel/WPS 工作簿"}


def render_yaml(unit: ImportedUnit) -> str:
    """The data in the layout of ``data/2023/230001.yaml``: blocks for the
    texts, one flow mapping per spending period and indicator row."""
    data = unit.data
    lines = [
        *_header_comment(unit),
        f"year: {data['year']}",
        "unit:",
        f"  code: {_scalar(data['unit']['code'])}",
        f"  name: {_scalar(data['unit']['name'])}",
        f"prepared_by: {_scalar(data['prepared_by'])}",
        f"reviewed_by: {_scalar(data['reviewed_by'])}",
        *(["disclosure:", *(f"  {key}: {_scalar(value)}" for key, value in data["disclosure"].items())]
          if data.get("disclosure") else []),
        "",
        *_section("overall_goals", [f"  - {_scalar(goal)}" for goal in data["overall_goals"]]),
        "",
        *_section("itemised_goals", [line for goal in data["itemised_goals"] for line in _block(goal, "  ")]),
        "",
        *_section("measures", [line for measure in data["measures"] for line in _block(measure, "  ")]),
        "",
    ]
    projects = [_project_lines(project) for project in data["projects"]]
    lines += _section("projects", [line for i, block in enumerate(projects) for line in ([""] if i else []) + block])
    if data.get("unplaced"):
        lines += ["", "# 导入时未能归入任何字段的原文行：请核对后移入正确的字段，再删去这一节。",
                  *_section("unplaced", [f"  - {_flow(item)}" for item in data["unplaced"]])]
    return "\n".join(lines) + "\n"
